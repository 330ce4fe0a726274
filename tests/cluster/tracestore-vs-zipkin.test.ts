// The trace store against Zipkin: local mode's embedded trace store (tracestore/main.ts, started as
// local mode starts it) and the real Zipkin server of the cluster's version and settings, fed the
// same spans, answer the same to every query the console, the CLI and Grafana's Zipkin datasource
// make, and to the rest of the read API the Zipkin UI uses. The spans are those of a short real
// local-mode run with quiz split 50/50 between v1 and v3 (read back from local mode's own store),
// plus a few hand-made traces for what local mode does not send (mixed-case names, 128-bit ids with
// a zero upper half, shared client/server span ids, annotations, messaging spans, a trace with no
// root, a span reported twice), each POSTed in the same body to both.
//
// Answers are compared as Zipkin leaves them: the names lists as they come (both sort them), the
// traces of a search and the spans of a trace in any order (sorted by trace id and span id here;
// Zipkin's in-memory storage gives traces by their newest span's timestamp and spans by timestamp
// bucket, and promises neither), dependency links sorted. Which traces a search returns under a
// `limit` is compared exactly.
//
// Deliberate differences, not compared:
// - Eviction. Zipkin (STORAGE_TYPE=mem) evicts the trace with the oldest span timestamp once
//   MEM_MAX_SPANS is passed; the store evicts in arrival order past MAX_SPANS or MAX_TRACES, and
//   refuses spans past MAX_SPANS_PER_TRACE. A span or service name stays listed in Zipkin until the
//   last trace of its *service* is evicted; the store drops each name with the last span carrying it.
//   The store also evicts past MAX_BYTES (an estimate of the memory its spans take), and refuses a
//   span that would take one trace past it; Zipkin's in-memory storage counts spans only.
// - Size bounds. The store keeps at most 128 tags and 128 annotations of a span (OpenTelemetry's
//   defaults) and cuts long tag keys and values and annotation values (tracestore/span-bounds.ts);
//   Zipkin keeps what it is sent. The spans compared here are all within those bounds.
// - A large POSTed batch is stored a few thousand spans at a time, so a read made meanwhile may see
//   part of it; Zipkin's in-memory storage stores a batch at once. Reads below follow the 202.
// - Who is answered. The store answers loopback Host names and no non-loopback Origin, and sends
//   no CORS headers (tracestore/loopback-only.ts); Zipkin answers any Host and allows any origin.
// - A span reported in parts (same id, kind and service, different fields) is merged by the store;
//   Zipkin keeps every distinct report and leaves merging to its UI. Identical reports are kept
//   once by both (compared below). Local mode's services and mesh report each span once.
// - Upper-case hex ids: the store reads them lower-cased (in POSTed spans, /trace/{id} and
//   traceMany); Zipkin answers 400 ("should be lower-hex encoded"). Checked below, so this stays true.
// - Error answers: the status is compared (400 for a bad query, 404 for an unknown trace), the
//   message is not.
//
// Differences this comparison found and tracestore/ now matches (each with a test in
// tests/unit/tracestore or tests/integration/tracestore): which traces a search keeps under
// `limit` (Zipkin ranks by the newest span start in the window, ties by the lower 64 bits of the
// trace id, not by trace start); dependencies count a trace with any span in the window, and leave
// out errorCount 0; an empty serviceName lists no names instead of 400; maxDuration without
// minDuration, traceMany with one id or a repeated id are 400.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DependencyLink, Span } from '../../tracestore/span.ts';
import { render } from '../manifests/rendered.ts';
import { startLocalMode, type RunningLocalMode } from '../support/local-mode.ts';
import { meshConfigCopy } from '../support/mesh-config.ts';
import { playRounds } from '../support/quiz-traffic.ts';
import { startServiceProcess, type ServiceProcess } from '../support/service-process.ts';
import { jvmArguments, zipkinDeployment } from './support/zipkin-deployment.ts';
import { startZipkinServer, type ZipkinServer } from './support/zipkin-server.ts';

const PLAY_MS = 15_000;
const PLAYERS = ['ana', 'ben', '李雷', 'Łukasz'];
/** Spans per POST, as an exporter batches them. */
const BATCH = 500;

let zipkin: ZipkinServer | undefined;
let store: ServiceProcess | undefined;
let local: RunningLocalMode | undefined;
/** Every span posted, and the time range (epoch ms) their traces cover. */
let posted: Span[];
let firstMs: number;
let lastMs: number;

