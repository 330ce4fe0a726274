// The console's trace analysis over traces shaped like the ones local mode records: per call, the
// app's CLIENT span, its sidecar's CLIENT span (tagged like Envoy's) and the app's SERVER span;
// optionally the destination sidecar's SERVER span sharing the source sidecar's id, as on a
// cluster. A v1 round has 173 spans (54 descriptions calls), a v3 round 14, an answer 8.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { findMeshCalls } from '../../../../mesh-client/traces/mesh-calls.ts';
import { findNPlusOne } from '../../../../mesh-client/traces/n-plus-one.ts';
import { filterTraceSummaries } from '../../../../mesh-client/traces/trace-filter.ts';
import { summarizeTrace, summarizeTraces } from '../../../../mesh-client/traces/trace-summary.ts';
import { buildWaterfall } from '../../../../mesh-client/traces/waterfall.ts';
import { parseTrace, parseTraceList } from '../../../../mesh-client/traces/zipkin-input.ts';
import type { Span } from '../../../../tracestore/span.ts';

/** Epoch microseconds, in the range local mode's traces had. */
const T0 = 1_795_617_915_234_000;
const MS = 1_000;
const HOSTILE = '<img src=x onerror=alert(1)>';

interface Workload {
  app: string;
  version: string;
}
const GATEWAY: Workload = { app: 'istio-ingressgateway', version: 'unknown' };
const FRONTEND: Workload = { app: 'frontend', version: 'v1' };
const IMAGES: Workload = { app: 'images', version: 'v1' };
const DESCRIPTIONS: Workload = { app: 'descriptions', version: 'v1' };
const SCORES: Workload = { app: 'scores', version: 'v1' };
const quiz = (version: string): Workload => ({ app: 'quiz', version });

interface TraceBuilder {
  spans: Span[];
  add(span: Omit<Span, 'traceId' | 'id'> & { id?: string }): Span;
}

function traceBuilder(traceId = '308b0463fbbf2249f3ef7c71849ef519'): TraceBuilder {
  const spans: Span[] = [];
  let ids = 0;
  return {
    spans,
    add(fields) {
      ids += 1;
      const span: Span = { traceId, id: `1${ids.toString(16).padStart(15, '0')}`, ...fields };
      spans.push(span);
      return span;
    },
  };
}

function sidecarTags(from: Workload, status: number, cluster: string): Record<string, string> {
  return {
    'http.method': 'GET',
    'guid:x-request-id': '256cae93-4524-4f2d-8328-65c0e90a8a70',
    'istio.canonical_service': from.app,
    'istio.canonical_revision': from.version,
    'istio.namespace': from === GATEWAY ? 'istio-system' : 'quiz',
    component: 'proxy',
    'http.status_code': String(status),
    response_flags: '-',
    upstream_cluster: cluster,
  };
}

const appTags = (workload: Workload, status: number): Record<string, string> => ({
  'http.response.status_code': String(status),
  'service.name': workload.app,
  'service.version': workload.version,
});

interface CallOptions {
  parent: Span;
  from: Workload;
  to: Workload;
  route: string;
  at: number;
  ms: number;
  status?: number;
  /** False for an app without tracing: only its sidecar reports the call. */
  appClient?: boolean;
  /** False when the mesh answered itself (a fault abort, no route). */
  appServer?: boolean;
  /** The destination sidecar's span, as Istio on a cluster reports it. */
  inboundSidecar?: boolean;
}

interface CallSpans {
  client?: Span;
  sidecar: Span;
  inbound?: Span;
  server?: Span;
}

