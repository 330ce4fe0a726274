// Which samples the memory table shows: one column per minute on a run of up to ten minutes, and
// on other runs the roundest step that gives at most about ten columns, plus the last sample, so
// the table stays readable from a 20-second check to an hour on stage.
import type { SoakSample } from './sampler.ts';

const STEPS_SECONDS = [5, 10, 15, 20, 30, 60, 120, 300, 600, 900, 1800, 3600];
const MAX_COLUMNS = 10;

export function columnStep(durationSeconds: number): number {
  return (
    STEPS_SECONDS.find((step) => durationSeconds / step <= MAX_COLUMNS) ??
    Math.ceil(durationSeconds / MAX_COLUMNS)
  );
}

/** The sample nearest each step from the first one on, and the last one; each sample at most once. */
export function columnSamples(samples: readonly SoakSample[], step: number): SoakSample[] {
  const last = samples.at(-1);
  if (last === undefined) return [];
  const chosen: SoakSample[] = [];
  for (let at = 0; at < last.atSeconds - step / 2; at += step) {
    const nearest = samples.reduce((best, s) =>
      Math.abs(s.atSeconds - at) < Math.abs(best.atSeconds - at) ? s : best,
    );
    if (!chosen.includes(nearest)) chosen.push(nearest);
  }
  if (!chosen.includes(last)) chosen.push(last);
  return chosen;
}
