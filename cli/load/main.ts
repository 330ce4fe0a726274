// `quizmesh load`: options in, paced traffic out, a summary at the end. Ctrl-C ends the run early
// but still prints what was measured, since a half-run against a broken canary is often the point.
import { defineCommand } from '../arguments.ts';
import { runLoad } from './generator.ts';
import { LOAD_OPTIONS, LOAD_USAGE, parseLoadOptions, type LoadOptions } from './options.ts';
import { createProgressReporter } from './progress.ts';
import { formatSummary } from './summary.ts';

export const command = defineCommand({
  usage: LOAD_USAGE,
  options: LOAD_OPTIONS,
  run: ({ values }) => load(parseLoadOptions(values, process.env)),
});

async function load(options: LoadOptions): Promise<number> {
  const interrupt = new AbortController();
  const onSigint = () => {
    interrupt.abort();
  };
  // Once only: a second Ctrl-C falls through to Node's default and ends the process at once.
  process.once('SIGINT', onSigint);
  const progress = options.quiet ? undefined : createProgressReporter(process.stderr);
  try {
    const summary = await runLoad(options, {
      signal: interrupt.signal,
      ...(progress && { onProgress: progress.update, progressIntervalMs: progress.intervalMs }),
    });
    progress?.finish();
    process.stdout.write(
      options.json ? `${JSON.stringify(summary, null, 2)}\n` : formatSummary(summary),
    );
    return summary.reachable ? 0 : 1;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
