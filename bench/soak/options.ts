// `npm run soak` options: read with parseArgs, checked with zod, bounded so that a typo cannot ask
// for a week-long run or a rate no laptop sustains; a mistake names the option and the value.
import { z } from 'zod';
import { checkOptions, parseArguments, type Values } from '../../cli/arguments.ts';
import { QUIZ_VERSIONS, type QuizVersion } from './injected-failures.ts';
import type { Slack } from './growth.ts';

export interface SoakOptions {
  minutes: number;
  /** Plays started per second, each a round and an answer. */
  rate: number;
  version: QuizVersion;
  slack: Slack;
}

export const SOAK_USAGE = `Usage: npm run soak -- [options]

Starts local mode in a temporary home with every call to quiz routed to one version, plays the
quiz at a steady rate, samples every process's memory, and fails (exit 1) when a process's memory
grew, when plays failed beyond the ones the version injects, or when a process was restarted.

Options:
  --minutes <n>        how long to play (default 10, from 0.25 to 1440)
  --rate <n>           plays started per second, each 2 requests (default 10, at most 200)
  --version <v>        the quiz version every call goes to: v1, v2 or v3 (default v3)
  --slack-mib <n>      growth allowed, in MiB (default 10)
  --slack-percent <n>  growth allowed, in percent of the process's memory (default 10)
  -h, --help           show this help

Exit codes: 0 the soak holds, 1 it does not, 2 bad options.
`;

const OPTIONS = {
  minutes: { type: 'string', default: '10' },
  rate: { type: 'string', default: '10' },
  version: { type: 'string', default: 'v3' },
  'slack-mib': { type: 'string', default: '10' },
  'slack-percent': { type: 'string', default: '10' },
} as const;

const number = z
  .string()
  .trim()
  .regex(/^\d+(\.\d+)?$/, 'must be a number')
  .transform(Number);

const schema = z.object({
  minutes: number.pipe(
    z.number().min(0.25, 'must be at least 0.25').max(1440, 'must be at most 1440'),
  ),
  rate: number.pipe(z.number().gt(0, 'must be greater than 0').max(200, 'must be at most 200')),
  version: z.enum(QUIZ_VERSIONS, { error: 'must be v1, v2 or v3' }),
  'slack-mib': number.pipe(z.number().max(4096, 'must be at most 4096')),
  'slack-percent': number.pipe(z.number().max(1000, 'must be at most 1000')),
});

/** The soak argv asks for, `help` when it asks for the usage; a mistake is a UsageError. */
export function parseSoakOptions(argv: readonly string[]): SoakOptions | 'help' {
  const { help, values } = parseArguments(argv, { options: OPTIONS });
  if (help) return 'help';
  const checked = checkOptions(schema, values satisfies Values<typeof OPTIONS>);
  return {
    minutes: checked.minutes,
    rate: checked.rate,
    version: checked.version,
    slack: { mib: checked['slack-mib'], percent: checked['slack-percent'] },
  };
}
