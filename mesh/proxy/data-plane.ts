// What every listener's request handler shares: the topology, the config generation in force,
// telemetry, the load balancer and upstream pool, the logger, and the dice and clock (a test can
// fix them).
import type { Logger } from '../../services/kit/logger.ts';
import type { MeshService, MeshTopology } from '../config/topology.ts';
import type { LoadBalancer } from '../routing/load-balancer.ts';
import type { IstioMetrics } from '../telemetry/istio-metrics.ts';
import type { ProxySpans } from '../telemetry/proxy-spans.ts';
import type { CompiledConfig } from './compiled-config.ts';
import type { SourceIdentity } from './identity.ts';
import type { RetryBuffers } from './retry-buffers.ts';
import type { UpstreamPool } from './upstream-pool.ts';

/** What a listener knows about the requests arriving on it. */
export interface Listener {
  source: SourceIdentity;
  /** `mesh` for an app's outbound listener, else the gateway it serves (read per request, as
   *  Gateway resources may change). */
  gateway: () => string;
  /** The Service an outbound listener leads to; undefined at the ingress (chosen by Host). */
  service?: MeshService;
}

export interface DataPlane {
  topology: MeshTopology;
  compiled(): CompiledConfig;
  metrics: IstioMetrics;
  spans: ProxySpans;
  balancer: LoadBalancer;
  upstreams: UpstreamPool;
  retryBuffers: RetryBuffers;
  logger: Logger;
  random: () => number;
  now: () => number;
}
