// `quizmesh graph` run as a user runs it, in a child process, against stand-ins: a Prometheus HTTP
// API answering the graph's instant query, and a local mode whose mesh serves two scripted scrapes.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { requestRatesQuery } from '../../../mesh-client/graph/prometheus-rates.ts';
import { runQuizmesh, type CliResult } from '../../support/quizmesh-cli.ts';
import { standInLocalMode, type StandIn } from '../../support/stand-in-local-mode.ts';
import { sourceCallLabels } from '../../support/istio-call-labels.ts';

const emptyHome = (): string => mkdtempSync(path.join(tmpdir(), 'quizmesh-home-'));

function quizmesh(args: string[], home = emptyHome()): Promise<CliResult> {
  return runQuizmesh(args, { QUIZMESH_HOME: home });
}

/** Labels of one call as a source sidecar reports it. */
const call = (from: string, to: string, code: string): Record<string, string> =>
  sourceCallLabels(from, to, code);

async function listen(
  handler: http.RequestListener,
): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) =>
        server.close(() => {
          resolve();
        }),
      ),
  };
}

describe('quizmesh graph --prometheus', () => {
  let prometheus: { url: string; close: () => Promise<void> };
  const asked: URL[] = [];
  before(async () => {
    prometheus = await listen((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      asked.push(url);
      const refuse = url.pathname.startsWith('/refusing/');
      const body = refuse
        ? { status: 'error', errorType: 'bad_data', error: 'parse error at char 4' }
        : {
            status: 'success',
            data: {
              resultType: 'vector',
              result: [
                {
                  metric: call('gateway', 'frontend v1', '200'),
                  value: [1, '4'],
                },
                { metric: call('frontend v1', 'quiz v1', '200'), value: [1, '3'] },
                { metric: call('frontend v1', 'quiz v1', '504'), value: [1, '1'] },
                { metric: call('frontend v1', 'quiz v2', '200'), value: [1, '0'] },
              ],
            },
          };
      res
        .writeHead(refuse ? 400 : 200, { 'content-type': 'application/json' })
        .end(JSON.stringify(body));
    });
  });
  after(async () => {
    await prometheus.close();
  });

  it('prints the graph as DOT from one instant query over the window', async () => {
    asked.length = 0;
    const result = await quizmesh([
      'graph',
      '--prometheus',
      `${prometheus.url}/prom`,
      '--window',
      '30',
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, '');
    assert.deepEqual(
      asked.map((url) => url.pathname),
      ['/prom/api/v1/query'],
    );
    assert.equal(asked[0]?.searchParams.get('query'), requestRatesQuery(30));
    assert.match(result.stdout, /^digraph "service graph" \{\n/);
    assert.match(
      result.stdout,
      /\n {2}"workload:frontend:v1" -> "workload:quiz:v1" \[.*class="failing", label="4\.00 rps\\n25\.0% 5xx"\];\n/,
    );
    assert.match(
      result.stdout,
      /\n {2}"workload:frontend:v1" -> "workload:quiz:v2" \[.*class="idle", label="idle"\];\n/,
    );
    assert.match(result.stdout, /over 30\.0 s"\];\n/);
  });

  it('asks over 60 s unless told otherwise, as rate() needs two scrapes within the window', async () => {
    asked.length = 0;
    const result = await quizmesh(['graph', '--prometheus', prometheus.url]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(asked[0]?.searchParams.get('query') ?? '', /\[60s\]/);
  });

  it('writes SVG to FILE with --format svg --output FILE', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'quizmesh-graph-')), 'graph.svg');
    const result = await quizmesh([
      'graph',
      '--prometheus',
      prometheus.url,
      '--format',
      'svg',
      '--output',
      file,
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr, `wrote ${file}\n`);
    const svg = readFileSync(file, 'utf8');
    assert.match(svg, /<svg width=/);
    assert.match(svg, />frontend<\/text>/);
  });

  it('exits 1 with what Prometheus said when it refuses the query', async () => {
    const result = await quizmesh(['graph', '--prometheus', `${prometheus.url}/refusing`]);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.match(
      result.stderr,
      /^quizmesh graph: cannot read http:\/\/127\.0\.0\.1:\d+\/refusing: Prometheus refused the query \(bad_data\): parse error at char 4\n$/,
    );
  });

  it('exits 1 saying why when nothing answers at the URL', async () => {
    const gone = await listen(() => undefined);
    await gone.close();
    const result = await quizmesh(['graph', '--prometheus', gone.url]);
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /^quizmesh graph: cannot read http:\/\/127\.0\.0\.1:\d+: fetch failed \(.*ECONNREFUSED.*\)\n$/,
    );
  });
});

