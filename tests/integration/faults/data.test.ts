// Hostile data against the processes that keep it: bodies meant to exhaust the trace store, reads
// from pages that are not on this machine, a torn scores log, calls that go around the mesh.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startLocalMode, type RunningLocalMode } from '../../support/local-mode.ts';
import { meshTokenHeaders } from '../../support/mesh-token.ts';
import { startServiceProcess, type ServiceProcess } from '../../support/service-process.ts';

const running: ChildProcess[] = [];
after(() => {
  for (const child of running) if (child.exitCode === null) child.kill('SIGKILL');
});

async function start(entry: string, env: Record<string, string>): Promise<ServiceProcess> {
  const started = await startServiceProcess({ entry, env });
  running.push(started.child);
  return started;
}

/** A request as any program on the machine can send it: every header its own, Host included. */
function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, {
      method: options.method ?? 'GET',
      headers: options.headers,
    });
    request.on('error', reject);
    request.on('response', (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      response.on('end', () => {
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body });
      });
    });
    request.end(options.body);
  });
}

const hex16 = (n: number): string => n.toString(16).padStart(16, '0');
const nowMicros = (): number => Date.now() * 1000;

function metric(text: string, name: string): number {
  const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  assert.ok(match, `${name} not on /metrics`);
  return Number(match[1]);
}

