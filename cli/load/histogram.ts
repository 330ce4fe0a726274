// Latency samples kept in fixed log-spaced buckets rather than as a list, so an hour-long run uses
// the same few kilobytes as a one-second one. Buckets grow by 1% each, so a percentile read back is
// within about 0.5% of the exact sample value, far finer than run-to-run noise.

const GROWTH = 1.01;
const LOG_GROWTH = Math.log(GROWTH);
/** Covers 1 µs to about 100 s; slower samples share the last bucket (the exact max is kept). */
const BUCKET_COUNT = Math.ceil(Math.log(100_000_000) / LOG_GROWTH) + 1;

export class LatencyHistogram {
  readonly #counts = new Float64Array(BUCKET_COUNT);
  #count = 0;
  #min = Infinity;
  #max = 0;

  get count(): number {
    return this.#count;
  }

  /** The largest sample exactly, or 0 when there is none. */
  get max(): number {
    return this.#max;
  }

  /** The smallest sample exactly, or 0 when there is none. */
  get min(): number {
    return this.#count === 0 ? 0 : this.#min;
  }

  record(micros: number): void {
    const value = Math.max(0, micros);
    const index = bucketOf(value);
    this.#counts[index] = (this.#counts[index] ?? 0) + 1;
    this.#count += 1;
    if (value < this.#min) this.#min = value;
    if (value > this.#max) this.#max = value;
  }

  /** Adds every sample of `other` into this one, as if they had been recorded here. */
  addAll(other: LatencyHistogram): void {
    for (let i = 0; i < BUCKET_COUNT; i++) {
      this.#counts[i] = (this.#counts[i] ?? 0) + (other.#counts[i] ?? 0);
    }
    this.#count += other.#count;
    this.#min = Math.min(this.#min, other.#min);
    this.#max = Math.max(this.#max, other.#max);
  }

  /**
   * The nearest-rank percentile `p` (0–100) in microseconds, or 0 with no samples. Read from the
   * middle of the bucket holding that rank, except that the first and last ranks are the exact
   * min and max: a "max" that is off by a bucket would look like a measuring error.
   */
  percentile(p: number): number {
    if (this.#count === 0) return 0;
    const rank = Math.max(1, Math.ceil((Math.min(100, Math.max(0, p)) / 100) * this.#count));
    if (rank === this.#count) return this.#max;
    if (rank === 1) return this.#min;
    let seen = 0;
    for (let i = 0; i < BUCKET_COUNT; i++) {
      seen += this.#counts[i] ?? 0;
      if (seen >= rank) return Math.min(this.#max, Math.max(this.#min, bucketMiddle(i)));
    }
    return this.#max;
  }
}

function bucketOf(micros: number): number {
  if (micros < 1) return 0;
  return Math.min(BUCKET_COUNT - 1, Math.floor(Math.log(micros) / LOG_GROWTH) + 1);
}

/** Bucket i ≥ 1 holds [GROWTH^(i-1), GROWTH^i); bucket 0 holds everything below 1 µs. */
function bucketMiddle(index: number): number {
  if (index === 0) return 0.5;
  return Math.sqrt(GROWTH ** (index - 1) * GROWTH ** index);
}
