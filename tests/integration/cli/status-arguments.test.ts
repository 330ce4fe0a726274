// `quizmesh status` run as a user runs it, in a child process: the routes from mesh-config/ when
// nothing runs; and with a local mode running (here stand-ins for its mesh's admin and Prometheus
// endpoints, answering the mesh's own config and two scripted scrapes), the routes in force and
// the live figures computed from the two scrapes.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { declaredMeshTopology } from '../../../local/mesh-topology.ts';
import { loadMeshConfig } from '../../../mesh/config/load.ts';
import { runQuizmesh, type CliResult } from '../../support/quizmesh-cli.ts';
import { standInLocalMode, type StandIn } from '../../support/stand-in-local-mode.ts';

const MESH_CONFIG = fileURLToPath(new URL('../../../mesh-config', import.meta.url));

const emptyHome = (): string => mkdtempSync(path.join(tmpdir(), 'quizmesh-home-'));

function quizmesh(args: string[], home = emptyHome()): Promise<CliResult> {
  return runQuizmesh(args, { QUIZMESH_HOME: home });
}

/** mesh-config/ with the 90/10 canary and alice on v2 in force. */
function canaryConfig(): string {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'quizmesh-status-')), 'mesh-config');
  cpSync(MESH_CONFIG, dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'virtual-service-quiz.yaml'),
    `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: quiz, namespace: quiz }
spec:
  hosts: [quiz]
  http:
    - match: [{ headers: { x-quiz-player: { exact: alice } } }]
      route: [{ destination: { host: quiz, subset: v2 } }]
    - route:
        - { destination: { host: quiz, subset: v1 }, weight: 90 }
        - { destination: { host: quiz, subset: v3 }, weight: 10 }
`,
  );
  return dir;
}

const BOUNDS = ['5', '25', '50', '+Inf'];

/** istio_requests_total and the duration buckets of quiz `version`, as one reporter saw them. */
function series(
  version: string,
  reporter: string,
  codes: Record<string, number>,
  buckets: number[],
) {
  const labels = `reporter="${reporter}",destination_service_name="quiz",destination_version="${version}",destination_workload="quiz-${version}"`;
  return [
    ...Object.entries(codes).map(
      ([code, n]) => `istio_requests_total{${labels},response_code="${code}"} ${n}`,
    ),
    ...buckets.map(
      (n, i) =>
        `istio_request_duration_milliseconds_bucket{le="${BOUNDS[i] ?? ''}",${labels}} ${n}`,
    ),
  ];
}

// Between the two scrapes: v1 took 100 calls (10 answered 503; p99 falls at the top of 5–25 ms),
// v3 took 10 calls (p99: rank 9.9 of the 10 in 25–50 ms, 25 + 25 × 0.99), and v2 none.
const SCRAPES = [
  [
    '# TYPE istio_requests_total counter',
    ...series('v1', 'destination', { '200': 1000, '503': 5 }, [900, 1000, 1005, 1005]),
    ...series('v2', 'destination', { '200': 3 }, [3, 3, 3, 3]),
    ...series('v1', 'source', { '200': 1000, '503': 5 }, [900, 1000, 1005, 1005]),
  ],
  [
    '# TYPE istio_requests_total counter',
    ...series('v1', 'destination', { '200': 1090, '503': 15 }, [950, 1099, 1105, 1105]),
    ...series('v2', 'destination', { '200': 3 }, [3, 3, 3, 3]),
    ...series('v3', 'destination', { '200': 10 }, [0, 0, 10, 10]),
    ...series('v1', 'source', { '200': 9000, '503': 5 }, [900, 1000, 9005, 9005]),
  ],
];

/** Admin (/status, /config_dump) and stats endpoints of a local mode, in one server. */
async function fakeLocalMode(configDir: string): Promise<StandIn> {
  const loaded = loadMeshConfig(configDir, declaredMeshTopology());
  if (!loaded.ok) assert.fail(JSON.stringify(loaded.errors));
  const status = { generation: 5, appliedAt: new Date().toISOString(), warnings: [] };
  let scrapes = 0;
  const handler: http.RequestListener = (req, res) => {
    if (req.url === '/stats/prometheus') {
      const text = SCRAPES[scrapes++ % SCRAPES.length] ?? []; // Each status run scrapes twice.
      res
        .writeHead(200, { 'content-type': 'text/plain; version=0.0.4' })
        .end(`${text.join('\n')}\n`);
      return;
    }
    const body =
      req.url === '/status'
        ? status
        : req.url === '/config_dump'
          ? { status, config: loaded.config }
          : undefined;
    res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body ?? { error: 'no' }));
  };
  return standInLocalMode(handler);
}

