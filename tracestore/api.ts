// Zipkin's HTTP API v2 over the store: the part the exporters write to and the Zipkin UI and the
// local console read. https://zipkin.io/zipkin-api/
import { Router } from 'express';
import { HttpError, parseInput } from '../services/kit/errors.ts';
import { ingestInChunks } from './chunked-ingest.ts';
import { loopbackOnly } from './loopback-only.ts';
import {
  dependencyParams,
  serviceParams,
  traceIdPath,
  traceManyParams,
  traceParams,
} from './query-params.ts';
import type { TraceStore } from './store.ts';

/**
 * Exporters batch spans; a busy batch of OpenTelemetry spans runs to a megabyte or two. A larger
 * body is answered 413 before it is parsed.
 */
export const SPANS_BODY_LIMIT = '5mb';

const ENDPOINTS = [
  'POST /api/v2/spans',
  'GET /api/v2/services',
  'GET /api/v2/spans?serviceName=',
  'GET /api/v2/remoteServices?serviceName=',
  'GET /api/v2/traces?serviceName=&remoteServiceName=&spanName=&annotationQuery=&minDuration=&maxDuration=&endTs=&lookback=&limit=',
  'GET /api/v2/trace/{traceId}',
  'GET /api/v2/traceMany?traceIds=',
  'GET /api/v2/dependencies?endTs=&lookback=',
  'GET /api/v2/autocompleteKeys',
  'GET /api/v2/autocompleteValues?key=',
];

export function traceStoreRoutes(store: TraceStore): Router {
  const router = Router();
  router.use(loopbackOnly);

  router.get('/', (_req, res) => {
    res.json({
      name: 'quizmesh trace store',
      description:
        'An in-memory, Zipkin API v2 compatible trace store for local mode. Traces live in memory only.',
      endpoints: ENDPOINTS,
      ...store.stats(),
    });
  });

  router.post('/api/v2/spans', async (req, res) => {
    await ingestInChunks(store, req.body);
    res.status(202).end();
  });

  router.get('/api/v2/services', (_req, res) => {
    res.json(store.serviceNames());
  });

  router.get('/api/v2/spans', (req, res) => {
    const { serviceName } = parseInput(serviceParams, req.query, 'query');
    res.json(store.spanNames(serviceName));
  });

  router.get('/api/v2/remoteServices', (req, res) => {
    const { serviceName } = parseInput(serviceParams, req.query, 'query');
    res.json(store.remoteServiceNames(serviceName));
  });

  router.get('/api/v2/traces', (req, res) => {
    res.json(store.traces(parseInput(traceParams, req.query, 'query')));
  });

  router.get('/api/v2/trace/:traceId', (req, res) => {
    const { traceId } = parseInput(traceIdPath, req.params, 'path');
    const spans = store.trace(traceId);
    if (!spans) throw new HttpError(404, `trace ${traceId} not found`);
    res.json(spans);
  });

  router.get('/api/v2/traceMany', (req, res) => {
    const { traceIds } = parseInput(traceManyParams, req.query, 'query');
    // As Zipkin: the traces it has, in the order asked; unknown ids are left out, not an error.
    const traces = traceIds.map((id) => store.trace(id));
    res.json(traces.filter((spans) => spans !== undefined));
  });

  router.get('/api/v2/dependencies', (req, res) => {
    const { endTs, lookback } = parseInput(dependencyParams, req.query, 'query');
    // Zipkin writes a link's errorCount only when there were errors.
    res.json(
      store
        .dependencies(endTs, lookback)
        .map(({ errorCount, ...link }) => (errorCount > 0 ? { ...link, errorCount } : link)),
    );
  });

  // The UI asks for these; this store keeps no autocomplete keys, as Zipkin by default.
  router.get(['/api/v2/autocompleteKeys', '/api/v2/autocompleteValues'], (_req, res) => {
    res.json([]);
  });

  return router;
}
