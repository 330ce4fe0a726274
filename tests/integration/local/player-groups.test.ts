// v2's bug per group of players, in the real local mode with every call to quiz routed to v2 and
// rounds played through the site (the mesh is the only way in) by players of every group: quiz's
// own metrics, the console's RED table and the canary dashboard's panel (its query, in local
// mode's own Prometheus) show the `other` group failing and ascii and latin1 players not, which
// Istio's figures (one 5xx share per version) cannot.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { RedAnswer } from '../../../console/server/app.ts';
import type { PlayerGroupFigures } from '../../../console/server/player-groups.ts';
import { roundErrorShare } from '../../../grafana/src/player-groups.ts';
import { prometheusInstalled } from '../../../local/prometheus.ts';
import { readRuntimeState } from '../../../local/runtime-state.ts';
import { queryVector } from '../../../mesh-client/prometheus/prometheus-query.ts';
import { parsePrometheusText } from '../../../mesh-client/prometheus/prometheus-text.ts';
import { withGrafanaMacros } from '../../support/emitted-metrics.ts';
import { startLocalMode, type RunningLocalMode } from '../../support/local-mode.ts';
import { meshConfigCopy, quizRouteTo } from '../../support/mesh-config.ts';
import { playRounds, type RoundTraffic } from '../../support/quiz-traffic.ts';

const ALL_V2 = quizRouteTo('v2');
/** Two players of each group: ascii, latin1 (beyond ASCII, within Latin-1), other. */
const PLAYERS = ['alice', 'bob', 'José', 'Zoë', 'Łukasz', '李雷'];

let local: RunningLocalMode;
let traffic: RoundTraffic;
let consoleUrl = '';

const red = async (): Promise<RedAnswer> =>
  (await (await fetch(`${consoleUrl}/api/red`)).json()) as RedAnswer;

/** The console's groups under quiz v2 once all three have played in its window. */
async function v2Groups(): Promise<PlayerGroupFigures[]> {
  const deadline = Date.now() + 30_000;
  let last: RedAnswer | undefined;
  while (Date.now() < deadline) {
    last = await red();
    const groups = last.workloads.find(
      (w) => w.service === 'quiz' && w.version === 'v2',
    )?.playerGroups;
    const charsets = (groups ?? []).map((g) => g.charset);
    if (groups && ['ascii', 'latin1', 'other'].every((c) => charsets.includes(c))) return groups;
    await sleep(1_000);
  }
  assert.fail(`the console never showed quiz v2's three groups: ${JSON.stringify(last)}`);
}

/** v2's error share per charset as the canary dashboard's panel asks it, once all three played. */
async function panelShares(): Promise<Record<string, number>> {
  const expr = withGrafanaMacros(roundErrorShare(), { service: 'quiz' });
  const deadline = Date.now() + 30_000;
  let shares: Record<string, number> = {};
  while (Date.now() < deadline) {
    const url = readRuntimeState(local.home).prometheusUrl;
    const samples = url === undefined ? [] : await queryVector(url, expr);
    shares = Object.fromEntries(
      samples
        .filter((s) => s.labels.version === 'v2' && Number.isFinite(s.value))
        .map((s) => [s.labels.player_charset ?? '', s.value]),
    );
    if (['ascii', 'latin1', 'other'].every((c) => c in shares)) return shares;
    await sleep(1_000);
  }
  assert.fail(`the panel's query never gave v2's three groups: ${JSON.stringify(shares)}`);
}

before(async () => {
  if (!prometheusInstalled())
    assert.fail("prometheus is not on PATH: install Debian's prometheus package");
  local = await startLocalMode({
    QUIZMESH_MESH_CONFIG: meshConfigCopy({ 'virtual-service-quiz.yaml': ALL_V2 }),
    // Local mode's own Prometheus (scraping every second) answers the dashboard's query.
    QUIZMESH_PROMETHEUS: 'auto',
    PROMETHEUS_PORT: '0',
  });
  consoleUrl = local.state.consoleUrl ?? assert.fail('local mode wrote no consoleUrl');
  await red(); // starts the console's scrapes before the traffic
  traffic = playRounds(local.state.siteUrl, PLAYERS);
});

after(async () => {
  await traffic.stop();
  await local.stop();
});

describe('under quiz v2, rounds per group of players', () => {
  it("the console's RED table shows v2 failing the other group only", async () => {
    const groups = await v2Groups();
    const share = Object.fromEntries(groups.map((g) => [g.charset, g.errorRate]));
    assert.equal(share.ascii, 0, JSON.stringify(groups));
    assert.equal(share.latin1, 0, JSON.stringify(groups));
    assert.ok((share.other ?? 0) > 0.9, JSON.stringify(groups));
    for (const group of groups) assert.ok(group.roundsPerSecond > 0, JSON.stringify(group));
    assert.ok(
      groups.some((g) => g.p99Ms !== null && g.p99Ms > 0),
      JSON.stringify(groups),
    );
  });

  it("quiz's /metrics counts the other group's rounds as failed and the others' as built", async () => {
    const text = await (await fetch(`${local.url('quiz-v2')}/metrics`)).text();
    const count = (result: string, charset: string): number =>
      parsePrometheusText(text)
        .filter((s) => s.name === 'quiz_rounds_total')
        .filter((s) => s.labels.result === result && s.labels.player_charset === charset)
        .reduce((sum, s) => sum + s.value, 0);
    assert.ok(count('error', 'other') > 0, text);
    assert.equal(count('ok', 'other'), 0);
    for (const charset of ['ascii', 'latin1']) {
      assert.ok(count('ok', charset) > 0, `${charset}: no round built`);
      assert.equal(count('error', charset), 0, `${charset}: rounds failed`);
    }
    assert.match(text, /quiz_round_duration_seconds_bucket\{.*player_charset="other"/);
  });

  it("the canary dashboard's round error share is 1 for the other group and 0 for the rest", async () => {
    const shares = await panelShares();
    assert.deepEqual(
      { ascii: shares.ascii, latin1: shares.latin1, other: shares.other },
      { ascii: 0, latin1: 0, other: 1 },
    );
  });
});
