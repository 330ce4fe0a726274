// One request through one listener, as the phases in handle-request.ts and forward.ts pass it on:
// what arrived, the span that reports it, and what has happened to it so far.
import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import { fqdnOf, type MeshService } from '../config/topology.ts';
import type { ResponseFlag } from '../routing/response-flags.ts';
import type { HopSpan } from '../telemetry/proxy-spans.ts';
import type { CompiledConfig } from './compiled-config.ts';
import type { DataPlane, Listener } from './data-plane.ts';
import { requestHeaders } from './headers.ts';
import type { RequestBody } from './request-body.ts';

export interface Call {
  plane: DataPlane;
  listener: Listener;
  /** The config generation the request started with, kept to its end. */
  compiled: CompiledConfig;
  res: http.ServerResponse;
  method: string;
  path: string;
  /** The caller's end-to-end headers, with an x-request-id. */
  headers: Record<string, string>;
  /** Streamed to the upstream as it arrives; done once the call's answer is. */
  body: RequestBody;
  span: HopSpan;
  /** performance.now() when the request arrived. */
  started: number;
  /** Aborts when the caller hangs up; the upstream request is then reset too. */
  cancel: AbortSignal;
  /** Flags set on the way (DI), before the verdict adds its own. */
  flags: ResponseFlag[];
  /** The destination Service: the listener's, or the one the chosen route leads to. */
  service: MeshService | undefined;
  /** Whether the route mirrors this request: its body's copy is then kept for the shadow. */
  mirrored: boolean;
  /** Set once the metrics and the span have the verdict. */
  reported: boolean;
}

export function startCall(
  plane: DataPlane,
  listener: Listener,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  started: number,
  body: RequestBody,
): Call {
  res.once('close', () => {
    body.done();
  });
  const headers = requestHeaders(req.headers);
  // Envoy at the edge gives every request an id; sidecars keep the one that came.
  headers['x-request-id'] ??= randomUUID();
  const path = req.url ?? '/';
  const method = req.method ?? 'GET';
  return {
    plane,
    listener,
    compiled: plane.compiled(),
    res,
    method,
    path,
    headers,
    body,
    span: startHopSpan(plane, listener, req, { method, path, headers }),
    started,
    cancel: cancelOnHangUp(res),
    flags: [],
    service: listener.service,
    mirrored: false,
    reported: false,
  };
}

/** The hop's span in the caller's trace, tagged as Istio's sidecars tag theirs. */
function startHopSpan(
  plane: DataPlane,
  { source, service }: Listener,
  req: http.IncomingMessage,
  { method, path, headers }: Pick<Call, 'method' | 'path' | 'headers'>,
): HopSpan {
  return plane.spans.start(source.proxyName, spanName(service, headers.host), req.headers, {
    'http.method': method,
    'http.url': `http://${headers.host ?? ''}${path}`,
    'guid:x-request-id': headers['x-request-id'],
    'istio.canonical_service': source.app,
    'istio.canonical_revision': source.version,
    'istio.namespace': source.namespace,
    component: 'proxy',
  });
}

/**
 * A caller that hangs up (v1's 50 ms deadline) resets the upstream call too; Envoy then reports
 * response code 0, or what was already sent, with flag DC.
 */
function cancelOnHangUp(res: http.ServerResponse): AbortSignal {
  const cancel = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) cancel.abort();
  });
  return cancel.signal;
}

/** Istio names a sidecar's span after the upstream: `quiz.quiz.svc.cluster.local:8080/*`. */
export function spanName(service: MeshService | undefined, host: string | undefined): string {
  return service ? `${fqdnOf(service)}:${service.port}/*` : `${host ?? 'unknown'}/*`;
}
