import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TraceQuery } from '../../../tracestore/query.ts';
import type { Span } from '../../../tracestore/span.ts';
import { createTraceStore, type TraceStore } from '../../../tracestore/store.ts';

/** 2023-11-14T22:13:20Z in epoch microseconds: the start of every trace below, give or take. */
const T0 = 1_700_000_000_000_000;
const T0_MS = T0 / 1000;

function span(fields: Partial<Span> & { traceId: string; id: string; service?: string }): Span {
  const { service, ...rest } = fields;
  return {
    timestamp: T0,
    duration: 1_000,
    ...(service ? { localEndpoint: { serviceName: service } } : {}),
    ...rest,
  };
}

function traceId(n: number): string {
  return n.toString(16).padStart(16, '0');
}

function spanId(n: number): string {
  return (0x1000 + n).toString(16).padStart(16, '0');
}

/** A query over the hour around T0, with no filters. */
function query(fields: Partial<TraceQuery> = {}): TraceQuery {
  return { endTs: T0_MS + 1_800_000, lookback: 3_600_000, limit: 10, ...fields };
}

function newStore(maxTraces = 100, maxSpansPerTrace = 100): TraceStore {
  return createTraceStore({ maxTraces, maxSpansPerTrace });
}

/** The counts the store reports, without its byte figures (tested on their own below). */
function counts(store: TraceStore): Record<string, number> {
  const { traces, spans, evictedTraces, droppedSpans } = store.stats();
  return { traces, spans, evictedTraces, droppedSpans };
}

function traceIdsOf(traces: Span[][]): string[] {
  return traces.map((spans) => spans[0]?.traceId ?? '?');
}

/**
 * frontend serves GET /round and calls quiz, which fails and calls scores; quiz also calls a
 * database that reports no spans. Express handler spans (no kind) sit between servers and clients.
 */
function quizRoundTrace(id: string, start = T0, quizFails = true): Span[] {
  const s = (n: number): string => `${id.slice(0, 12)}${n.toString(16).padStart(4, '0')}`;
  return [
    span({ traceId: id, id: s(1), service: 'frontend', kind: 'SERVER', name: 'get /round' }),
    span({ traceId: id, id: s(2), parentId: s(1), service: 'frontend', name: 'handler' }),
    span({ traceId: id, id: s(3), parentId: s(2), service: 'frontend', kind: 'CLIENT' }),
    span({
      traceId: id,
      id: s(4),
      parentId: s(3),
      service: 'quiz',
      kind: 'SERVER',
      name: 'get /rounds/:id',
      ...(quizFails ? { tags: { error: 'boom', 'http.status_code': '500' } } : {}),
    }),
    span({ traceId: id, id: s(5), parentId: s(4), service: 'quiz', kind: 'CLIENT' }),
    span({ traceId: id, id: s(6), parentId: s(5), service: 'scores', kind: 'SERVER' }),
    span({
      traceId: id,
      id: s(7),
      parentId: s(4),
      service: 'quiz',
      kind: 'CLIENT',
      name: 'select',
      remoteEndpoint: { serviceName: 'postgres' },
    }),
  ].map((part) => ({ ...part, timestamp: start + (part.timestamp ?? T0) - T0 }));
}

