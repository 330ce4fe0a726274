// Percentiles of latency samples, and a process's CPU time from /proc.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Nearest-rank percentile of an ascending array (q in 0..1); 0 when empty. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1] ?? 0;
}

export interface Summary {
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** Sorts `samples` in place. */
export function summarize(samples: number[]): Summary {
  samples.sort((a, b) => a - b);
  return {
    p50: percentile(samples, 0.5),
    p90: percentile(samples, 0.9),
    p99: percentile(samples, 0.99),
    max: samples.at(-1) ?? 0,
  };
}

let ticksPerSecond: number | undefined;

function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    } catch {
      ticksPerSecond = 100; // the value on every Linux this runs on
    }
  }
  return ticksPerSecond;
}

function statFields(pid: number | 'self'): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
  // fields[0] is field 3 of proc_pid_stat(5).
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/**
 * User + system CPU seconds a process (all its threads) has used so far. Precise, not sampled:
 * the kernel scales its tick counts to the task's measured run time.
 */
export function cpuSeconds(pid: number): number {
  const fields = statFields(pid);
  return (Number(fields[11]) + Number(fields[12])) / clockTicksPerSecond(); // utime, stime
}

export interface ProcessTimes {
  ppid: number;
  /** utime + stime, plus those of its reaped children (cutime + cstime), in seconds. */
  cpuSeconds: number;
}

/** Every process on the machine, with its parent and CPU time. */
export function allProcesses(): Map<number, ProcessTimes> {
  const processes = new Map<number, ProcessTimes>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    try {
      const f = statFields(pid);
      const ticks = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
      processes.set(pid, { ppid: Number(f[1]), cpuSeconds: ticks / clockTicksPerSecond() });
    } catch {
      // exited while we looked
    }
  }
  return processes;
}
