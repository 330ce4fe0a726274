// The site as a browser meets it, in process with stand-in peers: the security headers on every
// answer, and a failure behind it answered with a plain message while the log keeps the detail.
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { frontendRoutes } from '../../../../services/frontend/app.ts';
import { UNAVAILABLE_MESSAGE } from '../../../../services/frontend/player-facing.ts';
import { CONTENT_SECURITY_POLICY } from '../../../../services/kit/security-headers.ts';
import { baseConfigSchema } from '../../../../services/kit/config.ts';
import { createMetrics } from '../../../../services/kit/metrics.ts';
import { PeerError, type PeerClient } from '../../../../services/kit/peer-client.ts';
import { createServiceApp } from '../../../../services/kit/service.ts';

const CHAIN = 'quiz answered 504: descriptions did not answer /descriptions/cat within 50 ms';

/** A peer whose every call fails as `error` says. */
function failingPeer(name: string, error: Error): PeerClient {
  return {
    name,
    json: () => Promise.reject(error),
    bytes: () => Promise.reject(error),
  };
}

describe('the site (frontend)', () => {
  let server: Server;
  let base = '';
  const logged: string[] = [];
  before(async () => {
    const logger = pino(
      { level: 'error' },
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          logged.push(chunk.toString('utf8'));
          done();
        },
      }),
    );
    const config = baseConfigSchema.parse({ SERVICE_NAME: 'frontend', LOG_LEVEL: 'silent' });
    const routes = frontendRoutes({
      quiz: failingPeer('quiz', new PeerError('quiz', 'status', CHAIN, 504)),
      images: failingPeer('images', new PeerError('images', 'timeout', 'images did not answer')),
      scores: failingPeer('scores', new PeerError('scores', 'status', 'no such round', 404)),
      publicDir: fileURLToPath(new URL('../../../../services/frontend/public/', import.meta.url)),
      logger,
    });
    const { app } = createServiceApp({ config, logger, metrics: createMetrics() }, routes);
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.close();
  });

  for (const path of ['/', '/app.js', '/api/round', '/api/leaderboard?limit=5', '/no/such/page']) {
    it(`GET ${path} carries the CSP, nosniff, no framing and no referrer`, async () => {
      const answer = await fetch(`${base}${path}`);
      await answer.arrayBuffer();
      assert.equal(answer.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
      assert.match(CONTENT_SECURITY_POLICY, /frame-ancestors 'none'/);
      assert.doesNotMatch(CONTENT_SECURITY_POLICY, /unsafe-inline|unsafe-eval/);
      assert.equal(answer.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(answer.headers.get('x-frame-options'), 'DENY');
      assert.equal(answer.headers.get('referrer-policy'), 'no-referrer');
    });
  }

  it('a round that failed behind the site is a 502 with a plain message; the log names the chain', async () => {
    const answer = await fetch(`${base}/api/round`);
    assert.equal(answer.status, 502);
    const body = (await answer.json()) as { error: string };
    assert.deepEqual(body, { error: UNAVAILABLE_MESSAGE });
    assert.ok(
      logged.some((line) => line.includes(CHAIN)),
      'the log lost the failure',
    );
  });

  it('a peer that missed its deadline is a 504 with the same plain message', async () => {
    const answer = await fetch(`${base}/api/images/0123456789abcdef.svg`);
    assert.equal(answer.status, 504);
    assert.deepEqual(await answer.json(), { error: UNAVAILABLE_MESSAGE });
  });

  it("a peer's 4xx, the verdict on the player's input, passes through as it was said", async () => {
    const answer = await fetch(`${base}/api/leaderboard?limit=5`);
    assert.equal(answer.status, 404);
    assert.deepEqual(await answer.json(), { error: 'no such round' });
  });
});
