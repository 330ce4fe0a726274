// What a new start clears: only processes whose pid and start time both match the runtime state a
// killed run left, never a process that merely holds a recorded pid.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, it } from 'node:test';
import { clearLeftovers } from '../../../local/leftovers.ts';
import { processStartTime } from '../../../local/process-identity.ts';
import type { ProcessStatus } from '../../../local/process-status.ts';
import { writeRuntimeState } from '../../../local/runtime-state.ts';
import { isAlive, waitGone } from '../../support/process-checks.ts';

const started: ChildProcess[] = [];
afterEach(() => {
  for (const child of started.splice(0)) child.kill('SIGKILL');
});

function sleeper(): number {
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  started.push(child);
  return child.pid ?? 0;
}

function homeNaming(entries: { pid: number; pidStartTime: string }[]): string {
  const home = mkdtempSync(join(tmpdir(), 'quizmesh-left-'));
  const processes: ProcessStatus[] = entries.map((e, i) => ({
    name: `p${String(i)}`,
    app: 'p',
    state: 'running',
    restarts: 0,
    backOffMs: 500,
    ...e,
  }));
  // A supervisor pid that is gone: this process's own, with a start time that is not its own.
  writeRuntimeState(home, {
    pid: process.pid,
    pidStartTime: 'not-this-one',
    startedAt: new Date().toISOString(),
    siteUrl: '',
    zipkinUrl: '',
    meshStatsUrl: '',
    meshAdminUrl: '',
    workloads: [],
    processes,
  });
  return home;
}

it('a recorded pid whose start time matches is cleared', async () => {
  const pid = sleeper();
  const home = homeNaming([{ pid, pidStartTime: processStartTime(pid) ?? '' }]);
  assert.deepEqual(await clearLeftovers(home), { kind: 'cleared', pids: [pid] });
  assert.deepEqual(await waitGone([pid], 5_000), []);
});

it('a recorded pid now held by a process that started at another time is left alone', async () => {
  const pid = sleeper();
  const home = homeNaming([{ pid, pidStartTime: '1' }]);
  assert.deepEqual(await clearLeftovers(home), { kind: 'none' });
  assert.ok(isAlive(pid));
});

it('a supervisor that still runs is reported, and nothing is signalled', async () => {
  const pid = sleeper();
  const home = homeNaming([{ pid, pidStartTime: processStartTime(pid) ?? '' }]);
  writeRuntimeState(home, {
    pid: process.pid,
    pidStartTime: processStartTime(process.pid),
    startedAt: '',
    siteUrl: '',
    zipkinUrl: '',
    meshStatsUrl: '',
    meshAdminUrl: '',
    workloads: [],
  });
  assert.deepEqual(await clearLeftovers(home), { kind: 'running', pid: process.pid });
  assert.ok(isAlive(pid));
});
