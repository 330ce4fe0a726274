// A shared machine: other people's type checks and test runs steal the CPUs a latency measurement
// needs. This measures how busy processes other than the benchmark's own keep the machine, and
// waits for a quiet moment before each round.
//
// Other processes' CPU is summed per process from /proc/<pid>/stat, which is precise, rather than
// taken as the machine total (/proc/stat) minus ours: the machine total is sampled at each tick,
// and a tickless idle CPU misses most of the short bursts a proxy at 1000 requests/s works in.
import { setTimeout as sleep } from 'node:timers/promises';
import { allProcesses, type ProcessTimes } from './stats.ts';

/** Above this many CPUs kept busy by other processes, a round is disturbed and measured again. */
export const quietLimit = 0.1;

/** Processes that are not the benchmark's own, nor started by them; with their CPU seconds. */
function othersNow(ownPids: readonly number[]): Map<number, number> {
  const processes = allProcesses();
  const own = new Set(ownPids);
  const isOwn = (pid: number, times: ProcessTimes | undefined): boolean => {
    for (let hops = 0; times !== undefined && hops < 64; hops++) {
      if (own.has(pid)) return true;
      pid = times.ppid;
      times = processes.get(pid);
    }
    return own.has(pid);
  };
  const others = new Map<number, number>();
  for (const [pid, times] of processes) {
    if (!isOwn(pid, times)) others.set(pid, times.cpuSeconds);
  }
  return others;
}

/** CPU seconds other processes used between two snapshots; one started in between counts whole. */
function usedBetween(before: Map<number, number>, after: Map<number, number>): number {
  let used = 0;
  for (const [pid, seconds] of after) used += seconds - (before.get(pid) ?? 0);
  return used;
}

/** CPU used by other processes during measured stretches: noise to report, or a reason to redo. */
export interface OtherLoad {
  /** Starts a measured stretch. */
  start(): void;
  /** Ends the stretch started last. */
  stop(): void;
  /** CPUs kept busy by other processes, on average over the measured stretches. */
  cpus(): number;
}

export function otherLoad(ownPids: readonly number[]): OtherLoad {
  let busySeconds = 0;
  let wallSeconds = 0;
  let before = new Map<number, number>();
  let startedAt = 0;
  return {
    start() {
      before = othersNow(ownPids);
      startedAt = performance.now();
    },
    stop() {
      wallSeconds += (performance.now() - startedAt) / 1000;
      busySeconds += usedBetween(before, othersNow(ownPids));
    },
    cpus: () => busySeconds / Math.max(wallSeconds, 1e-9),
  };
}

/**
 * Returns a function that, before a round, waits while other processes keep the machine busy;
 * all its waits together last `budgetSeconds` at most.
 */
export function quietWaiter(
  ownPids: readonly number[],
  budgetSeconds: number,
): () => Promise<void> {
  let budgetMs = budgetSeconds * 1000;
  return async () => {
    const began = performance.now();
    for (let first = true; ; first = false) {
      const others = otherLoad(ownPids);
      others.start();
      await sleep(500);
      others.stop();
      const busy = others.cpus();
      if (busy <= quietLimit || budgetMs <= 0) {
        if (!first) {
          const waited = (performance.now() - began) / 1000;
          process.stderr.write(
            `  waited ${waited.toFixed(0)} s, ${busy.toFixed(2)} CPUs busy now\n`,
          );
        }
        return;
      }
      if (first) {
        process.stderr.write(
          `  other processes keep ${busy.toFixed(2)} CPUs busy: waiting (${(budgetMs / 1000).toFixed(0)} s of --quiet-wait left)\n`,
        );
      }
      const pause = Math.min(2000, budgetMs);
      budgetMs -= pause + 500;
      await sleep(pause);
    }
  };
}
