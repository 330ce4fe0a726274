import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { z } from 'zod';
import { createMetrics } from '../../../../services/kit/metrics.ts';
import { createPeerClient, PeerError } from '../../../../services/kit/peer-client.ts';

let server: Server;
let baseUrl = '';

before(async () => {
  server = createServer((req, res) => {
    const reply = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (req.url === '/ok') reply(200, { value: 42 });
    else if (req.url === '/conflict') reply(409, { error: 'round already answered' });
    else if (req.url === '/broken') reply(503, { error: 'database down' });
    else if (req.url === '/plain') res.writeHead(500).end('oops');
    else if (req.url === '/slow')
      setTimeout(() => {
        reply(200, { value: 1 });
      }, 300);
    else reply(200, { unexpected: true });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.close();
});

const value = z.object({ value: z.number() });

async function failure(promise: Promise<unknown>): Promise<PeerError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof PeerError, `not a PeerError: ${String(err)}`);
    return err;
  }
  assert.fail('the call succeeded');
}

describe('peer client', () => {
  it('parses a good answer and times it by peer and status', async () => {
    const metrics = createMetrics();
    const peer = createPeerClient('scores', baseUrl, metrics);
    assert.deepEqual(await peer.json('/ok', value), { value: 42 });
    const text = await metrics.registry.metrics();
    assert.match(
      text,
      /http_client_request_duration_seconds_count\{peer_service="scores",status_code="200"\} 1/,
    );
  });

  it("passes a peer's 4xx through with the peer's own message", async () => {
    const err = await failure(
      createPeerClient('scores', baseUrl, createMetrics()).json('/conflict', value),
    );
    assert.equal(err.status, 409);
    assert.equal(err.message, 'round already answered');
  });

  it("turns a peer's 5xx into 502, naming the peer and its answer", async () => {
    const peer = createPeerClient('scores', baseUrl, createMetrics());
    const err = await failure(peer.json('/broken', value));
    assert.equal(err.status, 502);
    assert.equal(err.message, 'scores answered 503: database down');
    assert.equal((await failure(peer.json('/plain', value))).message, 'scores answered 500: oops');
  });

  it('turns a missed deadline into 504 and counts it as status "error"', async () => {
    const metrics = createMetrics();
    const err = await failure(
      createPeerClient('descriptions', baseUrl, metrics).json('/slow', value, { timeoutMs: 50 }),
    );
    assert.equal(err.status, 504);
    assert.equal(err.failure, 'timeout');
    assert.match(err.message, /descriptions did not answer \/slow within 50 ms/);
    assert.match(
      await metrics.registry.metrics(),
      /peer_service="descriptions",status_code="error"\} 1/,
    );
  });

  it('refuses an answer that does not match the contract with 502', async () => {
    const err = await failure(
      createPeerClient('images', baseUrl, createMetrics()).json('/other', value),
    );
    assert.equal(err.status, 502);
    assert.equal(err.failure, 'invalid-response');
  });

  it('an unreachable peer is a 502', async () => {
    const err = await failure(
      createPeerClient('images', 'http://127.0.0.1:1', createMetrics()).json('/ok', value),
    );
    assert.equal(err.status, 502);
    assert.equal(err.failure, 'unreachable');
  });

  it('a header value HTTP cannot carry is a plain error (our bug, a 500), not a peer failure', async () => {
    const peer = createPeerClient('descriptions', baseUrl, createMetrics());
    await assert.rejects(
      peer.json('/ok', value, { headers: { 'x-quiz-player': '李雷' } }),
      (err: unknown) => err instanceof TypeError && !(err instanceof PeerError),
    );
  });
});
