// `quizmesh console --cluster` against what a cluster would give it: the real local mode (quiz split
// 50/50 between v1 and v3) with its real Prometheus as the cluster's, its trace store as Zipkin,
// and a stand-in Kubernetes API holding the repo's VirtualServices and DestinationRules
// (../support/kube-stand-in.ts). Every view reads the cluster's sources, and a route change from
// the page becomes a merge patch of the VirtualService's spec.http.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { GraphAnswer, RedAnswer, TraceListAnswer } from '../../../console/server/app.ts';
import type { RouteChangeAnswer } from '../../../console/server/route-change.ts';
import type { RoutesView } from '../../../console/server/routes-in-force.ts';
import { prometheusInstalled } from '../../../local/prometheus.ts';
import { readRuntimeState } from '../../../local/runtime-state.ts';
import { startKubeStandIn, type KubeStandIn } from '../../support/kube-stand-in.ts';
import { startLocalMode, type RunningLocalMode } from '../../support/local-mode.ts';
import { meshConfigCopy } from '../../support/mesh-config.ts';
import { playRounds } from '../../support/quiz-traffic.ts';
import { runQuizmesh } from '../../support/quizmesh-cli.ts';
import { startConsole } from '../../support/console-process.ts';

const APPS = ['descriptions', 'frontend', 'images', 'quiz', 'scores'];
const TRAFFIC_MS = 8_000;

interface Answer<T> {
  status: number;
  body: T;
}

/** Starts `quizmesh console` with `args` and resolves with its URL once it says it listens. */

/** Local mode writes its Prometheus' address into its state once that answers. */
async function localPrometheus(home: string): Promise<string> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const url = readRuntimeState(home).prometheusUrl;
    if (url !== undefined) return url;
    if (Date.now() > deadline) throw new Error('local mode started no Prometheus');
    await sleep(100);
  }
}

