// The trace store: spans grouped by trace id, in memory, bounded. Traces are kept in order of first
// arrival and the oldest are evicted past maxTraces, past maxSpans in all (as Zipkin's in-memory
// storage caps spans: a v1 round alone holds ~200) or past maxBytes in all, so a long-running demo
// never grows without limit; a trace stops taking new spans at maxSpansPerTrace or when it alone
// would pass maxBytes, so one runaway trace cannot either. Counting spans is not enough: a span is
// as big as its tags, so each is cut to size (span-bounds.ts) and its cost estimated (span-size.ts).
import { createDependencyLinker } from './dependencies.ts';
import { createNameIndex } from './name-index.ts';
import {
  inTimeWindow,
  lowTraceId,
  matchesQuery,
  newestSpanMillisWithin,
  traceTimestamp,
  type TraceQuery,
} from './query.ts';
import { boundSpan } from './span-bounds.ts';
import { spanBytes } from './span-size.ts';
import { mergeSpans, spanKey, type DependencyLink, type Span } from './span.ts';

export interface TraceStoreOptions {
  maxTraces: number;
  /** Spans kept across all traces; omitted, only maxTraces bounds the store. */
  maxSpans?: number;
  maxSpansPerTrace: number;
  /** Estimated bytes of spans kept across all traces (span-size.ts); omitted, no byte budget. */
  maxBytes?: number;
}

export interface TraceStoreStats {
  traces: number;
  spans: number;
  /** Since start: traces dropped to stay under maxTraces. */
  evictedTraces: number;
  /** Since start: spans refused because their trace was full (spans or bytes). */
  droppedSpans: number;
  /** Estimated bytes held (span-size.ts), what maxBytes bounds. */
  bytes: number;
  /** Since start: spans stored with tags or annotations cut to size. */
  truncatedSpans: number;
}

export interface TraceStore {
  /** Stores spans of any traces; a span seen before (same id, kind and service) is merged. */
  ingest(spans: readonly Span[]): void;
  /** The spans of one trace in arrival order, or undefined if it is not stored. */
  trace(traceId: string): Span[] | undefined;
  /**
   * Traces matching the query, at most query.limit of them, ranked as Zipkin's in-memory storage
   * ranks them: by the newest span start (ms) within the window, ties by the lower 64 bits of the
   * trace id, highest first. A long trace with a late span so comes before shorter, later ones.
   */
  traces(query: TraceQuery): Span[][];
  serviceNames(): string[];
  spanNames(serviceName: string): string[];
  remoteServiceNames(serviceName: string): string[];
  /** Links between services in traces with a span that started in [endTs - lookback, endTs] (ms). */
  dependencies(endTs: number, lookback: number): DependencyLink[];
  stats(): TraceStoreStats;
}

interface StoredTrace {
  spans: Span[];
  /** spanKey → index in spans, to find the earlier report of a span. */
  positions: Map<string, number>;
  /** Epoch microseconds, as traceTimestamp() computes it; kept current by ingest. */
  timestamp: number;
  /** spanBytes() of its spans, summed. */
  bytes: number;
}

