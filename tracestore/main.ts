// Local mode's stand-in for openzipkin/zipkin: the services export spans here and the Zipkin UI or
// the local console read them back over the same API. It is started without the instrumentation
// preload on purpose: a trace store that traced its own ingest would feed on itself.
import { z } from 'zod';
import { baseConfigSchema, loadConfig } from '../services/kit/config.ts';
import { createServiceApp, createServiceContext, runService } from '../services/kit/service.ts';
import { SPANS_BODY_LIMIT, traceStoreRoutes } from './api.ts';
import { registerStoreMetrics } from './store-metrics.ts';
import { createTraceStore } from './store.ts';

const config = loadConfig(
  baseConfigSchema.extend({
    SERVICE_NAME: baseConfigSchema.shape.SERVICE_NAME.default('zipkin'),
    PORT: baseConfigSchema.shape.PORT.unwrap().default(9411),
    /** Past this many traces the oldest are evicted, which bounds memory. */
    MAX_TRACES: z.coerce.number().int().min(1).max(1_000_000).default(20_000),
    /** …and past this many spans in all, like Zipkin's MEM_MAX_SPANS. */
    MAX_SPANS: z.coerce.number().int().min(1).max(10_000_000).default(200_000),
    /** A trace holding this many spans takes no more (a loop gone wrong should not fill memory). */
    MAX_SPANS_PER_TRACE: z.coerce.number().int().min(1).max(100_000).default(2_000),
    /**
     * …and past this many bytes of spans in all (estimated, tracestore/span-size.ts): spans are as
     * big as their tags. Above what MAX_SPANS of typical spans take (~1 kB each), so for local
     * mode's own traffic MAX_SPANS stays the bound that bites.
     */
    MAX_BYTES: z.coerce
      .number()
      .int()
      .min(1_000_000)
      .max(16 * 2 ** 30)
      .default(256 * 2 ** 20),
  }),
);
const ctx = createServiceContext(config);
const store = createTraceStore({
  maxTraces: config.MAX_TRACES,
  maxSpans: config.MAX_SPANS,
  maxSpansPerTrace: config.MAX_SPANS_PER_TRACE,
  maxBytes: config.MAX_BYTES,
});
registerStoreMetrics(ctx.metrics.registry, store);
runService(
  ctx,
  createServiceApp(ctx, traceStoreRoutes(store), () => true, { bodyLimit: SPANS_BODY_LIMIT }),
);
