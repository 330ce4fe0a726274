// Scores' durable state: an append-only JSON-lines file (line-file.ts), written and flushed before
// an answer is acknowledged and replayed at start, so a restart loses no acknowledged answer and
// never counts one twice. A line that cannot be read (torn, or not written by scores) is skipped
// and reported with its offset. At start the log is compacted to one line per player plus the
// rounds still open, so it stays small.
import type { AnswerRecord } from '../contracts/scores.ts';
import { Ledger } from './ledger.ts';
import { openForAppend, readLines, replaceLines } from './line-file.ts';
import { answerLogLine, type AnswerLogLine } from './stored-answer.ts';

/** A line replay skipped: where it was, and how it began (cut short: it may be anything). */
export interface SkippedLine {
  offset: number;
  bytes: number;
  start: string;
}

export interface AnswerLog {
  ledger: Ledger;
  /** Returns once the answer is on disk; throws if it could not be written. */
  append(answer: AnswerRecord): void;
  /** Lines that could not be read at start (a torn write, say), in file order. */
  skipped: SkippedLine[];
  close(): void;
}

const SHOWN_CHARS = 80;

export function openAnswerLog(path: string, now = Date.now()): AnswerLog {
  const ledger = new Ledger();
  const skipped: SkippedLine[] = [];
  const schema = answerLogLine(() => now);
  for (const { offset, text } of readLines(path)) {
    if (text.trim() === '') continue;
    const parsed = schema.safeParse(safeJson(text));
    if (parsed.success) replay(ledger, parsed.data, now);
    else
      skipped.push({ offset, bytes: Buffer.byteLength(text), start: text.slice(0, SHOWN_CHARS) });
  }
  compact(path, ledger, now);
  const appender = openForAppend(path);
  return {
    ledger,
    skipped,
    append(answer) {
      appender.append(JSON.stringify({ t: 'answer', ...answer } satisfies AnswerLogLine));
    },
    close: () => {
      appender.close();
    },
  };
}

function replay(ledger: Ledger, line: AnswerLogLine, now: number): void {
  if (line.t === 'answer') ledger.record(line, now);
  else if (line.t === 'total') ledger.restoreTotal(line);
  else if (line.expiresAt > now) ledger.rememberRound(line.roundId, line.expiresAt);
}

function compact(path: string, ledger: Ledger, now: number): void {
  const lines: AnswerLogLine[] = [
    ...ledger.totals().map((total) => ({ t: 'total' as const, ...total })),
    ...ledger
      .openRounds(now)
      .map(([roundId, expiresAt]) => ({ t: 'open' as const, roundId, expiresAt })),
  ];
  replaceLines(
    path,
    lines.map((line) => JSON.stringify(line)),
  );
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
