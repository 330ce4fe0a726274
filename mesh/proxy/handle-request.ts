// The data plane: what a sidecar (or the ingress gateway) does with one request, as a chain of
// named phases, each handing the call to the next or answering it:
//   handleRequest   start the call and its span (413 when the body is past the listener's limit);
//                   the body streams to the upstream later, as it arrives (request-body.ts)
//   routeCall       the VirtualServices choose a route, or the answer is 404 NR
//   injectFaults    the route's fault: a delay (DI), or an abort answered here (FI)
//   chooseCluster   the weighted destination's cluster, or 503 NC; the mirror's shadow (shadow.ts)
//   forwardToCluster (forward.ts): pick an instance, authorize, attempt with retries, verdict
// Every answer is reported as Envoy does: Istio's metrics from both sides and one span in the
// caller's trace (verdict.ts).
import type http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HttpRoute } from '../config/schema.ts';
import { decideFault } from '../routing/fault.ts';
import { FAULT_ABORT_BODY, RESPONSE_FLAGS } from '../routing/response-flags.ts';
import { decideMirror } from '../routing/mirror.ts';
import { selectRoute } from '../routing/route-table.ts';
import { resolveDestination } from '../routing/subsets.ts';
import { pickWeighted } from '../routing/weighted.ts';
import { spanName, startCall, type Call } from './call.ts';
import type { DataPlane, Listener } from './data-plane.ts';
import { forwardToCluster } from './forward.ts';
import { answerLocally, answerWithFlag } from './reply.ts';
import { PAYLOAD_TOO_LARGE, RequestBody } from './request-body.ts';
import { shadowTo } from './shadow.ts';

export function createRequestHandler(plane: DataPlane, listener: Listener): http.RequestListener {
  return (req, res) => {
    void handleRequest(plane, listener, req, res).catch((err: unknown) => {
      // A fault of the mesh itself: the detail is for its log, the caller gets the status alone,
      // as Envoy's local replies tell nothing of its internals.
      plane.logger.error({ err, method: req.method, path: req.url }, 'proxy error');
      if (!res.headersSent)
        res.writeHead(500, { 'content-type': 'text/plain', connection: 'close' });
      res.end();
    });
  };
}

async function handleRequest(
  plane: DataPlane,
  listener: Listener,
  req: http.IncomingMessage,
  res: http.ServerResponse,
): Promise<void> {
  const started = performance.now();
  const body = new RequestBody(req, plane.retryBuffers);
  const call = startCall(plane, listener, req, res, started, body);
  if (body.tooLarge) {
    const verdict = { status: PAYLOAD_TOO_LARGE.status, flags: [], reachedDestination: false };
    answerLocally(call, verdict, PAYLOAD_TOO_LARGE.body);
    return;
  }
  await routeCall(call);
}

async function routeCall(call: Call): Promise<void> {
  const selection = selectRoute(call.compiled.routes, call.service, {
    path: call.path,
    method: call.method,
    headers: call.headers,
    sourceLabels: call.listener.source.labels,
    gateway: call.listener.gateway(),
  });
  if (selection.kind === 'no-route') {
    answerWithFlag(call, RESPONSE_FLAGS.NO_ROUTE_FOUND, { reachedDestination: false });
    return;
  }
  await injectFaults(call, selection.route, selection.namespace);
}

async function injectFaults(call: Call, route: HttpRoute, namespace: string): Promise<void> {
  const fault = decideFault(route.fault, call.plane.random);
  if (fault.delayMs !== undefined) {
    call.flags.push(RESPONSE_FLAGS.DELAY_INJECTED);
    await sleep(fault.delayMs);
  }
  if (fault.abortStatus !== undefined) {
    const flags = [...call.flags, RESPONSE_FLAGS.FAULT_INJECTED];
    answerLocally(
      call,
      { status: fault.abortStatus, flags, reachedDestination: false },
      FAULT_ABORT_BODY,
    );
    return;
  }
  await chooseCluster(call, route, namespace);
}

async function chooseCluster(call: Call, route: HttpRoute, namespace: string): Promise<void> {
  const chosen = pickWeighted(route.route, call.plane.random);
  const resolved =
    chosen && resolveDestination(call.compiled.clusters, chosen.destination, namespace);
  if (!resolved || resolved.kind !== 'cluster') {
    answerWithFlag(call, RESPONSE_FLAGS.NO_CLUSTER_FOUND, { reachedDestination: false });
    return;
  }
  const { cluster } = resolved;
  mirrorCall(call, route, namespace);
  call.service = cluster.service;
  call.span.rename(spanName(call.service, call.headers.host));
  await forwardToCluster(call, route, cluster);
}

/** The route's mirror, for the share of requests it takes: a shadow copy, fire-and-forget. */
function mirrorCall(call: Call, route: HttpRoute, namespace: string): void {
  const mirror = decideMirror(route, call.plane.random);
  const resolved = mirror && resolveDestination(call.compiled.clusters, mirror, namespace);
  if (!resolved || resolved.kind !== 'cluster') return;
  call.mirrored = true;
  shadowTo(call, resolved.cluster);
}
