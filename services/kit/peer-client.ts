// Calls to other services: JSON over HTTP with a deadline, timed into
// http_client_request_duration_seconds, answers validated before use. Trace and request-id headers
// are added by the preloaded instrumentation, not here.
// The module object, not named imports: the tracing preload patches http.request on it, and a
// binding imported by name would keep the unpatched function (no client span, no B3 headers).
import http, { type Agent } from 'node:http';
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
  // node:http with a keep-alive pool rather than fetch: v1 makes ~50 calls a round, and fetch's
  // web streams cost it several times the CPU per call.
  // Idle connections closed after 20 s, before the mesh's listeners drop them (30 s): reusing one
  // the other end is closing at that moment fails the call with a reset.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 128, timeout: 20_000 });

  async function send(path: string, options: RequestOptions): Promise<Answer> {
    const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const headers: Record<string, string> = {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    };
    // Checked before the try: a header value HTTP cannot carry is our bug (a 500), not the peer's.
    for (const [header, value] of Object.entries(headers)) http.validateHeaderValue(header, value);
    const stop = metrics.clientDuration.startTimer({ peer_service: name });
    let answer: Answer;
    try {
      answer = await exchange(new URL(path, baseUrl), {
        method: options.method ?? (body === undefined ? 'GET' : 'POST'),
        headers,
        body,
        timeoutMs,
        agent,
      });
    } catch (err) {
      stop({ status_code: 'error' });
      if (err instanceof DeadlineExceeded) {
        throw new PeerError(
          name,
          'timeout',
          `${name} did not answer ${path} within ${timeoutMs} ms`,
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
    stop({ status_code: String(answer.status) });
    if (answer.status >= 400) {
      const detail = errorMessageOf(answer);
      // A 4xx is the peer's verdict on our caller's input and passes through as it was said.
      const message = answer.status < 500 ? detail : `${name} answered ${answer.status}: ${detail}`;
      throw new PeerError(name, 'status', message, answer.status);
    }
    return answer;
  }

  return {
    name,
    async json(path, schema, options = {}) {
      const answer = await send(path, options);
      const parsed = schema.safeParse(parseJson(answer.body.toString('utf8')));
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
      const answer = await send(path, options);
      return { body: answer.body, contentType: answer.contentType ?? 'application/octet-stream' };
    },
  };
}

interface Answer {
  status: number;
  contentType: string | undefined;
  body: Buffer;
}

class DeadlineExceeded extends Error {}

/** One request and its whole answer, or an error: DeadlineExceeded past `timeoutMs`. */
function exchange(
  url: URL,
  options: {
    method: string;
    headers: Record<string, string>;
    body: string | undefined;
    timeoutMs: number;
    agent: Agent;
  },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method: options.method,
      headers: options.headers,
      agent: options.agent,
    });
    const timer = setTimeout(() => {
      // The message becomes the client span's error tag in Zipkin.
      req.destroy(new DeadlineExceeded(`no answer within ${options.timeoutMs} ms`));
    }, options.timeoutMs);
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', () => undefined); // surfaced through req's error
      res.on('end', () => {
        clearTimeout(timer);
        resolve({
          status: res.statusCode ?? 0,
          contentType: res.headers['content-type'],
          body: Buffer.concat(chunks),
        });
      });
    });
    req.end(options.body);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function errorMessageOf(answer: Answer): string {
  const text = answer.body.toString('utf8');
  const body = parseJson(text);
  if (typeof body === 'object' && body !== null && 'error' in body) return String(body.error);
  return text.slice(0, 200) || `status ${answer.status}`;
}