interface Answer {
  status: number;
  body: unknown;
}

async function ask(baseUrl: string, path: string): Promise<Answer> {
  const response = await fetchOnce(`${baseUrl}${path}`).catch((error: unknown) => {
    // This process blocks its event loop for a while comparing large answers, so a kept-alive
    // connection may have been closed by the server before the client noticed: ask once more.
    if (!(error instanceof TypeError)) throw error;
    return fetchOnce(`${baseUrl}${path}`);
  });
  const text = await response.text();
  let body: unknown = text;
  if (response.ok) body = JSON.parse(text);
  return { status: response.status, body };
}

const fetchOnce = (url: string): Promise<Response> =>
  fetch(url, { signal: AbortSignal.timeout(30_000) });

// ---- what local mode does not send: a few traces of every shape Zipkin's model allows ----------

const hex = (n: number, width = 16): string => n.toString(16).padStart(width, '0');

function handMadeTraces(startMs: number): Span[][] {
  const t = (ms: number): number => (startMs + ms) * 1000;
  const upperHalfZero = `${'0'.repeat(16)}${hex(0xe1)}`;
  const mixedCase = [
    {
      traceId: upperHalfZero,
      id: hex(0xe101),
      parentId: '0000000000000000',
      name: 'GET /Edge',
      kind: 'SERVER',
      timestamp: t(0),
      duration: 9_000,
      localEndpoint: { serviceName: 'Edge-Frontend', ipv4: '10.0.0.7', port: 8080 },
      remoteEndpoint: { ipv4: '10.0.0.9' },
      annotations: [{ timestamp: t(1), value: 'cache-miss' }],
      tags: { 'http.method': 'GET', 'http.path': '/Edge' },
    },
    {
      traceId: upperHalfZero,
      id: hex(0xe102),
      parentId: hex(0xe101),
      name: 'Query',
      kind: 'CLIENT',
      timestamp: t(2),
      duration: 3_000,
      localEndpoint: { serviceName: 'Edge-Frontend' },
      remoteEndpoint: { serviceName: 'Edge-DB', ipv4: '10.0.0.8', port: 5432 },
      tags: { 'db.statement': 'select 1' },
    },
    // Time and duration 0 mean "not recorded"; an empty tags object is no tags.
    {
      traceId: upperHalfZero,
      id: hex(0xe103),
      parentId: hex(0xe101),
      name: 'render',
      timestamp: 0,
      duration: 0,
      localEndpoint: { serviceName: 'Edge-Frontend' },
      tags: {},
      debug: true,
    },
  ];
  const sharedId = hex(0xe201);
  const traceE2 = `e2e2e2e2e2e2e2e2${hex(0xe2)}`;
  const traceE3 = `e3e3e3e3e3e3e3e3${hex(0xe3)}`;
  const shared = [
    {
      traceId: traceE2,
      id: hex(0xe200),
      name: 'get /checkout',
      kind: 'SERVER',
      timestamp: t(100),
      duration: 50_000,
      localEndpoint: { serviceName: 'edge-frontend' },
    },
    {
      traceId: traceE2,
      id: sharedId,
      parentId: hex(0xe200),
      name: 'post /pay',
      kind: 'CLIENT',
      timestamp: t(101),
      duration: 40_000,
      localEndpoint: { serviceName: 'edge-frontend' },
      remoteEndpoint: { serviceName: 'edge-payments' },
      tags: { error: 'timeout' },
    },
    {
      traceId: traceE2,
      id: sharedId,
      parentId: hex(0xe200),
      name: 'post /pay',
      kind: 'SERVER',
      shared: true,
      timestamp: t(102),
      duration: 45_000,
      localEndpoint: { serviceName: 'edge-payments' },
      tags: { 'http.status_code': '200' },
    },
    {
      traceId: traceE2,
      id: hex(0xe202),
      parentId: sharedId,
      name: 'send receipt',
      kind: 'PRODUCER',
      timestamp: t(103),
      duration: 1_000,
      localEndpoint: { serviceName: 'edge-payments' },
      remoteEndpoint: { serviceName: 'kafka' },
    },
    {
      traceId: traceE2,
      id: hex(0xe203),
      parentId: hex(0xe202),
      name: 'receive receipt',
      kind: 'CONSUMER',
      timestamp: t(150),
      duration: 2_000,
      localEndpoint: { serviceName: 'edge-mailer' },
      remoteEndpoint: { serviceName: 'kafka' },
    },
  ];
  // Its root never arrived: the trace starts at its earliest span.
  const rootless = [3, 4].map((n) => ({
    traceId: traceE3,
    id: hex(0xe300 + n),
    parentId: hex(0xe300),
    name: 'get /orphan',
    kind: 'SERVER',
    timestamp: t(200 + n),
    duration: 1_000 * n,
    localEndpoint: { serviceName: 'edge-mailer' },
  }));
  return [mixedCase, shared, rootless] as unknown as Span[][];
}

