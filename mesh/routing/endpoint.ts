// One name for one upstream endpoint, shared by the load balancer, the outlier detector and the
// retry logic ("hosts already tried"). Envoy tells hosts apart by address, so this does too: two
// replicas of one workload are two endpoints.
import type { MeshInstance } from '../config/topology.ts';

/** `127.0.0.1:7301`: the address an instance listens on. */
export const endpointKey = (instance: Pick<MeshInstance, 'host' | 'port'>): string =>
  `${instance.host}:${instance.port}`;
