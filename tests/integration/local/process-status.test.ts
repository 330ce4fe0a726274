// A process that is down is said wherever local mode is looked at: `quizmesh status`, the mesh's
// /status and the console. A long back-off keeps a killed service crash-looping while we look.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readRuntimeState } from '../../../local/runtime-state.ts';
import { startLocalMode, type RunningLocalMode } from '../../support/local-mode.ts';
import { meshConfigCopy } from '../../support/mesh-config.ts';
import { runQuizmesh } from '../../support/quizmesh-cli.ts';
import { waitUntil } from '../../support/process-checks.ts';

interface Listed {
  name: string;
  state: string;
  restarts: number;
  lastExit?: { reason: string };
}

const down = (listed: Listed[] | undefined): Listed | undefined =>
  listed?.find((p) => p.name === 'images-v1');

describe('a crash-looping process in local mode', () => {
  let local: RunningLocalMode;
  before(async () => {
    local = await startLocalMode({
      QUIZMESH_MESH_CONFIG: meshConfigCopy(),
      TRACING: 'off',
      QUIZMESH_RESTART_BACKOFF_MS: '60000',
    });
    const pid = readRuntimeState(local.home).processes?.find((p) => p.name === 'images-v1')?.pid;
    assert.ok(pid !== undefined);
    process.kill(pid, 'SIGKILL');
    await waitUntil(
      'images-v1 crash-looping',
      () => down(readRuntimeState(local.home).processes)?.state === 'crash-looping',
      10_000,
    );
  });
  after(async () => {
    await local.stop();
  });

  it('quizmesh status names it, as CrashLoopBackOff with its last exit', async () => {
    const result = await runQuizmesh(['status', '--window', '0.5'], { QUIZMESH_HOME: local.home });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /\nProcesses: 1 of 10 not running \(images-v1\):\n/);
    assert.match(
      result.stdout,
      /images-v1 +CrashLoopBackOff \(next start in \d+\.\d s\) +0 +killed by SIGKILL/,
    );
    assert.match(result.stdout, /quiz-v1 +Running +0/);
  });

  it('quizmesh status --json lists every process', async () => {
    const result = await runQuizmesh(['status', '--window', '0.5', '--json'], {
      QUIZMESH_HOME: local.home,
    });
    const answer = JSON.parse(result.stdout) as { processes: Listed[] };
    assert.equal(down(answer.processes)?.state, 'crash-looping');
    assert.equal(answer.processes.length, 10);
  });

  it("the mesh's /status reports it", async () => {
    const response = await fetch(`${local.state.meshAdminUrl}/status`);
    const status = (await response.json()) as { processes?: Listed[] };
    assert.equal(down(status.processes)?.state, 'crash-looping');
    assert.equal(down(status.processes)?.lastExit?.reason, 'killed by SIGKILL');
  });

  it("the console's /api/processes reports it", async () => {
    const response = await fetch(`${local.url('console')}/api/processes`);
    const answer = (await response.json()) as { processes: Listed[] | null };
    assert.equal(down(answer.processes ?? [])?.state, 'crash-looping');
  });
});
