import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { openCappedLog } from '../../../local/capped-log.ts';

const fresh = (): string => join(mkdtempSync(join(tmpdir(), 'quizmesh-log-')), 'quiz-v1.log');
const line = (n: number): string => `${JSON.stringify({ n, msg: 'x'.repeat(80) })}\n`;

it('a log past its cap keeps one rotated copy, and never more than twice the cap on disk', () => {
  const path = fresh();
  const log = openCappedLog(path, 4_096);
  for (let n = 0; n < 1_000; n++) log.write(line(n));
  log.close();
  assert.ok(statSync(path).size <= 4_096);
  assert.ok(statSync(`${path}.1`).size <= 4_096);
  assert.ok(!existsSync(`${path}.2`));
  const newest = readFileSync(path, 'utf8').trim().split('\n').at(-1);
  assert.equal(newest, line(999).trim());
  // The rotated copy ends just where the current file begins: no line lost between them.
  const first = JSON.parse(readFileSync(path, 'utf8').split('\n')[0] ?? '') as { n: number };
  const lastRotated = readFileSync(`${path}.1`, 'utf8').trim().split('\n').at(-1) ?? '';
  assert.equal((JSON.parse(lastRotated) as { n: number }).n, first.n - 1);
});

it('a log left by an earlier run counts toward the cap', () => {
  const path = fresh();
  writeFileSync(path, 'x'.repeat(4_000));
  const log = openCappedLog(path, 4_096);
  log.write(line(1));
  log.close();
  assert.equal(statSync(`${path}.1`).size, 4_000);
  assert.equal(readFileSync(path, 'utf8'), line(1));
});
