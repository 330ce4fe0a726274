// The trace store: spans grouped by trace id, in memory, bounded. Traces are kept in order of first
// arrival and the oldest are evicted past maxTraces or past maxSpans in all (as Zipkin's in-memory
// storage caps spans: a v1 round alone holds ~200), so a long-running demo never grows without
// limit; a trace stops taking new spans at maxSpansPerTrace, so one runaway trace cannot either.
import { createDependencyLinker } from './dependencies.ts';
import { createNameIndex } from './name-index.ts';
import { inTimeWindow, matchesQuery, traceTimestamp, type TraceQuery } from './query.ts';
import { mergeSpans, spanKey, type DependencyLink, type Span } from './span.ts';

export interface TraceStoreOptions {
  maxTraces: number;
  /** Spans kept across all traces; omitted, only maxTraces bounds the store. */
  maxSpans?: number;
  maxSpansPerTrace: number;
}

export interface TraceStoreStats {
  traces: number;
  spans: number;
  /** Since start: traces dropped to stay under maxTraces. */
  evictedTraces: number;
  /** Since start: spans refused because their trace was full. */
  droppedSpans: number;
}

export interface TraceStore {
  /** Stores spans of any traces; a span seen before (same id, kind and service) is merged. */
  ingest(spans: readonly Span[]): void;
  /** The spans of one trace in arrival order, or undefined if it is not stored. */
  trace(traceId: string): Span[] | undefined;
  /** Traces matching the query, newest first, at most query.limit of them. */
  traces(query: TraceQuery): Span[][];
  serviceNames(): string[];
  spanNames(serviceName: string): string[];
  remoteServiceNames(serviceName: string): string[];
  /** Links between services in traces that started within [endTs - lookback, endTs] (ms). */
  dependencies(endTs: number, lookback: number): DependencyLink[];
  stats(): TraceStoreStats;
}

interface StoredTrace {
  spans: Span[];
  /** spanKey → index in spans, to find the earlier report of a span. */
  positions: Map<string, number>;
  /** Epoch microseconds, as traceTimestamp() computes it; kept current by ingest. */
  timestamp: number;
  /** Arrival order, to put the later of two traces that started in the same µs first. */
  sequence: number;
}

export function createTraceStore(options: TraceStoreOptions): TraceStore {
  const traces = new Map<string, StoredTrace>();
  const names = createNameIndex();
  const stats = { spans: 0, evictedTraces: 0, droppedSpans: 0 };
  let sequence = 0;

  function traceFor(traceId: string): StoredTrace {
    let stored = traces.get(traceId);
    if (!stored) {
      stored = { spans: [], positions: new Map(), timestamp: 0, sequence: sequence++ };
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
    stats.evictedTraces += 1;
  }

  /** Stores one span and returns its trace, or undefined if the trace was full. */
  function add(span: Span): StoredTrace | undefined {
    const stored = traceFor(span.traceId);
    const key = spanKey(span);
    const position = stored.positions.get(key);
    if (position !== undefined) {
      const earlier = stored.spans[position] as Span;
      names.remove(earlier);
      const merged = mergeSpans(earlier, span);
      stored.spans[position] = merged;
      names.add(merged);
    } else if (stored.spans.length >= options.maxSpansPerTrace) {
      stats.droppedSpans += 1;
      return undefined;
    } else {
      stored.positions.set(key, stored.spans.length);
      stored.spans.push(span);
      names.add(span);
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
        if (stats.spans <= maxSpans || traces.size <= 1) break;
        evict(oldestId, oldest);
      }
    },
    trace: (traceId) => {
      const stored = traces.get(traceId);
      return stored ? [...stored.spans] : undefined;
    },
    traces(query) {
      const found: StoredTrace[] = [];
      for (const stored of traces.values()) {
        if (!inTimeWindow(stored.timestamp, query.endTs, query.lookback)) continue;
        if (matchesQuery(stored.spans, query)) found.push(stored);
      }
      return found
        .sort((a, b) => b.timestamp - a.timestamp || b.sequence - a.sequence)
        .slice(0, query.limit)
        .map((stored) => [...stored.spans]);
    },
    serviceNames: () => names.serviceNames(),
    spanNames: (serviceName) => names.spanNames(serviceName),
    remoteServiceNames: (serviceName) => names.remoteServiceNames(serviceName),
    dependencies(endTs, lookback) {
      const linker = createDependencyLinker();
      for (const stored of traces.values()) {
        if (inTimeWindow(stored.timestamp, endTs, lookback)) linker.addTrace(stored.spans);
      }
      return linker.links();
    },
    stats: () => ({ traces: traces.size, ...stats }),
  };
}