describe('quizmesh console --cluster', () => {
  let kube: KubeStandIn;
  let local: RunningLocalMode;
  let served: Awaited<ReturnType<typeof startConsole>>;

  before(async () => {
    if (!prometheusInstalled()) {
      assert.fail("prometheus is not on PATH: install Debian's prometheus package");
    }
    [kube, local] = await Promise.all([
      startKubeStandIn(),
      startLocalMode({
        QUIZMESH_MESH_CONFIG: meshConfigCopy({
          'virtual-service-quiz.yaml': 'virtual-service-quiz-v1-50-v3-50.yaml',
        }),
        // Local mode's own Prometheus (scraping every second) plays the cluster's.
        QUIZMESH_PROMETHEUS: 'auto',
        PROMETHEUS_PORT: '0',
      }),
    ]);
    const prometheusUrl = await localPrometheus(local.home);
    served = await startConsole(
      [
        ...['--cluster', '--prometheus', prometheusUrl, '--zipkin', local.state.zipkinUrl],
        ...['--window', '10', '--port', '0'],
      ],
      { KUBECONFIG: kube.kubeconfig, QUIZMESH_HOME: mkdtempSync(join(tmpdir(), 'quizmesh-home-')) },
    );
    const traffic = playRounds(local.state.siteUrl, ['ana', 'ben', 'cy']);
    await sleep(TRAFFIC_MS);
    assert.ok((await traffic.stop()) > 0);
    // Prometheus scrapes every second; spans are exported every 0.5 s.
    await sleep(2_000);
  });

  after(async () => {
    const exited = served.child.exitCode === null ? once(served.child, 'exit') : undefined;
    served.child.kill('SIGTERM');
    await Promise.all([exited, local.stop(), kube.close()]);
  });

  async function get<T>(path: string): Promise<Answer<T>> {
    const response = await fetch(`${served.url}${path}`);
    return { status: response.status, body: (await response.json()) as T };
  }

  async function post<T>(path: string, body: unknown): Promise<Answer<T>> {
    const response = await fetch(`${served.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as T };
  }

  it('GET /api/graph draws the five apps with the rates Prometheus computes', async () => {
    const { status, body } = await get<GraphAnswer>('/api/graph');
    assert.equal(status, 200, JSON.stringify(body));
    assert.deepEqual(body.warnings, []);
    assert.equal(body.windowSeconds, 10);
    const apps = new Set(body.graph.nodes.map((node) => node.app));
    assert.deepEqual(
      APPS.filter((app) => !apps.has(app)),
      [],
    );
    const toQuiz = body.graph.edges.filter((e) => e.destination.startsWith('workload:quiz:'));
    assert.ok(
      toQuiz.some((e) => e.requestsPerSecond > 0),
      JSON.stringify(toQuiz),
    );
    assert.match(body.svg, /<svg [\s\S]*<\/svg>/);
  });

  it('GET /api/red answers rate, 5xx share, p50 and p99 of both quiz versions', async () => {
    const { status, body } = await get<RedAnswer>('/api/red');
    assert.equal(status, 200, JSON.stringify(body));
    const quiz = body.workloads.filter((w) => w.service === 'quiz');
    assert.deepEqual(
      quiz.map((w) => w.version),
      ['v1', 'v3'],
    );
    for (const w of quiz) {
      assert.ok(w.requestsPerSecond > 0, JSON.stringify(w));
      assert.ok(w.p50Ms !== null && w.p99Ms !== null && w.p50Ms <= w.p99Ms, JSON.stringify(w));
      assert.equal(typeof w.errorRate, 'number');
      assert.equal(w.history.length, 6);
    }
    assert.equal(quiz.find((w) => w.version === 'v3')?.errorRate, 0);
  });

  it("GET /api/red gives each quiz version its rounds per group of players, from quiz's metrics in Prometheus", async () => {
    const { body } = await get<RedAnswer>('/api/red');
    for (const version of ['v1', 'v3']) {
      const w = body.workloads.find((x) => x.service === 'quiz' && x.version === version);
      const groups = w?.playerGroups ?? [];
      // ana, ben and cy are named in ASCII: one group.
      assert.deepEqual(
        groups.map((g) => g.charset),
        ['ascii'],
        JSON.stringify(w),
      );
      for (const group of groups) assert.ok(group.roundsPerSecond > 0, JSON.stringify(w));
      if (version === 'v3')
        assert.deepEqual(
          groups.map((g) => g.errorRate),
          [0],
        );
    }
  });

  it("GET /api/routes shows the cluster's quiz route, with the versions its DestinationRule defines", async () => {
    const { status, body } = await get<RoutesView>('/api/routes');
    assert.equal(status, 200, JSON.stringify(body));
    assert.equal(body.where, 'the cluster (stand-in, namespace quiz)');
    assert.equal(body.generation, undefined);
    assert.deepEqual(
      body.services.find((s) => s.service === 'quiz'),
      {
        service: 'quiz',
        versions: ['v1', 'v2', 'v3'],
        virtualService: 'quiz',
        routes: ['quiz v1'],
        split: [{ version: 'v1', weight: 100 }],
        headers: [],
        replaced: [],
      },
    );
    assert.deepEqual(
      body.gateways.map((g) => g.label),
      ['gateway quiz-gateway'],
    );
  });

  it('POST /api/routes/quiz sends a merge patch of spec.http, and the routes show it', async () => {
    const { status, body } = await post<Extract<RouteChangeAnswer, { status: 200 }>['body']>(
      '/api/routes/quiz',
      {
        split: [
          { version: 'v1', weight: 90 },
          { version: 'v3', weight: 10 },
        ],
        headers: [{ header: 'x-quiz-player', value: 'dev', version: 'v3' }],
      },
    );
    assert.equal(status, 200, JSON.stringify(body));
    assert.equal(body.outcome, 'applied');
    assert.equal(body.route, 'quiz: v1 90% · v3 10% (header x-quiz-player=dev → v3)');
    assert.match(body.message, /patched VirtualService quiz\/quiz/);
    const [patch] = kube.patches;
    assert.equal(kube.patches.length, 1);
    assert.equal(patch?.name, 'quiz');
    assert.equal(patch.contentType, 'application/merge-patch+json');
    assert.deepEqual(patch.body, {
      spec: {
        http: [
          {
            match: [{ headers: { 'x-quiz-player': { exact: 'dev' } } }],
            route: [{ destination: { host: 'quiz', subset: 'v3' } }],
          },
          {
            route: [
              { destination: { host: 'quiz', subset: 'v1' }, weight: 90 },
              { destination: { host: 'quiz', subset: 'v3' }, weight: 10 },
            ],
          },
        ],
      },
    });
    const quiz = (await get<RoutesView>('/api/routes')).body.services.find(
      (s) => s.service === 'quiz',
    );
    assert.deepEqual(quiz?.routes, ['match x-quiz-player=dev → quiz v3', 'quiz v1 90% · v3 10%']);
    assert.deepEqual(quiz.headers, [{ header: 'x-quiz-player', value: 'dev', version: 'v3' }]);
  });

  it('POST /api/routes/quiz to a version no DestinationRule defines answers 409 and patches nothing', async () => {
    const before = kube.patches.length;
    const { status, body } = await post<{ error: string }>('/api/routes/quiz', {
      split: [{ version: 'v9', weight: 100 }],
    });
    assert.equal(status, 409, JSON.stringify(body));
    assert.equal(body.error, 'no DestinationRule for quiz defines subset v9');
    assert.equal(kube.patches.length, before);
  });

  it("GET /api/traces lists the traces of the cluster's Zipkin, and opens one", async () => {
    const list = await get<TraceListAnswer>('/api/traces?service=quiz&limit=5');
    assert.equal(list.status, 200, JSON.stringify(list.body));
    const [first] = list.body.traces;
    assert.ok(first !== undefined && first.services.includes('quiz'), JSON.stringify(first));
    const trace = await get<{ waterfall: { rows: unknown[] } }>(`/api/traces/${first.traceId}`);
    assert.equal(trace.status, 200);
    assert.ok(trace.body.waterfall.rows.length > 1);
  });

  it('refuses --cluster without the Prometheus and Zipkin to read, with exit status 2', async () => {
    const result = await runQuizmesh(['console', '--cluster', '--zipkin', 'http://127.0.0.1:9']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--prometheus: is needed with --cluster/);
  });
});
