// The processes a running local mode supervises, as its supervisor last wrote them down: read from
// the runtime state rather than the mesh, so a mesh that is down or crash-looping is reported too.
import { isSameProcess } from '../local/process-identity.ts';
import { describeState, type ProcessStatus } from '../local/process-status.ts';
import { readRuntimeState } from '../local/runtime-state.ts';

export type { ProcessStatus };
export { describeState };

/** Every supervised process, or undefined when no local mode runs on `home` (none, or killed). */
export function localProcesses(home: string): ProcessStatus[] | undefined {
  try {
    const state = readRuntimeState(home);
    const alive = state.pidStartTime === undefined || isSameProcess(state.pid, state.pidStartTime);
    return alive ? (state.processes ?? []) : undefined;
  } catch {
    return undefined;
  }
}

/** Not answering right now: starting (again), crash-looping or stopped. */
export const isDown = (status: ProcessStatus): boolean => status.state !== 'running';

/** `exited with code 1, 12 s ago`. */
export function describeLastExit(status: ProcessStatus, now = Date.now()): string {
  if (status.lastExit === undefined) return '';
  const seconds = Math.max(0, (now - Date.parse(status.lastExit.at)) / 1_000);
  const ago = seconds < 120 ? `${seconds.toFixed(0)} s` : `${(seconds / 60).toFixed(0)} min`;
  return `${status.lastExit.reason}, ${ago} ago`;
}
