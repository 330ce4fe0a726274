// How much each counter series grew between two scrapes, as Prometheus' increase() counts it: a
// series that went down was reset (the process restarted) and counts from zero, and a series the
// first scrape did not have counts whole.
import type { Sample } from './prometheus-text.ts';

export interface Increase {
  /** The series as the later scrape has it. */
  sample: Sample;
  increase: number;
}

/** The increase of every series of `after` that `counts` keeps (both scrapes are filtered by it). */
export function counterIncreases(
  before: readonly Sample[],
  after: readonly Sample[],
  counts: (sample: Sample) => boolean,
): Increase[] {
  const earlier = new Map<string, number>();
  for (const sample of before) if (counts(sample)) earlier.set(seriesKey(sample), sample.value);
  return after.filter(counts).map((sample) => {
    const previous = earlier.get(seriesKey(sample));
    const increase =
      previous === undefined || sample.value < previous ? sample.value : sample.value - previous;
    return { sample, increase };
  });
}

/** A series' identity: its name and its labels in name order. */
const seriesKey = (sample: Sample): string =>
  JSON.stringify([
    sample.name,
    ...Object.keys(sample.labels)
      .sort()
      .map((name) => [name, sample.labels[name]]),
  ]);
