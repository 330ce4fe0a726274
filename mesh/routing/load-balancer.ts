// Picking one healthy instance of a cluster, per DestinationRule `loadBalancer.simple`.
// - Default: Istio's release notes say it "Updated Istio's default load balancing algorithm from
//   ROUND_ROBIN to LEAST_REQUEST", so an unset policy is LEAST_REQUEST here too.
// - LEAST_REQUEST: Envoy's power of two choices for equally weighted hosts: draw two hosts at
//   random (with replacement) and keep the one with fewer requests in flight, the first on a tie.
// - ROUND_ROBIN: one counter per cluster, advanced on every pick.
// - RANDOM: one uniform draw.
// - PASSTHROUGH forwards to the caller's original destination address without balancing. Locally
//   there is no original address to keep (callers address the mesh, not an instance), so it is
//   balanced like ROUND_ROBIN.
// Retries: Istio installs Envoy's previous_hosts retry predicate, so a retry avoids the hosts
// already tried while others remain; `avoid` carries those endpoints.
import type { MeshInstance } from '../config/topology.ts';
import { endpointKey } from './endpoint.ts';
import type { LoadBalancerPolicy } from './subsets.ts';

export const DEFAULT_LOAD_BALANCER: LoadBalancerPolicy = 'LEAST_REQUEST';

/** Envoy's default choice_count for LEAST_REQUEST. */
const LEAST_REQUEST_CHOICES = 2;

export interface PickOptions {
  random: () => number;
  /** Requests in flight to an instance; LEAST_REQUEST needs it (0 for all when absent). */
  inFlight?: (instance: MeshInstance) => number;
  /** Endpoints (endpointKey) already tried for this request. */
  avoid?: ReadonlySet<string>;
}

export class LoadBalancer {
  readonly #counters = new Map<string, number>();

  /** One instance of `instances` (already filtered to healthy ones), or undefined if none. */
  pick(
    clusterName: string,
    instances: readonly MeshInstance[],
    policy: LoadBalancerPolicy | undefined,
    options: PickOptions,
  ): MeshInstance | undefined {
    const candidates = withoutTried(instances, options.avoid);
    if (candidates.length <= 1) return candidates[0];
    switch (policy ?? DEFAULT_LOAD_BALANCER) {
      case 'RANDOM':
        return candidates[Math.floor(options.random() * candidates.length)];
      case 'LEAST_REQUEST':
        return leastRequest(candidates, options);
      case 'ROUND_ROBIN':
      case 'PASSTHROUGH':
        return this.#roundRobin(clusterName, candidates);
    }
  }

  #roundRobin(clusterName: string, candidates: readonly MeshInstance[]): MeshInstance | undefined {
    const next = this.#counters.get(clusterName) ?? 0;
    this.#counters.set(clusterName, next + 1);
    return candidates[next % candidates.length];
  }
}

function withoutTried(
  instances: readonly MeshInstance[],
  avoid: ReadonlySet<string> | undefined,
): readonly MeshInstance[] {
  if (!avoid || avoid.size === 0) return instances;
  const fresh = instances.filter((instance) => !avoid.has(endpointKey(instance)));
  return fresh.length > 0 ? fresh : instances;
}

function leastRequest(
  candidates: readonly MeshInstance[],
  options: PickOptions,
): MeshInstance | undefined {
  const inFlight = options.inFlight ?? (() => 0);
  let chosen: MeshInstance | undefined;
  for (let choice = 0; choice < LEAST_REQUEST_CHOICES; choice++) {
    const sampled = candidates[Math.floor(options.random() * candidates.length)];
    if (sampled && (!chosen || inFlight(sampled) < inFlight(chosen))) chosen = sampled;
  }
  return chosen;
}