describe('the trace store under hostile bodies and foreign pages', () => {
  let store: ServiceProcess;
  const postSpans = (spans: unknown): Promise<Response> =>
    fetch(`${store.baseUrl}/api/v2/spans`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof spans === 'string' ? spans : JSON.stringify(spans),
    });
  const metrics = async (): Promise<string> => (await fetch(`${store.baseUrl}/metrics`)).text();

  before(async () => {
    store = await start('tracestore/main.ts', {
      MAX_TRACES: '2000',
      MAX_SPANS_PER_TRACE: '100',
      MAX_SPANS: '200000',
    });
  });

  test('a page served from another host cannot read traces: its Host is refused (DNS rebinding)', async () => {
    const port = new URL(store.baseUrl).port;
    const rebound = await rawRequest(`${store.baseUrl}/api/v2/services`, {
      headers: { host: `attacker.example:${port}` },
    });
    assert.equal(rebound.status, 403);
    assert.match(rebound.body, /loopback/);
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`]) {
      const own = await rawRequest(`${store.baseUrl}/api/v2/services`, { headers: { host } });
      assert.equal(own.status, 200, host);
    }
  });

  test('a request from a non-loopback origin is refused, and no answer allows other origins', async () => {
    for (const origin of [
      'http://attacker.example',
      'null',
      'https://127.0.0.1.attacker.example',
    ]) {
      const read = await rawRequest(`${store.baseUrl}/api/v2/traces`, { headers: { origin } });
      assert.equal(read.status, 403, origin);
      const preflight = await rawRequest(`${store.baseUrl}/api/v2/traces`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'GET' },
      });
      assert.equal(preflight.status, 403, origin);
    }
    const local = await rawRequest(`${store.baseUrl}/api/v2/services`, {
      headers: { origin: 'http://127.0.0.1:20001' },
    });
    assert.equal(local.status, 200);
    assert.equal(local.headers['access-control-allow-origin'], undefined);
    const plain = await fetch(`${store.baseUrl}/api/v2/services`);
    assert.equal(plain.status, 200);
    assert.equal(plain.headers.get('access-control-allow-origin'), null);
  });

  test('a body over the limit is answered 413 and nothing of it is kept', async () => {
    const before = metric(await metrics(), 'zipkin_store_spans');
    const big = JSON.stringify([
      { traceId: hex16(0x77), id: hex16(1), tags: { x: 'y'.repeat(6e6) } },
    ]);
    assert.equal((await postSpans(big)).status, 413);
    assert.equal(metric(await metrics(), 'zipkin_store_spans'), before);
  });

  test('60 spans of 4.5 MB each are kept cut to size, in a few megabytes', async () => {
    for (let n = 0; n < 60; n++) {
      const span = {
        traceId: hex16(0x1000 + n),
        id: hex16(1),
        timestamp: nowMicros(),
        localEndpoint: { serviceName: 'hostile' },
        tags: { blob: 'z'.repeat(4_500_000) },
      };
      assert.equal((await postSpans([span])).status, 202);
    }
    const text = await metrics();
    const bytes = metric(text, 'zipkin_store_bytes');
    assert.ok(bytes < 60 * 200_000, `the store holds ${bytes} bytes`);
    assert.ok(metric(text, 'zipkin_store_truncated_spans_total') >= 60);
    const [stored] = (await (
      await fetch(`${store.baseUrl}/api/v2/trace/${hex16(0x1000)}`)
    ).json()) as {
      tags: Record<string, string>;
    }[];
    assert.ok((stored?.tags.blob ?? '').length < 100_000);
  });

  test('re-posting one span id with new tags and annotations leaves the store no bigger', async () => {
    const report = (n: number): object => ({
      traceId: hex16(0x2000),
      id: hex16(1),
      localEndpoint: { serviceName: 'hostile' },
      tags: { [`k${n}`]: 'v'.repeat(2_000) },
      annotations: [{ timestamp: nowMicros() + n, value: `e${n}${'a'.repeat(2_000)}` }],
    });
    const batch = (from: number): object[] =>
      Array.from({ length: 300 }, (_, i) => report(from + i));
    assert.equal((await postSpans(batch(0))).status, 202);
    const once = metric(await metrics(), 'zipkin_store_bytes');
    for (let round = 1; round <= 5; round++) {
      assert.equal((await postSpans(batch(round * 300))).status, 202);
    }
    assert.ok(metric(await metrics(), 'zipkin_store_bytes') <= once);
  });

  test('reads are answered while a 90,000-span batch is ingested', async () => {
    // 900 traces of 100 spans, ids as short as Zipkin takes them, under the 5 MB body limit.
    const spans = Array.from({ length: 90_000 }, (_, n) => ({
      traceId: hex16(0x100000 + Math.floor(n / 100)),
      id: hex16(n + 1),
    }));
    const body = JSON.stringify(spans);
    assert.ok(body.length < 5 * 1024 * 1024, `${body.length} bytes`);
    const before = metric(await metrics(), 'zipkin_store_spans');

    const batch = { done: false };
    const posted = postSpans(body).then((response) => {
      batch.done = true;
      return response.status;
    });
    // Poll the store's own count while the batch goes in. Ingested all at once, every answer is
    // before or after the batch; ingested in chunks, some answer falls in between.
    const seen = new Set<number>();
    while (!batch.done) seen.add(metric(await metrics(), 'zipkin_store_spans'));
    assert.equal(await posted, 202);
    const after = metric(await metrics(), 'zipkin_store_spans');
    assert.equal(after, before + 90_000);
    const partial = [...seen].filter((count) => count > before && count < after);
    assert.ok(partial.length > 0, `counts seen while ingesting: ${[...seen].join(', ')}`);
  });
});

describe('scores with a torn log', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'scores-faults-'));
  const logFile = join(dataDir, 'answers.jsonl');
  const startScores = (): Promise<ServiceProcess> =>
    start('services/scores/main.ts', { DATA_DIR: dataDir });
  const postAnswer = (scores: ServiceProcess, roundId: string, player: string): Promise<Response> =>
    fetch(`${scores.baseUrl}/answers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ roundId, player, correct: true, expiresAt: Date.now() + 600_000 }),
    });

  test('an answer acknowledged after a torn write survives a kill, and its round stays answered', async () => {
    const scores = await startScores();
    assert.equal((await postAnswer(scores, 'torn-round-1', 'alice')).status, 201);
    // What a write cut short leaves: half a record and no newline, while scores runs.
    appendFileSync(logFile, '{"t":"answer","roundId":"torn-ro');
    assert.equal((await postAnswer(scores, 'torn-round-2', 'bob')).status, 201);
    scores.child.kill('SIGKILL');
    await scores.exited;

    const restarted = await startScores();
    assert.equal((await postAnswer(restarted, 'torn-round-2', 'bob')).status, 409);
    assert.equal((await postAnswer(restarted, 'torn-round-1', 'alice')).status, 409);
    const bob = (await (await fetch(`${restarted.baseUrl}/players/bob`)).json()) as object;
    assert.deepEqual(bob, { player: 'bob', score: 1, answered: 1 });
    assert.equal(statSync(logFile).mode & 0o777, 0o600);
    restarted.child.kill('SIGTERM');
    await restarted.exited;
  });

  test('an answer whose round would outlive any round quiz makes is refused 400', async () => {
    const scores = await startScores();
    const response = await fetch(`${scores.baseUrl}/answers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        roundId: 'forever-round',
        player: 'mallory',
        correct: true,
        expiresAt: 1e15,
      }),
    });
    assert.equal(response.status, 400);
    assert.match(((await response.json()) as { error: string }).error, /expiresAt: .*a day/);
    scores.child.kill('SIGTERM');
    await scores.exited;
  });
});

describe('local mode: calls that go around the mesh', () => {
  let local: RunningLocalMode;
  before(async () => {
    local = await startLocalMode();
  });
  after(async () => {
    await local.stop();
  });
  const forged = {
    roundId: 'forged-round-1',
    player: 'mallory',
    correct: true,
    expiresAt: Date.now() + 60_000,
  };
  const postDirect = (headers: Record<string, string> = {}): Promise<Response> =>
    fetch(`${local.url('scores-v1')}/answers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(forged),
    });

  test('a call straight to an instance port is refused 403; the mesh gets through', async () => {
    const direct = await postDirect();
    assert.equal(direct.status, 403);
    assert.match(((await direct.json()) as { error: string }).error, /through the mesh/);
    assert.equal((await postDirect({ 'x-quizmesh-mesh-token': 'guessed' })).status, 403);
    for (const name of ['frontend-v1', 'quiz-v1', 'images-v1', 'descriptions-v1']) {
      assert.equal((await fetch(`${local.url(name)}/`)).status, 403, name);
    }
    const board = await fetch(`${local.state.siteUrl}/api/leaderboard`);
    assert.equal(board.status, 200);
    assert.ok(!JSON.stringify(await board.json()).includes('mallory'));
    // What the mesh sends is what lets a call in.
    assert.equal((await postDirect(meshTokenHeaders(local))).status, 201);
  });

  test('health and metrics stay open to the supervisor and Prometheus, and never show the token', async () => {
    const [header, token] = Object.entries(meshTokenHeaders(local))[0] ?? ['', ''];
    for (const workload of local.state.workloads.filter(
      (w) => w.app === 'scores' || w.app === 'quiz',
    )) {
      for (const path of ['/healthz', '/readyz', '/metrics']) {
        const response = await fetch(`${workload.url}${path}`);
        assert.equal(response.status, 200, `${workload.name}${path}`);
        assert.ok(!(await response.text()).includes(token), `${workload.name}${path}`);
      }
    }
    // Rounds make traces whether they succeed or not (quiz v1 fails about one in five).
    for (let i = 0; i < 3; i++) {
      const round = await fetch(`${local.state.siteUrl}/api/round`, {
        headers: { 'x-b3-sampled': '1' },
      });
      assert.ok(round.status === 200 || round.status === 502, `round answered ${round.status}`);
      await round.arrayBuffer();
    }
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const traces = await (await fetch(`${local.state.zipkinUrl}/api/v2/traces?limit=50`)).text();
    assert.ok(traces.length > 2, 'some traces');
    assert.ok(!traces.includes(token) && !traces.includes(header));
    const stats = await (await fetch(local.state.meshStatsUrl)).text();
    assert.ok(!stats.includes(token));
  });

  test("scores' data is readable by its owner only", () => {
    const dataDir = join(local.home, 'data');
    assert.equal(statSync(dataDir).mode & 0o777, 0o700);
    for (const file of readdirSync(dataDir)) {
      assert.equal(statSync(join(dataDir, file)).mode & 0o777, 0o600, file);
    }
  });
});
