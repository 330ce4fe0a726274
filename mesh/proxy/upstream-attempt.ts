// One try of a proxied request against one instance, with its own deadline. The request body
// streams to it as it arrives (request-body.ts); the response is handed back unread. As Envoy's
// per-try and route timeouts, the deadline runs from the moment the whole request was received
// (a slow upload is not a slow upstream).
import http, { type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import type { MeshInstance } from '../config/topology.ts';
import type { UpstreamOutcome } from '../routing/upstream-outcome.ts';
import type { RequestBody } from './request-body.ts';

export type AttemptOutcome =
  | { kind: 'response'; response: IncomingMessage }
  /** No connection could be made (Envoy: UF). */
  | { kind: 'connect-failure'; error: Error }
  /** The connection broke before a response arrived (Envoy: UC). */
  | { kind: 'reset'; error: Error }
  /** No response within the deadline (Envoy: UT). */
  | { kind: 'timeout' };

export interface AttemptRequest {
  method: string;
  path: string;
  headers: OutgoingHttpHeaders;
  body: RequestBody;
}

const CONNECT_ERRORS = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);

export function attemptUpstream(
  instance: MeshInstance,
  request: AttemptRequest,
  /** Read when the whole request has arrived; Infinity for none. */
  timeoutMs: () => number,
  agent: http.Agent,
  /** Fires when the caller went away: the upstream request is reset, as Envoy does. */
  cancel?: AbortSignal,
): Promise<AttemptOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const settle = (outcome: AttemptOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const { body } = request;
    // A chunked body goes on chunked; a body of none says so, as it was sent before streaming.
    const length = body.declaredBytes ?? (body.complete ? 0 : undefined);
    const upstream = http.request({
      host: instance.host,
      port: instance.port,
      method: request.method,
      path: request.path,
      headers:
        length === undefined
          ? request.headers
          : { ...request.headers, 'content-length': String(length) },
      agent,
    });
    void body.finished.then(() => {
      const ms = timeoutMs();
      // Istio's default route timeout is none at all: Infinity means no timer.
      if (settled || !Number.isFinite(ms)) return;
      timer = setTimeout(() => {
        settle({ kind: 'timeout' });
        upstream.destroy();
      }, ms);
    });
    upstream.on('response', (response) => {
      settle({ kind: 'response', response });
    });
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      settle(
        CONNECT_ERRORS.has(error.code ?? '')
          ? { kind: 'connect-failure', error }
          : { kind: 'reset', error },
      );
    });
    cancel?.addEventListener('abort', () => {
      upstream.destroy(new Error('downstream connection termination'));
    });
    body.sendTo(upstream);
  });
}

/**
 * A try's outcome as the retry policy and the outlier detector read it. `perTryTimeout`: the
 * deadline that fired was the per-try timeout, which is retriable, and not the route's overall
 * timeout, which is reported as the 504 it answers.
 */
export function toUpstreamOutcome(
  outcome: AttemptOutcome,
  perTryTimeout: boolean,
): UpstreamOutcome {
  switch (outcome.kind) {
    case 'response':
      return { status: outcome.response.statusCode ?? 502 };
    case 'connect-failure':
      return { connectFailure: true };
    case 'reset':
      return { reset: true };
    case 'timeout':
      return perTryTimeout ? { timedOut: true } : { status: 504 };
  }
}
