// A route change asked for in the console, made through the same code as `quizmesh route`: the
// request checked by the same rules, the whole folder validated as the mesh loads it, the file
// replaced atomically, and the running mesh's answer awaited. The outcome is an HTTP answer.
import { z } from 'zod';
import { planRoute, writeRoute } from '../../mesh-client/routes/apply-route.ts';
import {
  describeRouteRequest,
  parseRouteRequest,
  type ParsedRouteRequest,
  type RouteRequest,
} from '../../mesh-client/routes/route-request.ts';
import { formatFinding } from '../../mesh/config/findings.ts';

/** POST /api/routes/:service; the rules beyond types are parseRouteRequest's. */
export const routeChangeBody = z.strictObject({
  split: z
    .array(
      z.strictObject({
        version: z.string().max(63),
        weight: z.number().int('must be a whole number').min(0).max(100),
      }),
    )
    .min(1, 'give at least one version and its weight')
    .max(16),
  headers: z
    .array(
      z.strictObject({
        header: z.string().max(256),
        value: z.string().max(512),
        version: z.string().max(63),
      }),
    )
    .max(16)
    .default([]),
});
export type RouteChangeBody = z.infer<typeof routeChangeBody>;

/** The body in `quizmesh route`'s terms (`v1=90`, `x-quiz-player=alice:v3`), checked as it checks them. */
export function routeRequestOf(service: string, body: RouteChangeBody): ParsedRouteRequest {
  return parseRouteRequest(
    service,
    body.split.map((s) => `${s.version}=${s.weight}`),
    body.headers.map((h) => `${h.header}=${h.value}:${h.version}`),
  );
}

export type RouteChangeAnswer =
  | {
      status: 200;
      body: {
        outcome: 'applied' | 'unchanged' | 'written' | 'unconfirmed';
        message: string;
        route: string;
        /** The file rewritten (local mode). */
        file?: string;
        generation?: number;
        warnings: string[];
      };
    }
  | { status: 409 | 500 | 502; body: { error: string; findings: string[]; warnings: string[] } };

/** POST /api/routes/:service answered 200: what was done with the change. */
export type RouteChangeApplied = Extract<RouteChangeAnswer, { status: 200 }>['body'];

/** POST /api/routes/:service refused the change (409, 500, 502): why, and the mesh's findings. */
export type RouteChangeRefused = Exclude<RouteChangeAnswer, { status: 200 }>['body'];

const APPLY_TIMEOUT_MS = 3_000;

export async function changeRoute(
  request: RouteRequest,
  options: { configDir: string; home: string },
): Promise<RouteChangeAnswer> {
  const planned = planRoute(options.configDir, request);
  const { warnings } = planned;
  if (!planned.ok) {
    return { status: 409, body: { error: planned.why, findings: planned.errors, warnings } };
  }
  const route = `${request.service}: ${describeRouteRequest(request)}`;
  const done = (
    outcome: 'applied' | 'unchanged' | 'written' | 'unconfirmed',
    message: string,
    generation?: number,
  ): RouteChangeAnswer => ({
    status: 200,
    body: {
      outcome,
      message,
      route,
      file: planned.path,
      warnings,
      ...(generation === undefined ? {} : { generation }),
    },
  });
  const written = await writeRoute(planned, {
    home: options.home,
    applyTimeoutMs: APPLY_TIMEOUT_MS,
  });
  if (written.kind === 'unchanged') return done('unchanged', 'already so: nothing written');
  if (written.kind === 'unwritable') {
    return { status: 500, body: { error: written.message, findings: [], warnings } };
  }
  const applied = written.mesh?.applied;
  switch (applied?.kind) {
    case undefined:
      return done('written', 'written; no running mesh answered to apply it');
    case 'applied':
      return done(
        'applied',
        `applied by the mesh (generation ${applied.generation})`,
        applied.generation,
      );
    case 'unconfirmed':
      return done(
        'unconfirmed',
        `written; the mesh did not apply it within ${APPLY_TIMEOUT_MS / 1000} s`,
        applied.generation,
      );
    case 'rejected':
      return {
        status: 409,
        body: {
          error: `the mesh refused the change; generation ${written.mesh?.generationBefore ?? '?'} stays in force`,
          findings: applied.errors.map((finding) => formatFinding(finding, options.configDir)),
          warnings,
        },
      };
  }
}