function meshCall(trace: TraceBuilder, call: CallOptions): CallSpans {
  const status = call.status ?? 200;
  const [method = 'get', route = '/'] = call.route.split(' ');
  const host = `${call.to.app}.quiz.svc.cluster.local`;
  const time = (offset: number, shorter: number) => ({
    timestamp: call.at + offset,
    duration: call.ms * MS - shorter,
  });
  const client =
    call.appClient === false
      ? undefined
      : trace.add({
          parentId: call.parent.id,
          name: method,
          kind: 'CLIENT',
          ...time(0, 0),
          localEndpoint: { serviceName: call.from.app },
          tags: { ...appTags(call.from, status), 'url.full': `http://127.0.0.1:39441${route}` },
        });
  const sidecar = trace.add({
    parentId: (client ?? call.parent).id,
    name: `${host}:8080/*`,
    kind: 'CLIENT',
    ...time(100, 200),
    localEndpoint: {
      serviceName:
        call.from === GATEWAY ? 'istio-ingressgateway.istio-system' : `${call.from.app}.quiz`,
    },
    tags: sidecarTags(call.from, status, `outbound|8080|v1|${host}`),
  });
  const inbound = call.inboundSidecar
    ? trace.add({
        id: sidecar.id,
        parentId: sidecar.parentId,
        shared: true,
        name: `${host}:8080/*`,
        kind: 'SERVER',
        ...time(200, 400),
        localEndpoint: { serviceName: `${call.to.app}.quiz` },
        tags: sidecarTags(call.to, status, 'inbound|8080||'),
      })
    : undefined;
  const server =
    call.appServer === false
      ? undefined
      : trace.add({
          parentId: sidecar.id,
          name: `${method} ${route}`,
          kind: 'SERVER',
          ...time(300, 600),
          localEndpoint: { serviceName: call.to.app },
          tags: { ...appTags(call.to, status), 'http.route': route },
        });
  return { client, sidecar, inbound, server };
}

const spansOf = (call: CallSpans): Span[] =>
  [call.client, call.sidecar, call.inbound, call.server].filter((span) => span !== undefined);

interface RoundOptions {
  version: 'v1' | 'v2' | 'v3';
  /** v1 asks once per catalog image (54); v2 and v3 make one batch call. */
  descriptionsCalls?: number;
  inboundSidecars?: boolean;
  /** The last descriptions call hits the slow tail and v1's 50 ms deadline cuts it off. */
  timedOut?: boolean;
  traceId?: string;
  start?: number;
}

interface Round {
  spans: Span[];
  gateway: Span;
  quizServer: Span;
  descriptionsCalls: CallSpans[];
  imagesCall: CallSpans;
}

/** GET /api/round through the gateway, frontend and quiz, as local mode records it. */
function roundTrace(options: RoundOptions): Round {
  const trace = traceBuilder(options.traceId);
  const calls = options.descriptionsCalls ?? (options.version === 'v1' ? 54 : 1);
  const start = options.start ?? T0;
  const quizMs = 6 + 2 * calls;
  const status = options.timedOut ? 502 : 200;
  const gateway = trace.add({
    name: 'frontend.quiz.svc.cluster.local:8080/*',
    kind: 'CLIENT',
    timestamp: start,
    duration: (quizMs + 12) * MS,
    localEndpoint: { serviceName: 'istio-ingressgateway.istio-system' },
    tags: {
      ...sidecarTags(GATEWAY, status, 'outbound|8080|v1|frontend.quiz.svc.cluster.local'),
      ...(options.timedOut ? { error: 'status 502' } : {}),
    },
  });
  const frontend = trace.add({
    parentId: gateway.id,
    name: 'get /api/round',
    kind: 'SERVER',
    timestamp: start + MS,
    duration: (quizMs + 10) * MS,
    localEndpoint: { serviceName: 'frontend' },
    tags: { ...appTags(FRONTEND, status), 'http.route': '/api/round' },
  });
  const toQuiz = meshCall(trace, {
    parent: frontend,
    from: FRONTEND,
    to: quiz(options.version),
    route: 'post /rounds',
    at: start + 2 * MS,
    ms: quizMs + 1,
    status: options.timedOut ? 504 : 201,
    inboundSidecar: options.inboundSidecars,
  });
  const quizServer = toQuiz.server as Span;
  const fromQuiz = (route: string, at: number, to = DESCRIPTIONS): CallSpans =>
    meshCall(trace, {
      parent: quizServer,
      from: quiz(options.version),
      to,
      route,
      at: start + at * MS,
      ms: 2,
      inboundSidecar: options.inboundSidecars,
    });
  const imagesCall = fromQuiz('get /images', 4, IMAGES);
  fromQuiz('get /players/:player', 6, SCORES);
  const descriptionsCalls = Array.from({ length: calls }, (_, i) =>
    fromQuiz(
      options.version === 'v1' ? 'get /descriptions/:id' : 'post /descriptions/batch',
      8 + 2 * i,
    ),
  );
  if (options.timedOut) timeOut(descriptionsCalls.at(-1));
  return { spans: trace.spans, gateway, quizServer, descriptionsCalls, imagesCall };
}

