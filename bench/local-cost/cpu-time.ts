// A process's CPU time as the kernel counts it: utime + stime from /proc/<pid>/stat, in clock
// ticks of USER_HZ, which Linux fixes at 100 for every /proc reader whatever the kernel's HZ.
import { readFileSync } from 'node:fs';

const USER_HZ = 100;

/** Seconds of CPU the process has used so far, or undefined once it is gone. */
export function cpuSeconds(pid: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // Fields after the command name, which sits in parentheses and may itself hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return Number.isFinite(utime + stime) ? (utime + stime) / USER_HZ : undefined;
}
