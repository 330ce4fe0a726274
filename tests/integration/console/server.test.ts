// The console's HTTP API against the real local mode (on a private copy of mesh-config/): every
// endpoint answers what the page needs, every query and body is checked (400 naming the field, 404
// and 409 with the reason), a route change goes through the same code as `quizmesh route` and the
// mesh applies it, and markup in the data comes back as the same string, as data.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { rolloutDir, saveRollout, type Rollout } from '../../../mesh-client/canary/state.ts';
import { summariseHttpRoute } from '../../../mesh-client/routes/route-summary.ts';
import type {
  GraphAnswer,
  RedAnswer,
  TraceAnswer,
  TraceListAnswer,
} from '../../../console/server/app.ts';
import type { RolloutsView } from '../../../console/server/rollouts.ts';
import type { RouteChangeAnswer } from '../../../console/server/route-change.ts';
import type { RoutesView } from '../../../console/server/routes-in-force.ts';
import type { MeshConfig } from '../../../mesh/config/schema.ts';
import { startLocalMode, type RunningLocalMode } from '../../support/local-mode.ts';
import { meshConfigCopy } from '../../support/mesh-config.ts';
import { playRounds } from '../../support/quiz-traffic.ts';

const HOSTILE = '<img src=x onerror=alert(1)>';
const APPS = ['descriptions', 'frontend', 'images', 'quiz', 'scores'];

interface Answer<T> {
  status: number;
  headers: Headers;
  body: T;
}

/** What the console answers when it refuses. */
interface Refusal {
  error: string;
  findings?: string[];
}

type RouteChanged = Extract<RouteChangeAnswer, { status: 200 }>['body'];