/** As local mode recorded it: the client span has an error and no status, the sidecar 0 and DC. */
function timeOut(call: CallSpans | undefined): void {
  const clientTags = call?.client?.tags;
  if (clientTags) {
    delete clientTags['http.response.status_code'];
    clientTags.error = 'no answer within 50 ms';
  }
  const sidecarTags = call?.sidecar.tags;
  if (sidecarTags) {
    Object.assign(sidecarTags, {
      'http.status_code': '0',
      response_flags: 'UC,DC',
      error: 'UC,DC',
    });
  }
}

/** POST /api/round/:id/answer: 8 spans, quiz records the answer with scores. */
function answerTrace(traceId: string, start: number, scoresStatus = 201): Span[] {
  const trace = traceBuilder(traceId);
  const gateway = trace.add({
    name: 'frontend.quiz.svc.cluster.local:8080/*',
    kind: 'CLIENT',
    timestamp: start,
    duration: 12 * MS,
    localEndpoint: { serviceName: 'istio-ingressgateway.istio-system' },
    tags: sidecarTags(GATEWAY, 200, 'outbound|8080|v1|frontend.quiz.svc.cluster.local'),
  });
  const frontend = trace.add({
    parentId: gateway.id,
    name: 'post /api/round/:id/answer',
    kind: 'SERVER',
    timestamp: start + MS,
    duration: 10 * MS,
    localEndpoint: { serviceName: 'frontend' },
    tags: appTags(FRONTEND, 200),
  });
  const toQuiz = meshCall(trace, {
    parent: frontend,
    from: FRONTEND,
    to: quiz('v3'),
    route: 'post /rounds/:id/answer',
    at: start + MS,
    ms: 8,
  });
  meshCall(trace, {
    parent: toQuiz.server as Span,
    from: quiz('v3'),
    to: SCORES,
    route: 'post /answers',
    at: start + 5 * MS,
    ms: 3,
    status: scoresStatus,
  });
  return trace.spans;
}

const idsOf = (calls: CallSpans[]): string[] => [
  ...new Set(calls.flatMap(spansOf).map((s) => s.id)),
];