export function createTraceStore(options: TraceStoreOptions): TraceStore {
  const traces = new Map<string, StoredTrace>();
  const names = createNameIndex();
  const stats = { spans: 0, evictedTraces: 0, droppedSpans: 0, bytes: 0, truncatedSpans: 0 };
  const maxBytes = options.maxBytes ?? Infinity;

  function traceFor(traceId: string): StoredTrace {
    let stored = traces.get(traceId);
    if (!stored) {
      stored = { spans: [], positions: new Map(), timestamp: 0, bytes: 0 };
      traces.set(traceId, stored);
      // Maps iterate in insertion order, so the first key is the trace that arrived first.
      for (const [oldestId, oldest] of traces) {
        if (traces.size <= options.maxTraces) break;
        evict(oldestId, oldest);
      }
    }
    return stored;
  }

  function evict(traceId: string, stored: StoredTrace): void {
    traces.delete(traceId);
    for (const span of stored.spans) names.remove(span);
    stats.spans -= stored.spans.length;
    stats.bytes -= stored.bytes;
    stats.evictedTraces += 1;
  }

  /** The span cut to size, counted when it had to be. */
  function bounded(span: Span): Span {
    const result = boundSpan(span);
    if (result.truncated) stats.truncatedSpans += 1;
    return result.span;
  }

  /** Puts `span` at `position` (spans.length: a new one), keeping the names and bytes current. */
  function place(stored: StoredTrace, position: number, span: Span): void {
    const earlier = stored.spans[position];
    const delta = spanBytes(span) - (earlier ? spanBytes(earlier) : 0);
    if (earlier) names.remove(earlier);
    stored.spans[position] = span;
    names.add(span);
    stored.bytes += delta;
    stats.bytes += delta;
  }

  /** Stores one span and returns its trace, or undefined if the trace was full. */
  function add(reported: Span): StoredTrace | undefined {
    const span = bounded(reported);
    // Only with a maxBytes smaller than one span: refused before it makes an empty trace.
    if (spanBytes(span) > maxBytes) {
      stats.droppedSpans += 1;
      return undefined;
    }
    const stored = traceFor(span.traceId);
    const key = spanKey(span);
    const position = stored.positions.get(key);
    if (position !== undefined) {
      place(stored, position, bounded(mergeSpans(stored.spans[position] as Span, span)));
    } else if (
      stored.spans.length >= options.maxSpansPerTrace ||
      stored.bytes + spanBytes(span) > maxBytes
    ) {
      stats.droppedSpans += 1;
      return undefined;
    } else {
      stored.positions.set(key, stored.spans.length);
      place(stored, stored.spans.length, span);
      stats.spans += 1;
    }
    return stored;
  }

  return {
    ingest(spans) {
      const touched = new Set<StoredTrace>();
      for (const span of spans) {
        const stored = add(span);
        if (stored) touched.add(stored);
      }
      // Once per trace and batch: a batch usually carries many spans of few traces.
      for (const stored of touched) stored.timestamp = traceTimestamp(stored.spans);
      const maxSpans = options.maxSpans ?? Infinity;
      for (const [oldestId, oldest] of traces) {
        if ((stats.spans <= maxSpans && stats.bytes <= maxBytes) || traces.size <= 1) break;
        evict(oldestId, oldest);
      }
    },
    trace: (traceId) => {
      const stored = traces.get(traceId);
      return stored ? [...stored.spans] : undefined;
    },
    traces(query) {
      const found: { spans: Span[]; rank: number; tie: string }[] = [];
      for (const [traceId, stored] of traces) {
        if (!inTimeWindow(stored.timestamp, query.endTs, query.lookback)) continue;
        if (!matchesQuery(stored.spans, query)) continue;
        // The trace's own start is in the window, so some span is: rank is never 0 here.
        const rank = newestSpanMillisWithin(stored.spans, query.endTs, query.lookback) ?? 0;
        found.push({ spans: stored.spans, rank, tie: `${lowTraceId(traceId)}${traceId}` });
      }
      return found
        .sort((a, b) => b.rank - a.rank || (a.tie < b.tie ? 1 : a.tie > b.tie ? -1 : 0))
        .slice(0, query.limit)
        .map((trace) => [...trace.spans]);
    },
    serviceNames: () => names.serviceNames(),
    spanNames: (serviceName) => names.spanNames(serviceName),
    remoteServiceNames: (serviceName) => names.remoteServiceNames(serviceName),
    dependencies(endTs, lookback) {
      const linker = createDependencyLinker();
      for (const stored of traces.values()) {
        if (newestSpanMillisWithin(stored.spans, endTs, lookback) !== undefined) {
          linker.addTrace(stored.spans);
        }
      }
      return linker.links();
    },
    stats: () => ({ traces: traces.size, ...stats }),
  };
}
