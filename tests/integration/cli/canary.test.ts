// `quizmesh canary` end to end against the real local mode on a private copy of mesh-config/, with
// short intervals: a canary to v2 (the hasty fix) passes its header-matched stage and rolls back on
// its errors; a canary to v3 promotes; silence never promotes; Ctrl-C leaves a valid config with
// the step's route in force, which `canary abort` undoes. Each time the mesh-config folder, the
// route the running mesh applies and the rollout's state file must agree.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { rolloutPath, readRollout, type Rollout } from '../../../mesh-client/canary/state.ts';
import { summariseHttpRoute } from '../../../mesh-client/routes/route-summary.ts';
import { declaredMeshTopology } from '../../../local/mesh-topology.ts';
import { readRuntimeState } from '../../../local/runtime-state.ts';
import { loadMeshConfig } from '../../../mesh/config/load.ts';
import type { MeshConfig } from '../../../mesh/config/schema.ts';
import { startLocalMode, type RunningLocalMode } from '../../support/local-mode.ts';
import { meshConfigCopy } from '../../support/mesh-config.ts';
import { whilePlaying } from '../../support/quiz-traffic.ts';
import { runQuizmesh, type CliResult } from '../../support/quizmesh-cli.ts';

const CLI = fileURLToPath(new URL('../../../cli/quizmesh.ts', import.meta.url));
/** Lenient on latency: these tests are about errors and silence on a busy 2-core machine. */
const LENIENT = ['--max-weight', '50', '--max-p99-ms', '3000'];

describe('quizmesh canary with local mode running', () => {
  let local: RunningLocalMode;
  let configDir = '';
  const quizmesh = (args: string[]): Promise<CliResult> =>
    runQuizmesh(args, { QUIZMESH_HOME: local.home });

  before(async () => {
    configDir = meshConfigCopy();
    local = await startLocalMode({ QUIZMESH_MESH_CONFIG: configDir, TRACING: 'off' });
  });
  after(async () => {
    await local.stop();
  });

  /** The quiz routes as the running mesh has them in force, one line per http route. */
  async function quizRoutesInForce(): Promise<string[]> {
    const dump = (await (await fetch(`${local.state.meshAdminUrl}/config_dump`)).json()) as {
      config: Pick<MeshConfig, 'virtualServices'>;
    };
    const quiz = dump.config.virtualServices.find((vs) => vs.metadata.name === 'quiz');
    assert.ok(quiz, 'the mesh has a quiz VirtualService');
    return quiz.spec.http.map(summariseHttpRoute);
  }

  /** The quiz routes in mesh-config/, after checking the whole folder loads as the mesh loads it. */
  function quizRoutesInFolder(): string[] {
    const loaded = loadMeshConfig(configDir, declaredMeshTopology());
    assert.ok(loaded.ok, `mesh-config is valid: ${JSON.stringify(loaded)}`);
    const quiz = loaded.config.virtualServices.find((vs) => vs.metadata.name === 'quiz');
    assert.ok(quiz);
    return quiz.spec.http.map(summariseHttpRoute);
  }

  function rollout(): Rollout {
    const found = readRollout(local.home, 'quiz');
    assert.equal(found.kind, 'found');
    return found.rollout;
  }

  it('a canary with no traffic fails every check for lack of data and rolls back', async () => {
    const args = 'canary quiz --from v1 --to v3 --step 25 --interval 1s';
    const result = await quizmesh([...args.split(' '), ...LENIENT]);
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.match(
      result.stdout,
      /failed \(no data\): no requests reached quiz-v3 in the last 1s → hold/,
    );
    assert.match(result.stdout, /ROLLED BACK: v1 takes every call to quiz/);
    assert.doesNotMatch(result.stdout, /passed/);
    assert.deepEqual(quizRoutesInFolder(), ['quiz v1']);
    const state = rollout();
    assert.equal(state.phase, 'rolled-back');
    assert.deepEqual(
      state.checks.map((c) => [c.noData, c.decision]),
      [
        [true, 'hold'],
        [true, 'rollback'],
      ],
    );
  });

  it('a canary to v2 passes with the header group, then rolls back on the errors everyone else gets', async () => {
    // dev's name is Latin-1, which v2 handles; Łukasz's is not, which is v2's bug.
    const args = 'canary quiz --from v1 --to v2 --header x-quiz-player=dev --step 50 --interval 2s';
    const result = await whilePlaying(
      local.state.siteUrl,
      ['dev', 'Łukasz', 'Łukasz', 'Łukasz'],
      () => quizmesh([...args.split(' '), ...LENIENT, '--threshold', '1']),
    );
    assert.equal(result.code, 1, result.stdout + result.stderr);
    const state = rollout();
    assert.equal(state.phase, 'rolled-back');
    const [header, weighted] = state.checks;
    assert.ok(header && weighted, result.stdout);
    assert.deepEqual(
      [header.stage, header.passed, header.decision],
      [{ kind: 'header' }, true, 'advance'],
    );
    assert.deepEqual(
      [weighted.stage, weighted.passed, weighted.decision],
      [{ kind: 'weight', weight: 50 }, false, 'rollback'],
    );
    assert.ok((weighted.figures.v2?.successRate ?? 100) < 99, JSON.stringify(weighted.figures));
    assert.match(result.stdout, /ROLLED BACK: v1 takes every call to quiz/);
    assert.deepEqual(quizRoutesInFolder(), ['quiz v1']);
    assert.deepEqual(await quizRoutesInForce(), ['quiz v1']);
  });

  it('a canary to v3 goes through its steps and promotes', async () => {
    const result = await whilePlaying(local.state.siteUrl, ['ana', 'ben', 'cy', 'dee'], () =>
      quizmesh([
        ...'canary quiz --from v1 --to v3 --step 25 --interval 2s --threshold 3'.split(' '),
        ...LENIENT,
      ]),
    );
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /PROMOTED: v3 takes every call to quiz/);
    const state = rollout();
    assert.equal(state.phase, 'promoted');
    const passed = state.checks.filter((c) => c.passed).map((c) => c.stage);
    assert.deepEqual(passed, [
      { kind: 'weight', weight: 25 },
      { kind: 'weight', weight: 50 },
    ]);
    assert.deepEqual(quizRoutesInFolder(), ['quiz v3']);
    assert.deepEqual(await quizRoutesInForce(), ['quiz v3']);
  });

  it('Ctrl-C leaves a valid config with the step in force, and abort sends every call back', async () => {
    const child = spawn(
      process.execPath,
      [CLI, 'canary', 'quiz', '--from', 'v3', '--to', 'v1', '--step', '20', '--interval', '60s'],
      { env: { ...process.env, QUIZMESH_HOME: local.home }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const deadline = Date.now() + 15_000;
    while (!/applied \(generation \d+\)/.test(output)) {
      assert.ok(Date.now() < deadline, `the first step was not applied:\n${output}`);
      await sleep(50);
    }
    child.kill('SIGINT');
    assert.equal(await exited, 3, output);
    assert.match(output, /interrupted; the route v3 80% · v1 20% stays in force/);
    assert.deepEqual(quizRoutesInFolder(), ['quiz v3 80% · v1 20%']);
    assert.deepEqual(await quizRoutesInForce(), ['quiz v3 80% · v1 20%']);
    assert.equal(rollout().phase, 'interrupted');

    const status = await quizmesh(['canary', 'status', 'quiz']);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /interrupted at v1 20%/);
    assert.match(status.stdout, /next: quizmesh canary resume quiz · quizmesh canary abort quiz/);
    const overall = await quizmesh(['status', '--window', '0.5']);
    assert.match(overall.stdout, /Canary rollouts:\n {2}quiz: v3 → v1, interrupted at v1 20%/);
    const again = await quizmesh(['canary', 'quiz', '--from', 'v3', '--to', 'v1']);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /an unfinished rollout of quiz \(v3 → v1\)/);

    const aborted = await quizmesh(['canary', 'abort', 'quiz']);
    assert.equal(aborted.code, 0, aborted.stderr);
    assert.match(aborted.stdout, /ABORTED: v3 takes every call to quiz/);
    assert.deepEqual(quizRoutesInFolder(), ['quiz v3']);
    assert.deepEqual(await quizRoutesInForce(), ['quiz v3']);
    assert.equal(rollout().phase, 'aborted');
    assert.ok(existsSync(rolloutPath(local.home, 'quiz')));
    assert.match(readFileSync(rolloutPath(local.home, 'quiz'), 'utf8'), /"phase": "aborted"/);
  });

  it('refuses to write routes to a folder the running local mode does not apply', async () => {
    const other = meshConfigCopy();
    const result = await quizmesh([
      'canary',
      'quiz',
      '--from',
      'v3',
      '--to',
      'v1',
      '--config',
      other,
    ]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /local mode applies .* routes written there would change nothing/);
  });
});

