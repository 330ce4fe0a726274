// The store's size on /metrics, read from the store at scrape time: a flat zipkin_store_traces at
// MAX_TRACES (or zipkin_store_bytes near MAX_BYTES) with a rising eviction counter says the demo
// outruns the store and old traces vanish; rising truncations say something sends oversized spans.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { TraceStore } from './store.ts';

export function registerStoreMetrics(registry: Registry, store: TraceStore): void {
  new Gauge({
    name: 'zipkin_store_traces',
    help: 'Traces held in memory.',
    registers: [registry],
    collect() {
      this.set(store.stats().traces);
    },
  });
  new Gauge({
    name: 'zipkin_store_spans',
    help: 'Spans held in memory.',
    registers: [registry],
    collect() {
      this.set(store.stats().spans);
    },
  });
  new Gauge({
    name: 'zipkin_store_bytes',
    help: 'Estimated bytes of the spans held in memory, what MAX_BYTES bounds.',
    registers: [registry],
    collect() {
      this.set(store.stats().bytes);
    },
  });
  counterOf(
    registry,
    'zipkin_store_evicted_traces_total',
    'Oldest traces evicted past MAX_TRACES, MAX_SPANS or MAX_BYTES.',
    () => store.stats().evictedTraces,
  );
  counterOf(
    registry,
    'zipkin_store_dropped_spans_total',
    'Spans refused because their trace already held MAX_SPANS_PER_TRACE spans or MAX_BYTES.',
    () => store.stats().droppedSpans,
  );
  counterOf(
    registry,
    'zipkin_store_truncated_spans_total',
    'Spans stored with tags or annotations cut to size (too many, or too long).',
    () => store.stats().truncatedSpans,
  );
}

/** A counter mirroring a running total the store keeps, advanced at each scrape. */
function counterOf(registry: Registry, name: string, help: string, total: () => number): void {
  let reported = 0;
  new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      const now = total();
      this.inc(now - reported);
      reported = now;
    },
  });
}