describe('mesh calls', () => {
  const described = (spans: Span[]): string[] =>
    findMeshCalls(spans).map(
      (call) =>
        `${call.caller} ${call.callerVersion ?? '-'} → ${call.downstream}: ${call.spanIds.length} ids`,
    );

  test('each call of a v3 round is found once, from the gateway down', () => {
    assert.deepEqual(described(roundTrace({ version: 'v3' }).spans), [
      'istio-ingressgateway - → frontend: 2 ids',
      'frontend v1 → quiz: 3 ids',
      'quiz v3 → images: 3 ids',
      'quiz v3 → scores: 3 ids',
      'quiz v3 → descriptions: 3 ids',
    ]);
  });

  test('destination sidecar spans add no calls, and share their ids with the source sidecar', () => {
    assert.deepEqual(
      described(roundTrace({ version: 'v3', inboundSidecars: true }).spans),
      described(roundTrace({ version: 'v3' }).spans),
    );
  });

  test('an app that names itself otherwise than its sidecar makes one call, named as the mesh names it', () => {
    const round = roundTrace({ version: 'v3' });
    for (const span of round.spans) {
      if (span.localEndpoint?.serviceName === 'quiz')
        span.localEndpoint = { serviceName: 'quiz-svc' };
    }
    assert.deepEqual(
      findMeshCalls(round.spans)
        .filter((call) => call.caller === 'quiz' || call.downstream === 'quiz')
        .map((call) => `${call.caller} ${call.callerVersion ?? '-'} → ${call.downstream}`),
      ['frontend v1 → quiz', 'quiz v3 → images', 'quiz v3 → scores', 'quiz v3 → descriptions'],
    );
  });

  test('a call whose app client span never arrived is still one call, seen by the sidecar', () => {
    const round = roundTrace({ version: 'v3' });
    const lost = round.imagesCall.client;
    const calls = findMeshCalls(round.spans.filter((span) => span !== lost));
    assert.equal(calls.length, 5);
    assert.deepEqual(
      calls.filter((call) => call.downstream === 'images').map((call) => call.parentSpanId),
      [lost?.id],
    );
  });
});

