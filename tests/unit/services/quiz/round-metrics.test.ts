import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMetrics } from '../../../../services/kit/metrics.ts';
import { createRoundMetrics } from '../../../../services/quiz/round-metrics.ts';

async function values(metrics: ReturnType<typeof createMetrics>, name: string) {
  const metric = metrics.registry.getSingleMetric(name);
  assert.ok(metric, `${name} is registered`);
  return (await metric.get()).values;
}

describe('round metrics', () => {
  it('counts each round under its result and its player charset', async () => {
    const metrics = createMetrics();
    const rounds = createRoundMetrics(metrics);
    rounds.start(encodeURIComponent('李雷'))('error');
    rounds.start(encodeURIComponent('José'))('ok');
    rounds.start(undefined)('ok');
    rounds.start(undefined)('ok');
    const counted = (await values(metrics, 'quiz_rounds_total')).map((v) => [v.labels, v.value]);
    assert.deepEqual(counted, [
      [{ result: 'error', player_charset: 'other' }, 1],
      [{ result: 'ok', player_charset: 'latin1' }, 1],
      [{ result: 'ok', player_charset: 'none' }, 2],
    ]);
  });

  it('times each round in quiz_round_duration_seconds with the same labels', async () => {
    const metrics = createMetrics();
    createRoundMetrics(metrics).start('alice')('error');
    const counts = (await values(metrics, 'quiz_round_duration_seconds')).filter(
      (v) => (v as { metricName?: string }).metricName === 'quiz_round_duration_seconds_count',
    );
    assert.deepEqual(
      counts.map((v) => [v.labels, v.value]),
      [[{ result: 'error', player_charset: 'ascii' }, 1]],
    );
  });
});
