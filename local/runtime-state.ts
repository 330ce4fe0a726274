// Where local mode wrote down what it is running, so CLI commands and tests can find it.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { processStatusSchema } from './process-status.ts';

export const runtimeStateSchema = z.object({
  /** The supervisor (`npm start`), and when it started (local/process-identity.ts). */
  pid: z.number(),
  pidStartTime: z.string().optional(),
  /** `starting` until every workload was ready once; the file is rewritten on every change. */
  phase: z.enum(['starting', 'running']).optional(),
  startedAt: z.string(),
  siteUrl: z.string(),
  zipkinUrl: z.string(),
  meshStatsUrl: z.string(),
  meshAdminUrl: z.string(),
  /** The folder the mesh watches: what `quizmesh canary` rewrites by default. */
  meshConfigDir: z.string().optional(),
  /** The mesh console (console/server). */
  consoleUrl: z.string().optional(),
  /** Local mode's Prometheus, while it runs (answers its health check); absent while it is down. */
  prometheusUrl: z.string().optional(),
  /** Every process local mode supervises, Prometheus included: state, pid, restarts, last exit. */
  processes: z.array(processStatusSchema).optional(),
  workloads: z.array(
    z.object({
      name: z.string(),
      app: z.string(),
      version: z.string(),
      url: z.string(),
      pid: z.number().optional(),
    }),
  ),
});
export type RuntimeState = z.infer<typeof runtimeStateSchema>;

export const runtimeStatePath = (home: string): string => join(home, 'local.json');

/** Replaced whole (a temporary file renamed over it), so a reader never sees half of it. */
export function writeRuntimeState(home: string, state: RuntimeState): void {
  const path = runtimeStatePath(home);
  writeFileSync(`${path}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
}

export function readRuntimeState(home: string): RuntimeState {
  return runtimeStateSchema.parse(JSON.parse(readFileSync(runtimeStatePath(home), 'utf8')));
}
