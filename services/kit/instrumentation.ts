// Preloaded with `node --import ./services/kit/instrumentation.ts`, before http and express load,
// so the services themselves carry no tracing code. Never import this module from app code.
import { register } from 'node:module';
import { CompositePropagator } from '@opentelemetry/core';
import { B3InjectEncoding, B3Propagator } from '@opentelemetry/propagator-b3';
import { ZipkinExporter } from '@opentelemetry/exporter-zipkin';
import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import {
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace';
import { startNodeSdk } from '@opentelemetry/sdk-node';
import { loadConfig, tracingConfigSchema } from './config.ts';
import { RequestIdPropagator } from './request-id.ts';

// Under ESM, express is only patched when this loader hook sees it imported. OpenTelemetry documents
// this async hook; the synchronous registerHooks() variant is not wired into its instrumentations.
// eslint-disable-next-line @typescript-eslint/no-deprecated
register('@opentelemetry/instrumentation/hook.mjs', import.meta.url, {
  data: { include: ['express'] },
});

/** Health checks and scrapes would otherwise each become a trace. */
const UNTRACED_PATHS = new Set(['/metrics', '/healthz', '/readyz']);

const config = loadConfig(tracingConfigSchema);

if (config.TRACING === 'on') {
  startNodeSdk({
    resourceAttributes: {
      'service.name': config.SERVICE_NAME,
      'service.version': config.SERVICE_VERSION,
    },
    resourceDetectors: [],
    // Istio's sidecars read and write B3 in its multi-header form (x-b3-traceid, …).
    propagators: [
      new CompositePropagator({
        propagators: [
          new B3Propagator({ injectEncoding: B3InjectEncoding.MULTI_HEADER }),
          new RequestIdPropagator(),
        ],
      }),
    ],
    sampler: new ParentBasedSampler({
      root: new TraceIdRatioBasedSampler(config.TRACE_SAMPLE_RATIO),
    }),
    spanProcessors: [
      new BatchSpanProcessor({
        exporter: new ZipkinExporter({ url: config.ZIPKIN_URL }),
        scheduledDelayMillis: 500,
      }),
    ],
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({
        // Envoy tags its spans with the request id; ours carry it too, to join the two in Zipkin.
        headersToSpanAttributes: { server: { requestHeaders: ['x-request-id'] } },
        ignoreIncomingRequestHook: (req) => UNTRACED_PATHS.has((req.url ?? '').split('?')[0] ?? ''),
      }),
      new ExpressInstrumentation({
        ignoreLayersType: [
          ExpressLayerType.MIDDLEWARE,
          ExpressLayerType.ROUTER,
          ExpressLayerType.REQUEST_HANDLER,
        ],
      }),
      new UndiciInstrumentation(),
    ],
  });
}
