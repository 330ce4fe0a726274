// The mirror's copy of a request, as Envoy's router shadows one: sent once the whole request has
// arrived, to an instance of the mirror's cluster, with Host/:authority `<host>-shadow`; never
// retried, its response read and discarded, and nothing about it (failure, slowness) reaches the
// caller. Envoy shadows the body it buffered, so a body that outgrew the retry buffer
// (retry-buffers.ts) is not shadowed at all, as Envoy abandons that shadow. Istio's sidecar
// reports shadow calls from the destination side only (istio/istio#23496, #11093), so the source
// reporter does not count them; the span is the source sidecar's, as Envoy traces its shadows.
import http from 'node:http';
import { fqdnOf } from '../config/topology.ts';
import { shadowHost } from '../routing/mirror.ts';
import type { Cluster } from '../routing/subsets.ts';
import type { Call } from './call.ts';
import { spanName } from './call.ts';
import { callLabels } from './identity.ts';
import { connectionSecurityPolicy } from '../routing/peer-auth.ts';

/** Starts the shadow of `call` to `cluster`; returns at once. */
export function shadowTo(call: Call, cluster: Cluster): void {
  void call.body.bufferedWhole().then((body) => {
    if (body === undefined) {
      call.plane.retryBuffers.abandoned(cluster.name);
      return;
    }
    sendShadow(call, cluster, body);
  });
}

function sendShadow(call: Call, cluster: Cluster, body: Buffer): void {
  const { plane, listener } = call;
  const healthy = plane.upstreams
    .detectorFor(cluster, plane.now())
    .healthy(cluster.instances, plane.now());
  const instance = plane.balancer.pick(
    cluster.name,
    healthy,
    cluster.trafficPolicy.loadBalancer?.simple,
    {
      random: plane.random,
      inFlight: (i) => plane.upstreams.inFlight(i),
      avoid: new Set(),
    },
  );
  if (!instance) return;
  const host = shadowHost(call.headers.host ?? fqdnOf(cluster.service));
  const started = performance.now();
  const span = plane.spans.start(
    listener.source.proxyName,
    spanName(cluster.service, host),
    call.headers,
    {
      'http.method': call.method,
      'http.url': `http://${host}${call.path}`,
      'guid:x-request-id': call.headers['x-request-id'],
      component: 'proxy',
    },
  );
  const headers = {
    ...span.upstreamHeaders(call.headers),
    host,
    'content-length': String(body.length),
  };
  const finish = (status: number, responseBytes: number): void => {
    const mode = call.compiled.securityOf(instance).mtls;
    plane.metrics.record({
      key: `shadow|${listener.source.workload}|${cluster.service.name}|${instance.workload}|${status}`,
      labels: () => callLabels(listener.source, cluster.service, instance, status, '-'),
      destinationSecurity: connectionSecurityPolicy(mode),
      reachedDestination: true,
      sourceReports: false,
      durationMs: performance.now() - started,
      requestBytes: body.length,
      responseBytes,
    });
    span.end({ status, flags: '-', upstreamCluster: cluster.name });
  };
  const request = http.request({
    host: instance.host,
    port: instance.port,
    method: call.method,
    path: call.path,
    headers,
    agent: false,
  });
  request.on('response', (response) => {
    let bytes = 0;
    response.on('data', (chunk: Buffer) => (bytes += chunk.length));
    response.on('end', () => {
      finish(response.statusCode ?? 502, bytes);
    });
    response.on('error', () => {
      finish(response.statusCode ?? 502, bytes);
    });
  });
  request.on('error', () => {
    finish(503, 0);
  });
  request.end(body);
}
