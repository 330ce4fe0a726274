// A rollout's state, one small JSON file per service in QUIZMESH_HOME/canary/: written after every
// step so `quizmesh canary status` and the console can show it, and so a rollout that was
// interrupted (Ctrl-C, a crash, a lost terminal) can be resumed or aborted. Read back through zod:
// a hand-edited or truncated file is refused with the reason, never half-trusted.
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomically } from '../routes/config-folder.ts';

const name = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);

const stage = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('header') }),
  z.object({ kind: z.literal('weight'), weight: z.number().int().min(0).max(100) }),
]);

const figures = z.object({
  requests: z.number().min(0),
  successRate: z.number().min(0).max(100).nullable(),
  p99Ms: z.number().min(0).nullable(),
});

const checkRecord = z.object({
  at: z.iso.datetime(),
  stage,
  passed: z.boolean(),
  noData: z.boolean(),
  summary: z.string(),
  /** Figures per version over the window (the canary's and the old version's side by side). */
  figures: z.record(z.string(), figures),
  windowSeconds: z.number().positive(),
  /** What was decided: advance, hold, promote, rollback. */
  decision: z.enum(['advance', 'hold', 'promote', 'rollback']),
  /** Failed checks so far, this one included. */
  failedChecks: z.number().int().min(0),
});

const target = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('local'), configDir: z.string() }),
  z.object({ kind: z.literal('cluster'), namespace: name, context: z.string().optional() }),
]);

export const PHASES = [
  'progressing',
  'promoted',
  'rolled-back',
  'interrupted',
  'halted',
  'aborted',
] as const;
export type Phase = (typeof PHASES)[number];

/** Whether a rollout in `phase` can still be resumed or aborted (it has not ended). */
export const isUnfinished = (phase: Phase): boolean =>
  phase === 'progressing' || phase === 'interrupted' || phase === 'halted';

export const rolloutSchema = z.object({
  service: name,
  plan: z.object({
    from: name,
    to: name,
    step: z.number().int().min(1).max(100),
    maxWeight: z.number().int().min(1).max(100),
    threshold: z.number().int().min(1),
    minSuccessRate: z.number().min(0).max(100),
    maxP99Ms: z.number().positive(),
    intervalSeconds: z.number().positive(),
    header: z.object({ header: z.string().min(1), value: z.string().min(1) }).optional(),
  }),
  target,
  /** Where the figures come from: a Prometheus URL, or the local mesh's stats endpoint. */
  metrics: z.object({ kind: z.enum(['prometheus', 'local-mesh']), url: z.string() }),
  phase: z.enum(PHASES),
  stage,
  failedChecks: z.number().int().min(0),
  checks: z.array(checkRecord),
  /** The process running it while phase is progressing. */
  pid: z.number().int().positive(),
  startedAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  /** The latest thing a person should know: the route left in force, why it halted. */
  message: z.string(),
});
export type Rollout = z.infer<typeof rolloutSchema>;
export type CheckRecord = z.infer<typeof checkRecord>;

export const rolloutDir = (home: string): string => path.join(home, 'canary');
export const rolloutPath = (home: string, service: string): string =>
  path.join(rolloutDir(home), `${service}.json`);

export function saveRollout(home: string, rollout: Rollout): void {
  mkdirSync(rolloutDir(home), { recursive: true });
  writeFileAtomically(rolloutPath(home, rollout.service), `${JSON.stringify(rollout, null, 2)}\n`);
}

export type ReadRollout =
  { kind: 'found'; rollout: Rollout } | { kind: 'none' } | { kind: 'invalid'; message: string };

export function readRollout(home: string, service: string): ReadRollout {
  const file = rolloutPath(home, service);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'none' };
    return { kind: 'invalid', message: `cannot read ${file}: ${String(error)}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: 'invalid', message: `${file} is not JSON` };
  }
  const parsed = rolloutSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue === undefined ? '' : issue.path.join('.');
    return { kind: 'invalid', message: `${file}: ${field}: ${issue?.message ?? 'invalid'}` };
  }
  return { kind: 'found', rollout: parsed.data };
}

/** The services that have a rollout file in `home`, by name. */
export function rolloutServices(home: string): string[] {
  try {
    return readdirSync(rolloutDir(home))
      .filter((file) => file.endsWith('.json'))
      .map((file) => file.slice(0, -'.json'.length))
      .sort();
  } catch {
    return [];
  }
}

/** Whether the process that wrote a progressing rollout still runs. */
export function isRunning(rollout: Rollout): boolean {
  if (rollout.phase !== 'progressing') return false;
  try {
    process.kill(rollout.pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
