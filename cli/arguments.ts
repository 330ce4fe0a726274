// How a `quizmesh` command reads its arguments and refuses bad ones, written once. A command
// declares its parseArgs options and usage text with defineCommand; the dispatcher (quizmesh.ts)
// reads argv with parseArguments, answers -h/--help with the usage text, and prints any
// UsageError (from parseArgs, from checkOptions' zod schema, or thrown by the command itself) as
// `quizmesh <command>: <reason>` with a pointer to the help, exit status 2.
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import type { z } from 'zod';

/** Arguments a command cannot act on; its message says what is wrong, without the command name. */
export class UsageError extends Error {
  override name = 'UsageError';
}

type Options = ParseArgsOptionsConfig;

/** parseArgs' values for `O`, typed per option as parseArgs types them. */
export type Values<O extends Options> = ReturnType<
  typeof parseArgs<{ options: O; strict: true; allowPositionals: true }>
>['values'];

export interface Arguments<O extends Options> {
  values: Values<O>;
  positionals: string[];
}

export interface Command<O extends Options = Options> {
  /** What --help and `quizmesh help <command>` print. */
  usage: string;
  /** parseArgs' options, without -h/--help, which every command takes. */
  options: O;
  /** Whether it takes words that are not options (default: no). */
  positionals?: boolean;
  /** The exit status; a UsageError thrown from here is a usage error too. */
  run(args: Arguments<O>): Promise<number> | number;
}

/** A command, with its options' types inferred for run. */
export function defineCommand<const O extends Options>(command: Command<O>): Command<O> {
  return command;
}

const HELP = { help: { type: 'boolean', short: 'h', default: false } } as const;

/** argv read as `command` declares it, with --help noted; a mistake is a UsageError. */
export function parseArguments<O extends Options>(
  argv: readonly string[],
  command: Pick<Command<O>, 'options' | 'positionals'>,
): Arguments<O> & { help: boolean } {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { ...command.options, ...HELP },
      strict: true,
      allowPositionals: command.positionals ?? false,
    });
  } catch (error) {
    if (!isParseArgsError(error)) throw error;
    // "Unknown option '--rsp'. To specify a positional argument…": the first sentence says what
    // is wrong; the advice about `--` is for other programs' arguments.
    throw new UsageError(error.message.split('. ')[0] ?? error.message);
  }
  // parseArgs' own types cannot follow `O` through the spread above.
  const { help, ...values } = parsed.values as { help: boolean } & Record<string, unknown>;
  return { help, values: values as Values<O>, positionals: parsed.positionals };
}

function isParseArgsError(error: unknown): error is Error {
  const code = (error as { code?: unknown } | undefined)?.code;
  return error instanceof Error && typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}

/** `--window 5`, as a problem names it: the option, then the value given when it is text. */
export function describeOption(key: string, given: unknown): string {
  return typeof given === 'string' ? `--${key} ${JSON.stringify(given)}` : `--${key}`;
}

/**
 * What `schema` makes of `given` (parseArgs' values, and what the command adds), or a UsageError
 * saying for each option that is wrong what is wrong with it: the first problem says enough.
 */
export function checkOptions<S extends z.ZodType>(
  schema: S,
  given: Record<string, unknown>,
  describe: (key: string, given: unknown) => string = describeOption,
): z.output<S> {
  const checked = schema.safeParse(given);
  if (checked.success) return checked.data;
  const problems = new Map<string, string>();
  for (const issue of checked.error.issues) {
    const key = String(issue.path[0]);
    if (!problems.has(key)) problems.set(key, `${describe(key, given[key])}: ${issue.message}`);
  }
  throw new UsageError([...problems.values()].join('; '));
}

/** The seconds of a --window: a number more than 0 and at most an hour. */
export function windowSeconds(text: string): number {
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 3600) {
    throw new UsageError('--window: give seconds, more than 0 and at most 3600');
  }
  return seconds;
}
