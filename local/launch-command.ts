// The command line a workload runs as: a Node entry point (with the tracing preload for the apps),
// or a program of its own (Prometheus), which gets tied to the supervisor's life where the OS can.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Workload } from './topology.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const PRELOAD = join(ROOT, 'services/kit/instrumentation.ts');

export interface LaunchCommand {
  file: string;
  args: string[];
  /** Node children get an IPC channel: when it closes (the supervisor died), they drain and exit. */
  ipc: boolean;
}

let setprivFound: boolean | undefined;
/** util-linux's setpriv, on Linux: `--pdeathsig` survives its exec of the real program. */
const hasSetpriv = (): boolean =>
  (setprivFound ??=
    process.platform === 'linux' &&
    spawnSync('setpriv', ['--version'], { stdio: 'ignore' }).status === 0);

export function launchCommand(workload: Workload): LaunchCommand {
  if (workload.command === undefined) {
    const preload = workload.traced ? ['--import', PRELOAD] : [];
    return { file: process.execPath, args: [...preload, join(ROOT, workload.entry)], ipc: true };
  }
  const [program = '', ...args] = workload.command;
  // A program that is not Node has no channel to notice the supervisor's end by: the kernel sends
  // it SIGTERM when the supervisor dies (PR_SET_PDEATHSIG). Where there is no setpriv, the next
  // `npm start` clears it instead (local/leftovers.ts).
  return hasSetpriv()
    ? { file: 'setpriv', args: ['--pdeathsig', 'TERM', '--', program, ...args], ipc: false }
    : { file: program, args, ipc: false };
}

export const LOCAL_ROOT = ROOT;
