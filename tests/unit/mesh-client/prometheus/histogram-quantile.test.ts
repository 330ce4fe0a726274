// histogram_quantile as Prometheus computes it, checked against values worked out by hand: the
// bucket the rank falls in, linear interpolation inside it, and Prometheus' answers at the edges.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  histogramQuantile,
  type Bucket,
} from '../../../../mesh-client/prometheus/histogram-quantile.ts';

// 10 observations: 2 at most 10 ms, 4 more up to 20 ms, 3 more up to 50 ms, 1 above 50 ms.
const TEN: Bucket[] = [
  { le: 10, count: 2 },
  { le: 20, count: 6 },
  { le: 50, count: 9 },
  { le: Infinity, count: 10 },
];

describe('histogramQuantile', () => {
  it('interpolates within the bucket the rank falls in: p50 of 10 is rank 5, 3/4 into 10–20', () => {
    assert.equal(histogramQuantile(0.5, TEN), 17.5);
  });

  it('starts the lowest bucket at 0: p10 is rank 1, halfway into 0–10', () => {
    assert.equal(histogramQuantile(0.1, TEN), 5);
  });

  it('takes the bucket whose count equals the rank: p90 is rank 9, the top of 20–50', () => {
    assert.equal(histogramQuantile(0.9, TEN), 50);
  });

  it('answers the highest finite bound when the rank falls in +Inf', () => {
    assert.equal(histogramQuantile(0.99, TEN), 50);
  });

  it('computes p99 and p95 over Istio buckets as Prometheus does', () => {
    const buckets: Bucket[] = [
      { le: 0.5, count: 0 },
      { le: 1, count: 0 },
      { le: 5, count: 50 },
      { le: 10, count: 90 },
      { le: 25, count: 99 },
      { le: 50, count: 100 },
      { le: Infinity, count: 100 },
    ];
    assert.equal(histogramQuantile(0.99, buckets), 25); // rank 99: the top of 10–25
    const p95 = histogramQuantile(0.95, buckets); // rank 95: 5 of the 9 in 10–25
    assert.ok(Math.abs(p95 - (10 + 15 * (5 / 9))) < 1e-9, String(p95));
  });

  it('answers the highest finite bound when every observation is in +Inf', () => {
    const buckets: Bucket[] = [
      { le: 10, count: 0 },
      { le: 20, count: 0 },
      { le: Infinity, count: 5 },
    ];
    assert.equal(histogramQuantile(0.99, buckets), 20);
    assert.equal(histogramQuantile(0.01, buckets), 20);
  });

  it('is NaN when there are no observations (every count 0)', () => {
    const buckets = TEN.map((b) => ({ ...b, count: 0 }));
    assert.ok(Number.isNaN(histogramQuantile(0.99, buckets)));
  });

  it('is NaN without a +Inf bucket, with only a +Inf bucket, or with no buckets', () => {
    assert.ok(Number.isNaN(histogramQuantile(0.5, TEN.slice(0, 3))));
    assert.ok(Number.isNaN(histogramQuantile(0.5, [{ le: Infinity, count: 3 }])));
    assert.ok(Number.isNaN(histogramQuantile(0.5, [])));
  });

  it('is -Inf below q 0, +Inf above q 1, and NaN for q NaN', () => {
    assert.equal(histogramQuantile(-0.1, TEN), -Infinity);
    assert.equal(histogramQuantile(1.1, TEN), Infinity);
    assert.ok(Number.isNaN(histogramQuantile(NaN, TEN)));
  });

  it('sorts the buckets and adds up buckets with the same bound', () => {
    const shuffled: Bucket[] = [
      { le: Infinity, count: 6 },
      { le: 20, count: 3 },
      { le: 50, count: 5 },
      { le: 10, count: 1 },
      { le: 10, count: 1 },
      { le: 20, count: 3 },
      { le: 50, count: 4 },
      { le: Infinity, count: 4 },
    ];
    assert.equal(histogramQuantile(0.5, shuffled), 17.5);
  });

  it('makes counts that fall as bounds rise monotonic, as Prometheus does', () => {
    const buckets: Bucket[] = [
      { le: 10, count: 3 },
      { le: 20, count: 2 },
      { le: Infinity, count: 4 },
    ];
    // Read as 10: 3, 20: 3, +Inf: 4; p50 is rank 2, 2/3 into 0–10.
    assert.ok(Math.abs(histogramQuantile(0.5, buckets) - 20 / 3) < 1e-9);
  });

  it('answers the bound of a lowest bucket at or below 0 for ranks in it', () => {
    const buckets: Bucket[] = [
      { le: 0, count: 4 },
      { le: 10, count: 8 },
      { le: Infinity, count: 8 },
    ];
    assert.equal(histogramQuantile(0.25, buckets), 0);
    assert.equal(histogramQuantile(0.75, buckets), 5);
  });
});
