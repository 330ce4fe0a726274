// `quizmesh route` against a real local mesh in front of echo upstreams: the file it writes is
// hot-reloaded by the mesh and the traffic follows (a 50/50 split, a header route), and a route to
// a version no DestinationRule defines is refused without touching the file.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { writeRuntimeState } from '../../../local/runtime-state.ts';
import { meshConfigCopy } from '../../support/mesh-config.ts';
import { startMesh, type MeshUnderTest } from '../../support/mesh-harness.ts';
import { runQuizmesh, type CliResult } from '../../support/quizmesh-cli.ts';

function quizmesh(args: string[], home: string): Promise<CliResult> {
  return runQuizmesh(args, { QUIZMESH_HOME: home });
}

async function generation(mesh: MeshUnderTest): Promise<number> {
  const status = (await (await fetch(`${mesh.adminUrl}/status`)).json()) as { generation: number };
  return status.generation;
}

/** Waits until the mesh has applied a generation after `previous`. */
async function applied(mesh: MeshUnderTest, previous: number): Promise<number> {
  const deadline = Date.now() + 3_000;
  for (;;) {
    const now = await generation(mesh);
    if (now > previous) return now;
    if (Date.now() > deadline) assert.fail(`mesh still at generation ${now}:\n${mesh.output()}`);
    await sleep(50);
  }
}

/** The echo instance that answered each of `n` calls to quiz from frontend, 50 at a time. */
async function callQuiz(
  mesh: MeshUnderTest,
  n: number,
  headers: Record<string, string> = {},
): Promise<Record<string, number>> {
  const url = `${mesh.outbound('frontend-v1', 'quiz')}/rounds`;
  const counts: Record<string, number> = {};
  for (let done = 0; done < n; done += 50) {
    const answers = await Promise.all(
      Array.from({ length: Math.min(50, n - done) }, async () => {
        const response = await fetch(url, { method: 'POST', headers });
        return ((await response.json()) as { instance: string }).instance;
      }),
    );
    for (const instance of answers) counts[instance] = (counts[instance] ?? 0) + 1;
  }
  return counts;
}

describe('quizmesh route against a running mesh', () => {
  let mesh: MeshUnderTest;
  let configDir = '';
  let quizFile = '';
  // No runtime state here: route writes the file and the mesh watching the folder applies it.
  const home = mkdtempSync(join(tmpdir(), 'quizmesh-home-'));
  before(async () => {
    configDir = meshConfigCopy();
    quizFile = join(configDir, 'virtual-service-quiz.yaml');
    mesh = await startMesh({ configDir });
  });
  after(async () => {
    // undefined when before() failed to start it
    await (mesh as MeshUnderTest | undefined)?.stop();
  });

  it('route quiz v1=50 v3=50 splits 400 calls, each version taking 35–65%', async () => {
    const previous = await generation(mesh);
    const result = await quizmesh(['route', 'quiz', 'v1=50', 'v3=50', '--config', configDir], home);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `quiz: v1 50% · v3 50% → ${quizFile}\n`);
    await applied(mesh, previous);

    const counts = await callQuiz(mesh, 400);
    assert.equal((counts['quiz-v1'] ?? 0) + (counts['quiz-v3'] ?? 0), 400, JSON.stringify(counts));
    for (const instance of ['quiz-v1', 'quiz-v3']) {
      const share = ((counts[instance] ?? 0) / 400) * 100;
      assert.ok(
        share >= 35 && share <= 65,
        `${instance} took ${share}%: ${JSON.stringify(counts)}`,
      );
    }
  });

  it('route quiz v1=100 --header x-quiz-player=alice:v3 sends alice to v3, everyone else to v1', async () => {
    const previous = await generation(mesh);
    const result = await quizmesh(
      ['route', 'quiz', 'v1=100', '--header', 'x-quiz-player=alice:v3', '--config', configDir],
      home,
    );
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `quiz: v1 100% (header x-quiz-player=alice → v3) → ${quizFile}\n`);
    await applied(mesh, previous);

    assert.deepEqual(await callQuiz(mesh, 100, { 'x-quiz-player': 'alice' }), { 'quiz-v3': 100 });
    assert.deepEqual(await callQuiz(mesh, 100, { 'x-quiz-player': 'bob' }), { 'quiz-v1': 100 });
    assert.deepEqual(await callQuiz(mesh, 100), { 'quiz-v1': 100 });
  });

  it('route quiz v9=100 exits 1, leaves the file byte-identical, and the mesh keeps its generation', async () => {
    const before = readFileSync(quizFile);
    const previous = await generation(mesh);
    const result = await quizmesh(['route', 'quiz', 'v9=100', '--config', configDir], home);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /destination\.subset: subset v9 is not defined for host quiz/);
    assert.match(result.stderr, /nothing written\n$/);
    assert.ok(readFileSync(quizFile).equals(before));
    await sleep(500); // Longer than the watcher's debounce: a write would have been reloaded.
    assert.equal(await generation(mesh), previous);
    assert.deepEqual(await callQuiz(mesh, 50, { 'x-quiz-player': 'alice' }), { 'quiz-v3': 50 });
  });

  it("with local mode's runtime state pointing at the mesh, waits and names the generation applied", async () => {
    const running = mkdtempSync(join(tmpdir(), 'quizmesh-home-'));
    writeRuntimeState(running, {
      pid: process.pid,
      startedAt: new Date().toISOString(),
      siteUrl: mesh.ingressUrl,
      zipkinUrl: '',
      meshStatsUrl: `${mesh.adminUrl}/stats/prometheus`,
      meshAdminUrl: mesh.adminUrl,
      workloads: [],
    });
    const previous = await generation(mesh);
    const result = await quizmesh(
      ['route', 'quiz', 'v1=90', 'v3=10', '--config', configDir],
      running,
    );
    assert.equal(result.code, 0, result.stderr);
    const [line, confirmation] = result.stdout.split('\n');
    assert.equal(line, `quiz: v1 90% · v3 10% → ${quizFile}`);
    const confirmed = /^applied by the local mesh \(generation (\d+)\)$/.exec(confirmation ?? '');
    assert.ok(confirmed, result.stdout);
    assert.ok(Number(confirmed[1]) > previous);
    assert.equal(Number(confirmed[1]), await generation(mesh));
  });
});
