// What the proxy keeps per upstream endpoint across requests and listeners: a keep-alive
// connection pool, the count of requests in flight (LEAST_REQUEST reads it), and per cluster the
// outlier detector with its history.
import http from 'node:http';
import type { MeshInstance } from '../config/topology.ts';
import { endpointKey } from '../routing/endpoint.ts';
import { OutlierDetector } from '../routing/outlier.ts';
import type { Cluster } from '../routing/subsets.ts';
import { attemptUpstream, type AttemptOutcome, type AttemptRequest } from './upstream-attempt.ts';

export interface UpstreamPool {
  detectorFor(cluster: Cluster, now: number): OutlierDetector;
  inFlight(instance: MeshInstance): number;
  /** One try against `instance` over its pool, counted in flight while it runs. */
  attempt(
    instance: MeshInstance,
    request: AttemptRequest,
    timeoutMs: () => number,
    cancel: AbortSignal,
  ): Promise<AttemptOutcome>;
}

export function createUpstreamPool(): UpstreamPool {
  const agents = new Map<string, http.Agent>();
  const inFlight = new Map<string, number>();
  const detectors = new Map<string, { policyKey: string; detector: OutlierDetector }>();
  return {
    detectorFor(cluster, now) {
      // A changed OutlierDetection starts a fresh detector; an unchanged one keeps its history.
      const policy = cluster.trafficPolicy.outlierDetection;
      const policyKey = JSON.stringify(policy ?? null);
      let entry = detectors.get(cluster.name);
      if (!entry || entry.policyKey !== policyKey) {
        entry = { policyKey, detector: new OutlierDetector(policy, cluster.instances, now) };
        detectors.set(cluster.name, entry);
      }
      return entry.detector;
    },
    inFlight: (instance) => inFlight.get(endpointKey(instance)) ?? 0,
    async attempt(instance, request, timeoutMs, cancel) {
      const key = endpointKey(instance);
      let agent = agents.get(key);
      if (!agent) {
        agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
        agents.set(key, agent);
      }
      inFlight.set(key, (inFlight.get(key) ?? 0) + 1);
      try {
        return await attemptUpstream(instance, request, timeoutMs, agent, cancel);
      } finally {
        inFlight.set(key, (inFlight.get(key) ?? 1) - 1);
      }
    },
  };
}
