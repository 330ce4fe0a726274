// One try of a proxied request against one instance, with its own deadline. The request body is
// already buffered (retries resend it); the response is handed back unread, to be streamed.
import http, { type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import type { MeshInstance } from '../config/topology.ts';
import type { UpstreamOutcome } from '../routing/upstream-outcome.ts';

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
  body: Buffer;
}

const CONNECT_ERRORS = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);

export function attemptUpstream(
  instance: MeshInstance,
  request: AttemptRequest,
  timeoutMs: number,
  agent: http.Agent,
  /** Fires when the caller went away: the upstream request is reset, as Envoy does. */
  cancel?: AbortSignal,
): Promise<AttemptOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: AttemptOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const upstream = http.request({
      host: instance.host,
      port: instance.port,
      method: request.method,
      path: request.path,
      headers: { ...request.headers, 'content-length': String(request.body.length) },
      agent,
    });
    // Istio's default route timeout is none at all: Infinity means no timer.
    const timer = Number.isFinite(timeoutMs)
      ? setTimeout(() => {
          settle({ kind: 'timeout' });
          upstream.destroy();
        }, timeoutMs)
      : undefined;
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
    upstream.end(request.body);
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