describe('trace store ingest', () => {
  test('spans are stored under their trace id and read back in arrival order', () => {
    const store = newStore();
    const a = span({ traceId: traceId(1), id: spanId(1), service: 'frontend' });
    const b = span({ traceId: traceId(1), id: spanId(2), parentId: spanId(1), service: 'quiz' });
    const other = span({ traceId: traceId(2), id: spanId(3), service: 'quiz' });
    store.ingest([a, other, b]);

    assert.deepEqual(store.trace(traceId(1)), [a, b]);
    assert.deepEqual(store.trace(traceId(2)), [other]);
    assert.equal(store.trace(traceId(3)), undefined);
    assert.deepEqual(counts(store), { traces: 2, spans: 3, evictedTraces: 0, droppedSpans: 0 });
  });

  test('spans of one trace arriving in several batches make one trace', () => {
    const store = newStore();
    const id = traceId(1);
    store.ingest([span({ traceId: id, id: spanId(2), parentId: spanId(1), service: 'quiz' })]);
    store.ingest([span({ traceId: id, id: spanId(1), service: 'frontend' })]);

    assert.deepEqual(
      store.trace(id)?.map((s) => s.id),
      [spanId(2), spanId(1)],
    );
    assert.equal(store.stats().traces, 1);
    assert.equal(store.traces(query()).length, 1);
  });

  test('a span reported in two parts is merged: gaps filled, tags and annotations unioned', () => {
    const store = newStore();
    const id = traceId(1);
    store.ingest([
      {
        traceId: id,
        id: spanId(1),
        kind: 'SERVER',
        localEndpoint: { serviceName: 'quiz' },
        tags: { a: '1', b: 'early' },
        annotations: [{ timestamp: T0 + 5, value: 'ws' }],
      },
    ]);
    store.ingest([
      {
        traceId: id,
        id: spanId(1),
        kind: 'SERVER',
        name: 'get /rounds',
        timestamp: T0,
        duration: 700,
        localEndpoint: { serviceName: 'quiz', port: 9102 },
        tags: { b: 'late', c: '3' },
        annotations: [
          { timestamp: T0 + 5, value: 'ws' },
          { timestamp: T0 + 1, value: 'wr' },
        ],
      },
    ]);

    assert.deepEqual(store.trace(id), [
      {
        traceId: id,
        id: spanId(1),
        kind: 'SERVER',
        name: 'get /rounds',
        timestamp: T0,
        duration: 700,
        localEndpoint: { serviceName: 'quiz', port: 9102 },
        tags: { a: '1', b: 'late', c: '3' },
        annotations: [
          { timestamp: T0 + 1, value: 'wr' },
          { timestamp: T0 + 5, value: 'ws' },
        ],
      },
    ]);
    assert.equal(store.stats().spans, 1);
    assert.deepEqual(store.spanNames('quiz'), ['get /rounds']);
  });

  test('a batch sent twice is stored once', () => {
    const store = newStore();
    const batch = quizRoundTrace(traceId(1));
    store.ingest(batch);
    store.ingest(batch);

    assert.deepEqual(store.trace(traceId(1)), batch);
  });

  test('client and server halves that share one span id are both kept', () => {
    const store = newStore();
    const id = traceId(1);
    const client = span({ traceId: id, id: spanId(1), service: 'frontend', kind: 'CLIENT' });
    const server: Span = { ...client, kind: 'SERVER', shared: true };
    server.localEndpoint = { serviceName: 'quiz' };
    // Without the shared flag, and in one service (a call to itself), the kinds still tell them apart.
    const selfClient = span({ traceId: id, id: spanId(2), service: 'quiz', kind: 'CLIENT' });
    const selfServer: Span = { ...selfClient, kind: 'SERVER' };
    store.ingest([client, server, selfClient, selfServer]);

    assert.deepEqual(store.trace(id), [client, server, selfClient, selfServer]);
  });
});

describe('trace store names', () => {
  test('service, span and remote service names are listed sorted, per service', () => {
    const store = newStore();
    store.ingest(quizRoundTrace(traceId(1)));
    store.ingest([
      span({
        traceId: traceId(2),
        id: spanId(1),
        service: 'quiz',
        name: 'post /answers',
        remoteEndpoint: { serviceName: 'descriptions' },
      }),
    ]);

    assert.deepEqual(store.serviceNames(), ['frontend', 'quiz', 'scores']);
    assert.deepEqual(store.spanNames('quiz'), ['get /rounds/:id', 'post /answers', 'select']);
    assert.deepEqual(store.remoteServiceNames('quiz'), ['descriptions', 'postgres']);
    assert.deepEqual(store.remoteServiceNames('frontend'), []);
    assert.deepEqual(store.spanNames('nobody'), []);
  });
});

