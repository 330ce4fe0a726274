// `npm run soak`: what to run before trusting the demo on stage. Local mode under steady load for
// minutes, every process's memory sampled over time; fails (exit 1) on memory growth, on failed
// plays beyond the ones the quiz version injects, or on a restart. bench/soak/ holds the parts.
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError } from '../cli/arguments.ts';
import { parseSoakOptions, SOAK_USAGE } from './soak/options.ts';
import { planSoak } from './soak/plan.ts';
import { reportSoak } from './soak/report.ts';
import { runSoak } from './soak/run.ts';

let parsed;
try {
  parsed = parseSoakOptions(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  process.stderr.write(`soak: ${error.message} (see npm run soak -- --help)\n`);
  process.exit(2);
}
if (parsed === 'help') {
  process.stdout.write(SOAK_USAGE);
  process.exit(0);
}
const options = parsed;
const plan = planSoak(options);

process.stdout.write(
  `quizmesh soak: quiz ${options.version}, ${options.rate} plays/s for ${options.minutes} min; ` +
    `warm-up ${Math.round(plan.warmUpSeconds)} s; Prometheus off; trace store capped at ` +
    `${plan.traceStoreTraces} traces (MAX_TRACES), full before warm-up ends\n`,
);
const interrupt = new AbortController();
process.once('SIGINT', () => {
  interrupt.abort();
});
const run = await runSoak(options, plan, interrupt.signal);
const { text, verdict } = reportSoak(run, options, plan);
process.stdout.write(text);
rmSync(dirname(run.meshConfigDir), { recursive: true, force: true });
if (verdict.holds) {
  rmSync(run.home, { recursive: true, force: true });
} else {
  process.stdout.write(`local mode's logs kept in ${run.home}/logs\n`);
}
process.exit(verdict.holds ? 0 : 1);
