import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatSpread, spreadOf, tooNoisy } from '../../../../bench/stats/spread.ts';

describe('spreadOf', () => {
  it('gives min, median and max of an odd and an even count', () => {
    assert.deepEqual(spreadOf([3, 1, 2]), { min: 1, median: 2, max: 3, relativeRange: 1 });
    assert.equal(spreadOf([4, 1, 2, 3]).median, 2.5);
  });

  it('calls repeats that agree within the tolerance conclusive, and others not', () => {
    assert.equal(tooNoisy(spreadOf([0.95, 0.97, 1.0]), 0.1), false);
    // Two repeats that disagree by 2×, as the issue saw: nothing can be concluded.
    assert.equal(tooNoisy(spreadOf([122 / 100, 110 / 185]), 0.1), true);
  });

  it('formats as median (min–max)', () => {
    assert.equal(formatSpread(spreadOf([0.9, 1.1, 1])), '1.00 (0.90–1.10)');
  });

  it('refuses an empty list', () => {
    assert.throws(() => spreadOf([]), /no values/);
  });
});
