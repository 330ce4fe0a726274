// What a local mode that was killed (kill -9, a crash, a closed terminal) may have left running,
// found through the runtime state it kept, and cleared before a new one starts on the same ports.
// A recorded pid is signalled only while its start time still matches the record: a pid the OS
// has since given to an unrelated process is never touched.
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { isSameProcess } from './process-identity.ts';
import { readRuntimeState, runtimeStatePath, type RuntimeState } from './runtime-state.ts';

const TERM_GRACE_MS = 3_000;

export type Leftovers =
  | { kind: 'none' }
  | { kind: 'cleared'; pids: number[] }
  /** Another local mode runs on this home right now. */
  | { kind: 'running'; pid: number };

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // gone meanwhile
  }
}

export async function clearLeftovers(home: string): Promise<Leftovers> {
  if (!existsSync(runtimeStatePath(home))) return { kind: 'none' };
  let state: RuntimeState;
  try {
    state = readRuntimeState(home);
  } catch {
    return { kind: 'none' }; // unreadable: nothing it says can be trusted with a kill
  }
  if (state.pidStartTime !== undefined && isSameProcess(state.pid, state.pidStartTime)) {
    return { kind: 'running', pid: state.pid };
  }
  const ours = (state.processes ?? []).flatMap((p) =>
    p.pid !== undefined && p.pidStartTime !== undefined && isSameProcess(p.pid, p.pidStartTime)
      ? [{ pid: p.pid, startTime: p.pidStartTime }]
      : [],
  );
  if (ours.length === 0) return { kind: 'none' };
  // SIGTERM first, so Prometheus closes its database cleanly; SIGCONT wakes one that was stopped
  // to handle it. What is still there after the grace is hung, and gets SIGKILL.
  for (const { pid } of ours) {
    signal(pid, 'SIGTERM');
    signal(pid, 'SIGCONT');
  }
  const deadline = Date.now() + TERM_GRACE_MS;
  const alive = () => ours.filter((p) => isSameProcess(p.pid, p.startTime));
  while (alive().length > 0 && Date.now() < deadline) await sleep(100);
  for (const { pid } of alive()) signal(pid, 'SIGKILL');
  return { kind: 'cleared', pids: ours.map((p) => p.pid) };
}
