// The whole local mode, started for real: rounds played through the frontend, traces read back
// from the trace store, metrics scraped from every service.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  newTraceHeaders,
  serviceOf,
  startLocalMode,
  waitForTrace,
  type RunningLocalMode,
  type ZipkinSpan,
} from '../../support/local-mode.ts';
import { UNAVAILABLE_MESSAGE } from '../../../services/frontend/player-facing.ts';
import { meshTokenHeaders } from '../../support/mesh-token.ts';

const FIVE_SERVICES = ['descriptions', 'frontend', 'images', 'quiz', 'scores'];
const player = (name: string) => ({ 'x-quiz-player': encodeURIComponent(name) });

interface SiteRound {
  id: string;
  description: string;
  images: { id: string; url: string }[];
}

let local: RunningLocalMode;

const scrape = async (name: string): Promise<string> =>
  (await fetch(`${local.url(name)}/metrics`)).text();

/** Asserts a sample starting with `prefix` has a positive value; on failure shows only that metric. */
function assertSample(text: string, prefix: string): void {
  const lines = text.split('\n');
  const found = lines.find((line) => line.startsWith(prefix) && Number(line.split(' ').at(-1)) > 0);
  const family = prefix.split('{')[0] ?? prefix;
  assert.ok(
    found,
    `no positive sample ${prefix}; have:\n${lines.filter((l) => l.startsWith(family)).join('\n')}`,
  );
}

before(async () => {
  // The mesh-config/ in force routes all quiz traffic to v1: the bug.
  local = await startLocalMode();
});
after(async () => {
  await local.stop();
});

async function getRound(name = 'alice', headers: Record<string, string> = {}) {
  const response = await fetch(`${local.state.siteUrl}/api/round`, {
    headers: { ...player(name), ...headers },
  });
  return {
    status: response.status,
    body: (await response.json()) as SiteRound & { error?: string },
  };
}