describe('the console API with local mode running', () => {
  let local: RunningLocalMode;
  let configDir = '';
  let base = '';

  before(async () => {
    configDir = meshConfigCopy();
    local = await startLocalMode({ QUIZMESH_MESH_CONFIG: configDir });
    base = local.state.consoleUrl ?? assert.fail('local mode wrote no consoleUrl');
    // A few seconds of quiz v1 rounds: calls for the graph and RED, traces with N+1 loops.
    await get('/api/graph'); // starts the console's scrapes before the traffic
    // v1 fails about one round in five: three players for 5 s make errors all but certain.
    const traffic = playRounds(local.state.siteUrl, ['ana', 'ben', 'cy']);
    await sleep(5_000);
    assert.ok((await traffic.stop()) > 0);
    await sleep(1_000); // the last spans are exported in batches every 0.5 s
  });
  after(async () => {
    await local.stop();
  });

  async function get<T>(path: string): Promise<Answer<T>> {
    const response = await fetch(`${base}${path}`);
    const text = await response.text();
    const json = response.headers.get('content-type')?.includes('json') === true;
    const body = (json ? JSON.parse(text) : text) as T;
    return { status: response.status, headers: response.headers, body };
  }

  async function post<T = RouteChanged>(
    path: string,
    body: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer<T>> {
    const response = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const answer = (await response.json()) as T;
    return { status: response.status, headers: response.headers, body: answer };
  }

  async function quizRoutesInForce(): Promise<string[]> {
    const dump = (await (await fetch(`${local.state.meshAdminUrl}/config_dump`)).json()) as {
      config: Pick<MeshConfig, 'virtualServices'>;
    };
    const quiz = dump.config.virtualServices.find((vs) => vs.metadata.name === 'quiz');
    return quiz?.spec.http.map(summariseHttpRoute) ?? [];
  }

  it('serves the page and its modules under a policy that allows no inline script', async () => {
    const page = await get<string>('/');
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    const policy = page.headers.get('content-security-policy') ?? '';
    assert.match(policy, /default-src 'self'/);
    assert.match(policy, /script-src 'self'(;|$)/);
    assert.doesNotMatch(policy, /unsafe-inline|unsafe-eval/);
    assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
    assert.match(page.body, /<script type="module" src="app.js"><\/script>/);
    assert.doesNotMatch(page.body, /<script>|\son\w+=/, 'no inline script or handler');
    for (const module of [
      'app.js',
      'graph.js',
      'red.js',
      'traces.js',
      'canary.js',
      'routes.js',
      'dom.js',
    ]) {
      const script = await get<string>(`/${module}`);
      assert.equal(script.status, 200, module);
      assert.match(script.headers.get('content-type') ?? '', /javascript/, module);
      assert.doesNotMatch(script.body, /innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
    }
    const missing = await get<Refusal>('/api/nothing');
    assert.deepEqual(
      [missing.status, missing.body],
      [404, { error: 'no route for GET /api/nothing' }],
    );
  });

  it('GET /api/graph answers the graph as Graphviz SVG and as data, N+1 loops marked', async () => {
    const { status, body } = await get<GraphAnswer>('/api/graph');
    assert.equal(status, 200);
    assert.match(body.svg, /^<\?xml[\s\S]*<svg [\s\S]*<\/svg>\s*$/);
    const apps = new Set(body.graph.nodes.map((node) => node.app));
    assert.deepEqual(
      APPS.filter((app) => !apps.has(app)),
      [],
    );
    assert.ok(body.windowSeconds > 0, String(body.windowSeconds));
    const loop = body.nPlusOne.find(
      (f) => f.caller === 'quiz' && f.callerVersion === 'v1' && f.downstream === 'descriptions',
    );
    assert.ok(loop && loop.callCount >= 10, JSON.stringify(body.nPlusOne));
    const edge = body.graph.edges.find(
      (e) => e.source === 'workload:quiz:v1' && e.destination === 'workload:descriptions:v1',
    );
    assert.ok(edge?.nPlusOne !== undefined, JSON.stringify(edge));
    assert.match(body.svg, /class="edge [a-z]+ n&#45;plus&#45;one"/);
  });

  it('GET /api/red answers rate, 5xx share, p50 and p99 per service and version', async () => {
    const { status, body } = await get<RedAnswer>('/api/red');
    assert.equal(status, 200);
    const quiz = body.workloads.find((w) => w.service === 'quiz' && w.version === 'v1');
    assert.ok(quiz, JSON.stringify(body.workloads));
    assert.ok(quiz.requestsPerSecond > 0);
    assert.ok(quiz.p50Ms !== null && quiz.p99Ms !== null && quiz.p50Ms <= quiz.p99Ms);
    assert.equal(typeof quiz.errorRate, 'number');
    assert.ok(quiz.history.length > 0);
  });

  it('GET /api/traces lists recent traces and filters them by service, errors, duration and N+1', async () => {
    const all = await get<TraceListAnswer>('/api/traces?limit=50');
    assert.equal(all.status, 200);
    assert.ok(all.body.traces.length > 0);
    assert.deepEqual([...all.body.services].sort(), APPS);
    const check = async (
      query: string,
      keep: (trace: TraceListAnswer['traces'][number]) => boolean,
    ): Promise<void> => {
      const { status, body } = await get<TraceListAnswer>(`/api/traces?${query}`);
      assert.equal(status, 200, query);
      assert.ok(body.traces.length > 0, `${query} finds traces`);
      assert.deepEqual(
        body.traces.filter((trace) => !keep(trace)),
        [],
        query,
      );
    };
    await check('service=scores', (t) => t.services.includes('scores'));
    await check('errors=true', (t) => t.error);
    await check('minDurationMs=50', (t) => t.durationMicros >= 50_000);
    await check('nPlusOne=1&limit=5', (t) => t.nPlusOne.length > 0);
    const findings = all.body.traces.flatMap((trace) => trace.nPlusOne);
    assert.ok(findings.length > 0 && findings.every((finding) => !('spanIds' in finding)));
  });

  it('GET /api/traces refuses filters it does not understand, naming them', async () => {
    for (const [query, field] of [
      ['minDurationMs=soon', /minDurationMs/],
      ['minDurationMs=-1', /minDurationMs/],
      ['errors=maybe', /errors: give true or false/],
      ['limit=0', /limit/],
      ['limit=1000', /limit/],
      ['minDuration=50', /minDuration/],
    ] as const) {
      const { status, body } = await get<Refusal>(`/api/traces?${query}`);
      assert.equal(status, 400, query);
      assert.match(body.error, /^invalid query: /, query);
      assert.match(body.error, field, query);
    }
  });

  it('GET /api/traces/:id answers one trace as a waterfall, 400 for a bad id, 404 for an unknown one', async () => {
    const list = await get<TraceListAnswer>('/api/traces?nPlusOne=true&limit=5');
    const traceId = list.body.traces[0]?.traceId ?? assert.fail('no trace with a loop');
    const { status, body } = await get<TraceAnswer>(`/api/traces/${traceId}`);
    assert.equal(status, 200);
    assert.equal(body.waterfall.traceId, traceId);
    assert.equal(body.summary.traceId, traceId);
    assert.ok(body.waterfall.rows.filter((row) => row.nPlusOne).length >= 10);
    assert.ok(body.waterfall.nPlusOne.length > 0);

    const bad = await get<Refusal>('/api/traces/not-a-trace');
    assert.equal(bad.status, 400);
    assert.match(bad.body.error, /^invalid trace id: traceId: trace id must be 16 or 32 hex/);
    const unknown = await get<Refusal>(`/api/traces/${'ab'.repeat(16)}`);
    assert.equal(unknown.status, 404);
    assert.match(unknown.body.error, /no trace abab/);
  });

  it('GET /api/routes answers the routes in force per service, with the weights the form needs', async () => {
    const { status, body } = await get<RoutesView>('/api/routes');
    assert.equal(status, 200);
    assert.equal(typeof body.generation, 'number');
    assert.deepEqual(
      body.services.find((s) => s.service === 'quiz'),
      {
        service: 'quiz',
        versions: ['v1', 'v2', 'v3'],
        virtualService: 'quiz',
        file: 'virtual-service-quiz.yaml',
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

  const CANARY_ROUTE = {
    split: [
      { version: 'v1', weight: 90 },
      { version: 'v3', weight: 10 },
    ],
    headers: [{ header: 'x-quiz-player', value: 'dev', version: 'v3' }],
  };

  it('POST /api/routes/quiz changes the route as `quizmesh route` does, and the mesh applies it', async () => {
    const { status, body } = await post('/api/routes/quiz', CANARY_ROUTE);
    assert.equal(status, 200, JSON.stringify(body));
    assert.equal(body.outcome, 'applied');
    assert.equal(body.route, 'quiz: v1 90% · v3 10% (header x-quiz-player=dev → v3)');
    assert.equal(body.file, join(configDir, 'virtual-service-quiz.yaml'));
    assert.deepEqual(await quizRoutesInForce(), [
      'match x-quiz-player=dev → quiz v3',
      'quiz v1 90% · v3 10%',
    ]);
    // Only spec.http was rewritten: the file keeps its comments.
    assert.match(readFileSync(body.file, 'utf8'), /^# The live route to quiz/);
    const routes = await get<RoutesView>('/api/routes');
    const quiz = routes.body.services.find((s) => s.service === 'quiz');
    assert.deepEqual([quiz?.split, quiz?.headers], [CANARY_ROUTE.split, CANARY_ROUTE.headers]);

    const again = await post('/api/routes/quiz', CANARY_ROUTE);
    assert.deepEqual([again.status, again.body.outcome], [200, 'unchanged']);
  });

  it('POST /api/routes refuses a request it cannot read with 400 and the reason', async () => {
    const file = join(configDir, 'virtual-service-quiz.yaml');
    const before = readFileSync(file, 'utf8');
    const only = (version: string, weight: unknown): unknown => ({ version, weight });
    const cases: [unknown, RegExp][] = [
      [{ split: [only('v1', 90)] }, /weights must sum to 100; 90 = 90/],
      [{ split: [only('v1', '100')] }, /split\.0\.weight/],
      [{ split: [only('v1', 99.5), only('v3', 0.5)] }, /split\.0\.weight: must be a whole number/],
      [{ split: [] }, /split: give at least one version/],
      [{ split: [only('V1', 100)] }, /'V1' is not a version name/],
      [{ split: [only('v1', 50), only('v1', 50)] }, /version v1 is given twice/],
      [
        { split: [only('v1', 100)], headers: [{ header: 'x y', value: 'a', version: 'v3' }] },
        /'x y' is not a header name/,
      ],
      [{ split: [only('v1', 100)], weights: [] }, /Unrecognized key/],
      ['{"split": [', /invalid JSON body/],
    ];
    for (const [body, reason] of cases) {
      const answer = await post<Refusal>('/api/routes/quiz', body);
      assert.equal(answer.status, 400, JSON.stringify(body));
      assert.match(answer.body.error, reason, JSON.stringify(body));
    }
    const text = await fetch(`${base}/api/routes/quiz`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'v1=100',
    });
    assert.equal(text.status, 415);
    const unknown = await post<Refusal>('/api/routes/nope', { split: [only('v1', 100)] });
    assert.deepEqual(
      [unknown.status, unknown.body],
      [404, { error: 'no service nope in the mesh' }],
    );
    assert.equal(readFileSync(file, 'utf8'), before, 'nothing was written');
  });

  it('POST /api/routes answers 409 with the findings when the config would not validate', async () => {
    const file = join(configDir, 'virtual-service-quiz.yaml');
    const before = readFileSync(file, 'utf8');
    const { status, body } = await post<Refusal>('/api/routes/quiz', {
      split: [
        { version: 'v1', weight: 50 },
        { version: 'v9', weight: 50 },
      ],
    });
    assert.equal(status, 409);
    assert.equal(body.error, 'the config would not validate');
    const [finding, ...more] = body.findings ?? [];
    assert.deepEqual(more, []);
    assert.match(finding ?? '', /destination\.subset: subset v9 is not defined for host quiz/);
    assert.equal(readFileSync(file, 'utf8'), before, 'nothing was written');
  });

  it('changes nothing for a page of another origin, nor for a name other than loopback', async () => {
    const foreign = await post<Refusal>(
      '/api/routes/quiz',
      { split: [{ version: 'v3', weight: 100 }] },
      { origin: 'http://evil.example' },
    );
    assert.deepEqual(
      [foreign.status, foreign.body],
      [403, { error: "a change from http://evil.example is not the console's own" }],
    );
    const url = new URL(`${base}/api/routes`);
    const rebound = await new Promise<number>((resolve, reject) => {
      const options = {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        headers: { host: 'evil.example' },
      };
      request(options, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
        .on('error', reject)
        .end();
    });
    assert.equal(rebound, 403);
    assert.deepEqual(await quizRoutesInForce(), [
      'match x-quiz-player=dev → quiz v3',
      'quiz v1 90% · v3 10%',
    ]);
  });

  it('GET /api/canary shows the rollouts kept in QUIZMESH_HOME, and which files do not read', async () => {
    const empty = await get<RolloutsView>('/api/canary');
    assert.deepEqual(empty.body, { rollouts: [], invalid: [] });
    saveRollout(local.home, rolledBackRollout(configDir, local.state.meshStatsUrl));
    writeFileSync(join(rolloutDir(local.home), 'images.json'), '{"service": "images"');

    const { status, body } = await get<RolloutsView>('/api/canary');
    assert.equal(status, 200);
    const [shown] = body.rollouts;
    assert.ok(shown);
    assert.deepEqual(
      [shown.service, shown.phase, shown.running, shown.stage, shown.failedChecks, shown.threshold],
      ['quiz', 'rolled-back', false, 'v2 25%', 1, 1],
    );
    assert.deepEqual(shown.stages, [
      { label: 'x-quiz-player=dev → v2', state: 'done' },
      { label: 'v2 25%', state: 'current' },
      { label: 'v2 50%', state: 'next' },
    ]);
    assert.deepEqual(
      shown.checks.map((c) => [c.stage, c.passed, c.decision]),
      [
        ['x-quiz-player=dev → v2', true, 'advance'],
        ['v2 25%', false, 'rollback'],
      ],
    );
    assert.match(shown.criteria, /^quiz: v1 → v2, first x-quiz-player=dev, 25% steps to 50%/);
    assert.deepEqual(body.invalid, [
      { service: 'images', message: `${join(rolloutDir(local.home), 'images.json')} is not JSON` },
    ]);
  });

  it('hands back markup in span names and tags as the same string, as JSON data', async () => {
    const traceId = randomBytes(16).toString('hex');
    const tags = { 'quiz.player': HOSTILE, [HOSTILE]: '"quoted" & <b>bold</b>' };
    const posted = await fetch(`${local.state.zipkinUrl}/api/v2/spans`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([
        {
          traceId,
          id: randomBytes(8).toString('hex'),
          name: HOSTILE,
          kind: 'SERVER',
          timestamp: Date.now() * 1000,
          duration: 2_000,
          localEndpoint: { serviceName: 'frontend' },
          tags,
        },
      ]),
    });
    assert.equal(posted.status, 202);
    const one = await get<TraceAnswer>(`/api/traces/${traceId}`);
    assert.equal(one.status, 200);
    assert.match(one.headers.get('content-type') ?? '', /^application\/json/);
    const [row] = one.body.waterfall.rows;
    assert.deepEqual([row?.name, row?.tags], [HOSTILE, tags]);
    const list = await get<TraceListAnswer>('/api/traces?service=frontend&limit=100');
    const listed = list.body.traces.find((t) => t.traceId === traceId);
    assert.equal(listed?.entry.name, HOSTILE);
  });
});

/** A canary to v2 that passed its header stage, then failed at 25% and rolled back. */
function rolledBackRollout(configDir: string, statsUrl: string): Rollout {
  const check = (
    at: string,
    stage: Rollout['stage'],
    passed: boolean,
    successRate: number,
  ): Rollout['checks'][number] => ({
    at,
    stage,
    passed,
    noData: false,
    summary: passed ? 'success rate 100.0% ≥ 99%' : `success rate ${successRate}% < 99%`,
    figures: { v2: { requests: 40, successRate, p99Ms: 35 } },
    windowSeconds: 2,
    decision: passed ? 'advance' : 'rollback',
    failedChecks: passed ? 0 : 1,
  });
  return {
    service: 'quiz',
    plan: {
      from: 'v1',
      to: 'v2',
      step: 25,
      maxWeight: 50,
      threshold: 1,
      minSuccessRate: 99,
      maxP99Ms: 3000,
      intervalSeconds: 2,
      header: { header: 'x-quiz-player', value: 'dev' },
    },
    target: { kind: 'local', configDir },
    metrics: { kind: 'local-mesh', url: statsUrl },
    phase: 'rolled-back',
    stage: { kind: 'weight', weight: 25 },
    failedChecks: 1,
    checks: [
      check('2026-11-25T10:00:02.000Z', { kind: 'header' }, true, 100),
      check('2026-11-25T10:00:04.000Z', { kind: 'weight', weight: 25 }, false, 61),
    ],
    pid: process.pid,
    startedAt: '2026-11-25T10:00:00.000Z',
    updatedAt: '2026-11-25T10:00:04.500Z',
    message: 'ROLLED BACK: v1 takes every call to quiz',
  };
}
