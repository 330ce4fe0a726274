// The cluster's Prometheus settings, proven with the program the cluster runs: Prometheus of the
// version k8s/base deploys runs k8s/base/observability/prometheus.yml (its scrape and evaluation
// intervals, relabeling and rule files; discovery stood in by files holding the targets a pod
// would make, see support/cluster-prometheus-config.ts) over the real local mode, quiz split 50/50
// between v1 and v3, while players play rounds. Then every panel query of the provisioned
// dashboards, sized as Grafana sizes it from the provisioned datasource, returns data; the alert
// rules load and fire on v1; and, as a contrast, the same queries sized from a 1 s timeInterval
// (the datasource's value before a475909) come back empty wherever they use $__rate_interval.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse } from 'yaml';
import { labelValuesQuery } from '../../grafana/src/panel-queries.ts';
import { ISTIO_LABELS } from '../../mesh/telemetry/istio-metrics.ts';
import { SCRAPE_INTERVAL as LOCAL_MODE_SCRAPE_INTERVAL } from '../../local/prometheus.ts';
import {
  startClusterObservability,
  type ClusterObservability,
} from './support/cluster-observability.ts';
import type { Pod } from './support/cluster-pods.ts';
import {
  CLUSTER_PROMETHEUS_YML,
  prometheusDeployment,
} from './support/cluster-prometheus-config.ts';
import { alignToStep, grafanaIntervals, intervalMs } from './support/grafana-intervals.ts';
import { reportingWorkload } from './support/istio-agent-stand-in.ts';
import {
  datasourceTimeInterval,
  provisionedDashboards,
  variableText,
  withMacros,
  withVariables,
  type Dashboard,
  type DashboardQuery,
} from './support/provisioned-dashboards.ts';
import {
  clusterVersion,
  prometheusApi,
  prometheusVersion,
  type QueryData,
} from './support/prometheus-server.ts';
import { tool } from './support/tools.ts';

/** Long enough for a minute of rate() history and QuizmeshVersionErrorRateHigh's `for: 1m`. */
const TRAFFIC_MS = 100_000;
/** Points a range query's best series must have: 30 s of a line at the cluster's 5 s step. */
const MIN_POINTS = 6;
/** The values variables get where Prometheus offers them: the service the story is about. */
const PREFERRED: Readonly<Record<string, string>> = { service: 'quiz' };
const PLAYERS = ['ada', 'bob', 'cyd', 'dee'];

let stack: ClusterObservability;
let stopPlaying: () => Promise<number>;

/** Rounds and answers through the gateway, as the cluster's load generator plays them. */
function play(siteUrl: string): () => Promise<number> {
  let stopping = false;
  let played = 0;
  const player = async (name: string): Promise<void> => {
    while (!stopping) {
      try {
        const response = await fetch(`${siteUrl}/api/round`, {
          headers: { 'x-quiz-player': name },
        });
        const round = (await response.json()) as { id?: string; images?: { id: string }[] };
        const imageId = round.images?.[0]?.id;
        if (response.ok && round.id !== undefined && imageId !== undefined)
          await fetch(`${siteUrl}/api/round/${encodeURIComponent(round.id)}/answer`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ player: name, imageId }),
          });
      } catch {
        // a failed round is data for the panels, not a failed test
      }
      played++;
      await sleep(100);
    }
  };
  const players = Promise.all(PLAYERS.map(player));
  return async () => {
    stopping = true;
    await players;
    return played;
  };
}

before(async () => {
  stack = await startClusterObservability({
    'virtual-service-quiz.yaml': 'virtual-service-quiz-v1-50-v3-50.yaml',
  });
  stopPlaying = play(stack.local.state.siteUrl);
  await sleep(TRAFFIC_MS);
});

after(async () => {
  // Stopped last: the alert test needs the traffic going.
  const played = await stopPlaying();
  await stack.stop();
  assert.ok(played > 100, `only ${played} rounds played`);
});

const api = <T>(path: string, params: Record<string, string | string[]> = {}) =>
  prometheusApi<T>(stack.prometheus.url, path, params);