async function answer(roundId: string, body: unknown) {
  const response = await fetch(
    `${local.state.siteUrl}/api/round/${encodeURIComponent(roundId)}/answer`,
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
  );
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** v1 fails some rounds by design; retry until one succeeds. */
async function playableRound(headers?: () => Record<string, string>) {
  for (let attempt = 0; attempt < 30; attempt++) {
    const extra = headers?.() ?? {};
    const round = await getRound('alice', extra);
    if (round.status === 200) return { round: round.body, headers: extra };
  }
  throw new Error('no playable round in 30 attempts');
}

/** Spans whose parent is not in the trace. */
const orphans = (spans: ZipkinSpan[]) => {
  const ids = new Set(spans.map((s) => s.id));
  return spans.filter((s) => !s.parentId || !ids.has(s.parentId));
};

const descriptionServerSpans = (spans: ZipkinSpan[]) =>
  spans.filter((s) => serviceOf(s) === 'descriptions' && s.kind === 'SERVER');

describe('local mode', () => {
  it('serves the quiz page and a playable round through the frontend', async () => {
    const page = await fetch(local.state.siteUrl);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<html/i);
    const { round } = await playableRound();
    assert.equal(round.images.length, 4);
    const image = await fetch(`${local.state.siteUrl}${round.images[0]?.url ?? ''}`);
    assert.equal(image.status, 200);
    assert.match(image.headers.get('content-type') ?? '', /^image\/svg\+xml/);
  });

  it('a round is one trace with spans from all five services, every parent link intact', async () => {
    let traceId = '';
    let requestId = '';
    const { round } = await playableRound(() => {
      const trace = newTraceHeaders();
      traceId = trace.traceId;
      requestId = `it-${trace.traceId}`;
      return { ...trace.headers, 'x-request-id': requestId };
    });
    assert.ok(round.id);
    // Complete once every service has reported and only the ingress gateway's span lacks a parent.
    const spans = await waitForTrace(
      local.state.zipkinUrl,
      traceId,
      (s) =>
        FIVE_SERVICES.every((name) => s.some((span) => serviceOf(span) === name)) &&
        orphans(s).length === 1,
    );
    const services = new Set(spans.map(serviceOf));
    for (const name of FIVE_SERVICES) assert.ok(services.has(name), `no span from ${name}`);
    // …and the mesh reported each hop, as Istio's sidecars do.
    for (const proxy of ['istio-ingressgateway.istio-system', 'frontend.quiz', 'quiz.quiz']) {
      assert.ok(services.has(proxy), `no span from the ${proxy} proxy`);
    }
    assert.ok(spans.every((s) => s.traceId === traceId));
    const roots = orphans(spans);
    // The only span whose parent is not in the trace is the gateway's, child of our B3 span id.
    assert.equal(
      roots.length,
      1,
      `orphans: ${roots.map((s) => `${serviceOf(s)} ${s.name}`).join()}`,
    );
    assert.equal(serviceOf(roots[0] as ZipkinSpan), 'istio-ingressgateway.istio-system');
    // x-request-id travelled with the B3 headers, through every hop.
    const servers = spans.filter((s) => s.kind === 'SERVER');
    assert.ok(servers.length >= 5);
    for (const span of servers) {
      assert.equal(span.tags?.['http.request.header.x-request-id'], requestId, serviceOf(span));
    }
  });

  it('under v1 a round calls descriptions once per catalog image, 25 times or more', async () => {
    let traceId = '';
    await playableRound(() => {
      const trace = newTraceHeaders();
      traceId = trace.traceId;
      return trace.headers;
    });
    const spans = await waitForTrace(
      local.state.zipkinUrl,
      traceId,
      (s) => descriptionServerSpans(s).length >= 25 && s.some((x) => serviceOf(x) === 'scores'),
    );
    assert.ok(descriptionServerSpans(spans).length >= 25);
  });

  it('under v1 some rounds fail with a 5xx, and their trace shows the descriptions call that timed out', async () => {
    const failures: { status: number; error: string; traceId: string }[] = [];
    for (let i = 0; i < 80 && failures.length === 0; i++) {
      const trace = newTraceHeaders();
      const round = await getRound('bob', trace.headers);
      if (round.status >= 500) {
        failures.push({
          status: round.status,
          error: round.body.error ?? '',
          traceId: trace.traceId,
        });
      } else {
        assert.equal(round.status, 200);
      }
    }
    const failure = failures[0];
    assert.ok(failure, 'no v1 round failed in 80 attempts');
    assert.equal(failure.status, 502);
    // The player reads a plain message; which services failed is in the site's log and the trace.
    assert.equal(failure.error, UNAVAILABLE_MESSAGE);
    const siteLog = readFileSync(join(local.home, 'logs', 'frontend-v1.log'), 'utf8');
    const siteLine = siteLog
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((entry) => entry.trace_id === failure.traceId);
    assert.match(
      String(siteLine?.msg),
      /quiz answered 504: descriptions did not answer .* within 50 ms/,
    );
    // The slow lookup's span reports a little after the rest of the trace.
    const isSlowLookup = (x: ZipkinSpan) => x.tags?.['descriptions.cache'] === 'miss';
    const quizGaveUp = (x: ZipkinSpan) =>
      serviceOf(x) === 'quiz' && x.kind === 'CLIENT' && x.tags?.error !== undefined;
    const spans = await waitForTrace(local.state.zipkinUrl, failure.traceId, (s) => {
      // …and so may the mesh's span of that hop, which ends when quiz hangs up.
      const slowLookup = s.find(isSlowLookup);
      return s.some(quizGaveUp) && s.some((x) => x.id === slowLookup?.parentId);
    });
    const gaveUp = spans.find(quizGaveUp);
    assert.match(gaveUp?.tags?.['url.full'] ?? '', /\/descriptions\//);
    // The lookup quiz gave up on is the one that missed the cache.
    // quiz → its sidecar's span → descriptions: the sidecar hop sits between them.
    const slow = spans.find(isSlowLookup);
    assert.equal(slow?.kind, 'SERVER');
    const hop = spans.find((x) => x.id === slow.parentId);
    assert.equal(hop && serviceOf(hop), 'quiz.quiz');
    assert.equal(hop?.parentId, gaveUp?.id);
    assert.match(gaveUp?.tags?.error ?? '', /no answer within 50 ms/);
    // quiz's JSON log line for the failure carries the same trace id, so logs lead to the trace.
    const log = readFileSync(join(local.home, 'logs', 'quiz-v1.log'), 'utf8');
    const line = log
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((entry) => entry.trace_id === failure.traceId);
    assert.equal(line?.level, 50);
    assert.match(String(line.msg), /descriptions did not answer/);
  });

  it('under v3 a round calls descriptions at most 3 times', async () => {
    const trace = newTraceHeaders();
    const response = await fetch(`${local.url('quiz-v3')}/rounds`, {
      method: 'POST',
      headers: { ...trace.headers, ...player('carol'), ...meshTokenHeaders(local) },
    });
    assert.equal(response.status, 201);
    const spans = await waitForTrace(local.state.zipkinUrl, trace.traceId, (s) =>
      ['images', 'descriptions', 'scores'].every((name) => s.some((x) => serviceOf(x) === name)),
    );
    assert.ok(descriptionServerSpans(spans).length <= 3);
  });

  it('v2 works for alice but fails players named outside Latin-1 with a 500', async () => {
    const post = (name: string) =>
      fetch(`${local.url('quiz-v2')}/rounds`, {
        method: 'POST',
        headers: { ...player(name), ...meshTokenHeaders(local) },
      });
    assert.equal((await post('alice')).status, 201);
    assert.equal((await post('José')).status, 201);
    const broken = await post('李雷');
    assert.equal(broken.status, 500);
  });

  it('a round built by quiz v3 is answered through the frontend (v1), once', async () => {
    const built = await fetch(`${local.url('quiz-v3')}/rounds`, {
      method: 'POST',
      headers: meshTokenHeaders(local),
    });
    const round = (await built.json()) as { id: string; images: { id: string }[] };
    const pick = round.images[0]?.id ?? '';
    const first = await answer(round.id, { player: 'Zoë', imageId: pick });
    assert.equal(first.status, 200);
    assert.equal(typeof first.body.correct, 'boolean');
    assert.equal(first.body.score, first.body.correct ? 1 : 0);
    const again = await answer(round.id, { player: 'Zoë', imageId: pick });
    assert.equal(again.status, 409);
    assert.match(String(again.body.error), /already answered/);
  });

  it('the leaderboard lists players who answered', async () => {
    const response = await fetch(`${local.state.siteUrl}/api/leaderboard?limit=50`);
    assert.equal(response.status, 200);
    const { players } = (await response.json()) as { players: { player: string }[] };
    assert.ok(players.some((p) => p.player === 'Zoë'));
  });

  it("every service's /metrics has the RED histograms with route templates and non-zero counts", async () => {
    const frontend = await scrape('frontend-v1');
    assertSample(
      frontend,
      'http_server_request_duration_seconds_count{method="GET",route="/api/round",status_code="200"}',
    );
    assertSample(
      frontend,
      'http_client_request_duration_seconds_count{peer_service="quiz",status_code="201"}',
    );
    const quiz = await scrape('quiz-v1');
    assertSample(
      quiz,
      'http_server_request_duration_seconds_count{method="POST",route="/rounds",status_code="201"}',
    );
    assertSample(
      quiz,
      'http_server_request_duration_seconds_count{method="POST",route="/rounds/:id/answer",status_code="200"}',
    );
    assertSample(
      quiz,
      'http_client_request_duration_seconds_count{peer_service="descriptions",status_code="200"}',
    );
    assertSample(
      quiz,
      'http_client_request_duration_seconds_count{peer_service="descriptions",status_code="error"}',
    );
    assertSample(quiz, 'quiz_rounds_total{result="ok",player_charset=');
    assertSample(quiz, 'quiz_rounds_total{result="error",player_charset=');
    assertSample(quiz, 'quiz_answers_total{correct=');
    assertSample(
      await scrape('quiz-v3'),
      'http_server_request_duration_seconds_count{method="POST",route="/rounds",status_code="201"}',
    );
    assertSample(
      await scrape('descriptions-v1'),
      'http_server_request_duration_seconds_count{method="GET",route="/descriptions/:id",status_code="200"}',
    );
    assertSample(
      await scrape('descriptions-v1'),
      'http_server_request_duration_seconds_count{method="POST",route="/descriptions/batch",status_code="200"}',
    );
    assertSample(
      await scrape('images-v1'),
      'http_server_request_duration_seconds_count{method="GET",route="/images",status_code="200"}',
    );
    assertSample(
      await scrape('scores-v1'),
      'http_server_request_duration_seconds_count{method="POST",route="/answers",status_code="201"}',
    );
    for (const name of ['frontend-v1', 'quiz-v1', 'images-v1', 'descriptions-v1', 'scores-v1']) {
      const text = await scrape(name);
      assertSample(text, 'process_resident_memory_bytes');
      assert.ok(
        text.split('\n').every((line) => !/route="[^"]*\/[A-Za-z0-9_-]{20,}/.test(line)),
        `${name} labels a raw path instead of a route template`,
      );
    }
  });

  it('stops every process on SIGTERM, exiting 0', async () => {
    const code = await local.stop();
    assert.equal(code, 0);
    for (const workload of local.state.workloads) {
      await assert.rejects(fetch(`${workload.url}/healthz`), `${workload.name} still answers`);
    }
  });
});