describe('trace store queries', () => {
  const store = newStore();
  const slow = traceId(1);
  const fast = traceId(2);
  const old = traceId(3);
  store.ingest(quizRoundTrace(slow, T0));
  store.ingest([
    span({
      traceId: fast,
      id: spanId(1),
      service: 'frontend',
      kind: 'SERVER',
      name: 'get /leaderboard',
      duration: 200,
      timestamp: T0 + 1_000,
      tags: { 'http.method': 'GET' },
      annotations: [{ timestamp: T0 + 1_100, value: 'cache.miss' }],
    }),
    span({
      traceId: fast,
      id: spanId(2),
      parentId: spanId(1),
      service: 'scores',
      kind: 'SERVER',
      name: 'get /leaderboard',
      duration: 50_000,
      timestamp: T0 + 1_050,
    }),
  ]);
  store.ingest([span({ traceId: old, id: spanId(1), service: 'quiz', timestamp: T0 - 7_200e6 })]);

  const find = (fields: Partial<TraceQuery>): string[] => traceIdsOf(store.traces(query(fields)));

  test('with no filters, traces in the time window come newest first', () => {
    assert.deepEqual(find({}), [fast, slow]);
  });

  test('endTs and lookback bound the trace start time', () => {
    assert.deepEqual(find({ endTs: T0_MS, lookback: 1 }), [slow]);
    assert.deepEqual(find({ endTs: T0_MS - 7_200_000, lookback: 1 }), [old]);
    assert.deepEqual(find({ endTs: T0_MS - 1, lookback: 1_000 }), []);
  });

  test('limit keeps the newest traces', () => {
    assert.deepEqual(find({ limit: 1 }), [fast]);
  });

  test('serviceName selects traces with a span of that service', () => {
    assert.deepEqual(find({ serviceName: 'scores' }), [fast, slow]);
    assert.deepEqual(find({ serviceName: 'postgres' }), []);
  });

  test('remoteServiceName selects traces calling that remote service', () => {
    assert.deepEqual(find({ remoteServiceName: 'postgres' }), [slow]);
    assert.deepEqual(find({ serviceName: 'frontend', remoteServiceName: 'postgres' }), []);
  });

  test('spanName must match a span of serviceName when both are given', () => {
    assert.deepEqual(find({ spanName: 'get /leaderboard' }), [fast]);
    assert.deepEqual(find({ serviceName: 'quiz', spanName: 'get /leaderboard' }), []);
    assert.deepEqual(find({ serviceName: 'quiz', spanName: 'select' }), [slow]);
  });

  test('annotationQuery "error" matches a span tagged error', () => {
    assert.deepEqual(find({ annotationQuery: new Map([['error', '']]) }), [slow]);
    assert.deepEqual(
      find({ serviceName: 'frontend', annotationQuery: new Map([['error', '']]) }),
      [],
    );
  });

  test('annotationQuery key=value matches a tag value exactly, and a bare term an annotation', () => {
    assert.deepEqual(find({ annotationQuery: new Map([['http.status_code', '500']]) }), [slow]);
    assert.deepEqual(find({ annotationQuery: new Map([['http.status_code', '200']]) }), []);
    assert.deepEqual(find({ annotationQuery: new Map([['cache.miss', '']]) }), [fast]);
  });

  test('annotationQuery terms must all match', () => {
    const both = new Map([
      ['http.method', 'GET'],
      ['cache.miss', ''],
    ]);
    assert.deepEqual(find({ annotationQuery: both }), [fast]);
    both.set('error', '');
    assert.deepEqual(find({ annotationQuery: both }), []);
  });

  test('minDuration and maxDuration need one span lasting within the range', () => {
    assert.deepEqual(find({ minDuration: 10_000 }), [fast]);
    assert.deepEqual(find({ minDuration: 100, maxDuration: 300 }), [fast]);
    assert.deepEqual(find({ minDuration: 500, maxDuration: 5_000 }), [slow]);
    assert.deepEqual(find({ serviceName: 'frontend', minDuration: 10_000 }), []);
  });

  test('limit keeps the traces whose newest span in the window is newest, as Zipkin does', () => {
    // Zipkin's in-memory storage ranks traces by the latest span start (in ms) that falls in the
    // window, ties by the lower 64 bits of the trace id, highest first: a long trace that started
    // first but still had a span starting last comes before a short one that started later.
    const ranked = newStore();
    const long = traceId(0x31);
    const short = traceId(0x32);
    // Tied: the 128-bit id sorts first whole, but its lower half sorts last.
    const tieLow = `1111111111111111${traceId(0x33)}`;
    const tieHigh = traceId(0x34);
    ranked.ingest([
      span({ traceId: long, id: spanId(1), service: 'quiz', timestamp: T0 }),
      span({ traceId: long, id: spanId(2), parentId: spanId(1), timestamp: T0 + 5_000_000 }),
      span({ traceId: long, id: spanId(3), parentId: spanId(1), timestamp: T0 + 60_000_000 }),
      span({ traceId: short, id: spanId(1), service: 'quiz', timestamp: T0 + 1_000_000 }),
      span({ traceId: tieHigh, id: spanId(1), service: 'quiz', timestamp: T0 - 1_000_100 }),
      span({ traceId: tieLow, id: spanId(1), service: 'quiz', timestamp: T0 - 1_000_900 }),
    ]);
    const endTs = T0_MS + 10_000;
    assert.deepEqual(traceIdsOf(ranked.traces(query({ endTs, lookback: 20_000 }))), [
      long,
      short,
      tieHigh,
      tieLow,
    ]);
    assert.deepEqual(traceIdsOf(ranked.traces(query({ endTs, lookback: 20_000, limit: 1 }))), [
      long,
    ]);
    // Only spans in the window rank a trace: up to T0 + 4 s, long ranks by its root alone.
    assert.deepEqual(traceIdsOf(ranked.traces(query({ endTs: T0_MS + 4_000, limit: 2 }))), [
      short,
      long,
    ]);
  });

  test('a trace starts when its root span does, even if a child reports an earlier time', () => {
    const skewed = newStore();
    const id = traceId(9);
    skewed.ingest([
      span({ traceId: id, id: spanId(2), parentId: spanId(1), service: 'quiz', timestamp: T0 }),
    ]);
    assert.deepEqual(traceIdsOf(skewed.traces(query({ endTs: T0_MS, lookback: 1 }))), [id]);
    skewed.ingest([span({ traceId: id, id: spanId(1), service: 'frontend', timestamp: T0 + 5e6 })]);
    assert.deepEqual(traceIdsOf(skewed.traces(query({ endTs: T0_MS, lookback: 1 }))), []);
  });
});

