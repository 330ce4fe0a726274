// The store's size on /metrics, read from the store at scrape time: a flat zipkin_store_traces at
// MAX_TRACES with a rising eviction counter says the demo outruns the store and old traces vanish.
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
  counterOf(
    registry,
    'zipkin_store_evicted_traces_total',
    'Oldest traces evicted past MAX_TRACES.',
    () => store.stats().evictedTraces,
  );
  counterOf(
    registry,
    'zipkin_store_dropped_spans_total',
    'Spans refused because their trace already held MAX_SPANS_PER_TRACE spans.',
    () => store.stats().droppedSpans,
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