describe('N+1 detection', () => {
  test('a v1 round that asks descriptions about each of 54 images is one loop of 54 calls', () => {
    const round = roundTrace({ version: 'v1' });
    assert.equal(round.spans.length, 173);
    const findings = findNPlusOne(round.spans);
    assert.equal(findings.length, 1);
    const [finding] = findings;
    assert.deepEqual(
      { ...finding, spanIds: undefined },
      {
        caller: 'quiz',
        callerVersion: 'v1',
        downstream: 'descriptions',
        callCount: 54,
        spanIds: undefined,
        parentSpanId: round.quizServer.id,
      },
    );
    assert.deepEqual(finding?.spanIds.toSorted(), idsOf(round.descriptionsCalls).toSorted());
    assert.equal(finding.spanIds.length, 54 * 3);
  });

  test('a v3 round that makes one batch call is not flagged', () => {
    const round = roundTrace({ version: 'v3' });
    assert.equal(round.spans.length, 14);
    assert.deepEqual(findNPlusOne(round.spans), []);
  });

  test('nine calls stay under the default threshold of ten, and ten are flagged', () => {
    assert.deepEqual(findNPlusOne(roundTrace({ version: 'v1', descriptionsCalls: 9 }).spans), []);
    const ten = findNPlusOne(roundTrace({ version: 'v1', descriptionsCalls: 10 }).spans);
    assert.deepEqual(
      ten.map((f) => f.callCount),
      [10],
    );
  });

  test('the threshold is a parameter, and one that cannot mean a loop is refused', () => {
    const spans = roundTrace({ version: 'v1', descriptionsCalls: 5 }).spans;
    assert.equal(findNPlusOne(spans, 5)[0]?.callCount, 5);
    assert.deepEqual(findNPlusOne(spans, 6), []);
    assert.throws(() => findNPlusOne(spans, 1), RangeError);
    assert.throws(() => findNPlusOne(spans, 2.5), RangeError);
  });

  test('a call that leaves four spans on a cluster (both apps, both sidecars) counts once', () => {
    const round = roundTrace({ version: 'v1', inboundSidecars: true });
    assert.equal(round.spans.length, 173 + 57);
    const [finding] = findNPlusOne(round.spans);
    assert.equal(finding?.callCount, 54);
    assert.equal(finding.downstream, 'descriptions');
    // The destination sidecar's span shares the source sidecar's id: three ids per call.
    assert.deepEqual(finding.spanIds.toSorted(), idsOf(round.descriptionsCalls).toSorted());
  });

  test('calls only sidecars saw count once each, with the caller version the mesh reports', () => {
    const trace = traceBuilder();
    const gateway = trace.add({ name: 'frontend.quiz.svc.cluster.local:8080/*', kind: 'CLIENT' });
    const toQuiz = meshCall(trace, {
      parent: gateway,
      from: FRONTEND,
      to: quiz('v1'),
      route: 'post /rounds',
      at: T0,
      ms: 40,
      appClient: false,
      appServer: false,
    });
    for (let i = 0; i < 12; i++) {
      meshCall(trace, {
        parent: toQuiz.sidecar,
        from: quiz('v1'),
        to: DESCRIPTIONS,
        route: 'get /x',
        at: T0 + i * MS,
        ms: 1,
        appClient: false,
        appServer: false,
      });
    }
    const findings = findNPlusOne(trace.spans);
    assert.deepEqual(
      findings.map((f) => [f.caller, f.callerVersion, f.downstream, f.callCount, f.parentSpanId]),
      [['quiz', 'v1', 'descriptions', 12, toQuiz.sidecar.id]],
    );
  });

  test('calls the mesh answered itself (a fault abort) count toward the service they were for', () => {
    const trace = traceBuilder();
    const server = trace.add({
      name: 'post /rounds',
      kind: 'SERVER',
      localEndpoint: { serviceName: 'quiz' },
    });
    for (let i = 0; i < 10; i++) {
      meshCall(trace, {
        parent: server,
        from: quiz('v1'),
        to: DESCRIPTIONS,
        route: 'get /x',
        status: 503,
        at: T0 + i * MS,
        ms: 1,
        appServer: false,
      });
    }
    assert.deepEqual(
      findNPlusOne(trace.spans).map((f) => [f.caller, f.downstream, f.callCount]),
      [['quiz', 'descriptions', 10]],
    );
  });

  test('calls are counted per request served, not per trace', () => {
    const trace = traceBuilder();
    const frontend = trace.add({
      name: 'get /api/round',
      kind: 'SERVER',
      localEndpoint: { serviceName: 'frontend' },
    });
    const quizServers = [0, 1].map((n) => {
      const toQuiz = meshCall(trace, {
        parent: frontend,
        from: FRONTEND,
        to: quiz('v1'),
        route: 'post /rounds',
        at: T0 + n * 20 * MS,
        ms: 15,
      });
      for (let i = 0; i < 6; i++) {
        meshCall(trace, {
          parent: toQuiz.server as Span,
          from: quiz('v1'),
          to: DESCRIPTIONS,
          route: 'get /x',
          at: T0 + (n * 20 + i) * MS,
          ms: 1,
        });
      }
      return toQuiz.server?.id;
    });
    assert.deepEqual(findNPlusOne(trace.spans), []);
    assert.deepEqual(
      findNPlusOne(trace.spans, 6).map((f) => f.parentSpanId),
      quizServers,
    );
  });

  test('a loop whose calls each sit in a local span is still one loop under the request', () => {
    const trace = traceBuilder();
    const server = trace.add({
      name: 'post /rounds',
      kind: 'SERVER',
      localEndpoint: { serviceName: 'quiz' },
    });
    for (let i = 0; i < 10; i++) {
      const lookup = trace.add({
        parentId: server.id,
        name: 'lookup',
        localEndpoint: { serviceName: 'quiz' },
      });
      meshCall(trace, {
        parent: lookup,
        from: quiz('v1'),
        to: DESCRIPTIONS,
        route: 'get /x',
        at: T0 + i * MS,
        ms: 1,
      });
    }
    assert.deepEqual(
      findNPlusOne(trace.spans).map((f) => [f.callCount, f.parentSpanId]),
      [[10, server.id]],
    );
  });

  test('a loop whose request span never arrived still groups under that span id', () => {
    const round = roundTrace({ version: 'v1' });
    const spans = round.spans.filter((span) => span !== round.quizServer);
    const [finding] = findNPlusOne(spans);
    assert.equal(finding?.callCount, 54);
    assert.equal(finding.parentSpanId, round.quizServer.id);
  });
});

