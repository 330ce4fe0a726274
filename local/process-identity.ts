// When a process started, as the OS records it: with its pid, what tells a process local mode
// started from an unrelated one that was later given the same pid.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** The start time of `pid` (clock ticks since boot on Linux, `ps`'s lstart elsewhere). */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces; starttime is
    // field 22 of the whole line, the 20th after the name.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    // no /proc (macOS), or no such process
  }
  try {
    const started = execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    return started === '' ? undefined : started;
  } catch {
    return undefined; // no such process
  }
}

/**
 * `pid` is still the very process that started at `startTime`, and has not exited: a zombie (dead,
 * not yet reaped by its new parent) holds no port and takes no signal.
 */
export function isSameProcess(pid: number, startTime: string): boolean {
  if (processStartTime(pid) !== startTime) return false;
  try {
    const stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
    return !stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true; // no /proc: ps found it
  }
}
