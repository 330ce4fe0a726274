// `quizmesh graph` against the real local mode (every service, the mesh) with quiz split 50/50
// between v1 and v3, while rounds are played through the site: the graph names every app and the
// versions that took calls, each edge that carried calls has a rate, and quiz v1's loop over
// descriptions is marked N+1 from the recent traces.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { createTraceReader } from '../../../mesh-client/traces/trace-reader.ts';
import { startLocalMode, type RunningLocalMode } from '../../support/local-mode.ts';
import { meshConfigCopy } from '../../support/mesh-config.ts';
import { runQuizmesh, type CliResult } from '../../support/quizmesh-cli.ts';

/** One play as the page makes it: a round, its answer, an image, the leaderboard. */
async function playOnce(siteUrl: string, player: string): Promise<void> {
  const headers = { 'x-quiz-player': player };
  const response = await fetch(`${siteUrl}/api/round`, { headers });
  if (!response.ok) {
    await response.arrayBuffer(); // v1 fails some rounds: that is part of the graph too
    return;
  }
  const round = (await response.json()) as { id: string; images: { id: string; url: string }[] };
  const image = round.images[0];
  if (image === undefined) return;
  const answer = await fetch(`${siteUrl}/api/round/${encodeURIComponent(round.id)}/answer`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ player, imageId: image.id }),
  });
  await answer.arrayBuffer();
  await (await fetch(`${siteUrl}${image.url}`)).arrayBuffer();
  await (await fetch(`${siteUrl}/api/leaderboard`)).arrayBuffer();
}

/** Plays, three players at once, until the returned function is called. */
function keepPlaying(siteUrl: string): () => Promise<number> {
  let stopping = false;
  let plays = 0;
  const player = async (name: string): Promise<void> => {
    while (!stopping) {
      await playOnce(siteUrl, name);
      plays++;
    }
  };
  const players = Promise.all(['ann', 'ben', 'cy'].map(player));
  return async () => {
    stopping = true;
    await players;
    return plays;
  };
}

/** `"from" -> "to"` → the edge's label, from the DOT text. */
function edgeLabels(dot: string): Map<string, string> {
  const edges = dot.matchAll(/^ {2}"([^"]+)" -> "([^"]+)" \[.*, label="([^"]*)"\];$/gm);
  return new Map(
    [...edges].map(([, from, to, label = '']) => [`${from ?? ''} -> ${to ?? ''}`, label]),
  );
}

describe('quizmesh graph with local mode running', () => {
  let local: RunningLocalMode;
  before(async () => {
    const configDir = meshConfigCopy({
      'virtual-service-quiz.yaml': 'virtual-service-quiz-v1-50-v3-50.yaml',
    });
    // Traced: the N+1 marks come from recent traces.
    local = await startLocalMode({ QUIZMESH_MESH_CONFIG: configDir });
  });
  after(async () => {
    await local.stop();
  });

  it('draws the five apps with their versions, and a rate on every edge that carried calls', async () => {
    const stop = keepPlaying(local.state.siteUrl);
    let result: CliResult;
    try {
      // The marks need a looping v1 round in the trace store first; spans arrive in batches.
      const traces = createTraceReader(local.state.zipkinUrl);
      const deadline = Date.now() + 20_000;
      while ((await traces.recentNPlusOne()).length === 0) {
        assert.ok(Date.now() < deadline, 'no trace of a v1 loop reached the trace store');
        await sleep(250);
      }
      result = await runQuizmesh(['graph', '--format', 'dot', '--window', '2'], {
        QUIZMESH_HOME: local.home,
      });
    } finally {
      assert.ok((await stop()) > 0);
    }
    assert.equal(result.code, 0, result.stderr);
    const dot = result.stdout;
    for (const app of ['frontend', 'quiz', 'images', 'descriptions', 'scores']) {
      assert.match(dot, new RegExp(`\\n {2}subgraph "cluster_app:${app}" \\{\\n`), app);
    }
    for (const node of [
      'frontend:v1',
      'quiz:v1',
      'quiz:v3',
      'images:v1',
      'descriptions:v1',
      'scores:v1',
    ]) {
      assert.match(dot, new RegExp(`\\n {4}"workload:${node}" \\[`), node);
    }
    const labels = edgeLabels(dot);
    for (const edge of [
      'gateway:istio-ingressgateway -> workload:frontend:v1',
      'workload:frontend:v1 -> workload:quiz:v1',
      'workload:frontend:v1 -> workload:quiz:v3',
      'workload:frontend:v1 -> workload:images:v1',
      'workload:frontend:v1 -> workload:scores:v1',
      'workload:quiz:v1 -> workload:descriptions:v1',
      'workload:quiz:v3 -> workload:descriptions:v1',
    ]) {
      const rate = Number(/^([\d.]+) rps\\n/.exec(labels.get(edge) ?? '')?.[1]);
      assert.ok(rate > 0, `${edge}: ${labels.get(edge) ?? 'no edge'}\n${dot}`);
    }
    // quiz v1 looks each image up on its own; v3 asks once per round.
    const v1 = labels.get('workload:quiz:v1 -> workload:descriptions:v1') ?? '';
    assert.match(v1, /N\+1 ×\d+/, `${result.stderr}\n${dot}`);
    assert.doesNotMatch(labels.get('workload:quiz:v3 -> workload:descriptions:v1') ?? '', /N\+1/);
  });

  it('draws it as SVG with --format svg', async () => {
    const result = await runQuizmesh(['graph', '--format', 'svg', '--window', '0.5'], {
      QUIZMESH_HOME: local.home,
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /<svg width="\d+pt" height="\d+pt"/);
    for (const app of ['frontend', 'quiz', 'images', 'descriptions', 'scores']) {
      assert.match(result.stdout, new RegExp(`<g id="app:${app}" class="cluster">`), app);
    }
  });
});