// ---- answers in a comparable form --------------------------------------------------------------

const spanOrder = (s: Span): string =>
  [s.id, s.kind ?? '', s.shared ? 's' : '', s.localEndpoint?.serviceName ?? ''].join('|');
const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const traceIdOf = (spans: Span[]): string => spans[0]?.traceId ?? '';

const canonicalTrace = (spans: Span[]): Span[] =>
  [...spans].sort((a, b) => byText(spanOrder(a), spanOrder(b)));
const canonicalTraces = (traces: Span[][]): Span[][] =>
  traces.map(canonicalTrace).sort((a, b) => byText(traceIdOf(a), traceIdOf(b)));
const canonicalLinks = (links: DependencyLink[]): DependencyLink[] =>
  [...links].sort((a, b) => byText(`${a.parent} ${a.child}`, `${b.parent} ${b.child}`));

type Canonical = (body: unknown) => unknown;
const asIs: Canonical = (body) => body;

/** JSON with every object's keys sorted: the two servers write a span's fields in other orders. */
const stable = (value: unknown): string =>
  JSON.stringify(value, (_key, field: unknown) =>
    field !== null && typeof field === 'object' && !Array.isArray(field)
      ? Object.fromEntries(Object.entries(field).sort(([a], [b]) => byText(a, b)))
      : field,
  );

/** What differs between two canonical answers, in a line or two. */
function describeDifference(path: string, ours: Answer, theirs: Answer, how: Canonical): string[] {
  if (ours.status !== theirs.status) {
    return [`${path}: store ${ours.status}, Zipkin ${theirs.status} (${String(theirs.body)})`];
  }
  if (ours.status !== 200) return [];
  const a = how(ours.body);
  const b = how(theirs.body);
  return stable(a) === stable(b) ? [] : [`${path}: ${summarizeDifference(a, b)}`];
}

const isLink = (x: unknown): x is DependencyLink =>
  typeof x === 'object' && x !== null && 'parent' in x && 'child' in x;

function summarizeDifference(ours: unknown, theirs: unknown): string {
  if (
    Array.isArray(ours) &&
    Array.isArray(theirs) &&
    [...(ours as unknown[]), ...(theirs as unknown[])].every(isLink)
  ) {
    const text = (links: DependencyLink[]) => new Set(links.map(stable));
    const a = text(ours as DependencyLink[]);
    const b = text(theirs as DependencyLink[]);
    return `links only the store draws: ${[...a].filter((l) => !b.has(l)).join(' ') || '-'}; only Zipkin: ${[...b].filter((l) => !a.has(l)).join(' ') || '-'}`;
  }
  if (Array.isArray(ours) && Array.isArray(theirs)) {
    if (ours.every(Array.isArray) && theirs.every(Array.isArray)) {
      const a = (ours as Span[][]).map(traceIdOf);
      const b = (theirs as Span[][]).map(traceIdOf);
      const onlyOurs = a.filter((id) => !b.includes(id));
      const onlyTheirs = b.filter((id) => !a.includes(id));
      if (onlyOurs.length > 0 || onlyTheirs.length > 0) {
        return `traces only the store answers: ${onlyOurs.join(',') || '-'}; only Zipkin: ${onlyTheirs.join(',') || '-'}`;
      }
      const at = a.findIndex((_, i) => stable(ours[i]) !== stable(theirs[i]));
      return `trace ${a[at] ?? '?'} differs: ${firstSpanDifference(ours[at] as Span[], theirs[at] as Span[])}`;
    }
    if (ours.every((x) => typeof x === 'object') && theirs.every((x) => typeof x === 'object')) {
      if (ours.length === theirs.length && ours.every((x) => x && 'traceId' in x)) {
        return firstSpanDifference(ours as Span[], theirs as Span[]);
      }
    }
  }
  return `store ${stable(ours).slice(0, 300)}; Zipkin ${stable(theirs).slice(0, 300)}`;
}

