import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { openAnswerLog } from '../../../../services/scores/answer-log.ts';

const NOW = 1_700_000_000_000;

function answer(roundId: string, player = 'alice', correct = true) {
  return { roundId, player, correct, expiresAt: NOW + 600_000 };
}

function logPath(): string {
  return join(mkdtempSync(join(tmpdir(), 'scores-log-')), 'data', 'answers.jsonl');
}

describe('answer log', () => {
  test('answers appended are there after a restart, counted once', () => {
    const path = logPath();
    const log = openAnswerLog(path, NOW);
    log.append(answer('round-0001'));
    log.ledger.record(answer('round-0001'), NOW);
    log.close();

    const reopened = openAnswerLog(path, NOW);
    assert.deepEqual(reopened.ledger.player('alice'), { player: 'alice', score: 1, answered: 1 });
    assert.equal(reopened.ledger.isAnswered('round-0001', NOW), true);
    assert.deepEqual(reopened.skipped, []);
    reopened.close();
  });

  test('a torn record left while it runs is not glued to the next answer, and is reported', () => {
    const path = logPath();
    const log = openAnswerLog(path, NOW);
    log.append(answer('round-0001'));
    // A write cut short: half a record, no newline.
    const tornAt = statSync(path).size;
    appendFileSync(path, '{"t":"answer","roundId":"round-00');
    log.append(answer('round-0002', 'bob'));
    log.close();

    const reopened = openAnswerLog(path, NOW);
    assert.equal(reopened.ledger.isAnswered('round-0001', NOW), true);
    assert.equal(reopened.ledger.isAnswered('round-0002', NOW), true, 'the answer after the tear');
    assert.deepEqual(reopened.ledger.player('bob'), { player: 'bob', score: 1, answered: 1 });
    assert.equal(reopened.skipped.length, 1);
    assert.equal(reopened.skipped.at(0)?.offset, tornAt);
    assert.match(reopened.skipped.at(0)?.start ?? '', /^\{"t":"answer","roundId":"round-00/);
    reopened.close();
  });

  test('a torn last line at start is skipped and reported with its offset', () => {
    const path = logPath();
    openAnswerLog(path, NOW).close();
    const good = `${JSON.stringify({ t: 'answer', ...answer('round-0001') })}\n`;
    writeFileSync(path, `${good}{"t":"ans`);

    const reopened = openAnswerLog(path, NOW);
    assert.equal(reopened.ledger.isAnswered('round-0001', NOW), true);
    assert.deepEqual(
      reopened.skipped.map((line) => line.offset),
      [Buffer.byteLength(good)],
    );
    reopened.close();
  });

  test('forged lines are not replayed: an answer kept forever, a total out of reach', () => {
    const path = logPath();
    openAnswerLog(path, NOW).close();
    const lines = [
      { t: 'answer', ...answer('round-0001'), expiresAt: 1e15 },
      { t: 'open', roundId: 'round-0002', expiresAt: 1e15 },
      { t: 'total', player: 'mallory', score: 1e9, answered: 1 },
      { t: 'total', player: 'x'.repeat(10_000), score: 1, answered: 1 },
    ];
    writeFileSync(path, lines.map((line) => `${JSON.stringify(line)}\n`).join(''));

    const reopened = openAnswerLog(path, NOW);
    assert.equal(reopened.ledger.isAnswered('round-0001', NOW), false);
    assert.equal(reopened.ledger.isAnswered('round-0002', NOW), false);
    assert.deepEqual(reopened.ledger.totals(), []);
    assert.equal(reopened.skipped.length, 4);
    reopened.close();
  });

  test('the log and its folder are readable by their owner only', () => {
    const path = logPath();
    const log = openAnswerLog(path, NOW);
    log.append(answer('round-0001'));
    log.close();
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal(statSync(join(path, '..')).mode & 0o777, 0o700);
    assert.ok(readFileSync(path, 'utf8').endsWith('\n'));
  });
});
