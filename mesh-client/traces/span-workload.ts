// Which app (and version) a span speaks for. Sidecar spans are reported under the proxy's own
// name (`quiz.quiz`, `istio-ingressgateway.istio-system`) but carry the workload's canonical
// service and revision, the identity the mesh itself vouches for; app spans carry the OTel
// resource's `service.version`.
import { localServiceName, type Span } from '../../tracestore/span.ts';

/** Envoy tags every span it reports with component=proxy; the local mesh does the same. */
export function isSidecarSpan(span: Span): boolean {
  return span.tags?.component === 'proxy';
}

export function appOf(span: Span): string | undefined {
  const canonical = isSidecarSpan(span) ? span.tags?.['istio.canonical_service'] : undefined;
  return canonical ?? localServiceName(span);
}

export function versionOf(span: Span): string | undefined {
  const version = isSidecarSpan(span)
    ? span.tags?.['istio.canonical_revision']
    : span.tags?.['service.version'];
  // A gateway without a version label reports "unknown", which is no version at all.
  return version === 'unknown' ? undefined : version;
}

/**
 * The service a sidecar sent a call to, from the cluster it picked (`outbound|8080|v1|host`) or,
 * when none was picked (no route), from its span name (`host:port/*`).
 */
export function upstreamOf(span: Span): string | undefined {
  const clusterHost = span.tags?.upstream_cluster?.split('|')[3];
  const nameHost = span.name?.replace(/\/\*$/, '');
  const host = clusterHost || nameHost;
  return host ? serviceOfHost(host) : undefined;
}

/** `descriptions.quiz.svc.cluster.local:8080` is the Kubernetes Service `descriptions`. */
function serviceOfHost(hostAndPort: string): string {
  const host = hostAndPort.replace(/:\d+$/, '');
  return /^[^.]+\.[^.]+\.svc(?:\.|$)/.test(host) ? (host.split('.')[0] ?? host) : host;
}
