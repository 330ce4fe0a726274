// One prom-client registry per process: default process metrics, RED histograms for the server and
// for each peer it calls, and whatever business counters and histograms the service adds to the
// same registry.
import type { RequestHandler } from 'express';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** Seconds; spans the in-process hop (sub-millisecond) up to the slow v1 rounds. */
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface Metrics {
  registry: Registry;
  serverDuration: Histogram<'method' | 'route' | 'status_code'>;
  clientDuration: Histogram<'peer_service' | 'status_code'>;
  counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L>;
  /** A business histogram in seconds, on the same buckets as the RED ones so they compare. */
  histogram<L extends string>(name: string, help: string, labelNames: readonly L[]): Histogram<L>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    serverDuration: new Histogram({
      name: 'http_server_request_duration_seconds',
      help: 'Duration of HTTP requests served, by route template.',
      labelNames: ['method', 'route', 'status_code'],
      buckets: DURATION_BUCKETS,
      registers: [registry],
    }),
    clientDuration: new Histogram({
      name: 'http_client_request_duration_seconds',
      help: 'Duration of HTTP requests made to peer services; status_code is "error" when none came back.',
      labelNames: ['peer_service', 'status_code'],
      buckets: DURATION_BUCKETS,
      registers: [registry],
    }),
    counter: (name, help, labelNames) =>
      new Counter({ name, help, labelNames, registers: [registry] }),
    histogram: (name, help, labelNames) =>
      new Histogram({ name, help, labelNames, buckets: DURATION_BUCKETS, registers: [registry] }),
  };
}

/**
 * Times every request under its route template (`/rounds/:id/answer`), never the raw path, so the
 * label set stays bounded whatever clients send. Requests no route matched count as "unmatched".
 */
export function observeRequests(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const stop = metrics.serverDuration.startTimer();
    res.on('finish', () => {
      const route = req.route as { path: string } | undefined;
      const template = route ? `${req.baseUrl}${route.path}` : 'unmatched';
      stop({ method: req.method, route: template, status_code: String(res.statusCode) });
    });
    next();
  };
}

export function metricsEndpoint(metrics: Metrics): RequestHandler {
  return async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  };
}
