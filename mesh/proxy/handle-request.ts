// The data plane: what a sidecar (or the ingress gateway) does with one request, as a chain of
// named phases, each handing the call to the next or answering it:
//   handleRequest   read the body (413 when too large) and start the call's span
//   routeCall       the VirtualServices choose a route, or the answer is 404 NR
//   injectFaults    the route's fault: a delay (DI), or an abort answered here (FI)
//   chooseCluster   the weighted destination's cluster, or 503 NC
//   forwardToCluster (forward.ts): pick an instance, authorize, attempt with retries, verdict
// Every answer is reported as Envoy does: Istio's metrics from both sides and one span in the
// caller's trace (verdict.ts).
import type http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HttpRoute } from '../config/schema.ts';
import { decideFault } from '../routing/fault.ts';
import { FAULT_ABORT_BODY, RESPONSE_FLAGS } from '../routing/response-flags.ts';
import { selectRoute } from '../routing/route-table.ts';
import { resolveDestination } from '../routing/subsets.ts';
import { pickWeighted } from '../routing/weighted.ts';
import { spanName, startCall, type Call } from './call.ts';
import type { DataPlane, Listener } from './data-plane.ts';
import { forwardToCluster } from './forward.ts';
import { answerLocally, answerWithFlag } from './reply.ts';
import { NO_BODY, readRequestBody } from './request-body.ts';

export function createRequestHandler(plane: DataPlane, listener: Listener): http.RequestListener {
  return (req, res) => {
    void handleRequest(plane, listener, req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`mesh error: ${String(err)}\n`);
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
  const body = await readRequestBody(req);
  const bytes = body.kind === 'body' ? body.bytes : NO_BODY;
  const call = startCall(plane, listener, req, res, started, bytes);
  if (body.kind === 'too-large') {
    answerLocally(call, { status: 413, flags: [], reachedDestination: false }, 'Payload Too Large');
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
  call.service = cluster.service;
  call.span.rename(spanName(call.service, call.headers.host));
  await forwardToCluster(call, route, cluster);
}
