// Process faults against the real local mode, on short probe and back-off timings: each kind of
// process killed again and again, one hung with SIGSTOP, the supervisor itself killed with -9. The
// site must come back within RECOVERY_MS each time, and nothing local mode started may outlive it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../../../local/ports.ts';
import { readRuntimeState, type RuntimeState } from '../../../local/runtime-state.ts';
import { startLocalMode, type RunningLocalMode } from '../../support/local-mode.ts';
import { meshConfigCopy } from '../../support/mesh-config.ts';
import { isAlive, waitGone, waitUntil } from '../../support/process-checks.ts';

/** How long the site may take to answer again after a fault (probe and back-off timings below). */
const RECOVERY_MS = 20_000;
const FAST_SUPERVISION = {
  QUIZMESH_RESTART_BACKOFF_MS: '100',
  QUIZMESH_RESTART_BACKOFF_MAX_MS: '1000',
  QUIZMESH_LIVENESS_PERIOD_MS: '300',
  QUIZMESH_LIVENESS_TIMEOUT_MS: '300',
  QUIZMESH_LIVENESS_FAILURES: '3',
};
/** One of each kind: the trace store, the mesh, a service of each app, the console. */
const KINDS = [
  'zipkin',
  'mesh',
  'frontend-v1',
  'quiz-v1',
  'images-v1',
  'descriptions-v1',
  'scores-v1',
  'console',
];

const state = (local: RunningLocalMode): RuntimeState => readRuntimeState(local.home);
const processOf = (local: RunningLocalMode, name: string) =>
  state(local).processes?.find((p) => p.name === name);
const recordedPids = (local: RunningLocalMode): number[] =>
  (state(local).processes ?? []).flatMap((p) => (p.pid === undefined ? [] : [p.pid]));

/** The site answers a round (v1 fails about one round in five by design: a few tries). */
async function siteAnswers(siteUrl: string): Promise<boolean> {
  for (let attempt = 0; attempt < 8; attempt++) {
    try {
      const response = await fetch(`${siteUrl}/api/round`, {
        headers: { 'x-quiz-player': 'fault' },
        signal: AbortSignal.timeout(2_000),
      });
      await response.arrayBuffer();
      if (response.status === 200) return true;
    } catch {
      // refused or timed out: not yet
    }
  }
  return false;
}

async function replaced(local: RunningLocalMode, name: string, old: number): Promise<number> {
  return waitUntil(
    `${name} replaced and running`,
    () => {
      const now = processOf(local, name);
      return now?.state === 'running' && now.pid !== undefined && now.pid !== old;
    },
    RECOVERY_MS,
  );
}

describe('local mode under process faults', () => {
  let local: RunningLocalMode;
  let prometheusPort = 0;
  before(async () => {
    prometheusPort = await freePort();
    local = await startLocalMode({
      QUIZMESH_MESH_CONFIG: meshConfigCopy(),
      TRACING: 'off',
      QUIZMESH_PROMETHEUS: 'auto',
      PROMETHEUS_PORT: String(prometheusPort),
      ...FAST_SUPERVISION,
    });
  });
  after(async () => {
    await local.stop();
  });

  it('each kind of process, killed three times running, is back and the site answers each time', async () => {
    for (const name of [...KINDS, 'prometheus']) {
      for (let kill = 0; kill < 3; kill++) {
        const pid = processOf(local, name)?.pid;
        assert.ok(
          pid !== undefined,
          `${name} has no recorded pid: ${JSON.stringify(state(local).processes)}`,
        );
        process.kill(pid, 'SIGKILL');
        await replaced(local, name, pid);
        assert.ok(await siteAnswers(local.state.siteUrl), `the site is down after ${name} died`);
      }
      assert.ok((processOf(local, name)?.restarts ?? 0) >= 3);
    }
    assert.ok(state(local).prometheusUrl, 'Prometheus is recorded once it runs again');
  });

  it('a hung (SIGSTOP) service is killed by its liveness probe and replaced', async () => {
    const hung = processOf(local, 'images-v1')?.pid ?? 0;
    process.kill(hung, 'SIGSTOP');
    try {
      await replaced(local, 'images-v1', hung);
    } finally {
      if (isAlive(hung)) process.kill(hung, 'SIGKILL');
    }
    assert.equal(processOf(local, 'images-v1')?.lastExit?.reason, 'liveness probe failed');
    assert.ok(await siteAnswers(local.state.siteUrl));
  });

  it('kill -9 of the supervisor leaves no process behind, and the next start has Prometheus', async () => {
    const pids = recordedPids(local);
    assert.ok(pids.length >= 11, `recorded: ${pids.join(' ')}`);
    process.kill(local.child.pid ?? 0, 'SIGKILL');
    await local.stop();
    assert.deepEqual(await waitGone(pids, 15_000), [], 'processes outlived the supervisor');

    local = await startLocalMode({
      QUIZMESH_HOME: local.home,
      QUIZMESH_MESH_CONFIG: meshConfigCopy(),
      TRACING: 'off',
      QUIZMESH_PROMETHEUS: 'auto',
      PROMETHEUS_PORT: String(prometheusPort),
      ...FAST_SUPERVISION,
    });
    await waitUntil('Prometheus recorded', () => state(local).prometheusUrl !== undefined, 20_000);
    assert.doesNotMatch(local.output(), /is taken, not started/);
  });

  it('a start after a killed run clears what could not leave by itself (a stopped child)', async () => {
    const stuck = processOf(local, 'descriptions-v1')?.pid ?? 0;
    process.kill(stuck, 'SIGSTOP');
    process.kill(local.child.pid ?? 0, 'SIGKILL');
    await local.stop();
    assert.ok(isAlive(stuck), 'a stopped process cannot notice its supervisor is gone');
    try {
      local = await startLocalMode({
        QUIZMESH_HOME: local.home,
        QUIZMESH_MESH_CONFIG: meshConfigCopy(),
        TRACING: 'off',
        ...FAST_SUPERVISION,
      });
      assert.deepEqual(await waitGone([stuck], 5_000), []);
      assert.match(local.output(), /cleared \d+ process(es)? left by an earlier run/);
    } finally {
      if (isAlive(stuck)) process.kill(stuck, 'SIGKILL');
    }
  });
});