function firstSpanDifference(ours: Span[], theirs: Span[]): string {
  if (ours.length !== theirs.length) return `${ours.length} spans, Zipkin ${theirs.length}`;
  for (let i = 0; i < ours.length; i++) {
    const a = stable(ours[i]);
    const b = stable(theirs[i]);
    if (a !== b) return `span ${ours[i]?.id ?? '?'}: store ${a}; Zipkin ${b}`;
  }
  return 'same spans, other order';
}

/** Asks both the same paths and returns every difference. */
async function differences(paths: readonly string[], how: Canonical = asIs): Promise<string[]> {
  const found: string[] = [];
  for (const path of paths) {
    const [ours, theirs] = await Promise.all([
      ask((store as ServiceProcess).baseUrl, path),
      ask((zipkin as ZipkinServer).url, path),
    ]);
    found.push(...describeDifference(path, ours, theirs, how));
  }
  return found;
}

const q = (params: Record<string, string | number>): string =>
  new URLSearchParams(
    Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])),
  ).toString();

// ---- the run ---------------------------------------------------------------------------------

async function localSpans(): Promise<Span[][]> {
  const running = local as RunningLocalMode;
  const traffic = playRounds(running.state.siteUrl, PLAYERS);
  await sleep(PLAY_MS);
  const played = await traffic.stop();
  assert.ok(played > 0, 'no round was played');
  await sleep(2_000); // the last batches of spans
  const answer = await ask(running.state.zipkinUrl, `/api/v2/traces?${q({ limit: 100_000 })}`);
  assert.equal(answer.status, 200);
  return answer.body as Span[][];
}

/** POSTs every span, in batches of whole traces, the same body to both. */
async function postToBoth(traces: Span[][]): Promise<void> {
  const bodies: Span[][] = [[]];
  for (const trace of traces) {
    const last = bodies.at(-1) as Span[];
    if (last.length > 0 && last.length + trace.length > BATCH) bodies.push([...trace]);
    else last.push(...trace);
  }
  for (const body of bodies) {
    const text = JSON.stringify(body);
    const statuses = await Promise.all(
      [(store as ServiceProcess).baseUrl, (zipkin as ZipkinServer).url].map(async (url) => {
        const response = await fetch(`${url}/api/v2/spans`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: text,
        });
        await response.arrayBuffer();
        return response.status;
      }),
    );
    assert.deepEqual(statuses, [202, 202], `POST of ${body.length} spans`);
  }
}

