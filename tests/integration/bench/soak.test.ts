// `npm run soak` run for real, briefly: its own local mode, the load, the tables and the verdict.
// The growth rule itself is the unit tests' (tests/unit/bench/soak/); an 18-second run's thirds lie
// inside the processes' own warm-up, so here the MiB slack is wide and only the plumbing is judged,
// with errors and restarts still counted as in any soak.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const SOAK = fileURLToPath(new URL('../../../bench/soak.ts', import.meta.url));

function soak(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [SOAK, ...args], { timeout: 150_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

test('soak with a bad option says which and exits 2 without starting anything', async () => {
  const result = await soak(['--version', 'v4', '--minutes', '0']);
  assert.equal(result.code, 2);
  assert.match(
    result.stderr,
    /--minutes "0": must be at least 0\.25; --version "v4": must be v1, v2 or v3/,
  );
  assert.equal(result.stdout, '');
});

test(
  'a short soak of v3 prints memory over time, errors and a verdict that holds',
  { timeout: 180_000 },
  async () => {
    const result = await soak(['--minutes', '0.3', '--rate', '4', '--slack-mib', '256']);
    assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
    const out = result.stdout;
    assert.match(out, /^quizmesh soak: quiz v3, 4 plays\/s for 0\.3 min/m);
    // The memory table: a column every 5 s or so, a row per process, the mesh's figures under them.
    assert.match(out, /^ {2}RSS MiB +0:00( +0:\d\d){3,}$/m);
    for (const name of ['supervisor', 'zipkin', 'mesh', 'frontend-v1', 'quiz-v3', 'scores-v1']) {
      assert.match(out, new RegExp(`^  ${name}( +\\d+){4,}$`, 'm'), name);
    }
    assert.match(out, /^ {2}mesh: frontend req\/s +- +\d/m);
    assert.match(out, /^ {2}mesh: quiz v3 p99 ms /m);
    assert.match(out, /^ {2}quiz-v3 +[\d.]+ +[\d.]+ +[+-][\d.]+ +[\d.]+ +ok$/m);
    assert.match(out, /injected by quiz v3: none/);
    assert.match(out, /^rule: memory grew when the median RSS of the last third/m);
    assert.match(out, /^ok {3}memory: no process grew \(\d+ judged/m);
    assert.match(out, /^ok {3}errors: 0 failed plays beyond the injected ones; 0 failed in all/m);
    assert.match(out, /^ok {3}restarts: none$/m);
    assert.match(out, /^verdict: the soak holds$/m);
  },
);