describe("quizmesh canary reading local mode's Prometheus", () => {
  let local: RunningLocalMode;

  before(async () => {
    local = await startLocalMode({
      QUIZMESH_MESH_CONFIG: meshConfigCopy(),
      TRACING: 'off',
      QUIZMESH_PROMETHEUS: 'auto',
      PROMETHEUS_PORT: '0',
    });
    // Local mode writes Prometheus' address once Prometheus answers.
    const deadline = Date.now() + 20_000;
    while (readRuntimeState(local.home).prometheusUrl === undefined) {
      assert.ok(Date.now() < deadline, `no Prometheus:\n${local.output()}`);
      await sleep(100);
    }
  });
  after(async () => {
    await local.stop();
  });

  it('judges the canary with the Flagger queries and promotes v3', async () => {
    const args = 'canary quiz --from v1 --to v3 --step 50 --interval 4s --threshold 3';
    const result = await whilePlaying(
      local.state.siteUrl,
      ['ana', 'ben', 'cy', 'dee'],
      async () => {
        // Prometheus needs a few scrapes of a series before rate() over it has a value.
        await sleep(3_000);
        return runQuizmesh([...args.split(' '), ...LENIENT], { QUIZMESH_HOME: local.home });
      },
    );
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /figures: Prometheus http:\/\/127\.0\.0\.1:\d+\n/);
    assert.match(
      result.stdout,
      /check \d at v3 50%: v3 \d+(\.\d)? req 100\.0% ok p99 \d+ ms \| v1 .*\n +passed/,
    );
    assert.match(result.stdout, /PROMOTED: v3 takes every call to quiz/);
  });
});
