// Calls to other services: JSON over fetch with a deadline, timed into
// http_client_request_duration_seconds, answers validated before use. Trace and request-id headers
// are added by the preloaded instrumentation, not here.
import type { z } from 'zod';
import { HttpError } from './errors.ts';
import type { Metrics } from './metrics.ts';

export type PeerFailure = 'status' | 'timeout' | 'unreachable' | 'invalid-response';

/**
 * A failed peer call, already mapped to what our own caller should see: the peer's 4xx passes
 * through (an unknown id stays a 404), its 5xx becomes 502, a missed deadline 504.
 */
export class PeerError extends HttpError {
  readonly peer: string;
  readonly failure: PeerFailure;
  readonly peerStatus: number | undefined;
  constructor(
    peer: string,
    failure: PeerFailure,
    message: string,
    peerStatus?: number,
    cause?: unknown,
  ) {
    const status =
      failure === 'timeout' ? 504 : peerStatus !== undefined && peerStatus < 500 ? peerStatus : 502;
    super(status, message, { cause });
    this.name = 'PeerError';
    this.peer = peer;
    this.failure = failure;
    this.peerStatus = peerStatus;
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST';
  body?: unknown;
  headers?: Record<string, string>;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface PeerClient {
  readonly name: string;
  json<S extends z.ZodType>(path: string, schema: S, options?: RequestOptions): Promise<z.infer<S>>;
  bytes(path: string, options?: RequestOptions): Promise<{ body: Buffer; contentType: string }>;
}

export function createPeerClient(
  name: string,
  baseUrl: string,
  metrics: Metrics,
  defaultTimeoutMs = 2_000,
): PeerClient {
  async function send(path: string, options: RequestOptions): Promise<Response> {
    const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = options.signal ? AbortSignal.any([deadline, options.signal]) : deadline;
    const hasBody = options.body !== undefined;
    // Built outside the try: a header value fetch cannot send is our bug (a 500), not the peer's.
    const request = new Request(`${baseUrl}${path}`, {
      method: options.method ?? (hasBody ? 'POST' : 'GET'),
      headers: { ...(hasBody ? { 'content-type': 'application/json' } : {}), ...options.headers },
      body: hasBody ? JSON.stringify(options.body) : null,
      signal,
    });
    const stop = metrics.clientDuration.startTimer({ peer_service: name });
    try {
      const response = await fetch(request);
      stop({ status_code: String(response.status) });
      if (!response.ok) {
        const detail = await errorMessageOf(response);
        // A 4xx is the peer's verdict on our caller's input and passes through as it was said.
        const message =
          response.status < 500 ? detail : `${name} answered ${response.status}: ${detail}`;
        throw new PeerError(name, 'status', message, response.status);
      }
      return response;
    } catch (err) {
      if (err instanceof PeerError) throw err;
      stop({ status_code: 'error' });
      if (deadline.aborted) {
        throw new PeerError(
          name,
          'timeout',
          `${name} did not answer ${path} within ${timeoutMs} ms`,
          undefined,
          err,
        );
      }
      throw new PeerError(
        name,
        'unreachable',
        `${name} unreachable: ${String(err)}`,
        undefined,
        err,
      );
    }
  }

  return {
    name,
    async json(path, schema, options = {}) {
      const response = await send(path, options);
      const parsed = schema.safeParse(await response.json().catch(() => undefined));
      if (!parsed.success) {
        throw new PeerError(
          name,
          'invalid-response',
          `${name} sent an unexpected answer to ${path}`,
        );
      }
      return parsed.data;
    },
    async bytes(path, options = {}) {
      const response = await send(path, options);
      return {
        body: Buffer.from(await response.arrayBuffer()),
        contentType: response.headers.get('content-type') ?? 'application/octet-stream',
      };
    },
  };
}

async function errorMessageOf(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const body: unknown = JSON.parse(text);
    if (typeof body === 'object' && body !== null && 'error' in body) return String(body.error);
  } catch {
    // not JSON: fall through to the raw text
  }
  return text.slice(0, 200) || response.statusText;
}