// Between the two scrapes: 6 calls gateway → frontend, 2 of frontend → quiz v3 answered 503.
const SCRAPES = [
  [
    `istio_requests_total{${labelText(call('gateway', 'frontend v1', '200'))}} 10`,
    `istio_requests_total{${labelText({ ...call('gateway', 'frontend v1', '200'), reporter: 'destination' })}} 10`,
  ],
  [
    `istio_requests_total{${labelText(call('gateway', 'frontend v1', '200'))}} 16`,
    `istio_requests_total{${labelText({ ...call('gateway', 'frontend v1', '200'), reporter: 'destination' })}} 16`,
    `istio_requests_total{${labelText(call('frontend v1', 'quiz v3', '503'))}} 2`,
  ],
];

function labelText(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([name, value]) => `${name}=${JSON.stringify(value)}`)
    .join(',');
}

describe('quizmesh graph from local mode', () => {
  let local: StandIn;
  before(async () => {
    let scrapes = 0;
    local = await standInLocalMode((req, res) => {
      if (req.url === '/stats/prometheus') {
        const text = SCRAPES[scrapes++ % SCRAPES.length] ?? [];
        res.writeHead(200, { 'content-type': 'text/plain' }).end(`${text.join('\n')}\n`);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"generation":1}');
    });
  });
  after(async () => {
    await local.close();
  });

  it("draws the graph from two scrapes of the mesh's stats, the window apart", async () => {
    const result = await quizmesh(['graph', '--window', '0.5'], local.home);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, 'sampling for 0.5 s…\n');
    const edges = [
      ...result.stdout.matchAll(
        /^ {2}"([^"]+)" -> "([^"]+)" \[.*class="(\w+)", label="([^"]*)"\];$/gm,
      ),
    ];
    // The rates depend on the measured window, a little over 0.5 s; the calls in it were 6 and 2.
    assert.deepEqual(
      edges.map(([, from, to, state]) => [from, to, state]),
      [
        ['gateway:istio-ingressgateway', 'workload:frontend:v1', 'healthy'],
        ['workload:frontend:v1', 'workload:quiz:v3', 'failing'],
      ],
    );
    const [gateway, failing] = edges.map(([, , , , label = '']) => label.split('\\n'));
    assert.deepEqual([gateway?.[1], failing?.[1]], ['0% 5xx', '100.0% 5xx']);
    const rate = (line = ''): number => Number(/^([\d.]+) rps$/.exec(line)?.[1]);
    assert.ok(Math.abs(rate(gateway?.[0]) / rate(failing?.[0]) - 3) < 0.05, result.stdout);
  });

  it('exits 1 saying how to start one when no local mode runs and no --prometheus is given', async () => {
    const home = emptyHome();
    const result = await quizmesh(['graph'], home);
    assert.equal(result.code, 1);
    assert.equal(
      result.stderr,
      `quizmesh graph: no local mode is running (no mesh answers through ${path.join(home, 'local.json')}); start one with npm start, or give --prometheus URL\n`,
    );
  });
});

describe('quizmesh graph usage', () => {
  it('exits 2 for a format, window, URL or option it does not know', async () => {
    for (const [args, message] of [
      [['--format', 'png'], /--format: give dot or svg, not 'png'/],
      [['--window', '0'], /--window: give seconds/],
      [['--window', 'soon'], /--window: give seconds/],
      [['--prometheus', 'ftp://127.0.0.1'], /--prometheus: give an http:\/\/ or https:\/\/ URL/],
      [['--colour'], /Unknown option '--colour'/],
    ] as const) {
      const result = await quizmesh(['graph', ...args]);
      assert.equal(result.code, 2, args.join(' '));
      assert.match(result.stderr, message);
      assert.match(result.stderr, /\nSee 'quizmesh graph --help'\.\n$/);
    }
  });

  it('shows its help with --help and through quizmesh help, and is listed among the commands', async () => {
    const help = await quizmesh(['graph', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: quizmesh graph \[--format dot\|svg\] \[--window SECONDS\]/);
    assert.equal((await quizmesh(['help', 'graph'])).stdout, help.stdout);
    assert.match(
      (await quizmesh(['help'])).stdout,
      /\n {2}graph +the service graph, as DOT or SVG\n/,
    );
  });
});
