import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { playerGroups } from '../../../../console/server/player-groups.ts';
import { roundRatesFromScrapes } from '../../../../console/server/quiz-round-scrapes.ts';
import type { Sample } from '../../../../mesh-client/prometheus/prometheus-text.ts';

const rounds = (version: string, charset: string, result: string, value: number): Sample => ({
  name: 'quiz_rounds_total',
  labels: { result, player_charset: charset, version },
  value,
});

const bucket = (version: string, charset: string, le: string, value: number): Sample => ({
  name: 'quiz_round_duration_seconds_bucket',
  labels: { result: 'ok', player_charset: charset, le, version },
  value,
});

describe('player groups in the RED table', () => {
  it("gives each group of a version its round rate and error share, the version's other groups apart", () => {
    const groups = playerGroups(
      [
        { version: 'v2', charset: 'other', result: 'error', perSecond: 2 },
        { version: 'v2', charset: 'ascii', result: 'ok', perSecond: 3 },
        { version: 'v2', charset: 'other', result: 'ok', perSecond: 0 },
        { version: 'v3', charset: 'other', result: 'ok', perSecond: 1 },
      ],
      [{ version: 'v2', charset: 'ascii', seconds: 0.05 }],
    );
    assert.deepEqual(groups.get('v2'), [
      { charset: 'ascii', roundsPerSecond: 3, errorRate: 0, p99Ms: 50 },
      { charset: 'other', roundsPerSecond: 2, errorRate: 1, p99Ms: null },
    ]);
    assert.deepEqual(groups.get('v3'), [
      { charset: 'other', roundsPerSecond: 1, errorRate: 0, p99Ms: null },
    ]);
  });

  it('leaves out a group that played no round in the window, and a p99 that is NaN', () => {
    const groups = playerGroups(
      [
        { version: 'v1', charset: 'latin1', result: 'ok', perSecond: 0 },
        { version: 'v1', charset: 'ascii', result: 'ok', perSecond: 1 },
      ],
      [{ version: 'v1', charset: 'ascii', seconds: NaN }],
    );
    assert.deepEqual(groups.get('v1'), [
      { charset: 'ascii', roundsPerSecond: 1, errorRate: 0, p99Ms: null },
    ]);
  });

  it('takes rates and the p99 from two scrapes of the quiz instances, as rate() would', () => {
    const before = [rounds('v2', 'other', 'error', 10), bucket('v2', 'other', '0.1', 0)];
    const after = [
      rounds('v2', 'other', 'error', 30),
      rounds('v2', 'latin1', 'ok', 4), // new since the first scrape: counts whole
      bucket('v2', 'other', '0.1', 20),
      bucket('v2', 'other', '+Inf', 20),
    ];
    const { rates, p99s } = roundRatesFromScrapes(before, after, 10);
    assert.deepEqual(rates, [
      { version: 'v2', charset: 'other', result: 'error', perSecond: 2 },
      { version: 'v2', charset: 'latin1', result: 'ok', perSecond: 0.4 },
    ]);
    const [p99, ...more] = p99s;
    assert.deepEqual(more, []);
    assert.ok(p99);
    assert.equal(p99.charset, 'other');
    // 99% of 20 rounds all under 0.1 s: interpolated within the first bucket, as Prometheus does.
    assert.ok(Math.abs(p99.seconds - 0.099) < 1e-9, String(p99.seconds));
  });

  it('has no rates before a second scrape', () => {
    assert.deepEqual(roundRatesFromScrapes([], [rounds('v1', 'ascii', 'ok', 5)], 0), {
      rates: [],
      p99s: [],
    });
  });
});
