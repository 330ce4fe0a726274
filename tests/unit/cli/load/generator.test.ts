// The load generator against a tiny fake quiz site on 127.0.0.1: real sockets and real pacing, so
// this takes a couple of seconds rather than milliseconds.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { runLoad } from '../../../../cli/load/generator.ts';
import type { LoadPlan } from '../../../../cli/load/generator.ts';
import { generatePlayers, isOutsideLatin1 } from '../../../../cli/load/players.ts';

interface FakeSite {
  url: string;
  /** Every x-quiz-player header, decoded. */
  headerPlayers: string[];
  /** Answers whose body named a different player than the header. */
  mismatchedPlayers: number;
  /** Answers posted to a path that does not decode to a round id the site gave out. */
  badRoundIds: number;
  answersCorrect: number;
  requests: number;
  statuses: Map<string, number>;
  close(): Promise<void>;
}

const ROUND = {
  description: 'A red fox asleep in the snow',
  images: [
    { id: 'blue-whale-ocean', url: '/images/blue-whale-ocean.svg' },
    { id: 'red-fox-snow', url: '/images/red-fox-snow.svg' },
    { id: 'snowy-mountain-peak', url: '/images/snowy-mountain-peak.svg' },
    { id: 'city-at-night', url: '/images/city-at-night.svg' },
  ],
};

/** Fails every 10th round with 500 and every 4th answer with 504, like a flaky backend. */
async function startFakeSite(): Promise<FakeSite> {
  let rounds = 0;
  let answers = 0;
  const site: Omit<FakeSite, 'url' | 'close'> = {
    headerPlayers: [],
    mismatchedPlayers: 0,
    badRoundIds: 0,
    answersCorrect: 0,
    requests: 0,
    statuses: new Map(),
  };
  const send = (res: ServerResponse, status: number, body: unknown): ServerResponse => {
    site.statuses.set(String(status), (site.statuses.get(String(status)) ?? 0) + 1);
    return res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    site.requests += 1;
    const header = req.headers['x-quiz-player'];
    const player = typeof header === 'string' ? decodeURIComponent(header) : '';
    site.headerPlayers.push(player);
    if (req.method === 'GET' && req.url === '/api/round') {
      rounds += 1;
      if (rounds % 10 === 0) return send(res, 500, { error: 'rounds are down' });
      return send(res, 200, { id: `round ${rounds}/é`, ...ROUND });
    }
    const answer = /^\/api\/round\/([^/]+)\/answer$/.exec(req.url ?? '');
    if (req.method === 'POST' && answer) {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        player: string;
        imageId: string;
      };
      if (body.player !== player) site.mismatchedPlayers += 1;
      if (!/^round \d+\/é$/.test(decodeURIComponent(answer[1] ?? ''))) site.badRoundIds += 1;
      answers += 1;
      if (answers % 4 === 0) return send(res, 504, { error: 'upstream timed out' });
      const correct = body.imageId === 'red-fox-snow';
      if (correct) site.answersCorrect += 1;
      return send(res, 200, { correct, score: correct ? 1 : 0, correctImageId: 'red-fox-snow' });
    }
    return send(res, 404, { error: 'not found' });
  };
  const server: Server = createServer((req, res) => {
    void handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => {
        resolve();
      });
    });
  // The same object the handler updates, so the test reads live counts.
  return Object.assign(site, { url, close });
}

function plan(url: string, overrides: Partial<LoadPlan> = {}): LoadPlan {
  return {
    url,
    rps: 20,
    durationSeconds: 1.5,
    players: 30,
    concurrency: 64,
    seed: 1,
    ...overrides,
  };
}

