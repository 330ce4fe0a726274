// istio_requests_total labels of one caller → callee pair, as a source sidecar reports them, for
// tests that build graphs from hand-written rates. `from` and `to` are "app version", or `gateway`
// (the ingress gateway) or `unknown` (a caller or callee the mesh could not name).
export function sourceCallLabels(
  from: string,
  to: string,
  code: string,
  more: Record<string, string> = {},
): Record<string, string> {
  const source = workload(from);
  const destination = workload(to);
  return {
    reporter: 'source',
    source_workload: source.workload,
    source_app: source.app,
    source_version: source.version,
    destination_workload: destination.workload,
    destination_app: destination.app,
    destination_version: destination.version,
    destination_service_name: destination.app,
    response_code: code,
    ...more,
  };
}

function workload(name: string): { workload: string; app: string; version: string } {
  if (name === 'gateway') {
    const app = 'istio-ingressgateway';
    return { workload: app, app, version: 'unknown' };
  }
  if (name === 'unknown') return { workload: 'unknown', app: 'unknown', version: 'unknown' };
  const [app = '', version = ''] = name.split(' ');
  return { workload: `${app}-${version}`, app, version };
}
