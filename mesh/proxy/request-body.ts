// The request body as Envoy's router handles it: streamed to the upstream as it arrives, with the
// caller held back while the upstream is slower (backpressure, as Envoy's watermarks), and a copy
// kept for retries within the retry buffer (retry-buffers.ts says what happens past it). Nothing
// waits for the whole body: the upstream sees the request when its headers arrive.
//
// The mesh's own limit on a body is the listener's, as an ingress sets with Envoy's buffer
// filter (max_request_bytes): Envoy answers 413 "Payload Too Large" with no response flag (and
// counts downstream_rq_too_large). A declared Content-Length past it is answered before routing;
// a chunked body that grows past it resets the upstream request and is answered the same way.
import type http from 'node:http';
import type { RetryBuffers } from './retry-buffers.ts';

export const MAX_REQUEST_BYTES = 10 * 1024 * 1024;

export const PAYLOAD_TOO_LARGE = { status: 413, body: 'Payload Too Large' } as const;

export class RequestBody {
  /** Bytes that arrived from the caller so far: Istio's request_bytes. */
  received = 0;
  /** The caller's Content-Length; undefined for a chunked body. */
  readonly declaredBytes: number | undefined;
  /** Resolves when the caller's last byte arrived (at once when there is no body). */
  readonly finished: Promise<void>;
  /** Called once, when the copy for retries is given up because the body outgrew it. */
  onRetryGivenUp: () => void = () => undefined;
  #complete: boolean;
  #tooLarge = false;
  /** Undefined once given up, or once the call has ended. */
  #copy: Buffer[] | undefined = [];
  #copyBytes = 0;
  /** The upstream request of the try in progress, if one is. */
  #sink: http.ClientRequest | undefined;
  #reading = false;
  #finish: () => void = () => undefined;
  readonly #req: http.IncomingMessage;
  readonly #buffers: RetryBuffers;

  constructor(req: http.IncomingMessage, buffers: RetryBuffers) {
    this.#req = req;
    this.#buffers = buffers;
    const length = req.headers['content-length'];
    this.declaredBytes = length === undefined ? undefined : Number(length);
    // Most calls are GETs without a body: nothing to stream or keep for them.
    this.#complete =
      length === '0' || (length === undefined && req.headers['transfer-encoding'] === undefined);
    this.finished = this.#complete
      ? Promise.resolve()
      : new Promise((resolve) => (this.#finish = resolve));
  }

  /** Whether a retry can resend the body: its copy was kept. */
  get retriable(): boolean {
    return this.#copy !== undefined;
  }

  /** Whether the caller's last byte arrived. */
  get complete(): boolean {
    return this.#complete;
  }

  /** Past MAX_REQUEST_BYTES: a declared length, or a chunked body grown past it. */
  get tooLarge(): boolean {
    return this.#tooLarge || (this.declaredBytes ?? 0) > MAX_REQUEST_BYTES;
  }

  /** Sends the body to a try's upstream request: the copy so far (a retry), then the rest live. */
  sendTo(upstream: http.ClientRequest): void {
    for (const chunk of this.#copy ?? []) upstream.write(chunk);
    if (this.#complete) {
      upstream.end();
      return;
    }
    this.#sink = upstream;
    upstream.once('close', () => {
      if (this.#sink === upstream) this.#unsink();
    });
    this.#read();
  }

  /**
   * The whole body once it has arrived, from the copy; undefined when the copy was given up (past
   * the retry buffer) or dropped. A shadow needs it: Envoy shadows only what it buffered.
   */
  async bufferedWhole(): Promise<Buffer | undefined> {
    await this.finished;
    return this.#copy === undefined ? undefined : Buffer.concat(this.#copy);
  }

  /** The route never retries: no copy is kept, and none is given up. */
  withoutRetries(): void {
    this.#dropCopy();
  }

  /**
   * A try is over (its answer will be retried): an upstream still being sent the body is reset, as
   * Envoy resets a failed try's stream, and what arrives meanwhile goes to the copy alone.
   */
  endTry(): void {
    const sink = this.#sink;
    this.#unsink();
    if (sink && !this.#complete) sink.destroy();
  }

  /**
   * The call has ended: the copy goes, and an upstream still being sent the body is reset (Envoy
   * resets the upstream stream when the response ends first). What else arrives is dropped.
   */
  done(): void {
    this.#dropCopy();
    this.endTry();
    if (!this.#complete) this.#read();
  }

  #read(): void {
    if (this.#reading) {
      this.#req.resume();
      return;
    }
    this.#reading = true;
    this.#req.on('data', (chunk: Buffer) => {
      this.#arrived(chunk);
    });
    this.#req.on('end', () => {
      this.#complete = true;
      this.#finish();
      this.#sink?.end();
      this.#sink = undefined;
    });
  }

  #arrived(chunk: Buffer): void {
    this.received += chunk.length;
    if (this.received > MAX_REQUEST_BYTES && !this.#tooLarge) {
      this.#tooLarge = true;
      this.#giveUpCopy();
      this.#sink?.destroy(new Error('request body past the listener limit'));
      return;
    }
    if (this.#tooLarge) return;
    this.#keep(chunk);
    const sink = this.#sink;
    if (sink && !sink.write(chunk)) {
      this.#req.pause();
      sink.once('drain', () => this.#req.resume());
    }
  }

  #keep(chunk: Buffer): void {
    if (!this.#copy) return;
    const fits = this.#copyBytes + chunk.length <= this.#buffers.limitBytes;
    if (!fits || !this.#buffers.reserve(chunk.length)) {
      this.#giveUpCopy();
      return;
    }
    this.#copy.push(chunk);
    this.#copyBytes += chunk.length;
  }

  #giveUpCopy(): void {
    if (!this.#copy) return;
    this.#dropCopy();
    this.onRetryGivenUp();
  }

  #dropCopy(): void {
    if (!this.#copy) return;
    this.#buffers.release(this.#copyBytes);
    this.#copy = undefined;
    this.#copyBytes = 0;
  }

  /** No try in progress: a caller held back for it reads on (into the copy, or dropped). */
  #unsink(): void {
    this.#sink = undefined;
    if (this.#reading) this.#req.resume();
  }
}
