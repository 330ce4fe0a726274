// Picking one destination of a route by weight. Istio: "If there is only one destination in a
// rule, it will receive all traffic" whatever its weight; with several, an omitted weight is 0,
// and Istio drops 0-weight destinations, so they are never chosen. Weights are read as relative
// shares (Istio requires them to total 100, which makes them percentages).
import type { HttpRoute } from '../config/schema.ts';

export type RouteDestination = HttpRoute['route'][number];

/** One destination chosen by weight with `random()` in [0, 1); undefined when all weigh 0. */
export function pickWeighted<T extends { weight?: number | undefined }>(
  destinations: readonly T[],
  random: () => number,
): T | undefined {
  if (destinations.length === 1) return destinations[0];
  let total = 0;
  for (const destination of destinations) total += destination.weight ?? 0;
  if (total <= 0) return undefined;
  const draw = random() * total;
  let cumulative = 0;
  for (const destination of destinations) {
    cumulative += destination.weight ?? 0;
    if (draw < cumulative) return destination;
  }
  // Only reachable if random() returned 1: fall back to the last destination with weight.
  return destinations.findLast((destination) => (destination.weight ?? 0) > 0);
}
