// histogram_quantile() as Prometheus computes it (promql/quantile.go, bucketQuantile), for one
// histogram's cumulative buckets: find the bucket the rank falls in and interpolate linearly
// between its bounds, the lowest bucket starting at 0. Results are Prometheus' too:
// NaN without a +Inf bucket or observations; the highest finite bound when the rank is in +Inf.

export interface Bucket {
  /** The bucket's upper bound, `le`; Infinity for +Inf. */
  le: number;
  /** Observations at or below `le` (cumulative). */
  count: number;
}

export function histogramQuantile(q: number, input: readonly Bucket[]): number {
  if (Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  const buckets = monotonic(coalesce(input));
  const highest = buckets.at(-1);
  if (highest === undefined || highest.le !== Infinity) return NaN;
  if (buckets.length < 2) return NaN;
  const observations = highest.count;
  if (observations === 0 || Number.isNaN(observations)) return NaN;

  let rank = q * observations;
  // The first bucket whose count reaches the rank, +Inf if no finite one does.
  let b = buckets.findIndex((bucket, i) => i < buckets.length - 1 && bucket.count >= rank);
  if (b === -1) b = buckets.length - 1;
  if (b === buckets.length - 1) return bucketAt(buckets, buckets.length - 2).le;
  const bucket = bucketAt(buckets, b);
  if (b === 0 && bucket.le <= 0) return bucket.le;

  let start = 0;
  let count = bucket.count;
  if (b > 0) {
    const previous = bucketAt(buckets, b - 1);
    start = previous.le;
    count -= previous.count;
    rank -= previous.count;
  }
  return start + (bucket.le - start) * (rank / count);
}

/** Sorted by bound, buckets with the same bound added together. */
function coalesce(buckets: readonly Bucket[]): Bucket[] {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const merged: Bucket[] = [];
  for (const bucket of sorted) {
    const last = merged.at(-1);
    if (last !== undefined && last.le === bucket.le) last.count += bucket.count;
    else merged.push({ ...bucket });
  }
  return merged;
}

/**
 * Counts never fall as bounds rise; scrapes that are not atomic, or a delta across a restart, can
 * say otherwise, and Prometheus then takes the highest count seen so far.
 */
function monotonic(buckets: Bucket[]): Bucket[] {
  let max = -Infinity;
  return buckets.map((bucket) => {
    max = Math.max(max, bucket.count);
    return { le: bucket.le, count: max };
  });
}

function bucketAt(buckets: readonly Bucket[], index: number): Bucket {
  const bucket = buckets[index];
  if (bucket === undefined) throw new Error(`no bucket ${index}`);
  return bucket;
}