describe('the load generator against a fake quiz site', () => {
  let site: FakeSite;
  before(async () => {
    site = await startFakeSite();
  });
  after(async () => {
    await site.close();
  });

  test('a 1.5 s run at 20 plays/s sends about 60 requests and counts each error by status', async () => {
    const started = process.hrtime.bigint();
    const summary = await runLoad(plan(site.url));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;

    assert.equal(summary.plays.started, 30);
    assert.equal(summary.plays.dropped, 0);
    assert.equal(summary.plays.cancelled, 0);
    // Every 10th round fails, and a play whose round failed sends no answer.
    assert.equal(summary.endpoints.round.requests, 30);
    assert.equal(summary.endpoints.answer.requests, 27);
    assert.equal(summary.requests.total, site.requests);
    assert.ok(Math.abs(summary.requests.total - 60) <= 6, String(summary.requests.total));

    assert.deepEqual(summary.endpoints.round.errorsByStatus, { '500': 3 });
    assert.deepEqual(summary.endpoints.answer.errorsByStatus, { '504': 6 });
    assert.deepEqual(summary.requests.errorsByStatus, { '500': 3, '504': 6 });
    assert.equal(summary.requests.errors, 9);
    assert.equal(site.statuses.get('500'), 3);
    assert.equal(site.statuses.get('504'), 6);
    assert.equal(summary.plays.failed, 9);
    assert.equal(summary.plays.ok, 21);
    assert.equal(summary.plays.correctAnswers, site.answersCorrect);
    assert.equal(summary.reachable, true);
    assert.equal(summary.interrupted, false);

    assert.ok(summary.endpoints.round.latencyMicros.p50 > 0);
    assert.ok(
      summary.endpoints.answer.latencyMicros.max >= summary.endpoints.answer.latencyMicros.p99,
    );
    // Paced over the whole duration, not sent in a burst and finished early.
    assert.ok(seconds >= 1.45 && seconds < 3, `took ${seconds}s`);
  });

  test('every request names one of the generated players, and answers name the same one', () => {
    const players = new Set(generatePlayers(30, 1));
    assert.ok(site.headerPlayers.length > 0);
    for (const player of site.headerPlayers) assert.ok(players.has(player), player);
    assert.equal(site.mismatchedPlayers, 0);
    // The names a Latin-1-only service would choke on did make it through the header.
    assert.ok(site.headerPlayers.some(isOutsideLatin1));
  });

  test('answers go to the round id the site gave, percent-encoded in the path', () => {
    assert.equal(site.badRoundIds, 0);
  });

  test('a concurrency cap of 1 against a slow site drops the starts that find it busy', async () => {
    const slow = createServer((_req, res) => {
      setTimeout(() => res.writeHead(503).end('{"error":"busy"}'), 400);
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    const { port } = slow.address() as AddressInfo;
    try {
      const summary = await runLoad(
        plan(`http://127.0.0.1:${port}`, { rps: 20, durationSeconds: 1, concurrency: 1 }),
      );
      assert.equal(summary.plays.started + summary.plays.dropped, 20);
      // Each play holds the only slot for 400 ms, so about one start in eight gets through.
      assert.ok(
        summary.plays.started >= 2 && summary.plays.started <= 4,
        String(summary.plays.started),
      );
      assert.deepEqual(summary.requests.errorsByStatus, { '503': summary.plays.started });
    } finally {
      slow.closeAllConnections();
      slow.close();
    }
  });

  test('an abort stops the run early and still returns what was measured', async () => {
    const stop = new AbortController();
    setTimeout(() => {
      stop.abort();
    }, 300);
    const started = process.hrtime.bigint();
    const summary = await runLoad(plan(site.url, { durationSeconds: 30 }), { signal: stop.signal });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    assert.ok(seconds < 1.5, `took ${seconds}s`);
    assert.equal(summary.interrupted, true);
    assert.ok(
      // 7 on an idle machine; timers run late on a busy one.
      summary.plays.started >= 4 && summary.plays.started <= 12,
      String(summary.plays.started),
    );
  });

  test('progress snapshots arrive during the run and once at the end', async () => {
    let snapshots = 0;
    let last = 0;
    await runLoad(plan(site.url, { durationSeconds: 0.5 }), {
      progressIntervalMs: 100,
      onProgress: (snapshot) => {
        snapshots += 1;
        last = snapshot.playsOk + snapshot.playsFailed;
      },
    });
    assert.ok(snapshots >= 3, String(snapshots));
    assert.equal(last, 10);
  });
});

test('a site that never answers is reported unreachable', async () => {
  // A port that was free a moment ago: connections to it are refused.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) =>
    probe.close(() => {
      resolve();
    }),
  );

  const summary = await runLoad(plan(`http://127.0.0.1:${port}`, { durationSeconds: 0.3 }));
  assert.equal(summary.reachable, false);
  assert.equal(summary.lastNetworkError, 'ECONNREFUSED');
  assert.deepEqual(summary.requests.errorsByStatus, { ECONNREFUSED: 6 });
  assert.equal(summary.endpoints.answer.requests, 0);
});
