// Config faults against the real local mode: a refused file in mesh-config/ and then the mesh
// killed with -9 (it used to crash-loop on the folder and leave the site down for good), and the
// scores service killed while players answer: the site comes back within RECOVERY_MS, the refused
// file is reported as a running mesh reports it, and no acknowledged answer is lost.
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readRuntimeState } from '../../../local/runtime-state.ts';
import { startLocalMode, type RunningLocalMode } from '../../support/local-mode.ts';
import { meshConfigCopy } from '../../support/mesh-config.ts';
import { waitUntil } from '../../support/process-checks.ts';

const RECOVERY_MS = 20_000;
const FAST_SUPERVISION = {
  QUIZMESH_RESTART_BACKOFF_MS: '100',
  QUIZMESH_RESTART_BACKOFF_MAX_MS: '1000',
};

interface MeshStatus {
  generation: number;
  rejected?: { errors: { file: string; reason: string }[] };
}

const pidOf = (local: RunningLocalMode, name: string): number => {
  const pid = readRuntimeState(local.home).processes?.find((p) => p.name === name)?.pid;
  assert.ok(pid !== undefined, `${name} has no recorded pid`);
  return pid;
};

async function meshStatus(local: RunningLocalMode): Promise<MeshStatus | undefined> {
  try {
    const response = await fetch(`${local.state.meshAdminUrl}/status`, {
      signal: AbortSignal.timeout(1_000),
    });
    return (await response.json()) as MeshStatus;
  } catch {
    return undefined; // restarting
  }
}

async function roundOk(
  local: RunningLocalMode,
  player = 'fault',
): Promise<{ id: string; images: { id: string }[] } | undefined> {
  try {
    const response = await fetch(`${local.state.siteUrl}/api/round`, {
      headers: { 'x-quiz-player': player },
      signal: AbortSignal.timeout(3_000),
    });
    if (response.status !== 200) return undefined;
    return (await response.json()) as { id: string; images: { id: string }[] };
  } catch {
    return undefined;
  }
}

describe('local mode under config and data faults', () => {
  let local: RunningLocalMode;
  let configDir: string;
  before(async () => {
    configDir = meshConfigCopy({ 'virtual-service-quiz.yaml': 'virtual-service-quiz-all-v3.yaml' });
    local = await startLocalMode({
      QUIZMESH_MESH_CONFIG: configDir,
      TRACING: 'off',
      ...FAST_SUPERVISION,
    });
  });
  after(async () => {
    await local.stop();
  });

  it('a refused file, then the mesh killed -9: the mesh comes back on the last good config and reports the file', async () => {
    writeFileSync(join(configDir, 'zz-bad.yaml'), 'kind: [\n');
    await waitUntil(
      'the bad file refused',
      async () => (await meshStatus(local))?.rejected !== undefined,
      10_000,
    );
    const before = await meshStatus(local);
    process.kill(pidOf(local, 'mesh'), 'SIGKILL');
    await waitUntil(
      'the site answers again',
      async () => (await roundOk(local)) !== undefined,
      RECOVERY_MS,
    );
    const after = await meshStatus(local);
    assert.equal(after?.generation, before?.generation);
    assert.deepEqual(after?.rejected?.errors, before?.rejected?.errors);
    assert.equal(after?.rejected?.errors[0]?.file, 'zz-bad.yaml');

    rmSync(join(configDir, 'zz-bad.yaml'));
    await waitUntil(
      'the folder loads again',
      async () => {
        const status = await meshStatus(local);
        return status !== undefined && status.rejected === undefined;
      },
      10_000,
    );
  });

  it('scores killed -9 while players answer: every acknowledged answer is kept', async () => {
    const player = `fault-${String(Date.now())}`;
    let acknowledged = 0;
    for (let play = 0; play < 12; play++) {
      let round: Awaited<ReturnType<typeof roundOk>>;
      await waitUntil(
        'a round',
        async () => (round = await roundOk(local, player)) !== undefined,
        RECOVERY_MS,
      );
      assert.ok(round);
      const answer = await fetch(`${local.state.siteUrl}/api/round/${round.id}/answer`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-quiz-player': player },
        body: JSON.stringify({ player, imageId: round.images[0]?.id }),
        signal: AbortSignal.timeout(3_000),
      }).catch(() => undefined);
      await answer?.arrayBuffer();
      if (answer?.status !== 200) continue;
      acknowledged += 1;
      // Killed right after acknowledging: the answer must already be on disk.
      if (acknowledged % 3 === 0) process.kill(pidOf(local, 'scores-v1'), 'SIGKILL');
    }
    assert.ok(acknowledged >= 9, `only ${String(acknowledged)} of 12 answers were acknowledged`);
    await waitUntil(
      'scores answers again',
      async () => (await roundOk(local)) !== undefined,
      RECOVERY_MS,
    );
    const board = (await (
      await fetch(`${local.state.siteUrl}/api/leaderboard?limit=100`)
    ).json()) as {
      players?: { player: string; answered: number }[];
    };
    const entry = board.players?.find((p) => p.player === player);
    assert.equal(entry?.answered, acknowledged, JSON.stringify(board));
  });
});
