// Starts the trace store as local mode does (`node tracestore/main.ts`, no instrumentation preload)
// on a free loopback port, and talks to it over HTTP only.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { ZipkinExporter } from '@opentelemetry/exporter-zipkin';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { startServiceProcess, type ServiceProcess } from '../../support/service-process.ts';

const MAX_TRACES = 20;

/** The store process, for after() to stop whatever happened in between. */
let running: ChildProcess | undefined;

type Started = ServiceProcess;

/** The store, started plain: untraced, unfaulted, as "zipkin". */
async function startStore(): Promise<Started> {
  const started = await startServiceProcess({
    entry: 'tracestore/main.ts',
    env: { MAX_TRACES: String(MAX_TRACES), MAX_SPANS_PER_TRACE: '500' },
  });
  running = started.child;
  return started;
}

const nowMicros = (): number => Date.now() * 1000;

function hex16(n: number): string {
  return n.toString(16).padStart(16, '0');
}

/** A frontend → quiz call; quiz's server span fails when `fails`. */
function roundTrip(traceId: string, start: number, fails = false): object[] {
  const base = { traceId, timestamp: start };
  return [
    {
      ...base,
      id: hex16(1),
      name: 'GET /round',
      kind: 'SERVER',
      duration: 9_000,
      localEndpoint: { serviceName: 'frontend' },
      tags: { 'http.method': 'GET' },
    },
    {
      ...base,
      id: hex16(2),
      parentId: hex16(1),
      name: 'GET',
      kind: 'CLIENT',
      duration: 8_000,
      localEndpoint: { serviceName: 'frontend' },
      remoteEndpoint: { serviceName: 'quiz' },
    },
    {
      ...base,
      id: hex16(3),
      parentId: hex16(2),
      name: 'GET /rounds/:id',
      kind: 'SERVER',
      duration: 7_000,
      localEndpoint: { serviceName: 'quiz' },
      tags: fails ? { error: 'boom', 'http.status_code': '500' } : { 'http.status_code': '200' },
    },
  ];
}

