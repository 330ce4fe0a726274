// `quizmesh route` and `quizmesh status` against the real local mode (every service, the mesh,
// the trace store) on a private copy of mesh-config/: route's change is confirmed by the running
// mesh, and status shows the route in force and live figures for both quiz versions while rounds
// are played through the site.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startLocalMode, type RunningLocalMode } from '../../support/local-mode.ts';
import { meshConfigCopy } from '../../support/mesh-config.ts';
import { playRounds } from '../../support/quiz-traffic.ts';
import { runQuizmesh, type CliResult } from '../../support/quizmesh-cli.ts';

function quizmesh(args: string[], home: string): Promise<CliResult> {
  return runQuizmesh(args, { QUIZMESH_HOME: home });
}

interface StatusJson {
  from: { localMesh: boolean; generation?: number };
  services: { label: string; routes: string[] }[];
  live: {
    windowSeconds: number;
    workloads: { service: string; version: string; requests: number; p99Ms: number | null }[];
  } | null;
}

describe('quizmesh route and status with local mode running', () => {
  let local: RunningLocalMode;
  let configDir = '';
  before(async () => {
    configDir = meshConfigCopy();
    local = await startLocalMode({ QUIZMESH_MESH_CONFIG: configDir, TRACING: 'off' });
  });
  after(async () => {
    await local.stop();
  });

  it('route waits for the running mesh and reports the generation it applied', async () => {
    const result = await quizmesh(
      ['route', 'quiz', 'v1=50', 'v3=50', '--config', configDir],
      local.home,
    );
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^quiz: v1 50% · v3 50% → .*virtual-service-quiz\.yaml\n/);
    assert.match(result.stdout, /\napplied by the local mesh \(generation [2-9]\)\n$/);
  });

  it('status shows the route in force and live figures for quiz v1 and v3', async () => {
    const traffic = playRounds(local.state.siteUrl, ['ann', 'ben', 'cy', 'dee']);
    let result: CliResult;
    try {
      result = await quizmesh(['status', '--window', '2', '--json'], local.home);
    } finally {
      assert.ok((await traffic.stop()) > 0);
    }
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, 'sampling for 2 s…\n');
    const status = JSON.parse(result.stdout) as StatusJson;
    assert.equal(status.from.localMesh, true);
    assert.deepEqual(status.services.find((s) => s.label === 'quiz')?.routes, [
      'quiz v1 50% · v3 50%',
    ]);
    const live = status.live;
    assert.ok(live);
    const figures = (service: string, version: string) =>
      live.workloads.find((w) => w.service === service && w.version === version);
    for (const [service, version] of [
      ['frontend', 'v1'],
      ['quiz', 'v1'],
      ['quiz', 'v3'],
    ] as const) {
      const workload = figures(service, version);
      assert.ok((workload?.requests ?? 0) > 0, `${service} ${version}: ${JSON.stringify(live)}`);
      assert.ok(workload?.p99Ms !== null && (workload?.p99Ms ?? 0) > 0, JSON.stringify(workload));
    }
  });

  it('status prints the routes and a table when asked for text', async () => {
    const result = await quizmesh(['status', '--window', '0.5'], local.home);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^Routes in force, from the running local mesh, generation \d+:\n/);
    assert.match(result.stdout, /\n\s+quiz v1 50% · v3 50%\n/);
    assert.match(result.stdout, /\nLive, over 0\.\d s \(as destination sidecars report calls\):\n/);
    assert.match(result.stdout, /\n {2}service\s+version\s+req\/s\s+5xx\s+p99 ms\n/);
    assert.match(result.stdout, /\n {2}quiz\s+v3\s+\d+\.\d\s/);
  });
});
