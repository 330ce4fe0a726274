// Whether a process's memory grew during a soak, judged so that a noisy machine does not decide it:
// the first third of the run is warm-up (JIT, pools, caches filling) and is not judged; the median
// of the last third is compared with the median of the middle third, so a GC sawtooth or one slow
// sample moves neither; and growth must exceed a slack in MiB and in percent to count.

export interface Slack {
  mib: number;
  percent: number;
}

/** Fewer samples than this in a third, and a median says too little to judge on. */
export const MIN_SAMPLES_PER_THIRD = 3;

export type GrowthJudgement =
  | { judged: false; samples: number }
  | {
      judged: true;
      samples: number;
      middleMiB: number;
      lastMiB: number;
      growthMiB: number;
      /** The larger of the two slacks: a small process gets the MiB, a large one the percent. */
      allowedMiB: number;
      grew: boolean;
    };

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] ?? Number.NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? upper) + upper) / 2;
}

/** `series`: one process's RSS in MiB, in time order, sampled at a steady interval. */
export function judgeGrowth(series: readonly number[], slack: Slack): GrowthJudgement {
  const samples = series.filter((value) => Number.isFinite(value));
  const third = Math.floor(samples.length / 3);
  if (third < MIN_SAMPLES_PER_THIRD) return { judged: false, samples: samples.length };
  const middleMiB = median(samples.slice(third, 2 * third));
  const lastMiB = median(samples.slice(samples.length - third));
  const growthMiB = lastMiB - middleMiB;
  const allowedMiB = Math.max(slack.mib, (middleMiB * slack.percent) / 100);
  return {
    judged: true,
    samples: samples.length,
    middleMiB,
    lastMiB,
    growthMiB,
    allowedMiB,
    grew: growthMiB > allowedMiB,
  };
}

/** The rule, as the report states it. */
export function describeGrowthRule(slack: Slack): string {
  return (
    `memory grew when the median RSS of the last third of the run exceeds the median of the ` +
    `middle third by more than ${slack.mib} MiB and by more than ${slack.percent}% ` +
    `(the first third is warm-up)`
  );
}
