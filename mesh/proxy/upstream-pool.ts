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

/**
 * How long a pooled connection may sit idle before the proxy closes it. Below the apps' keep-alive
 * timeout (Node's default 5 s, which the kit keeps), so the proxy always closes first: reusing a
 * connection the app is closing at that moment resets the call ("upstream connect error or
 * disconnect/reset before headers. reset reason: connection termination"), as it does between
 * Envoy and a Node app whose keep-alive timeout is below Envoy's idle timeout.
 */
export const UPSTREAM_IDLE_TIMEOUT_MS = 3_000;

export function createUpstreamPool(idleTimeoutMs = UPSTREAM_IDLE_TIMEOUT_MS): UpstreamPool {
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
        // `timeout` on an agent closes a socket that idles that long in its free list.
        agent = new http.Agent({ keepAlive: true, maxSockets: 256, timeout: idleTimeoutMs });
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