/** A panel query run as Grafana runs it at `timeInterval`: its finite points, or its error. */
async function runAsGrafana(
  query: DashboardQuery,
  values: Readonly<Record<string, string>>,
  timeInterval: string | undefined,
): Promise<{ expr: string; stepMs: number; rate: string; points: number; error?: string }> {
  const intervals = grafanaIntervals({ ...query, timeInterval });
  const expr = withMacros(withVariables(query.expr, values), intervals.macros);
  const now = Date.now();
  const end = alignToStep(now, intervals.stepMs) / 1_000;
  const answer = query.instant
    ? await api<QueryData>('/api/v1/query', { query: expr, time: String(end) })
    : await api<QueryData>('/api/v1/query_range', {
        query: expr,
        start: String(alignToStep(now - query.rangeMs, intervals.stepMs) / 1_000),
        end: String(end),
        step: String(intervals.stepMs / 1_000),
      });
  const sized = { expr, stepMs: intervals.stepMs, rate: intervals.macros.__rate_interval ?? '' };
  if (answer.status !== 'success') return { ...sized, points: 0, error: answer.error ?? '' };
  const finite = (v: [number, string]): boolean => Number.isFinite(Number(v[1]));
  const counts = answer.data.result.map((s) =>
    s.values ? s.values.filter(finite).length : s.value && finite(s.value) ? 1 : 0,
  );
  return { ...sized, points: Math.max(0, ...counts) };
}

/** The dashboard's variables as Grafana fills them from Prometheus over its time range. */
async function variableValues(dashboard: Dashboard): Promise<Record<string, string>> {
  const values: Record<string, string> = {};
  const end = Date.now() / 1_000;
  for (const variable of dashboard.variables) {
    if (variable.type !== 'query' || variable.query === undefined) continue;
    const { selector, label } = labelValuesQuery(variable.query);
    const offered = await api<string[]>(`/api/v1/label/${label}/values`, {
      'match[]': selector,
      start: String(end - dashboard.rangeMs / 1_000),
      end: String(end),
    });
    values[variable.name] = variableText(variable, offered.data, PREFERRED[variable.name]);
  }
  return values;
}

const expected = (points: number, instant: boolean): boolean =>
  points >= (instant ? 1 : MIN_POINTS);

