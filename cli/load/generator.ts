// The paced load generator. Plays start at evenly spaced times (play i at i / rps seconds), not in
// a burst at the top of each second, so latency reads what a steady stream of users would see.
// A start that falls due while --concurrency plays are in flight is dropped and counted rather
// than queued: queueing would turn a slow site into a later burst and hide the slowness.
import type { LoadOptions } from './options.ts';
import { play } from './play.ts';
import type { PlayContext } from './play.ts';
import { generatePlayers } from './players.ts';
import { randomIndex } from './random-draws.ts';
import { LoadStats } from './stats.ts';
import type { LiveSnapshot, LoadSummary } from './stats.ts';
import { seededRandom } from '../../services/kit/seeded-random.ts';

export type LoadPlan = Omit<LoadOptions, 'quiet' | 'json'>;

export interface LoadHooks {
  /** Stops the run early, as Ctrl-C does: no new plays, and requests in flight are cancelled. */
  signal?: AbortSignal;
  onProgress?: (snapshot: LiveSnapshot) => void;
  progressIntervalMs?: number;
  /** How long plays still in flight may finish once --duration is up. */
  drainMs?: number;
}

export const DEFAULT_DRAIN_MS = 5_000;

/** Runs the plan to its end (or until `hooks.signal` aborts) and returns what happened. */
export async function runLoad(plan: LoadPlan, hooks: LoadHooks = {}): Promise<LoadSummary> {
  const stop = hooks.signal ?? new AbortController().signal;
  const cancelRequests = new AbortController();
  const startNs = process.hrtime.bigint();
  const elapsedMs = () => Number(process.hrtime.bigint() - startNs) / 1e6;
  const stats = new LoadStats(elapsedMs);
  const players = generatePlayers(plan.players, plan.seed);
  // Separate streams so the players chosen do not depend on how responses interleave.
  const choosePlayer = seededRandom(plan.seed + 1);
  const context: PlayContext = {
    baseUrl: plan.url,
    stats,
    random: seededRandom(plan.seed + 2),
    cancel: cancelRequests.signal,
  };
  const inFlight = new Set<Promise<void>>();

  const startPlay = () => {
    if (inFlight.size >= plan.concurrency) {
      stats.dropped += 1;
      return;
    }
    stats.playsStarted += 1;
    const player = players[randomIndex(choosePlayer, players.length)] ?? '';
    const running: Promise<void> = play(context, player)
      .then(
        (result) => {
          stats.recordPlay(result);
        },
        () => {
          stats.recordPlay('failed');
        },
      )
      .finally(() => inFlight.delete(running));
    inFlight.add(running);
  };

  const progress =
    hooks.onProgress === undefined
      ? undefined
      : setInterval(
          () => hooks.onProgress?.(stats.snapshot(plan.durationSeconds)),
          hooks.progressIntervalMs ?? 250,
        );

  // Whole plays only, so a run never sends more than rps × duration × 2 requests.
  const totalPlays = Math.floor(plan.rps * plan.durationSeconds);
  const intervalMs = 1000 / plan.rps;
  const durationMs = plan.durationSeconds * 1000;
  let started = 0;
  while (started < totalPlays && !stop.aborted) {
    const now = elapsedMs();
    // Catch up on every start that fell due while we slept, rather than shifting the schedule.
    const due = Math.min(totalPlays, Math.floor(now / intervalMs) + 1);
    for (; started < due; started++) startPlay();
    if (started < totalPlays) await sleep(started * intervalMs - now, stop);
  }
  if (!stop.aborted) await sleep(durationMs - elapsedMs(), stop);
  const interrupted = stop.aborted;

  if (!interrupted) await settleWithin(inFlight, hooks.drainMs ?? DEFAULT_DRAIN_MS, stop);
  cancelRequests.abort();
  await Promise.all(inFlight);

  if (progress !== undefined) {
    clearInterval(progress);
    hooks.onProgress?.(stats.snapshot(plan.durationSeconds));
  }
  return stats.summary({
    url: plan.url,
    targetPlaysPerSecond: plan.rps,
    durationSeconds: plan.durationSeconds,
    interrupted,
  });
}

/** Waits for `running` to settle, for at most `ms` or until `signal` aborts. */
async function settleWithin(
  running: Set<Promise<void>>,
  ms: number,
  signal: AbortSignal,
): Promise<void> {
  // Our own abort ends the timer once everything has settled, so it cannot hold the process open.
  const settled = new AbortController();
  await Promise.race([
    Promise.all(running).then(() => {
      settled.abort();
    }),
    sleep(ms, AbortSignal.any([signal, settled.signal])),
  ]);
  settled.abort();
}

/** Resolves after `ms`, or as soon as `signal` aborts; never rejects. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted || ms <= 0) {
      resolve();
      return;
    }
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
