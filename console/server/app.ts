// The console's HTTP surface: the page and its scripts, and a JSON API under /api/ that the page
// polls. Every query and body is checked with zod (400 naming the field); what other processes
// answer is checked where it is read. The page is built with DOM APIs only, and the Content
// Security Policy allows no inline script, so data that holds markup stays text.
import { fileURLToPath } from 'node:url';
import express, { Router } from 'express';
import { z } from 'zod';
import { errorMessage } from '../../mesh-client/fetch-error.ts';
import { HttpError, parseInput } from '../../services/kit/errors.ts';
import { traceIdPath } from '../../tracestore/query-params.ts';
import { toDot } from '../../mesh-client/graph/dot.ts';
import { markNPlusOne } from '../../mesh-client/graph/n-plus-one.ts';
import { renderSvg } from '../../mesh-client/graph/render-svg.ts';
import type { ServiceGraph } from '../../mesh-client/graph/service-graph.ts';
import type { NPlusOneFinding } from '../../mesh-client/traces/n-plus-one.ts';
import { summarizeTrace, type TraceSummary } from '../../mesh-client/traces/trace-summary.ts';
import { buildWaterfall, type Waterfall } from '../../mesh-client/traces/waterfall.ts';
import { routeChangeBody, routeRequestOf } from './route-change.ts';
import { readRollouts } from './rollouts.ts';
import { routableServices } from './routes-in-force.ts';
import { securityHeaders } from '../../services/kit/security-headers.ts';
import { sameMachineOnly } from './security.ts';
import type { ConsoleSources } from './sources.ts';
import type { ProcessStatus } from '../../mesh-client/local-processes.ts';
import { RECENT_WINDOW, type RecentFinding } from '../../mesh-client/traces/trace-reader.ts';

/** GET /api/graph */
export interface GraphAnswer {
  /** Graphviz's SVG document. */
  svg: string;
  graph: ServiceGraph;
  nPlusOne: RecentFinding[];
  windowSeconds: number;
  recentTraces: typeof RECENT_WINDOW;
  warnings: string[];
}

export type { RedAnswer } from './sources.ts';

/** A trace's line in the list: its loops without their span ids (the waterfall has those). */
export type ListedTrace = Omit<TraceSummary, 'nPlusOne'> & {
  nPlusOne: Omit<NPlusOneFinding, 'spanIds'>[];
};

/** GET /api/processes: null when the console runs on a cluster or no local mode runs. */
export interface ProcessesAnswer {
  processes: ProcessStatus[] | null;
}

/** GET /api/traces */
export interface TraceListAnswer {
  traces: ListedTrace[];
  /** The services a list can be filtered by. */
  services: string[];
}

/** GET /api/traces/:traceId */
export interface TraceAnswer {
  summary: ListedTrace;
  waterfall: Waterfall;
}

const PUBLIC_DIR = fileURLToPath(new URL('../public/', import.meta.url));

/** `?errors=1`, `?errors=true`; absent or blank is false. */
const flag = z
  .enum(['true', 'false', '1', '0', ''], { error: 'give true or false' })
  .optional()
  .transform((value) => value === 'true' || value === '1');

const blankIsAbsent = (value: unknown): unknown => (value === '' ? undefined : value);

export const traceListQuery = z.strictObject({
  service: z
    .string()
    .max(200)
    .optional()
    .transform((name) => name?.trim().toLowerCase() || undefined),
  errors: flag,
  nPlusOne: flag,
  minDurationMs: z.preprocess(
    blankIsAbsent,
    z.coerce.number('give milliseconds').min(0).max(3_600_000).optional(),
  ),
  limit: z.preprocess(blankIsAbsent, z.coerce.number().int().min(1).max(100).default(30)),
});

const serviceParam = z.object({ service: z.string() });

/** The console on local mode's sources or a cluster's (sources.ts). */
export function consoleRoutes(deps: ConsoleSources): Router {
  const router = Router();
  router.use(securityHeaders, sameMachineOnly);
  router.use('/api', (_req, res, next) => {
    res.set('cache-control', 'no-store');
    next();
  });

  router.get('/api/graph', async (_req, res) => {
    const { figures } = deps;
    const { graph, windowSeconds, warnings } = await upstream(figures.what, () => figures.graph());
    let findings: RecentFinding[] = [];
    try {
      findings = await deps.traces.recentNPlusOne();
    } catch (error) {
      warnings.push(`no N+1 marks: cannot read the trace store (${errorMessage(error)})`);
    }
    const svg = await renderSvg(toDot(graph, { nPlusOne: findings }));
    res.json({
      svg,
      graph: markNPlusOne(graph, findings),
      nPlusOne: findings,
      windowSeconds,
      recentTraces: RECENT_WINDOW,
      warnings,
    } satisfies GraphAnswer);
  });

  router.get('/api/red', async (_req, res) => {
    const { figures } = deps;
    res.json(await upstream(figures.what, () => figures.red()));
  });

  router.get('/api/traces', async (req, res) => {
    const query = parseInput(traceListQuery, req.query, 'query');
    const summaries = await upstream('the trace store', () =>
      deps.traces.list({
        limit: query.limit,
        ...(query.service !== undefined && { service: query.service }),
        errorsOnly: query.errors,
        nPlusOneOnly: query.nPlusOne,
        ...(query.minDurationMs !== undefined && { minDurationMicros: query.minDurationMs * 1000 }),
      }),
    );
    res.json({
      traces: summaries.map(listed),
      services: routableServices(),
    } satisfies TraceListAnswer);
  });

  router.get('/api/traces/:traceId', async (req, res) => {
    const { traceId } = parseInput(traceIdPath, req.params, 'trace id');
    const spans = await upstream('the trace store', () => deps.traces.trace(traceId));
    if (spans === undefined || spans.length === 0) {
      throw new HttpError(404, `the trace store has no trace ${traceId}`);
    }
    res.json({
      summary: listed(summarizeTrace(spans)),
      waterfall: buildWaterfall(spans),
    } satisfies TraceAnswer);
  });

  router.get('/api/routes', async (_req, res) => {
    const { routing } = deps;
    res.json(await upstream(routing.what, () => routing.routes()));
  });

  router.post('/api/routes/:service', async (req, res) => {
    const { service } = parseInput(serviceParam, req.params, 'service');
    if (!routableServices().includes(service)) {
      throw new HttpError(404, `no service ${service} in the mesh`);
    }
    const body = parseInput(routeChangeBody, req.body ?? {}, 'route');
    const asked = routeRequestOf(service, body);
    if (!asked.ok) throw new HttpError(400, `invalid route: ${asked.message}`);
    const answer = await deps.routing.change(asked.request);
    res.status(answer.status).json(answer.body);
  });

  router.get('/api/processes', (_req, res) => {
    res.json({ processes: deps.processes?.() ?? null } satisfies ProcessesAnswer);
  });

  router.get('/api/canary', (_req, res) => {
    res.json(readRollouts(deps.home));
  });

  router.use(express.static(PUBLIC_DIR, { index: 'index.html', maxAge: 0 }));
  return router;
}

function listed(summary: TraceSummary): ListedTrace {
  return {
    ...summary,
    nPlusOne: summary.nPlusOne.map(({ spanIds: _spanIds, ...finding }) => finding),
  };
}

/** What another process answered, or a 502 saying which one failed and how. */
async function upstream<T>(what: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    throw new HttpError(502, `cannot read ${what}: ${errorMessage(error)}`, { cause: error });
  }
}
