// Percentiles of latency samples, and a process's CPU time from /proc.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

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

/** User + system CPU seconds a process (all its threads) has used so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]); // field 14
  const stime = Number(fields[12]); // field 15
  return (utime + stime) / clockTicksPerSecond();
}

/**
 * CPU seconds the whole machine has spent in user and system time, plus time stolen by the VM host.
 * Interrupt time is left out: loopback traffic of the benchmark's own processes lands there.
 */
export function machineBusySeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
  const [, user, nice, system, , , , , steal] = line.trim().split(/\s+/).map(Number);
  const busy = [user, nice, system, steal].reduce<number>((sum, v) => sum + (v ?? 0), 0);
  return busy / clockTicksPerSecond();
}
