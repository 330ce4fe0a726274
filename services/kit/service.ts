// The shell every service runs in: express with metrics, fault knobs, health endpoints and one error
// handler around the service's own routes; listen; drain on SIGTERM.
import type { Server } from 'node:http';
import express, { type Express, type RequestHandler, type Router } from 'express';
import type { BaseConfig } from './config.ts';
import { errorHandler, HttpError, notFound } from './errors.ts';
import { injectFaults } from './faults.ts';
import { requireMeshToken } from './mesh-token.ts';
import { createLogger, type Logger } from './logger.ts';
import { createMetrics, metricsEndpoint, observeRequests, type Metrics } from './metrics.ts';
import { flushTelemetry } from './telemetry.ts';

/** Every API here speaks JSON; a body of another type is refused as such, not misread as empty. */
const requireJsonBody: RequestHandler = (req, _res, next) => {
  // An empty POST (content-length: 0) has nothing to misread and passes.
  const hasBody =
    Number(req.get('content-length') ?? 0) > 0 || req.get('transfer-encoding') !== undefined;
  if (hasBody && !req.is('application/json')) {
    next(
      new HttpError(
        415,
        `expected a JSON body (content-type: application/json), got ${req.get('content-type') ?? 'none'}`,
      ),
    );
    return;
  }
  next();
};

export interface ServiceContext {
  config: BaseConfig;
  logger: Logger;
  metrics: Metrics;
}

export function createServiceContext(config: BaseConfig): ServiceContext {
  return {
    config,
    logger: createLogger({
      service: config.SERVICE_NAME,
      version: config.SERVICE_VERSION,
      level: config.LOG_LEVEL,
    }),
    metrics: createMetrics(),
  };
}

export interface ServiceApp {
  app: Express;
  /** Set by shutdown so /readyz fails and the mesh stops sending new requests. */
  draining: { value: boolean };
}

/**
 * `routes` holds the service's API; `ready` may hold readiness back (data still loading).
 * `bodyLimit` raises the JSON body cap for a service that takes large batches (the trace store).
 */
export function createServiceApp(
  ctx: ServiceContext,
  routes: Router,
  ready: () => boolean = () => true,
  options: { bodyLimit?: string } = {},
): ServiceApp {
  const draining = { value: false };
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', (_req, res) => {
    const ok = !draining.value && ready();
    res
      .status(ok ? 200 : 503)
      .json({ status: ok ? 'ready' : draining.value ? 'draining' : 'starting' });
  });
  app.get('/metrics', metricsEndpoint(ctx.metrics));
  app.use(observeRequests(ctx.metrics));
  app.use(requireMeshToken(ctx.config.QUIZMESH_MESH_TOKEN));
  app.use(
    injectFaults({ failureRate: ctx.config.FAILURE_RATE, delayMs: ctx.config.ARTIFICIAL_DELAY }),
  );
  app.use(requireJsonBody);
  app.use(express.json({ limit: options.bodyLimit ?? '16kb' }));
  app.use(routes);
  app.use(notFound);
  app.use(errorHandler(ctx.logger));
  return { app, draining };
}

/** Listens, and on SIGTERM or SIGINT: fail readiness, finish in-flight requests, flush spans, exit 0. */
export function runService(ctx: ServiceContext, service: ServiceApp): Server {
  const { config, logger } = ctx;
  const server = service.app.listen(config.PORT, config.HOST, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.PORT;
    logger.info({ host: config.HOST, port }, 'listening');
  });
  server.on('error', (err) => {
    logger.fatal({ err }, 'cannot listen');
    process.exit(1);
  });

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    service.draining.value = true;
    logger.info({ signal }, 'draining');
    const close = (): void => {
      const force = setTimeout(() => {
        logger.warn('in-flight requests outlived the shutdown timeout');
        server.closeAllConnections();
      }, config.SHUTDOWN_TIMEOUT_MS);
      force.unref();
      // A keep-alive connection turns idle when its last response is sent; close it then rather
      // than after the keep-alive timeout.
      const sweep = setInterval(() => {
        server.closeIdleConnections();
      }, 50);
      server.close(() => {
        clearInterval(sweep);
        flushTelemetry()
          .catch((err: unknown) => {
            logger.warn({ err }, 'could not flush spans');
          })
          .finally(() => {
            logger.info('stopped');
            process.exit(0);
          });
      });
    };
    setTimeout(close, config.SHUTDOWN_DELAY_MS);
  };
  process.on('SIGTERM', () => {
    stop('SIGTERM');
  });
  process.on('SIGINT', () => {
    stop('SIGINT');
  });
  // Started by local mode with an IPC channel: when the supervisor goes, so do we.
  process.on('disconnect', () => {
    stop('supervisor gone');
  });
  return server;
}
