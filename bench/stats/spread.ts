// How far repeated measurements of one figure disagree, said beside the figure: a benchmark on a
// noisy machine reports min / median / max of its repeats and says when they disagree too much to
// conclude anything, instead of printing one mean as if it were the truth.
export interface Spread {
  min: number;
  median: number;
  max: number;
  /** (max − min) / median: 0 when every repeat agrees. */
  relativeRange: number;
}

export function spreadOf(values: readonly number[]): Spread {
  if (values.length === 0) throw new Error('no values to summarize');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  const median = Number.isInteger(middle)
    ? ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
    : (sorted[Math.floor(middle)] ?? 0);
  const min = sorted[0] ?? 0;
  const max = sorted.at(-1) ?? 0;
  return { min, median, max, relativeRange: median === 0 ? Infinity : (max - min) / median };
}

/** `0.97 (0.91–1.02)`: the median and the range of the repeats. */
export function formatSpread(spread: Spread, digits = 2): string {
  return `${spread.median.toFixed(digits)} (${spread.min.toFixed(digits)}–${spread.max.toFixed(digits)})`;
}

/** Repeats that disagree by more than `tolerance` of their median decide nothing. */
export const tooNoisy = (spread: Spread, tolerance: number): boolean =>
  spread.relativeRange > tolerance;