describe('trace summaries', () => {
  test('a failed v1 round sums up its root, entry, timing, apps, error and loop', () => {
    const round = roundTrace({ version: 'v1', timedOut: true });
    const summary = summarizeTrace(round.spans);
    assert.deepEqual(
      { ...summary, nPlusOne: summary.nPlusOne.map((f) => f.callCount) },
      {
        traceId: '308b0463fbbf2249f3ef7c71849ef519',
        root: {
          service: 'istio-ingressgateway.istio-system',
          name: 'frontend.quiz.svc.cluster.local:8080/*',
        },
        entry: { service: 'frontend', name: 'get /api/round' },
        startMicros: T0,
        durationMicros: (6 + 2 * 54 + 12) * MS,
        spanCount: 173,
        services: ['descriptions', 'frontend', 'images', 'istio-ingressgateway', 'quiz', 'scores'],
        error: true,
        nPlusOne: [54],
      },
    );
  });

  test('a server span that answered 500 without an error tag marks its trace as failed', () => {
    const round = roundTrace({ version: 'v2' });
    assert.equal(summarizeTrace(round.spans).error, false);
    round.quizServer.tags = { ...round.quizServer.tags, 'http.response.status_code': '500' };
    assert.equal(summarizeTrace(round.spans).error, true);
  });

  test('a 409 from scores alone does not mark a trace as failed', () => {
    const spans = answerTrace('aaaaaaaaaaaaaaa1', T0, 409);
    assert.equal(spans.length, 8);
    assert.equal(summarizeTrace(spans).error, false);
  });

  test('the list puts the latest trace first and leaves out empty traces', () => {
    const summaries = summarizeTraces([
      answerTrace('aaaaaaaaaaaaaaa1', T0),
      [],
      answerTrace('aaaaaaaaaaaaaaa2', T0 + 5 * MS),
    ]);
    assert.deepEqual(
      summaries.map((s) => s.traceId),
      ['aaaaaaaaaaaaaaa2', 'aaaaaaaaaaaaaaa1'],
    );
  });

  test('the N+1 threshold reaches the summaries', () => {
    const spans = roundTrace({ version: 'v1', descriptionsCalls: 4 }).spans;
    assert.deepEqual(summarizeTrace(spans).nPlusOne, []);
    assert.equal(summarizeTraces([spans], 4)[0]?.nPlusOne[0]?.callCount, 4);
  });
});

describe('trace list filters', () => {
  const summaries = summarizeTraces([
    roundTrace({ version: 'v1', timedOut: true, traceId: 'aaaaaaaaaaaaaaa1' }).spans,
    roundTrace({ version: 'v3', traceId: 'aaaaaaaaaaaaaaa2', start: T0 + MS }).spans,
    answerTrace('aaaaaaaaaaaaaaa3', T0 + 2 * MS),
  ]);
  const ids = (filter: Parameters<typeof filterTraceSummaries>[1]): string[] =>
    filterTraceSummaries(summaries, filter).map((s) => s.traceId.slice(-1));

  test('no filter keeps every trace', () => {
    assert.deepEqual(ids({}), ['3', '2', '1']);
  });

  test('a service keeps the traces through that app, whatever its case', () => {
    assert.deepEqual(ids({ service: 'Descriptions' }), ['2', '1']);
    assert.deepEqual(ids({ service: 'scores' }), ['3', '2', '1']);
    assert.deepEqual(ids({ service: 'quiz.quiz' }), []);
  });

  test('errors only, a minimum duration and N+1 only each narrow the list', () => {
    assert.deepEqual(ids({ errorsOnly: true }), ['1']);
    assert.deepEqual(ids({ minDurationMicros: 14 * MS }), ['2', '1']);
    assert.deepEqual(ids({ minDurationMicros: 21 * MS }), ['1']);
    assert.deepEqual(ids({ nPlusOneOnly: true }), ['1']);
    assert.deepEqual(ids({ service: 'quiz', errorsOnly: false, minDurationMicros: 0 }), [
      '3',
      '2',
      '1',
    ]);
  });
});

