// Istio's HTTP mirror as Envoy's request_mirror_policies run it: the route's `mirror` gets a copy
// of a share of its requests, drawn per request (Envoy's runtime_fraction; `mirrorPercentage`
// absent means every request), and the copy's Host/:authority carries Envoy's `-shadow` suffix so
// that the mirror can tell shadow traffic from live traffic.
import type { HttpRoute } from '../config/schema.ts';

export type MirrorDestination = NonNullable<HttpRoute['mirror']>;

/** Envoy appends this to the Host/:authority of every shadow request. */
export const SHADOW_HOST_SUFFIX = '-shadow';

/** The route's mirror when this request is to be copied to it; draws `random()` once. */
export function decideMirror(
  route: HttpRoute,
  random: () => number,
): MirrorDestination | undefined {
  if (!route.mirror) return undefined;
  const percentage = route.mirrorPercentage?.value ?? 100;
  return random() * 100 < percentage ? route.mirror : undefined;
}

/** `quiz` → `quiz-shadow`, `quiz.quiz.svc.cluster.local:8080` → `…cluster.local-shadow:8080`. */
export function shadowHost(host: string): string {
  const port = /:\d+$/.exec(host)?.[0] ?? '';
  return `${host.slice(0, host.length - port.length)}${SHADOW_HOST_SUFFIX}${port}`;
}