describe("the cluster's prometheus.yml, run by the Prometheus the cluster runs", () => {
  it('Prometheus and promtool are the version k8s/base deploys, and promtool checks the config', () => {
    const deployment = prometheusDeployment();
    assert.equal(stack.prometheus.version, clusterVersion(deployment));
    assert.equal(prometheusVersion(tool('promtool')), clusterVersion(deployment));
    const check = spawnSync(tool('promtool'), ['check', 'config', stack.config.file], {
      encoding: 'utf8',
    });
    assert.equal(check.status, 0, `${check.stdout}${check.stderr}`);
    // What was changed to run here, and nothing else (support/cluster-prometheus-config.ts).
    for (const rewrite of stack.config.rewrites)
      assert.match(
        rewrite,
        /kubernetes_sd_configs → file_sd_configs|replacement ':15020'|rule_files: /,
      );
    assert.deepEqual(
      { scrape: stack.config.scrapeInterval, evaluation: stack.config.evaluationInterval },
      { scrape: '5s', evaluation: '5s' },
      `${CLUSTER_PROMETHEUS_YML}: the intervals this file's tests size for`,
    );
  });

  it("the relabeling makes one target per running app pod, on its agent's /stats/prometheus, and one for the ingress gateway", async () => {
    const { data } = await api<{
      activeTargets: {
        labels: Record<string, string>;
        scrapeUrl: string;
        health: string;
        lastError: string;
      }[];
      droppedTargets: { discoveredLabels: Record<string, string> }[];
    }>('/api/v1/targets', { state: 'any' });
    const active = data.activeTargets
      .map((t): Record<string, string> => ({
        ...t.labels,
        url: t.scrapeUrl,
        health: t.health,
        error: t.lastError,
      }))
      .sort((a, b) => (a.pod ?? '').localeCompare(b.pod ?? ''));
    const port = (workload: string): number =>
      stack.agents.find((a) => a.workload === workload)?.port ?? 0;
    // Every running pod with a sidecar, and the gateway.
    const scraped = (p: Pod): boolean =>
      p.phase === 'Running' &&
      (p.namespace === 'quiz'
        ? p.annotations['sidecar.istio.io/status'] !== undefined
        : p.deployment === 'istio-ingressgateway');
    const wanted = stack.pods
      .filter(scraped)
      .map((p) => ({
        job: p.namespace === 'quiz' ? 'kubernetes-pods' : 'istio-ingressgateway',
        instance: `127.0.0.1:${String(port(p.deployment))}`,
        namespace: p.namespace,
        pod: p.name,
        app: p.labels.app ?? '',
        ...(p.namespace === 'quiz' && { version: p.labels.version ?? '' }),
        url: `http://127.0.0.1:${String(port(p.deployment))}/stats/prometheus`,
        health: 'up',
        error: '',
      }))
      .sort((a, b) => a.pod.localeCompare(b.pod));
    assert.deepEqual(active, wanted);
    // Discovered, and dropped by the keep rule (outside the mesh, no scrape annotation) or by the
    // phase rule (a quiz-v1 replica still Pending); istiod is not even discovered (selector).
    const dropped = new Set(
      data.droppedTargets.map((t) => t.discoveredLabels.__meta_kubernetes_pod_name),
    );
    const notScraped = stack.pods.filter((p) => !wanted.some((w) => w.pod === p.name));
    assert.deepEqual(
      notScraped.filter((p) => !dropped.has(p.name)).map((p) => p.deployment),
      ['istiod'],
    );
  });

  it('each Istio series is scraped once, from the pod whose Envoy reports it', async () => {
    assert.deepEqual(await stack.meshSeriesServedByNone(), []);
    const twice = await api<QueryData>('/api/v1/query', {
      query: `count by (${['__name__', 'le', ...ISTIO_LABELS].join(', ')}) ({__name__=~"istio_.+"}) > 1`,
    });
    assert.deepEqual(twice.data.result, []);
    const series = await api<QueryData>('/api/v1/query', { query: 'istio_requests_total' });
    const deploymentOf = new Map(stack.pods.map((p) => [p.name, p.deployment]));
    const misplaced = series.data.result.filter((s) => {
      const labels = Object.entries(s.metric).map(([k, v]) => `${k}="${v}"`);
      return deploymentOf.get(s.metric.pod ?? '') !== reportingWorkload(`{${labels.join(',')}}`);
    });
    assert.deepEqual(misplaced, []);
    const jobs = new Set(series.data.result.map((s) => s.metric.job));
    assert.deepEqual([...jobs].sort(), ['istio-ingressgateway', 'kubernetes-pods']);
  });

  const timeInterval = datasourceTimeInterval();
  for (const dashboard of provisionedDashboards()) {
    it(`every query of ${dashboard.file} returns data at Grafana's intervals (timeInterval ${timeInterval ?? 'unset'})`, async (t) => {
      const values = await variableValues(dashboard);
      const empty: string[] = [];
      const sizes = new Set<string>();
      let fewest = Infinity;
      for (const query of dashboard.queries) {
        const run = await runAsGrafana(query, values, timeInterval);
        sizes.add(`step ${String(run.stepMs / 1_000)}s, $__rate_interval ${run.rate}`);
        if (!query.instant) fewest = Math.min(fewest, run.points);
        assert.doesNotMatch(run.expr, /\$/, `${query.panel}: a variable left in ${run.expr}`);
        if (run.error !== undefined || !expected(run.points, query.instant))
          empty.push(
            `${query.panel} [${query.refId}] step ${String(run.stepMs / 1_000)}s: ${run.error ?? `${String(run.points)} points`}\n  ${run.expr}`,
          );
      }
      t.diagnostic(`${[...sizes].join('; ')}; fewest points of a range query: ${String(fewest)}`);
      assert.deepEqual(empty, [], `panels without data:\n${empty.join('\n')}`);
    });
  }

  it(`with a ${LOCAL_MODE_SCRAPE_INTERVAL} timeInterval (local mode's scrape interval) every $__rate_interval query comes back empty, and only those`, async () => {
    // The bug a475909 fixed, shown against the same Prometheus: $__rate_interval would be
    // max(1s + 1s, 4 × 1s) = 4s, which never holds two of the cluster's 5 s samples.
    assert.ok(intervalMs(LOCAL_MODE_SCRAPE_INTERVAL) * 4 < intervalMs(stack.config.scrapeInterval));
    const wrong: string[] = [];
    for (const dashboard of provisionedDashboards()) {
      const values = await variableValues(dashboard);
      for (const query of dashboard.queries) {
        const run = await runAsGrafana(query, values, LOCAL_MODE_SCRAPE_INTERVAL);
        const rate = query.expr.includes('$__rate_interval');
        const hasData = run.error === undefined && expected(run.points, query.instant);
        if (rate === hasData)
          wrong.push(
            `${dashboard.title} / ${query.panel} [${query.refId}]: ${String(run.points)} points`,
          );
      }
    }
    assert.deepEqual(wrong, []);
  });

  it('the alert rules are loaded from the rules ConfigMap, evaluate every evaluation_interval, and v1 sets QuizmeshVersionErrorRateHigh off', async (t) => {
    const files = prometheusDeployment().rules?.files ?? [];
    const groups = files.flatMap(
      (file) =>
        (
          parse(readFileSync(file, 'utf8')) as {
            groups: { name: string; rules: { alert?: string; record?: string }[] }[];
          }
        ).groups,
    );
    const wanted = groups.map((g) => ({
      name: g.name,
      rules: g.rules.map((r) => r.alert ?? r.record ?? ''),
    }));
    assert.ok(wanted.length > 0, 'no rule groups in the rules ConfigMap');
    type RuleAnswer = {
      name: string;
      health: string;
      lastError?: string;
      lastEvaluation: string;
      state?: string;
      alerts?: { labels: Record<string, string>; state: string }[];
    };
    const evaluation = intervalMs(stack.config.evaluationInterval) / 1_000;
    const deadline = Date.now() + 60_000;
    let loaded: { name: string; interval: number; rules: RuleAnswer[] }[] = [];
    let v1: string | undefined;
    for (;;) {
      loaded = (await api<{ groups: typeof loaded }>('/api/v1/rules')).data.groups;
      const alert = loaded
        .flatMap((g) => g.rules)
        .find((r) => r.name === 'QuizmeshVersionErrorRateHigh');
      v1 = alert?.alerts?.find((a) => a.labels.destination_workload === 'quiz-v1')?.state;
      if (v1 === 'firing' || Date.now() > deadline) break;
      await sleep(2_000);
    }
    assert.deepEqual(
      loaded.map((g) => ({ name: g.name, rules: g.rules.map((r) => r.name) })),
      wanted,
    );
    for (const group of loaded) {
      assert.equal(group.interval, evaluation, group.name);
      for (const rule of group.rules) {
        assert.equal(rule.health, 'ok', `${rule.name}: ${rule.lastError ?? ''}`);
        const age = (Date.now() - Date.parse(rule.lastEvaluation)) / 1_000;
        assert.ok(age < 3 * evaluation, `${rule.name} last evaluated ${String(age)} s ago`);
      }
    }
    t.diagnostic(`QuizmeshVersionErrorRateHigh for quiz-v1: ${v1 ?? 'no alert'}`);
    assert.ok(
      v1 === 'pending' || v1 === 'firing',
      `QuizmeshVersionErrorRateHigh for quiz-v1: ${v1 ?? 'no alert'}`,
    );
  });

  it("the alert rules' own unit tests pass under promtool of the cluster's version", () => {
    const result = spawnSync(
      tool('promtool'),
      ['test', 'rules', 'prometheus/rules/quizmesh.rules.test.yaml'],
      {
        cwd: new URL('../../', import.meta.url),
        encoding: 'utf8',
      },
    );
    assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
  });
});
