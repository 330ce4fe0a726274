// The spans a cluster's sidecars would report for one of local mode's mesh spans. Local mode's mesh
// reports one CLIENT span per hop with the tags a dashboard reads; on a cluster both ends of a hop
// have an Envoy, and each reports its own span with Istio's full tag set (the caller's CLIENT span
// and the callee's SERVER span, sharing the span id, as Envoy's Zipkin tracer does). Zipkin's heap
// per span, and how fast MEM_MAX_SPANS fills, depend on both, so the Zipkin soak feeds it this
// shape. The tag names and value shapes are those of Istio 1.2x sidecar spans; the values are made
// up but as long as real ones (pod names with their hashes, pod IPs, Envoy's cluster names).
import { createHash } from 'node:crypto';
import type { Span } from '../../../tracestore/span.ts';

const NAMESPACE = 'quiz';

/** A stable pod name and IP per workload, as a ReplicaSet would give them. */
function pod(app: string, version: string): { name: string; ip: string } {
  const hash = createHash('sha256').update(`${app}-${version}`).digest();
  const suffix = hash
    .toString('hex')
    .slice(0, 10)
    .replace(/\d/g, (d) => 'bcdfghjklm'.charAt(Number(d)));
  const name = `${app}-${version}-${suffix.slice(0, 10)}-${suffix.slice(0, 5)}`;
  return { name, ip: `10.244.0.${(hash[0] ?? 0) + 2}` };
}

/** `quiz.quiz.svc.cluster.local:8080/*` → `quiz`. */
function destinationApp(span: Span): string {
  return (span.name ?? 'unknown').split('.')[0] ?? 'unknown';
}

function istioTags(
  span: Span,
  self: { app: string; version: string },
  peer: { ip: string },
  direction: 'outbound' | 'inbound',
): Record<string, string> {
  const tags = span.tags ?? {};
  const host = `${destinationApp(span)}.${NAMESPACE}.svc.cluster.local`;
  const me = pod(self.app, self.version);
  return {
    ...tags,
    component: 'proxy',
    downstream_cluster: '-',
    'http.protocol': 'HTTP/1.1',
    'istio.canonical_revision': self.version,
    'istio.canonical_service': self.app,
    'istio.cluster_id': 'Kubernetes',
    'istio.mesh_id': 'cluster.local',
    'istio.namespace': NAMESPACE,
    node_id: `sidecar~${me.ip}~${me.name}.${NAMESPACE}~${NAMESPACE}.svc.cluster.local`,
    'peer.address': peer.ip,
    request_size: '0',
    response_size: tags['response_size'] ?? '412',
    response_flags: tags['response_flags'] ?? '-',
    upstream_cluster: direction === 'outbound' ? `outbound|8080||${host}` : `inbound|8080||`,
    'upstream_cluster.name': direction === 'outbound' ? `outbound|8080||${host}` : `inbound|8080||`,
    user_agent: 'node',
  };
}

/**
 * The two sidecar spans of one local mesh span (tag `component: proxy`); any other span as it is.
 * The callee's version is not in the caller's span; the callee's span says `v1`, which changes
 * no byte count.
 */
export function asSidecarSpans(span: Span): Span[] {
  if (span.tags?.['component'] !== 'proxy') return [span];
  const caller = {
    app: span.tags['istio.canonical_service'] ?? 'unknown',
    version: span.tags['istio.canonical_revision'] ?? 'v1',
  };
  const callee = { app: destinationApp(span), version: 'v1' };
  const callerPod = pod(caller.app, caller.version);
  const calleePod = pod(callee.app, callee.version);
  const client: Span = { ...span, tags: istioTags(span, caller, calleePod, 'outbound') };
  const server: Span = {
    ...span,
    kind: 'SERVER',
    shared: true,
    localEndpoint: { serviceName: `${callee.app}.${NAMESPACE}`, ipv4: calleePod.ip },
    tags: istioTags(span, callee, callerPod, 'inbound'),
  };
  delete server.remoteEndpoint;
  return [client, server];
}
