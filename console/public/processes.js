// @ts-check
// A line in the header naming local mode's processes that are not running (crash-looping, hung
// and being restarted, starting again), with their restarts and last exit: whichever view is open,
// a service that is down is said next to the figures it distorts.
import { getProcesses } from './api.js';
import { byId } from './dom.js';

/** @import { ProcessesAnswer } from '../server/app.ts' */
/** @typedef {NonNullable<ProcessesAnswer['processes']>[number]} ProcessStatus */

/** @param {ProcessStatus} p */
function describe(p) {
  const state =
    p.state === 'crash-looping'
      ? 'CrashLoopBackOff'
      : p.state === 'starting'
        ? 'Starting'
        : 'Stopped';
  const exit = p.lastExit === undefined ? '' : `, last: ${p.lastExit.reason}`;
  return `${p.name} ${state} (${String(p.restarts)} restarts${exit})`;
}

export async function refreshProcesses() {
  const line = byId('processes', HTMLElement);
  let processes;
  try {
    ({ processes } = await getProcesses());
  } catch {
    processes = null; // the view's own refresh says what failed
  }
  const down = (processes ?? []).filter((p) => p.state !== 'running');
  line.hidden = down.length === 0;
  line.textContent = down.length === 0 ? '' : `down: ${down.map(describe).join('; ')}`;
}
