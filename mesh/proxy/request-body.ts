// The request body, read whole before routing: every retry resends it. Above the buffer limit the
// body is not kept, and the request is answered 413 as Envoy's buffer limit does.
import type http from 'node:http';

export const MAX_BODY_BYTES = 10 * 1024 * 1024;

export type RequestBody =
  | { kind: 'body'; bytes: Buffer }
  /** Larger than MAX_BODY_BYTES: `size` bytes arrived and were dropped. */
  | { kind: 'too-large'; size: number };

/** The body forwarded for a request that has none, or whose body was too large to keep. */
export const NO_BODY = Buffer.alloc(0);
const EMPTY: RequestBody = { kind: 'body', bytes: NO_BODY };

export function readRequestBody(req: http.IncomingMessage): Promise<RequestBody> {
  // Most calls are GETs without a body: no need to wait on the stream for them.
  const length = req.headers['content-length'];
  if (length === '0' || (length === undefined && req.headers['transfer-encoding'] === undefined)) {
    req.resume();
    return Promise.resolve(EMPTY);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      resolve(
        size > MAX_BODY_BYTES
          ? { kind: 'too-large', size }
          : { kind: 'body', bytes: Buffer.concat(chunks) },
      );
    });
    req.on('error', reject);
  });
}