describe('waterfall', () => {
  const line = (row: { depth: number; service?: string; name?: string }): string =>
    `${'  '.repeat(row.depth)}${row.service ?? '?'} ${row.name ?? '?'}`;

  test('rows run depth-first under their parents, siblings in start order', () => {
    const round = roundTrace({ version: 'v3' });
    const waterfall = buildWaterfall(round.spans.toReversed());
    assert.deepEqual(waterfall.rows.map(line), [
      'istio-ingressgateway.istio-system frontend.quiz.svc.cluster.local:8080/*',
      '  frontend get /api/round',
      '    frontend post',
      '      frontend.quiz quiz.quiz.svc.cluster.local:8080/*',
      '        quiz post /rounds',
      '          quiz get',
      '            quiz.quiz images.quiz.svc.cluster.local:8080/*',
      '              images get /images',
      '          quiz get',
      '            quiz.quiz scores.quiz.svc.cluster.local:8080/*',
      '              scores get /players/:player',
      '          quiz post',
      '            quiz.quiz descriptions.quiz.svc.cluster.local:8080/*',
      '              descriptions post /descriptions/batch',
    ]);
    assert.deepEqual(
      waterfall.rows.filter((row) => row.sidecar).map((row) => row.depth),
      [0, 3, 6, 6, 6],
    );
  });

  test('bars are placed as fractions of the trace, which runs from the first start to the last end', () => {
    const round = roundTrace({ version: 'v3' });
    const waterfall = buildWaterfall(round.spans);
    assert.equal(waterfall.startMicros, T0);
    assert.equal(waterfall.durationMicros, 20 * MS);
    const [root, frontend] = waterfall.rows;
    assert.deepEqual([root?.offset, root?.width, root?.startOffsetMicros], [0, 1, 0]);
    assert.deepEqual(
      [frontend?.offset, frontend?.width, frontend?.durationMicros],
      [0.05, 0.9, 18 * MS],
    );
    assert.ok(waterfall.rows.every((row) => (row.offset ?? 0) + (row.width ?? 0) <= 1));
  });

  test('a span whose parent never arrived is still drawn, flagged, under the root', () => {
    const round = roundTrace({ version: 'v3' });
    const lost = round.imagesCall.client as Span;
    const rows = buildWaterfall(round.spans.filter((span) => span !== lost)).rows;
    assert.equal(rows.length, 13);
    const orphan = rows.find((row) => row.parentId === lost.id);
    assert.deepEqual([orphan?.orphan, orphan?.depth, orphan?.service], [true, 1, 'quiz.quiz']);
    assert.equal(rows.filter((row) => row.orphan).length, 1);
  });

  test('a trace whose root never arrived shows every other span, from depth 0', () => {
    const round = roundTrace({ version: 'v3' });
    const rows = buildWaterfall(round.spans.filter((span) => span !== round.gateway)).rows;
    assert.equal(rows.length, 13);
    assert.deepEqual([rows[0]?.name, rows[0]?.depth, rows[0]?.orphan], ['get /api/round', 0, true]);
  });

  test('only the spans of the loop calls are marked as N+1, and the finding comes along', () => {
    const round = roundTrace({ version: 'v1', timedOut: true });
    const waterfall = buildWaterfall(round.spans);
    const marked = waterfall.rows.filter((row) => row.nPlusOne);
    assert.equal(marked.length, 54 * 3);
    assert.ok(
      marked.every((row) => row.service?.startsWith('quiz') || row.service === 'descriptions'),
    );
    assert.equal(waterfall.rows.find((row) => row.spanId === round.quizServer.id)?.nPlusOne, false);
    assert.equal(waterfall.nPlusOne[0]?.callCount, 54);
    assert.deepEqual(
      waterfall.rows.filter((row) => row.error).map((row) => row.service),
      [
        'istio-ingressgateway.istio-system',
        'frontend',
        'frontend',
        'frontend.quiz',
        'quiz',
        'quiz',
        'quiz.quiz',
      ],
    );
  });

  test('a higher threshold leaves the loop unmarked', () => {
    const rows = buildWaterfall(roundTrace({ version: 'v1' }).spans, 100).rows;
    assert.equal(rows.filter((row) => row.nPlusOne).length, 0);
  });
});

