import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openAnswerLog } from '../../../../services/scores/answer-log.ts';
import { Ledger } from '../../../../services/scores/ledger.ts';

const NOW = 1_800_000_000_000;
const answer = (roundId: string, player: string, correct: boolean, expiresAt = NOW + 60_000) => ({
  roundId,
  player,
  correct,
  expiresAt,
});

describe('Ledger', () => {
  it('counts a correct answer as a point and every answer as an attempt', () => {
    const ledger = new Ledger();
    ledger.record(answer('round-0001', 'alice', true), NOW);
    const result = ledger.record(answer('round-0002', 'alice', false), NOW);
    assert.deepEqual(result, {
      status: 'recorded',
      score: { player: 'alice', score: 1, answered: 2 },
    });
  });

  it('refuses the same round twice while it is open', () => {
    const ledger = new Ledger();
    ledger.record(answer('round-0001', 'alice', true), NOW);
    assert.deepEqual(ledger.record(answer('round-0001', 'alice', true), NOW), {
      status: 'duplicate',
    });
    assert.equal(ledger.player('alice')?.score, 1);
  });

  it('forgets rounds once they expire, keeping the totals', () => {
    const ledger = new Ledger();
    ledger.record(answer('round-0001', 'alice', true, NOW + 10), NOW);
    assert.equal(ledger.forgetExpired(NOW + 11), 1);
    assert.equal(ledger.openRoundCount, 0);
    assert.equal(ledger.player('alice')?.score, 1);
  });

  it('ranks by score, then fewer attempts, then name', () => {
    const ledger = new Ledger();
    ledger.record(answer('r-000001', 'bob', true), NOW);
    ledger.record(answer('r-000002', 'bob', false), NOW);
    ledger.record(answer('r-000003', 'alice', true), NOW);
    ledger.record(answer('r-000004', 'carol', true), NOW);
    ledger.record(answer('r-000005', 'carol', true), NOW);
    assert.deepEqual(
      ledger.leaderboard(10).map((s) => s.player),
      ['carol', 'alice', 'bob'],
    );
    assert.equal(ledger.leaderboard(1).length, 1);
  });
});

describe('answer log', () => {
  const tempLog = (): string =>
    join(mkdtempSync(join(tmpdir(), 'quizmesh-scores-')), 'answers.jsonl');

  it('a restart keeps every answer and still refuses a round answered before it', () => {
    const path = tempLog();
    const first = openAnswerLog(path, NOW);
    for (const [i, player] of ['alice', 'Łukasz', 'alice'].entries()) {
      const a = answer(`round-000${i}`, player, true);
      first.append(a);
      first.ledger.record(a, NOW);
    }
    const second = openAnswerLog(path, NOW + 1);
    assert.deepEqual(second.ledger.player('alice'), { player: 'alice', score: 2, answered: 2 });
    assert.deepEqual(second.ledger.player('Łukasz'), { player: 'Łukasz', score: 1, answered: 1 });
    assert.equal(second.ledger.isAnswered('round-0000', NOW + 1), true);
    // and a third start, after compaction, says the same
    const third = openAnswerLog(path, NOW + 2);
    assert.deepEqual(third.ledger.totals(), second.ledger.totals());
    assert.equal(third.ledger.isAnswered('round-0002', NOW + 2), true);
  });

  it('compacts at start to one line per player plus the rounds still open', () => {
    const path = tempLog();
    const log = openAnswerLog(path, NOW);
    for (let i = 0; i < 50; i++)
      log.append(answer(`round-${1000 + i}`, 'alice', i % 2 === 0, NOW + (i < 40 ? 10 : 60_000)));
    openAnswerLog(path, NOW + 100);
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    assert.equal(lines.length, 1 + 10);
  });

  it('skips a torn last line instead of refusing to start', () => {
    const path = tempLog();
    const log = openAnswerLog(path, NOW);
    log.append(answer('round-0001', 'alice', true));
    appendFileSync(path, '{"t":"answer","roundId":"round-00');
    const reopened = openAnswerLog(path, NOW);
    assert.equal(reopened.skipped.length, 1);
    assert.equal(reopened.ledger.player('alice')?.score, 1);
  });
});
