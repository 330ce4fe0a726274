// The mesh of a running local mode, as CLI commands reach it: found through the runtime state in
// QUIZMESH_HOME, and only counted as running when its admin endpoint answers (a local mode that
// was killed leaves its state file behind).
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { readRuntimeState } from '../local/runtime-state.ts';
import type { Finding } from '../mesh/config/findings.ts';
import type { MeshConfig } from '../mesh/config/schema.ts';
import { parsePrometheusText, type Sample } from './prometheus/prometheus-text.ts';

export interface LocalMesh {
  adminUrl: string;
  /** The Prometheus endpoint itself: …/stats/prometheus. */
  statsUrl: string;
  /** What /status said when the mesh was found. */
  status: MeshStatus;
}

const findingSchema = z.object({
  file: z.string(),
  resource: z.string().optional(),
  field: z.string().optional(),
  reason: z.string(),
  code: z.string().optional(),
});

const statusSchema = z.object({
  generation: z.number(),
  rejected: z.object({ at: z.string(), errors: z.array(findingSchema) }).optional(),
});
export type MeshStatus = z.infer<typeof statusSchema>;

const configDumpSchema = z.object({
  status: statusSchema,
  // The mesh's own parsed MeshConfig (durations already in ms): trusted in its details, as it
  // comes from the same code; only its outline is checked.
  config: z.looseObject({ virtualServices: z.array(z.looseObject({})) }),
});

const ANSWER_TIMEOUT_MS = 1_000;

/** The home local mode keeps its state in, as local mode itself resolves it. */
export const quizmeshHome = (env: NodeJS.ProcessEnv = process.env): string =>
  env.QUIZMESH_HOME !== undefined && env.QUIZMESH_HOME !== '' ? env.QUIZMESH_HOME : '.quizmesh';

/** The running local mode's mesh, or undefined when there is no state or its admin is silent. */
export async function findLocalMesh(home: string): Promise<LocalMesh | undefined> {
  try {
    const state = readRuntimeState(home);
    const status = await meshStatus(state.meshAdminUrl);
    return { adminUrl: state.meshAdminUrl, statsUrl: state.meshStatsUrl, status };
  } catch {
    return undefined;
  }
}

export async function meshStatus(adminUrl: string): Promise<MeshStatus> {
  return statusSchema.parse(await getJson(`${adminUrl}/status`));
}

export interface ConfigInForce {
  generation: number;
  config: Pick<MeshConfig, 'virtualServices'>;
}

export async function configInForce(adminUrl: string): Promise<ConfigInForce> {
  const dump = configDumpSchema.parse(await getJson(`${adminUrl}/config_dump`));
  return {
    generation: dump.status.generation,
    config: dump.config as unknown as Pick<MeshConfig, 'virtualServices'>,
  };
}

export async function scrapeStats(statsUrl: string): Promise<string> {
  const response = await fetch(statsUrl, { signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS * 5) });
  if (!response.ok) throw new Error(`${statsUrl} answered ${response.status}`);
  return response.text();
}

export interface ScrapePair {
  before: Sample[];
  after: Sample[];
  /** Between the two scrapes, measured. */
  seconds: number;
}

/** Two scrapes of the mesh's stats `seconds` apart: what a rate over that window needs. */
export async function scrapeTwice(statsUrl: string, seconds: number): Promise<ScrapePair> {
  const before = parsePrometheusText(await scrapeStats(statsUrl));
  const started = performance.now();
  await sleep(seconds * 1000);
  const after = parsePrometheusText(await scrapeStats(statsUrl));
  return { before, after, seconds: (performance.now() - started) / 1000 };
}

export type ApplyOutcome =
  | { kind: 'applied'; generation: number }
  | { kind: 'rejected'; errors: Finding[] }
  | { kind: 'unconfirmed'; generation: number };

/**
 * Polls /status until the generation moves past `before`'s (applied) or a rejection newer than
 * `before`'s appears (refused), for at most `timeoutMs`.
 */
export async function waitForApply(
  adminUrl: string,
  before: MeshStatus,
  timeoutMs: number,
  pollMs = 100,
): Promise<ApplyOutcome> {
  const deadline = Date.now() + timeoutMs;
  let generation = before.generation;
  for (;;) {
    try {
      const status = await meshStatus(adminUrl);
      generation = status.generation;
      if (status.generation > before.generation) return { kind: 'applied', generation };
      if (status.rejected !== undefined && status.rejected.at !== before.rejected?.at) {
        return { kind: 'rejected', errors: status.rejected.errors };
      }
    } catch {
      // A mesh restarting answers again shortly; the deadline decides.
    }
    if (Date.now() >= deadline) return { kind: 'unconfirmed', generation };
    await sleep(pollMs);
  }
}

async function getJson(url: string): Promise<unknown> {
  const response = await fetch(url, { signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return response.json();
}