describe('trace store bounds', () => {
  test('past maxTraces the traces that arrived first are evicted, their names with them', () => {
    const store = newStore(3);
    const ingestTrace = (n: number): void => {
      store.ingest([span({ traceId: traceId(n), id: spanId(n), service: `service-${n}` })]);
    };
    ingestTrace(1);
    ingestTrace(2);
    ingestTrace(3);
    // A late span of the first trace does not make it any younger.
    store.ingest([span({ traceId: traceId(1), id: spanId(100), service: 'service-1' })]);
    ingestTrace(4);
    ingestTrace(5);

    assert.equal(store.trace(traceId(1)), undefined);
    assert.equal(store.trace(traceId(2)), undefined);
    assert.deepEqual(traceIdsOf(store.traces(query())), [traceId(5), traceId(4), traceId(3)]);
    assert.deepEqual(store.serviceNames(), ['service-3', 'service-4', 'service-5']);
    assert.deepEqual(counts(store), { traces: 3, spans: 3, evictedTraces: 2, droppedSpans: 0 });
  });

  test('past maxSpans in all the oldest traces are evicted until the spans fit', () => {
    const store = createTraceStore({ maxTraces: 100, maxSpans: 5, maxSpansPerTrace: 100 });
    const ingestTrace = (n: number, spans: number): void => {
      store.ingest(
        Array.from({ length: spans }, (_, i) =>
          span({ traceId: traceId(n), id: spanId(n * 10 + i), service: 'quiz' }),
        ),
      );
    };
    ingestTrace(1, 2);
    ingestTrace(2, 2);
    ingestTrace(3, 3);

    assert.equal(store.trace(traceId(1)), undefined);
    assert.equal(store.trace(traceId(2))?.length, 2);
    assert.equal(store.trace(traceId(3))?.length, 3);
    assert.deepEqual(counts(store), { traces: 2, spans: 5, evictedTraces: 1, droppedSpans: 0 });
  });

  test('a trace holding maxSpansPerTrace spans takes no new ones but still merges', () => {
    const store = newStore(10, 2);
    const id = traceId(1);
    store.ingest([1, 2, 3].map((n) => span({ traceId: id, id: spanId(n), service: 'quiz' })));
    store.ingest([span({ traceId: id, id: spanId(1), service: 'quiz', tags: { late: 'yes' } })]);

    assert.deepEqual(
      store.trace(id)?.map((s) => [s.id, s.tags]),
      [
        [spanId(1), { late: 'yes' }],
        [spanId(2), undefined],
      ],
    );
    assert.deepEqual(counts(store), { traces: 1, spans: 2, evictedTraces: 0, droppedSpans: 1 });
  });
});