describe('trace store over HTTP', () => {
  let store: Started;
  const get = (path: string, init?: RequestInit): Promise<Response> =>
    fetch(`${store.baseUrl}${path}`, init);
  const post = (body: string, contentType = 'application/json'): Promise<Response> =>
    fetch(`${store.baseUrl}/api/v2/spans`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
    });
  const getJson = async (path: string): Promise<unknown> => {
    const response = await get(path);
    assert.equal(response.status, 200, `${path}: ${await response.clone().text()}`);
    return response.json();
  };

  const failing = 'ABCDEF0123456789ABCDEF0123456789';
  const passing = '1111111111111111';
  const start = nowMicros() - 5_000_000;

  before(async () => {
    store = await startStore();
  });

  after(() => {
    if (running && running.exitCode === null && running.signalCode === null) {
      running.kill('SIGKILL');
    }
  });

  test('it listens on 127.0.0.1 as service "zipkin" and says what it is at /', async () => {
    assert.equal(store.listening.service, 'zipkin');
    assert.equal(store.listening.host, '127.0.0.1');
    const about = (await getJson('/')) as { endpoints: string[] };
    assert.ok(about.endpoints.includes('POST /api/v2/spans'));
  });

  test('POST /api/v2/spans answers 202 and the trace reads back by lower-cased id', async () => {
    const response = await post(JSON.stringify(roundTrip(failing, start, true)));
    assert.equal(response.status, 202);
    assert.equal(await response.text(), '');
    await post(JSON.stringify(roundTrip(passing, start + 1_000)));

    const spans = (await getJson(`/api/v2/trace/${failing}`)) as { traceId: string; id: string }[];
    assert.deepEqual(
      spans.map((span) => [span.traceId, span.id]),
      [1, 2, 3].map((n) => [failing.toLowerCase(), hex16(n)]),
    );
    assert.deepEqual(await getJson(`/api/v2/trace/${failing.toLowerCase()}`), spans);
  });

  test('a later batch of the same trace is merged into it', async () => {
    const late = {
      traceId: passing,
      id: hex16(4),
      parentId: hex16(3),
      name: 'select',
      kind: 'CLIENT',
      timestamp: start + 1_500,
      duration: 300,
      localEndpoint: { serviceName: 'quiz' },
      remoteEndpoint: { serviceName: 'postgres' },
    };
    assert.equal((await post(JSON.stringify([late]))).status, 202);
    const spans = (await getJson(`/api/v2/trace/${passing}`)) as unknown[];
    assert.equal(spans.length, 4);
  });

  test('services, span names and remote services are listed sorted', async () => {
    assert.deepEqual(await getJson('/api/v2/services'), ['frontend', 'quiz']);
    assert.deepEqual(await getJson('/api/v2/spans?serviceName=frontend'), ['get', 'get /round']);
    assert.deepEqual(await getJson('/api/v2/remoteServices?serviceName=QUIZ'), ['postgres']);
  });

  test('GET /api/v2/traces filters and answers newest first', async () => {
    type Trace = { traceId: string }[];
    const ids = (traces: unknown): string[] => (traces as Trace[]).map((t) => t[0]?.traceId ?? '');
    assert.deepEqual(ids(await getJson('/api/v2/traces')), [passing, failing.toLowerCase()]);
    assert.deepEqual(ids(await getJson('/api/v2/traces?limit=1')), [passing]);
    assert.deepEqual(ids(await getJson('/api/v2/traces?serviceName=quiz&annotationQuery=error')), [
      failing.toLowerCase(),
    ]);
    assert.deepEqual(ids(await getJson('/api/v2/traces?annotationQuery=http.status_code%3D200')), [
      passing,
    ]);
    assert.deepEqual(
      ids(await getJson('/api/v2/traces?serviceName=frontend&spanName=GET%20%2Fround')),
      [passing, failing.toLowerCase()],
    );
    assert.deepEqual(ids(await getJson('/api/v2/traces?remoteServiceName=postgres')), [passing]);
    assert.deepEqual(ids(await getJson('/api/v2/traces?minDuration=8500&maxDuration=9500')), [
      passing,
      failing.toLowerCase(),
    ]);
    assert.deepEqual(ids(await getJson('/api/v2/traces?minDuration=10000')), []);
    const anHourAgo = Date.now() - 3_600_000;
    assert.deepEqual(ids(await getJson(`/api/v2/traces?endTs=${anHourAgo}&lookback=60000`)), []);
  });

  test('GET /api/v2/spans and /remoteServices with an empty serviceName answer [], as Zipkin', async () => {
    assert.deepEqual(await getJson('/api/v2/spans?serviceName='), []);
    assert.deepEqual(await getJson('/api/v2/remoteServices?serviceName='), []);
  });

  test('GET /api/v2/traceMany answers the known traces of those asked', async () => {
    const traces = (await getJson(
      `/api/v2/traceMany?traceIds=${passing},${hex16(999)},${failing}`,
    )) as unknown[][];
    assert.equal(traces.length, 2);
  });

  test('GET /api/v2/dependencies counts calls and errors between services, 0 errors left out', async () => {
    // As Zipkin writes a link: errorCount only when there were errors.
    assert.deepEqual(await getJson('/api/v2/dependencies'), [
      { parent: 'frontend', child: 'quiz', callCount: 2, errorCount: 1 },
      { parent: 'quiz', child: 'postgres', callCount: 1 },
    ]);
    assert.deepEqual(
      await getJson(`/api/v2/dependencies?endTs=${Date.now() - 3_600_000}&lookback=1000`),
      [],
    );
  });

  test('spans sent by @opentelemetry/exporter-zipkin are stored as sent', async () => {
    const provider = new TracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'scores' }),
      spanProcessors: [
        new SimpleSpanProcessor({
          exporter: new ZipkinExporter({ url: `${store.baseUrl}/api/v2/spans` }),
        }),
      ],
    });
    const span = provider.getTracer('test').startSpan('POST /answers');
    span.setAttribute('http.route', '/answers');
    span.addEvent('answer.checked');
    const { traceId } = span.spanContext();
    span.end();
    await provider.forceFlush();
    await provider.shutdown();

    const [stored] = (await getJson(`/api/v2/trace/${traceId}`)) as {
      name: string;
      localEndpoint: { serviceName: string };
      tags: Record<string, string>;
      annotations: { value: string }[];
    }[];
    assert.equal(stored?.name, 'post /answers');
    assert.equal(stored.localEndpoint.serviceName, 'scores');
    assert.equal(stored.tags['http.route'], '/answers');
    assert.deepEqual(
      stored.annotations.map((a) => a.value),
      ['answer.checked'],
    );
    assert.ok(((await getJson('/api/v2/services')) as string[]).includes('scores'));
  });

  test('a batch of a few megabytes is accepted, though other services cap bodies at 16 kB', async () => {
    const traceId = 'feedfacefeedface';
    const spans = Array.from({ length: 400 }, (_, n) => ({
      traceId,
      id: hex16(n + 1),
      name: 'bulk',
      timestamp: nowMicros(),
      duration: 10,
      localEndpoint: { serviceName: 'bulk' },
      tags: { payload: 'x'.repeat(5_000) },
    }));
    const body = JSON.stringify(spans);
    assert.ok(body.length > 2_000_000);
    assert.equal((await post(body)).status, 202);
    assert.equal(((await getJson(`/api/v2/trace/${traceId}`)) as unknown[]).length, 400);
  });

  test('malformed bodies and ids are answered 400 with a readable error', async () => {
    const cases: [string, RegExp][] = [
      ['[{', /invalid JSON body/],
      ['{"traceId":"abcdef0123456789"}', /invalid spans: \(root\): .*expected array/],
      ['[{"traceId":"xyz","id":"abcdef0123456789"}]', /0\.traceId: trace id must be 16 or 32 hex/],
      ['[{"traceId":"abcdef0123456789","id":"abc"}]', /0\.id: span id must be 16 hex/],
      [
        '[{"traceId":"abcdef0123456789","id":"abcdef0123456789","tags":{"n":1}}]',
        /0\.tags\.n: tag values must be strings/,
      ],
    ];
    for (const [body, message] of cases) {
      const response = await post(body);
      assert.equal(response.status, 400, body);
      const { error } = (await response.json()) as { error: string };
      assert.match(error, message);
    }
    // Nothing of a rejected batch is stored, not even its valid spans.
    const mixed = [{ traceId: 'abababababababab', id: hex16(1) }, { traceId: 'nope' }];
    assert.equal((await post(JSON.stringify(mixed))).status, 400);
    assert.equal((await get('/api/v2/trace/abababababababab')).status, 404);
  });

  test('bad query parameters and trace ids are answered 400', async () => {
    for (const path of [
      '/api/v2/trace/not-a-trace-id',
      '/api/v2/traces?limit=0',
      '/api/v2/traces?minDuration=ten',
      '/api/v2/spans',
      '/api/v2/traceMany?traceIds=',
      `/api/v2/traceMany?traceIds=${passing}`,
      `/api/v2/traceMany?traceIds=${passing},${failing},${passing}`,
      '/api/v2/traces?maxDuration=5000',
    ]) {
      const response = await get(path);
      assert.equal(response.status, 400, path);
      assert.ok(((await response.json()) as { error: string }).error.length > 0);
    }
  });

  test('an unknown trace is answered 404', async () => {
    const response = await get(`/api/v2/trace/${hex16(12345)}`);
    assert.equal(response.status, 404);
    assert.deepEqual(await response.json(), { error: `trace ${hex16(12345)} not found` });
  });

  test('reads from a loopback page are answered without CORS headers; other pages are refused', async () => {
    const local = await get('/api/v2/services', { headers: { origin: 'http://localhost:9000' } });
    assert.equal(local.status, 200);
    assert.equal(local.headers.get('access-control-allow-origin'), null);
    const foreign = await get('/api/v2/services', { headers: { origin: 'https://example.com' } });
    assert.equal(foreign.status, 403);
    assert.match(((await foreign.json()) as { error: string }).error, /example\.com/);
  });

  test('the oldest traces are evicted past MAX_TRACES, as /metrics shows', async () => {
    const batch = Array.from({ length: MAX_TRACES + 5 }, (_, n) => ({
      traceId: hex16(0x5000 + n),
      id: hex16(1),
      timestamp: nowMicros(),
      localEndpoint: { serviceName: 'filler' },
    }));
    assert.equal((await post(JSON.stringify(batch))).status, 202);
    assert.equal((await get(`/api/v2/trace/${failing}`)).status, 404);

    const metrics = await (await get('/metrics')).text();
    assert.match(metrics, new RegExp(`^zipkin_store_traces ${MAX_TRACES}$`, 'm'));
    assert.match(metrics, new RegExp(`^zipkin_store_spans ${MAX_TRACES}$`, 'm'));
    assert.match(metrics, /^zipkin_store_evicted_traces_total (\d+)$/m);
    const evicted = Number(/^zipkin_store_evicted_traces_total (\d+)$/m.exec(metrics)?.[1]);
    // Before the filler: failing, passing, the exporter's trace and the bulk trace.
    assert.equal(evicted, 4 + MAX_TRACES + 5 - MAX_TRACES);
  });

  test('SIGTERM stops it with exit code 0', async () => {
    store.child.kill('SIGTERM');
    assert.equal(await store.exited, 0, store.stderr());
  });
});
