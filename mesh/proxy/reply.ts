// The two ways the proxy answers: with its own reply (Envoy's local reply, status and text), or
// with the upstream's response relayed. Either way the verdict is reported once it is written.
// An answer that comes before the caller finished sending its body closes the connection after
// it, as Envoy does on HTTP/1.1: the rest of that body is not read, nor passed on.
import type http from 'node:http';
import {
  LOCAL_REPLY_BODY,
  LOCAL_REPLY_STATUS,
  type LocalReplyFlag,
  type ResponseFlag,
} from '../routing/response-flags.ts';
import type { Call } from './call.ts';
import { responseHeaders } from './headers.ts';
import { reportVerdict, type Verdict } from './verdict.ts';

function closeUnlessBodyRead(call: Call): { connection?: string } {
  return call.body.complete ? {} : { connection: 'close' };
}

export function answerLocally(call: Call, verdict: Verdict, text: string): void {
  const { res } = call;
  if (res.destroyed) {
    reportVerdict(call, verdict, 0);
    return;
  }
  const payload = Buffer.from(text);
  res.writeHead(verdict.status, {
    'content-type': 'text/plain',
    'content-length': payload.length,
    ...closeUnlessBodyRead(call),
  });
  res.end(payload);
  reportVerdict(call, verdict, payload.length);
}

/**
 * Envoy's own answer when it ends a request with `flag`: its status and text, the flags set so
 * far, then `flag`, then `after` (URX, when the retries ran out).
 */
export function answerWithFlag(
  call: Call,
  flag: LocalReplyFlag,
  where: Omit<Verdict, 'status' | 'flags'>,
  after: readonly ResponseFlag[] = [],
): void {
  const flags = [...call.flags, flag, ...after];
  answerLocally(
    call,
    { ...where, status: LOCAL_REPLY_STATUS[flag], flags },
    LOCAL_REPLY_BODY[flag],
  );
}

/**
 * Hands the upstream response to the caller in one write: the services answer small JSON and SVG,
 * and one write costs far less than a write per chunk.
 */
export function relayResponse(call: Call, upstream: http.IncomingMessage, verdict: Verdict): void {
  const { res } = call;
  const headers = responseHeaders(upstream.headers);
  const chunks: Buffer[] = [];
  upstream.on('data', (chunk: Buffer) => chunks.push(chunk));
  upstream.on('end', () => {
    const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
    headers['content-length'] = String(body.length);
    Object.assign(headers, closeUnlessBodyRead(call));
    res.writeHead(upstream.statusCode ?? 502, headers);
    res.end(body);
    reportVerdict(call, verdict, body.length);
  });
  upstream.on('error', () => {
    res.destroy();
    reportVerdict(call, verdict, 0);
  });
}
