// Every process of a running local mode, read afresh from its runtime state at each sample: a
// process that local mode restarted has a new pid, and the soak must follow it and count it.
import { readRuntimeState } from '../../local/runtime-state.ts';

export interface LocalProcess {
  name: string;
  pid: number;
  restarts: number;
}

/** The supervisor first, then what it supervises; processes without a pid (down) are left out. */
export function localProcesses(home: string): LocalProcess[] {
  const state = readRuntimeState(home);
  const supervised = (state.processes ?? state.workloads.map((w) => ({ ...w, restarts: 0 })))
    .filter((p) => p.pid !== undefined)
    .map((p) => ({ name: p.name, pid: p.pid ?? 0, restarts: p.restarts }));
  return [{ name: 'supervisor', pid: state.pid, restarts: 0 }, ...supervised];
}
