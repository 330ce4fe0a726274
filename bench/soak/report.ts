// Everything a soak prints after the run, and whether it holds: the load's summary, the memory
// tables, the errors by kind, the rule, and the verdict with the figures that decided it.
import { formatSummary } from '../../cli/load/summary.ts';
import { countErrors } from './error-count.ts';
import { describeGrowthRule, judgeGrowth, type GrowthJudgement } from './growth.ts';
import { formatErrorTable } from './error-report.ts';
import { formatGrowthTable, formatMemoryTable, processNames } from './memory-report.ts';
import type { SoakOptions } from './options.ts';
import type { SoakRun } from './run.ts';
import type { SoakSample } from './sampler.ts';
import { columnSamples, columnStep } from './timeline.ts';
import { judgeSoak, type SoakVerdict } from './verdict.ts';
import type { SoakPlan } from './plan.ts';

export function reportSoak(
  run: SoakRun,
  options: SoakOptions,
  plan: SoakPlan,
): { text: string; verdict: SoakVerdict } {
  const names = processNames(run.samples);
  const growth = new Map<string, GrowthJudgement>(
    names.map((name) => [
      name,
      judgeGrowth(
        run.samples.map((s) => s.rssMiB.get(name) ?? Number.NaN),
        options.slack,
      ),
    ]),
  );
  const errors = countErrors(run.summary, run.injected);
  const verdict = judgeSoak({
    growth,
    errors,
    failedPlays: run.summary.plays.failed,
    restarts: restartsDuring(run.samples, names),
  });
  const columns = columnSamples(run.samples, columnStep(plan.durationSeconds));
  const text = [
    formatSummary(run.summary),
    `memory over time (${run.samples.length} samples, every ${plan.sampleIntervalMs / 1000} s):`,
    formatMemoryTable(columns, names, options.version),
    `growth, median RSS in MiB of the middle and last thirds:`,
    formatGrowthTable(growth),
    formatErrorTable(errors, options.version),
    `rule: ${describeGrowthRule(options.slack)}; errors beyond the injected ones and restarts fail too`,
    ...verdict.lines,
    `verdict: ${verdict.holds ? 'the soak holds' : 'the soak does not hold'}`,
    '',
  ].join('\n');
  return { text, verdict };
}

/** Restarts local mode counted between the first sample and the last, by process. */
function restartsDuring(
  samples: readonly SoakSample[],
  names: readonly string[],
): Map<string, number> {
  const first = samples[0];
  const last = samples.at(-1);
  return new Map(
    names.map((name) => [name, (last?.restarts.get(name) ?? 0) - (first?.restarts.get(name) ?? 0)]),
  );
}