describe('Zipkin input', () => {
  test('hostile tag values reach the waterfall untouched, as data', () => {
    const round = roundTrace({ version: 'v1', descriptionsCalls: 10 });
    const target = round.descriptionsCalls[0]?.server as Span;
    target.tags = { ...target.tags, 'descriptions.cache': HOSTILE, [HOSTILE]: `"'&${HOSTILE}` };
    const spans = parseTrace(JSON.parse(JSON.stringify(round.spans)));
    const row = buildWaterfall(spans).rows.find((r) => r.spanId === target.id);
    assert.equal(row?.tags['descriptions.cache'], HOSTILE);
    assert.equal(row.tags[HOSTILE], `"'&${HOSTILE}`);
    assert.equal(row.nPlusOne, true);
  });

  test('a trace is normalized as the store does it and a span reported twice is merged', () => {
    const spans = parseTrace([
      {
        traceId: 'ABCDEF0123456789',
        id: 'AAAAAAAAAAAAAAA1',
        name: 'GET',
        kind: 'SERVER',
        tags: { a: '1' },
      },
      {
        traceId: 'abcdef0123456789',
        id: 'aaaaaaaaaaaaaaa1',
        kind: 'SERVER',
        duration: 5,
        tags: { b: '2' },
      },
      {
        traceId: 'abcdef0123456789',
        id: 'aaaaaaaaaaaaaaa2',
        parentId: 'AAAAAAAAAAAAAAA1',
        kind: 'CLIENT',
      },
    ]);
    assert.deepEqual(spans, [
      {
        traceId: 'abcdef0123456789',
        id: 'aaaaaaaaaaaaaaa1',
        name: 'get',
        kind: 'SERVER',
        duration: 5,
        tags: { a: '1', b: '2' },
      },
      {
        traceId: 'abcdef0123456789',
        id: 'aaaaaaaaaaaaaaa2',
        parentId: 'aaaaaaaaaaaaaaa1',
        kind: 'CLIENT',
      },
    ]);
  });

  test('JSON that is not a trace is refused, naming the bad field', () => {
    assert.throws(() => parseTrace({ error: 'not found' }), /invalid trace: \(root\)/);
    assert.throws(
      () => parseTrace([{ traceId: 'xyz', id: 'aaaaaaaaaaaaaaa1' }]),
      /0\.traceId: trace id/,
    );
    assert.throws(
      () => parseTrace([{ traceId: 'abcdef0123456789', id: 'aaaaaaaaaaaaaaa1', tags: { n: 5 } }]),
      /tags/,
    );
  });

  test('a trace list as GET /api/v2/traces answers it is read trace by trace', () => {
    const json = JSON.parse(
      JSON.stringify([
        roundTrace({ version: 'v3' }).spans,
        [],
        answerTrace('aaaaaaaaaaaaaaa3', T0),
      ]),
    ) as unknown;
    const traces = parseTraceList(json);
    assert.deepEqual(
      traces.map((spans) => spans.length),
      [14, 8],
    );
    assert.throws(
      () => parseTraceList([[{ id: 'aaaaaaaaaaaaaaa1' }]]),
      /trace list: 0\.0\.traceId/,
    );
  });
});