/** Zipkin's collector stores after it answers: wait until both hold every trace. */
async function settled(traceCount: number): Promise<void> {
  const path = `/api/v2/traces?${q({ limit: 100_000 })}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const [ours, theirs] = await Promise.all([
      ask((store as ServiceProcess).baseUrl, path),
      ask((zipkin as ZipkinServer).url, path),
    ]);
    const counts = [ours, theirs].map((a) => (a.body as unknown[]).length);
    if (counts.every((n) => n === traceCount)) return;
    if (Date.now() > deadline) throw new Error(`traces held: ${counts.join(' and ')}`);
    await sleep(500);
  }
}

before(async () => {
  const deployment = zipkinDeployment(render('k8s'));
  const dir = mkdtempSync(join(tmpdir(), 'quizmesh-zipkin-'));
  [zipkin, local, store] = await Promise.all([
    startZipkinServer({ env: deployment.env, jvmArgs: jvmArguments(deployment), dir }),
    startLocalMode({
      QUIZMESH_MESH_CONFIG: meshConfigCopy({
        'virtual-service-quiz.yaml': 'virtual-service-quiz-v1-50-v3-50.yaml',
      }),
    }),
    // As local mode starts it (local/topology.ts): untraced, as service "zipkin".
    startServiceProcess({ entry: 'tracestore/main.ts', env: { SERVICE_NAME: 'zipkin' } }),
  ]);
  const traces = await localSpans();
  await local.stop();
  local = undefined;
  const starts = traces.flat().flatMap((s) => (s.timestamp ? [s.timestamp / 1000] : []));
  firstMs = Math.floor(Math.min(...starts));
  lastMs = Math.ceil(Math.max(...starts));
  const handMade = handMadeTraces(firstMs + 500);
  // A span reported twice, in two posts: kept once by both.
  const again = handMade[1]?.slice(0, 1) ?? [];
  await postToBoth([...traces, ...handMade]);
  await postToBoth([again]);
  posted = [...traces, ...handMade].flat();
  await settled(traces.length + handMade.length);
});

after(async () => {
  await Promise.all([
    zipkin?.stop(),
    local?.stop(),
    (async () => {
      if (store && store.child.exitCode === null && store.child.signalCode === null) {
        store.child.kill('SIGTERM');
        await store.exited;
      }
    })(),
  ]);
});

// ---- the queries -------------------------------------------------------------------------------

async function serviceNames(): Promise<string[]> {
  return (await ask((zipkin as ZipkinServer).url, '/api/v2/services')).body as string[];
}

async function spanNamesOf(service: string): Promise<string[]> {
  const path = `/api/v2/spans?${q({ serviceName: service })}`;
  return (await ask((zipkin as ZipkinServer).url, path)).body as string[];
}

const tags = (): Map<string, Set<string>> => {
  const byKey = new Map<string, Set<string>>();
  for (const span of posted)
    for (const [key, value] of Object.entries(span.tags ?? {})) {
      const values = byKey.get(key) ?? new Set();
      values.add(value);
      byKey.set(key, values);
    }
  return byKey;
};

const searches = (paths: Record<string, string | number>[]): string[] =>
  paths.map((params) => `/api/v2/traces?${q(params)}`);

describe('the trace store and Zipkin, fed the same spans', () => {
  it('hold the same spans, a realistic set', (t) => {
    const services = new Set(posted.map((s) => s.localEndpoint?.serviceName));
    t.diagnostic(
      `${posted.length} spans in ${new Set(posted.map((s) => s.traceId)).size} traces, ` +
        `${services.size} services, over ${((lastMs - firstMs) / 1000).toFixed(0)} s`,
    );
    assert.ok(posted.length > 1_000);
    assert.ok(services.has('quiz.quiz') && services.has('descriptions'));
  });

  it('list the same services (GET /api/v2/services)', async () => {
    assert.deepEqual(await differences(['/api/v2/services']), []);
  });

  it('list the same span names and remote services of every service', async () => {
    const services = await serviceNames();
    const paths = [...services, 'QUIZ', 'no-such-service', ''].flatMap((serviceName) => [
      `/api/v2/spans?${q({ serviceName })}`,
      `/api/v2/remoteServices?${q({ serviceName })}`,
    ]);
    assert.deepEqual(await differences([...paths, '/api/v2/spans']), []);
  });

  it('find the same traces by service and by span name, as Grafana and the Zipkin UI ask', async () => {
    const paths: string[] = searches([{}, { limit: 100_000 }]);
    for (const serviceName of await serviceNames()) {
      paths.push(...searches([{ serviceName }, { serviceName, limit: 100_000 }]));
      // Grafana's cascader: a service, one of its span names, and no other parameter.
      for (const spanName of await spanNamesOf(serviceName))
        paths.push(...searches([{ serviceName, spanName }]));
    }
    paths.push(...searches([{ spanName: 'post /rounds' }, { spanName: 'all', limit: 3 }]));
    assert.deepEqual(await differences(paths, canonicalTraces as Canonical), []);
  });

  it('find the same traces by remote service', async () => {
    const paths: string[] = [];
    for (const serviceName of await serviceNames()) {
      const remote = await ask(
        (zipkin as ZipkinServer).url,
        `/api/v2/remoteServices?${q({ serviceName })}`,
      );
      for (const remoteServiceName of remote.body as string[])
        paths.push(...searches([{ serviceName, remoteServiceName }, { remoteServiceName }]));
    }
    assert.deepEqual(await differences(paths, canonicalTraces as Canonical), []);
  });

  it('find the same traces by annotationQuery: a tag key, key=value, an annotation, and "and"', async () => {
    const byKey = tags();
    const value = (key: string): string => [...(byKey.get(key) ?? [''])].sort()[0] ?? '';
    const queries = [
      'error',
      'cache-miss',
      'guid:x-request-id',
      `upstream_cluster=${value('upstream_cluster')}`,
      `http.status_code=${value('http.status_code')}`,
      'istio.canonical_revision=v3',
      'error and istio.canonical_revision=v1',
      'error and http.status_code=504',
      'response_flags=UT and component=proxy',
      'http.method=GET and cache-miss',
      'http.method=GET and http.method',
      ' error  and  http.status_code = 504 ',
      'no-such-tag',
    ];
    const paths = queries.flatMap((annotationQuery) =>
      searches([
        { annotationQuery, limit: 100_000 },
        { annotationQuery, serviceName: 'quiz', limit: 100_000 },
        // The console's "errors only" list.
        { annotationQuery, serviceName: 'quiz', limit: 30, lookback: 3_600_000 },
      ]),
    );
    assert.deepEqual(await differences(paths, canonicalTraces as Canonical), []);
  });

  it('find the same traces by minDuration and maxDuration', async () => {
    const paths = searches([
      { minDuration: 50_000, limit: 100_000 },
      { minDuration: 100_000, serviceName: 'descriptions', limit: 100_000 },
      { minDuration: 10_000, maxDuration: 60_000, limit: 100_000 },
      { minDuration: 1, maxDuration: 1, limit: 100_000 },
      { minDuration: 45_000, serviceName: 'quiz', limit: 30, lookback: 3_600_000 },
      { maxDuration: 5_000, limit: 100_000 },
      { minDuration: 0, limit: 100_000 },
      { minDuration: 2_000, maxDuration: 1_000 },
    ]);
    assert.deepEqual(await differences(paths, canonicalTraces as Canonical), []);
  });

  it('find the same traces by endTs and lookback, and keep the same ones under a limit', async () => {
    const span = lastMs - firstMs;
    const paths: string[] = [];
    for (const fraction of [0.1, 0.5, 0.9]) {
      const endTs = Math.round(firstMs + fraction * span);
      for (const lookback of [1, 1_000, 3_000])
        paths.push(...searches([{ endTs, lookback, limit: 100_000 }]));
      for (const limit of [1, 5, 30]) {
        paths.push(...searches([{ endTs, lookback: 60_000, limit }]));
        paths.push(...searches([{ endTs, lookback: 60_000, limit, serviceName: 'quiz' }]));
      }
    }
    paths.push(...searches([{ endTs: firstMs - 1 }, { endTs: lastMs + 1, lookback: 1 }]));
    assert.deepEqual(await differences(paths, canonicalTraces as Canonical), []);
  });

  it('answer every trace by id the same, and unknown or malformed ids alike', async () => {
    const ids = [...new Set(posted.map((s) => s.traceId))];
    const paths = ids.map((id) => `/api/v2/trace/${id}`);
    paths.push(
      `/api/v2/trace/${hex(0xe1, 32)}`,
      `/api/v2/trace/${hex(0xe1)}`,
      `/api/v2/trace/${'f'.repeat(32)}`,
      '/api/v2/trace/not-hex',
    );
    assert.deepEqual(await differences(paths, canonicalTrace as Canonical), []);
  });

  it('answer traceMany the same', async () => {
    const ids = [...new Set(posted.map((s) => s.traceId))].slice(0, 5);
    const paths = [
      `/api/v2/traceMany?${q({ traceIds: ids.join(',') })}`,
      `/api/v2/traceMany?${q({ traceIds: `${ids[0] ?? ''},${'f'.repeat(16)}` })}`,
      `/api/v2/traceMany?${q({ traceIds: ids[1] ?? '' })}`,
      `/api/v2/traceMany?${q({ traceIds: `${ids[1] ?? ''},${ids[1] ?? ''}` })}`,
      `/api/v2/traceMany?${q({ traceIds: '' })}`,
    ];
    assert.deepEqual(await differences(paths, canonicalTraces as Canonical), []);
  });

  it('draw the same dependency links, over all of it and over a window', async () => {
    const paths = [
      [Date.now(), 86_400_000],
      [Math.round((firstMs + lastMs) / 2), 2_000],
      [firstMs + 501, 1],
    ].map(
      ([endTs, lookback]) =>
        `/api/v2/dependencies?${q({ endTs: endTs ?? 0, lookback: lookback ?? 0 })}`,
    );
    assert.deepEqual(await differences(paths, canonicalLinks as Canonical), []);
  });

  it('differ where the list above says: upper-case hex ids are read, where Zipkin refuses them', async () => {
    const id = posted[0]?.traceId.toUpperCase() ?? '';
    const path = `/api/v2/trace/${id}`;
    const [ours, theirs] = await Promise.all([
      ask((store as ServiceProcess).baseUrl, path),
      ask((zipkin as ZipkinServer).url, path),
    ]);
    assert.deepEqual([ours.status, theirs.status], [200, 400]);
  });

  it('offer the same autocomplete keys and values', async () => {
    const paths = [
      '/api/v2/autocompleteKeys',
      `/api/v2/autocompleteValues?${q({ key: 'http.method' })}`,
    ];
    assert.deepEqual(await differences(paths), []);
  });
});
