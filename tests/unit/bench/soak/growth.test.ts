import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seededRandom } from '../../../../services/kit/seeded-random.ts';
import { judgeGrowth, median } from '../../../../bench/soak/growth.ts';

const SLACK = { mib: 10, percent: 10 };

/** `count` samples around `base` MiB with ±`noise` MiB of jitter and `slope` MiB per sample. */
function series(count: number, base: number, noise: number, slope = 0): number[] {
  const random = seededRandom(7);
  return Array.from({ length: count }, (_, i) => base + slope * i + (random() * 2 - 1) * noise);
}

describe('judgeGrowth', () => {
  it('a flat series with GC-sized noise and one outlier per third did not grow', () => {
    const samples = series(60, 150, 8);
    for (const at of [5, 25, 45]) samples[at] = 230; // a heap spike just before a major GC
    const judged = judgeGrowth(samples, SLACK);
    assert.ok(judged.judged);
    assert.equal(judged.grew, false);
    assert.ok(Math.abs(judged.growthMiB) < 5, `growth ${judged.growthMiB}`);
  });

  it('a series growing 1 MiB a sample grew, by the distance between the thirds', () => {
    const judged = judgeGrowth(series(60, 50, 8, 1), SLACK);
    assert.ok(judged.judged);
    assert.equal(judged.grew, true);
    assert.ok(judged.growthMiB > 14 && judged.growthMiB < 26, `growth ${judged.growthMiB}`);
    // About 80 MiB in the middle third: 10% is less than the 10 MiB slack, so 10 MiB is allowed.
    assert.equal(judged.allowedMiB, 10);
  });

  it('growth beyond the MiB slack but within the percent slack of a large process is allowed', () => {
    const steps = [...new Array<number>(20).fill(500), ...new Array<number>(10).fill(540)];
    const judged = judgeGrowth(steps, SLACK);
    assert.ok(judged.judged);
    assert.equal(judged.growthMiB, 40);
    assert.equal(judged.allowedMiB, 50);
    assert.equal(judged.grew, false);
  });

  it('growth during warm-up, the first third, is not judged', () => {
    const warmingUp = [...series(20, 100, 2, 3), ...series(40, 160, 4)];
    const judged = judgeGrowth(warmingUp, SLACK);
    assert.ok(judged.judged);
    assert.equal(judged.grew, false);
  });

  it('with fewer than three samples a third there is no judgement, and missing samples do not count', () => {
    assert.deepEqual(judgeGrowth([100, 101, 102, 103, 104, 105, 106, 107], SLACK), {
      judged: false,
      samples: 8,
    });
    const judged = judgeGrowth([100, Number.NaN, 100, 100, 100, 100, 100, 100, 100, 100], SLACK);
    assert.equal(judged.samples, 9);
    assert.ok(judged.judged);
  });

  it('median takes the middle value, or the mean of the two middle ones', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.ok(Number.isNaN(median([])));
  });
});