describe('quizmesh status with nothing running', () => {
  it('shows the routes of the config folder and says there are no live figures', async () => {
    const result = await quizmesh(['status', '--config', canaryConfig()]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^Routes in force, from .*mesh-config \(nothing running\):\n/);
    assert.match(
      result.stdout,
      /\n {2}quiz {18}VirtualService quiz \(virtual-service-quiz\.yaml\)\n/,
    );
    assert.match(
      result.stdout,
      /\n {26}match x-quiz-player=alice → quiz v2\n {26}quiz v1 90% · v3 10%\n/,
    );
    assert.match(
      result.stdout,
      /\n {2}images {16}no VirtualService: calls go to any of its instances\n/,
    );
    assert.match(
      result.stdout,
      /\nNo local mode is running \(no mesh answers through .*local\.json\), so no live figures\.\n$/,
    );
    assert.equal(result.stderr, '');
  });

  it('prints the same as JSON with --json, live null', async () => {
    const result = await quizmesh(['status', '--config', canaryConfig(), '--json']);
    assert.equal(result.code, 0, result.stderr);
    const json = JSON.parse(result.stdout) as {
      from: { localMesh: boolean };
      services: { label: string; routes: string[] }[];
      unrouted: string[];
      live: unknown;
    };
    assert.equal(json.from.localMesh, false);
    assert.deepEqual(json.services.find((s) => s.label === 'quiz')?.routes, [
      'match x-quiz-player=alice → quiz v2',
      'quiz v1 90% · v3 10%',
    ]);
    assert.deepEqual(json.unrouted, ['frontend', 'images', 'scores']);
    assert.equal(json.live, null);
  });

  it('exits 1 with the findings when the config folder does not validate', async () => {
    const dir = canaryConfig();
    writeFileSync(path.join(dir, 'broken.yaml'), 'kind: [\n');
    const result = await quizmesh(['status', '--config', dir]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /broken\.yaml: YAML syntax error/);
    assert.match(result.stderr, /does not validate \(see quizmesh validate\)\n$/);
  });

  it('exits 2 for a window that is not a positive number of seconds', async () => {
    for (const window of ['0', '-1', 'soon']) {
      const result = await quizmesh(['status', `--window=${window}`]);
      assert.equal(result.code, 2, window);
      assert.match(result.stderr, /--window: give seconds/);
    }
  });
});

describe('quizmesh status with local mode running', () => {
  let local: { home: string; close: () => Promise<void> };
  before(async () => {
    local = await fakeLocalMode(canaryConfig());
  });
  after(async () => {
    await local.close();
  });

  it("shows the mesh's routes and a table of live figures per version from two scrapes", async () => {
    // --config names a folder that does not exist: the routes come from the running mesh.
    const result = await quizmesh(
      ['status', '--window', '0.5', '--config', '/nonexistent'],
      local.home,
    );
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, 'sampling for 0.5 s…\n');
    assert.match(result.stdout, /^Routes in force, from the running local mesh, generation 5:\n/);
    assert.match(result.stdout, /match x-quiz-player=alice → quiz v2\n {26}quiz v1 90% · v3 10%\n/);
    const table = result.stdout.slice(result.stdout.indexOf('\nLive, over '));
    const rows = table
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/));
    assert.deepEqual(rows[0], ['service', 'version', 'req/s', '5xx', 'p99', 'ms']);
    assert.deepEqual(
      rows.slice(1).map((row) => [row[0], row[1], row[3], row[4]]),
      [
        ['quiz', 'v1', '10.0%', '25.0'],
        ['quiz', 'v2', '–', '–'],
        ['quiz', 'v3', '0.0%', '49.8'],
      ],
    );
  });

  it('gives the figures as numbers with --json', async () => {
    const result = await quizmesh(['status', '--window', '0.5', '--json'], local.home);
    assert.equal(result.code, 0, result.stderr);
    const json = JSON.parse(result.stdout) as {
      from: { localMesh: boolean; generation: number };
      live: {
        windowSeconds: number;
        workloads: {
          version: string;
          requests: number;
          requestsPerSecond: number;
          errorRate: number | null;
          p99Ms: number | null;
        }[];
      };
    };
    assert.deepEqual(json.from, { localMesh: true, generation: 5 });
    assert.ok(json.live.windowSeconds >= 0.5 && json.live.windowSeconds < 5);
    const v1 = json.live.workloads.find((w) => w.version === 'v1');
    assert.equal(v1?.requests, 100);
    assert.equal(v1.errorRate, 0.1);
    assert.equal(v1.p99Ms, 25);
    assert.ok(Math.abs(v1.requestsPerSecond - 100 / json.live.windowSeconds) < 1e-9);
    assert.deepEqual(
      json.live.workloads.map((w) => [w.version, w.requests, w.p99Ms]),
      [
        ['v1', 100, 25],
        ['v2', 0, null],
        ['v3', 10, 49.75],
      ],
    );
  });
});
