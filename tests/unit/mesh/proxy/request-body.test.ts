// The request body as the proxy streams it, against stand-in streams: what reaches each try, what
// copy is kept for retries and when it is given up, and what the retry buffers hold meanwhile.
import assert from 'node:assert/strict';
import type http from 'node:http';
import { PassThrough, Writable } from 'node:stream';
import { setImmediate as tick } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { MAX_REQUEST_BYTES, RequestBody } from '../../../../mesh/proxy/request-body.ts';
import { createRetryBuffers } from '../../../../mesh/proxy/retry-buffers.ts';

/** A caller's request: a stream with headers. */
function caller(headers: http.IncomingHttpHeaders): PassThrough & { headers: typeof headers } {
  return Object.assign(new PassThrough(), { headers });
}

/** A try's upstream request, keeping what it was sent. */
function upstream(): { request: http.ClientRequest; bytes: () => number; ended: () => boolean } {
  let bytes = 0;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done();
    },
  });
  return {
    request: sink as unknown as http.ClientRequest,
    bytes: () => bytes,
    ended: () => sink.writableEnded,
  };
}

async function heldBytes(registry: Registry): Promise<number> {
  const metric = await registry
    .getSingleMetric('quizmesh_proxy_request_body_buffered_bytes')
    ?.get();
  return metric?.values[0]?.value ?? 0;
}

const KIB = 1024;
const MIB = 1024 * KIB;

describe('RequestBody', () => {
  it('a body without length or chunking is complete at once and sends nothing', async () => {
    const registry = new Registry();
    const body = new RequestBody(caller({}) as never, createRetryBuffers(registry));
    assert.equal(body.complete, true);
    const first = upstream();
    body.sendTo(first.request);
    await tick();
    assert.equal(first.ended(), true);
    assert.equal(first.bytes(), 0);
  });

  it('a body within the retry buffer reaches a retry whole, and its copy goes when the call ends', async () => {
    const registry = new Registry();
    const req = caller({ 'content-length': String(300 * KIB) });
    const body = new RequestBody(req as never, createRetryBuffers(registry, { limitBytes: MIB }));
    const first = upstream();
    body.sendTo(first.request);
    req.end(Buffer.alloc(300 * KIB));
    await body.finished;
    await tick();
    assert.equal(first.bytes(), 300 * KIB);
    assert.equal(await heldBytes(registry), 300 * KIB);
    const retry = upstream();
    body.sendTo(retry.request);
    await tick();
    assert.equal(retry.bytes(), 300 * KIB);
    assert.equal(retry.ended(), true);
    body.done();
    assert.equal(await heldBytes(registry), 0);
    assert.equal(body.received, 300 * KIB);
  });

  it('a body past the retry buffer gives the retry up once and streams on whole', async () => {
    const registry = new Registry();
    const req = caller({ 'transfer-encoding': 'chunked' });
    const body = new RequestBody(
      req as never,
      createRetryBuffers(registry, { limitBytes: 64 * KIB }),
    );
    let givenUp = 0;
    body.onRetryGivenUp = () => (givenUp += 1);
    const first = upstream();
    body.sendTo(first.request);
    for (let i = 0; i < 4; i++) req.write(Buffer.alloc(40 * KIB));
    req.end();
    await body.finished;
    await tick();
    assert.equal(first.bytes(), 160 * KIB);
    assert.equal(body.retriable, false);
    assert.equal(givenUp, 1);
    assert.equal(await heldBytes(registry), 0);
  });

  it('a try answered before the body ended is reset when it is retried, and the retry gets it all', async () => {
    const registry = new Registry();
    const req = caller({ 'content-length': String(100 * KIB) });
    const body = new RequestBody(req as never, createRetryBuffers(registry));
    const first = upstream();
    body.sendTo(first.request);
    req.write(Buffer.alloc(40 * KIB));
    await tick();
    body.endTry();
    assert.equal(first.request.destroyed, true);
    req.write(Buffer.alloc(40 * KIB));
    await tick();
    const retry = upstream();
    body.sendTo(retry.request);
    req.end(Buffer.alloc(20 * KIB));
    await body.finished;
    await tick();
    assert.equal(first.bytes(), 40 * KIB);
    assert.equal(retry.bytes(), 100 * KIB);
    assert.equal(retry.ended(), true);
  });

  it('bodies together stay within the budget: the one that does not fit gives its retry up', async () => {
    const registry = new Registry();
    const buffers = createRetryBuffers(registry, { limitBytes: 100 * KIB, budgetBytes: 150 * KIB });
    const reqs = [caller({ 'content-length': '81920' }), caller({ 'content-length': '81920' })];
    const bodies = reqs.map((req) => new RequestBody(req as never, buffers));
    for (const body of bodies) body.sendTo(upstream().request);
    for (const req of reqs) req.end(Buffer.alloc(80 * KIB));
    await Promise.all(bodies.map((body) => body.finished));
    assert.deepEqual(
      bodies.map((body) => body.retriable),
      [true, false],
    );
    assert.equal(await heldBytes(registry), 80 * KIB);
  });

  it('a chunked body growing past the listener limit is too large, and its try is reset', async () => {
    const registry = new Registry();
    const req = caller({ 'transfer-encoding': 'chunked' });
    const body = new RequestBody(req as never, createRetryBuffers(registry));
    const first = upstream();
    first.request.on('error', () => undefined);
    body.sendTo(first.request);
    const chunk = Buffer.alloc(MIB);
    for (let i = 0; i <= MAX_REQUEST_BYTES / MIB; i++) req.write(chunk);
    await tick();
    assert.equal(body.tooLarge, true);
    assert.equal(first.request.destroyed, true);
    assert.ok(first.bytes() <= MAX_REQUEST_BYTES);
  });
});