describe('trace store dependencies', () => {
  test('links are counted once per call, with errors from the server or its client', () => {
    const store = newStore();
    store.ingest(quizRoundTrace(traceId(1), T0, true));
    store.ingest(quizRoundTrace(traceId(2), T0 + 1_000, false));
    // The scores call of the third round fails, seen only on quiz's client span.
    const third = quizRoundTrace(traceId(3), T0 + 2_000, false).map((s) =>
      s.id.endsWith('0005') ? { ...s, tags: { error: 'ECONNRESET' } } : s,
    );
    store.ingest(third);

    assert.deepEqual(store.dependencies(T0_MS + 1_000, 3_600_000), [
      { parent: 'frontend', child: 'quiz', callCount: 3, errorCount: 1 },
      { parent: 'quiz', child: 'postgres', callCount: 3, errorCount: 0 },
      { parent: 'quiz', child: 'scores', callCount: 3, errorCount: 1 },
    ]);
  });

  test('a trace counts when any of its spans started within the window, as in Zipkin', () => {
    const store = newStore();
    const id = traceId(1);
    store.ingest([
      span({ traceId: id, id: spanId(1), service: 'frontend', kind: 'SERVER', timestamp: T0 }),
      span({
        traceId: id,
        id: spanId(2),
        parentId: spanId(1),
        service: 'quiz',
        kind: 'SERVER',
        timestamp: T0 + 10_000_000,
      }),
    ]);
    const link = [{ parent: 'frontend', child: 'quiz', callCount: 1, errorCount: 0 }];
    assert.deepEqual(store.dependencies(T0_MS + 10_000, 1), link);
    assert.deepEqual(store.dependencies(T0_MS, 1), link);
    assert.deepEqual(store.dependencies(T0_MS + 5_000, 1_000), []);
  });

  test('only traces with a span within the window count', () => {
    const store = newStore();
    store.ingest(quizRoundTrace(traceId(1), T0));
    store.ingest(quizRoundTrace(traceId(2), T0 - 7_200e6));

    assert.deepEqual(
      store.dependencies(T0_MS, 60_000).map((link) => link.callCount),
      [1, 1, 1],
    );
    assert.deepEqual(
      store.dependencies(T0_MS - 7_200_000, 60_000).map((link) => link.callCount),
      [1, 1, 1],
    );
    assert.deepEqual(store.dependencies(T0_MS - 3_600_000, 60_000), []);
  });

  test('client and server halves sharing a span id make one link', () => {
    const store = newStore();
    const id = traceId(1);
    store.ingest([
      span({ traceId: id, id: spanId(1), service: 'istio-ingressgateway', kind: 'SERVER' }),
      span({
        traceId: id,
        id: spanId(2),
        parentId: spanId(1),
        service: 'istio-ingressgateway',
        kind: 'CLIENT',
      }),
      // Envoy's server half reuses the client's id, without the shared flag here.
      span({ traceId: id, id: spanId(2), parentId: spanId(1), service: 'quiz', kind: 'SERVER' }),
      span({ traceId: id, id: spanId(3), parentId: spanId(2), service: 'quiz', kind: 'CLIENT' }),
      span({ traceId: id, id: spanId(3), service: 'scores', kind: 'SERVER', shared: true }),
    ]);

    assert.deepEqual(store.dependencies(T0_MS, 60_000), [
      { parent: 'istio-ingressgateway', child: 'quiz', callCount: 1, errorCount: 0 },
      { parent: 'quiz', child: 'scores', callCount: 1, errorCount: 0 },
    ]);
  });

  test('a root server span links from its caller only when it names one', () => {
    const store = newStore();
    store.ingest([
      span({ traceId: traceId(1), id: spanId(1), service: 'frontend', kind: 'SERVER' }),
      span({
        traceId: traceId(2),
        id: spanId(1),
        service: 'frontend',
        kind: 'SERVER',
        remoteEndpoint: { serviceName: 'browser' },
      }),
    ]);

    assert.deepEqual(store.dependencies(T0_MS, 60_000), [
      { parent: 'browser', child: 'frontend', callCount: 1, errorCount: 0 },
    ]);
  });

  test('messaging spans link producer and consumer to the broker', () => {
    const store = newStore();
    const id = traceId(1);
    store.ingest([
      span({
        traceId: id,
        id: spanId(1),
        service: 'scores',
        kind: 'PRODUCER',
        remoteEndpoint: { serviceName: 'kafka' },
      }),
      span({
        traceId: id,
        id: spanId(2),
        parentId: spanId(1),
        service: 'leaderboard',
        kind: 'CONSUMER',
        remoteEndpoint: { serviceName: 'kafka' },
        tags: { error: 'poison message' },
      }),
    ]);

    assert.deepEqual(store.dependencies(T0_MS, 60_000), [
      { parent: 'kafka', child: 'leaderboard', callCount: 1, errorCount: 1 },
      { parent: 'scores', child: 'kafka', callCount: 1, errorCount: 0 },
    ]);
  });

  test('spans whose parent ids form a loop do not hang the linker', () => {
    const store = newStore();
    const id = traceId(1);
    store.ingest([
      span({ traceId: id, id: spanId(1), parentId: spanId(2), service: 'a', kind: 'SERVER' }),
      span({ traceId: id, id: spanId(2), parentId: spanId(1), service: 'b', kind: 'SERVER' }),
    ]);

    // The loop is cut where it closes: span 1 stays under span 2, and span 2 becomes the top.
    assert.deepEqual(store.dependencies(T0_MS, 60_000), [
      { parent: 'b', child: 'a', callCount: 1, errorCount: 0 },
    ]);
  });
});

