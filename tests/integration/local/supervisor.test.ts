// The supervisor with real child processes (a stand-in workload), on short back-off and probe
// timings: restarts never run out, back-off resets after a good run, a hung child is killed and
// restarted, and what each process is doing is reported.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { freePort } from '../../../local/ports.ts';
import { createSupervisor, type Supervisor } from '../../../local/supervisor.ts';
import type { Workload } from '../../../local/topology.ts';
import { isAlive, waitGone, waitUntil } from '../../support/process-checks.ts';

const FAST = {
  backOff: { initialMs: 50, maxMs: 400, resetAfterMs: 1_500 },
  liveness: { periodMs: 200, timeoutMs: 200, failureThreshold: 2 },
};

const LOG_MAX_BYTES = 64 * 1024;

let running: Supervisor | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

async function flaky(
  env: Record<string, string>,
): Promise<{ workload: Workload; launches: () => number[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'quizmesh-sup-'));
  const port = await freePort();
  const log = join(dir, 'launches');
  const workload: Workload = {
    name: 'flaky-v1',
    app: 'flaky',
    version: 'v1',
    entry: 'tests/support/fixtures/flaky-workload.ts',
    traced: false,
    port,
    env: { HOST: '127.0.0.1', PORT: String(port), LAUNCH_LOG: log, ...env },
  };
  const launches = (): number[] =>
    existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').map(Number) : [];
  return { workload, launches };
}

function supervise(
  workload: Workload,
  logDir = mkdtempSync(join(tmpdir(), 'quizmesh-sup-logs-')),
): Supervisor {
  running = createSupervisor([workload], logDir, {}, { ...FAST, logMaxBytes: LOG_MAX_BYTES });
  running.start();
  return running;
}

const statusOf = (supervisor: Supervisor) => supervisor.processes()[0];

describe('supervisor', () => {
  it('restarts a workload that keeps crashing past any fixed count, and says it crash-loops', async () => {
    const { workload, launches } = await flaky({ CRASH_AFTER_MS: '30' });
    const supervisor = supervise(workload);
    // The old supervisor gave up after 5 restarts (6 launches).
    await waitUntil('10 launches', () => launches().length >= 10, 20_000);
    await waitUntil('crash-looping', () => statusOf(supervisor)?.state === 'crash-looping', 5_000);
    const status = statusOf(supervisor);
    assert.ok((status?.restarts ?? 0) >= 9, JSON.stringify(status));
    assert.equal(status?.lastExit?.code, 1);
  });

  it('a workload that ran fine for resetAfterMs restarts at the initial back-off again', async () => {
    const { workload } = await flaky({});
    const supervisor = supervise(workload);
    await waitUntil('running', () => statusOf(supervisor)?.state === 'running', 10_000);
    for (let kill = 0; kill < 4; kill++) {
      const pid = statusOf(supervisor)?.pid ?? 0;
      process.kill(pid, 'SIGKILL');
      await waitUntil(
        'restarted',
        () => statusOf(supervisor)?.state === 'running' && statusOf(supervisor)?.pid !== pid,
        10_000,
      );
    }
    assert.ok((statusOf(supervisor)?.backOffMs ?? 0) > FAST.backOff.initialMs);
    await waitUntil(
      'back-off reset',
      () => statusOf(supervisor)?.backOffMs === FAST.backOff.initialMs,
      FAST.backOff.resetAfterMs * 3,
    );
    assert.equal(statusOf(supervisor)?.restarts, 4);
  });

  it('a stopped (SIGSTOP) workload fails its liveness probe and is killed and restarted', async () => {
    const { workload } = await flaky({});
    const supervisor = supervise(workload);
    await waitUntil('running', () => statusOf(supervisor)?.state === 'running', 10_000);
    const hung = statusOf(supervisor)?.pid ?? 0;
    process.kill(hung, 'SIGSTOP');
    try {
      await waitUntil(
        'a new process',
        () => statusOf(supervisor)?.state === 'running' && statusOf(supervisor)?.pid !== hung,
        10_000,
      );
    } finally {
      if (isAlive(hung)) process.kill(hung, 'SIGKILL');
    }
    assert.equal(statusOf(supervisor)?.lastExit?.reason, 'liveness probe failed');
    assert.deepEqual(await waitGone([hung], 2_000), []);
  });

  it('a workload that logs 1 MiB keeps at most the cap in its log and one rotated copy', async () => {
    const { workload } = await flaky({ LOG_BYTES: String(2 ** 20) });
    const logDir = mkdtempSync(join(tmpdir(), 'quizmesh-sup-logs-'));
    const supervisor = supervise(workload, logDir);
    await waitUntil('running', () => statusOf(supervisor)?.state === 'running', 10_000);
    const log = join(logDir, `${workload.name}.log`);
    await waitUntil('rotated', () => existsSync(`${log}.1`), 10_000);
    await supervisor.stop();
    assert.ok(statSync(log).size <= LOG_MAX_BYTES, `${log}: ${String(statSync(log).size)} bytes`);
    assert.ok(statSync(`${log}.1`).size <= LOG_MAX_BYTES);
    assert.ok(!existsSync(`${log}.2`));
    // The newest lines are the ones kept, whole.
    assert.match(readFileSync(log, 'utf8').split('\n').at(-2) ?? '', /^\{"level":30,"msg":"x+"\}$/);
  });
});
