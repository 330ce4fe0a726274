// Where local mode wrote down what it is running, so CLI commands and tests can find it.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

export const runtimeStateSchema = z.object({
  pid: z.number(),
  startedAt: z.string(),
  siteUrl: z.string(),
  zipkinUrl: z.string(),
  meshStatsUrl: z.string(),
  meshAdminUrl: z.string(),
  /** The folder the mesh watches: what `quizmesh canary` rewrites by default. */
  meshConfigDir: z.string().optional(),
  /** The mesh console (console/server). */
  consoleUrl: z.string().optional(),
  /** Local mode's Prometheus, when it runs one. */
  prometheusUrl: z.string().optional(),
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

export function writeRuntimeState(home: string, state: RuntimeState): void {
  writeFileSync(runtimeStatePath(home), `${JSON.stringify(state, null, 2)}\n`);
}

export function readRuntimeState(home: string): RuntimeState {
  return runtimeStateSchema.parse(JSON.parse(readFileSync(runtimeStatePath(home), 'utf8')));
}