describe('trace store byte bounds', () => {
  const MB = 1_000_000;
  const hugeSpan = (n: number): Span =>
    span({
      traceId: traceId(n),
      id: spanId(n),
      service: 'quiz',
      tags: { blob: 'x'.repeat(4.5 * MB) },
    });

  test('60 spans with a 4.5 MB tag each are cut to size and held in a few megabytes', () => {
    const store = createTraceStore({ maxTraces: 1_000, maxSpansPerTrace: 100 });
    for (let n = 1; n <= 60; n++) store.ingest([hugeSpan(n)]);

    const { bytes, truncatedSpans, spans } = store.stats();
    assert.equal(spans, 60);
    assert.equal(truncatedSpans, 60);
    assert.ok(bytes < 60 * 100_000, `${bytes} bytes held`);
    const blob = store.trace(traceId(1))?.[0]?.tags?.blob ?? '';
    assert.ok(blob.length > 1_000 && blob.length < 100_000, `tag kept ${blob.length} chars`);
  });

  test('past maxBytes in all the oldest traces are evicted until the bytes fit', () => {
    const store = createTraceStore({ maxTraces: 1_000, maxSpansPerTrace: 100, maxBytes: 500_000 });
    for (let n = 1; n <= 60; n++) store.ingest([hugeSpan(n)]);

    const { bytes, traces, evictedTraces } = store.stats();
    assert.ok(bytes <= 500_000, `${bytes} bytes held`);
    assert.ok(traces > 1 && traces < 60);
    assert.equal(evictedTraces, 60 - traces);
    assert.equal(store.trace(traceId(1)), undefined);
    assert.equal(store.trace(traceId(60))?.length, 1);
  });

  test('re-posting one span id with new tags and annotations does not grow it without bound', () => {
    const store = newStore();
    const report = (n: number): Span =>
      span({
        traceId: traceId(1),
        id: spanId(1),
        service: 'quiz',
        tags: { [`key-${n}`]: 'v'.repeat(1_000) },
        annotations: [{ timestamp: T0 + n, value: `event ${n} ${'a'.repeat(1_000)}` }],
      });
    store.ingest([report(0)]);
    for (let n = 1; n <= 1_000; n++) store.ingest([report(n)]);
    const afterThousand = store.stats().bytes;
    for (let n = 1_001; n <= 2_000; n++) store.ingest([report(n)]);

    const stored = store.trace(traceId(1))?.[0];
    assert.equal(store.stats().spans, 1);
    assert.ok(Object.keys(stored?.tags ?? {}).length <= 128);
    assert.ok((stored?.annotations?.length ?? 0) <= 128);
    assert.ok(afterThousand < 200_000, `${afterThousand} bytes after 1,000 reports`);
    assert.ok(store.stats().bytes <= afterThousand, 'the second thousand reports added bytes');
  });

  test('evicting a trace gives its bytes back', () => {
    const store = newStore(1);
    store.ingest([hugeSpan(1)]);
    const one = store.stats().bytes;
    store.ingest([hugeSpan(2)]);
    assert.equal(store.stats().bytes, one);
  });
});
