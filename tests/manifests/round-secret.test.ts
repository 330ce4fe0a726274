// skaffold's render hook, k8s/round-secret.sh, run as skaffold runs it: from another directory, on
// a PATH without openssl.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROOT } from './rendered.ts';

// What the script may use: a POSIX base, and deliberately no openssl.
const TOOLS = ['sh', 'sed', 'head', 'base64', 'tr', 'grep', 'mv', 'dirname'];

let work: string;
let repo: string;
const envFile = () => join(repo, 'k8s/base/round-secret.env');
const secretOf = () => /^ROUND_SECRET=(.*)$/m.exec(readFileSync(envFile(), 'utf8'))?.[1] ?? '';

function runHook(): void {
  execFileSync('sh', [join(repo, 'k8s/round-secret.sh')], {
    cwd: work, // not the repo: skaffold may be started anywhere
    env: { PATH: join(work, 'bin') },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

before(() => {
  work = mkdtempSync(join(tmpdir(), 'round-secret-'));
  repo = join(work, 'repo');
  mkdirSync(join(repo, 'k8s/base'), { recursive: true });
  mkdirSync(join(work, 'bin'));
  copyFileSync(join(ROOT, 'k8s/round-secret.sh'), join(repo, 'k8s/round-secret.sh'));
  copyFileSync(
    join(ROOT, 'k8s/base/round-secret.env.example'),
    join(repo, 'k8s/base/round-secret.env.example'),
  );
  for (const tool of TOOLS) {
    const path = execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim();
    symlinkSync(path, join(work, 'bin', tool));
  }
});
after(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('k8s/round-secret.sh', () => {
  it('makes a secret of 32+ characters readable by its owner only, without openssl', () => {
    runHook();
    assert.ok(secretOf().length >= 32, `secret ${secretOf()}`);
    assert.equal(statSync(envFile()).mode & 0o777, 0o600);
  });

  it('keeps a good secret across runs', () => {
    const first = secretOf();
    runHook();
    assert.equal(secretOf(), first);
  });

  for (const [what, content] of [
    ['an empty value', 'ROUND_SECRET=\n'],
    ['an empty file', ''],
    ['a short value', 'ROUND_SECRET=tooshort\n'],
  ] as const) {
    it(`replaces ${what}`, () => {
      writeFileSync(envFile(), content);
      runHook();
      assert.ok(secretOf().length >= 32, `after ${what}: "${secretOf()}"`);
    });
  }

  it("replaces the example's value", () => {
    const example = join(repo, 'k8s/base/round-secret.env.example');
    const value = 'ROUND_SECRET=' + 'x'.repeat(40) + '\n';
    writeFileSync(example, value);
    writeFileSync(envFile(), value);
    runHook();
    assert.notEqual(secretOf(), 'x'.repeat(40));
    assert.ok(secretOf().length >= 32);
  });
});
