// `quizmesh load` options: read with parseArgs, checked with zod, and refused with a message that
// names the option and the value given, so a typo costs one glance rather than a wasted run.
import { z } from 'zod';
import { checkOptions, describeOption, UsageError, type Values } from '../arguments.ts';
import { parseDuration } from '../duration.ts';

export const DEFAULT_URL = 'http://127.0.0.1:8080';

export interface LoadOptions {
  /** Base URL of the quiz site, without a trailing slash. */
  url: string;
  /** Plays started per second; each play is two requests. */
  rps: number;
  durationSeconds: number;
  players: number;
  /** Most plays in flight at once; a start that would exceed it is dropped. */
  concurrency: number;
  seed: number;
  quiet: boolean;
  json: boolean;
}

export const LOAD_USAGE = `Usage: quizmesh load [options]

Plays the quiz like a crowd would: each play fetches a round, then answers it (right about 70%
of the time), with plays started at evenly spaced times. A live line on stderr shows progress;
its rate, error share and latency cover the last 5 seconds. A summary goes to stdout at the end
or on Ctrl-C.

Options:
  --url <url>          quiz site (default: $QUIZMESH_URL or ${DEFAULT_URL})
  --rps <n>            plays started per second, each 2 requests (default 20, at most 2000)
  --duration <time>    how long to run: 60, 60s, 2m, 1500ms (default 60s)
  --players <n>        distinct player names, about 20% outside Latin-1 (default 30)
  --concurrency <n>    most plays in flight; starts beyond it are dropped (default 64)
  --seed <n>           seed for player names and choices (default 1)
  --quiet              no live line
  --json               print the summary as JSON
  -h, --help           show this help

Exit codes: 0 the run completed (whatever the site answered), 1 the site was never reachable,
2 bad options.
`;

const number = z
  .string()
  .trim()
  .regex(/^\d+(\.\d+)?$/, 'must be a number')
  .transform(Number);
const wholeNumber = z.string().trim().regex(/^\d+$/, 'must be a whole number').transform(Number);

const optionsSchema = z.object({
  url: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
    .transform((url) => url.replace(/\/+$/, '')),
  rps: number.pipe(z.number().gt(0, 'must be greater than 0').max(2000, 'must be at most 2000')),
  duration: z
    .string()
    .transform((text) => parseDuration(text) ?? Number.NaN)
    .pipe(
      z
        .number({ error: 'must be a time like 60, 60s, 2m or 1500ms' })
        .gt(0, 'must be longer than 0')
        .max(86_400, 'must be at most 24h'),
    ),
  players: wholeNumber.pipe(
    z.number().min(1, 'must be at least 1').max(100_000, 'must be at most 100000'),
  ),
  concurrency: wholeNumber.pipe(
    z.number().min(1, 'must be at least 1').max(10_000, 'must be at most 10000'),
  ),
  seed: wholeNumber.pipe(z.number().max(4_294_967_295, 'must fit in 32 bits')),
  quiet: z.boolean(),
  json: z.boolean(),
});

export const LOAD_OPTIONS = {
  url: { type: 'string' },
  rps: { type: 'string', default: '20' },
  duration: { type: 'string', default: '60' },
  players: { type: 'string', default: '30' },
  concurrency: { type: 'string', default: '64' },
  seed: { type: 'string', default: '1' },
  quiet: { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
} as const;

/** The run that parseArgs' `values` ask for; a UsageError names each option that is wrong. */
export function parseLoadOptions(
  values: Values<typeof LOAD_OPTIONS>,
  env: NodeJS.ProcessEnv = process.env,
): LoadOptions {
  // An empty QUIZMESH_URL (`QUIZMESH_URL= quizmesh load`) means unset, as shells usually intend.
  const fromEnv = env.QUIZMESH_URL === '' ? undefined : env.QUIZMESH_URL;
  const url = values.url ?? fromEnv ?? DEFAULT_URL;
  const { duration, ...rest } = checkOptions(optionsSchema, { ...values, url }, (key, given) => {
    const from = key === 'url' && values.url === undefined ? ' (from QUIZMESH_URL)' : '';
    return `${describeOption(key, given)}${from}`;
  });
  if (rest.rps * duration < 1) {
    throw new UsageError('--rps × --duration must allow at least one play');
  }
  return { ...rest, durationSeconds: duration };
}
