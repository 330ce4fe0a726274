// `quizmesh load`: options in, paced traffic out, a summary at the end. Ctrl-C ends the run early
// but still prints what was measured, since a half-run against a broken canary is often the point.
import { runLoad } from './generator.ts';
import { LOAD_USAGE, parseLoadOptions } from './options.ts';
import { createProgressReporter } from './progress.ts';
import { formatSummary } from './summary.ts';

export async function run(argv: readonly string[]): Promise<number> {
  const parsed = parseLoadOptions(argv, process.env);
  if (parsed.kind === 'help') {
    process.stdout.write(LOAD_USAGE);
    return 0;
  }
  if (parsed.kind === 'invalid') {
    process.stderr.write(`quizmesh load: ${parsed.message}\nSee 'quizmesh load --help'.\n`);
    return 2;
  }
  const { options } = parsed;

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
