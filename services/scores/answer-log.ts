// Scores' durable state: an append-only JSON-lines file, written before an answer is acknowledged
// and replayed at start, so a restart loses no answer and never counts one twice. At start the log
// is compacted to one line per player plus the rounds still open, so it stays small.
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { answerRecord, playerScore, type AnswerRecord } from '../contracts/scores.ts';
import { Ledger } from './ledger.ts';

const logLine = z.discriminatedUnion('t', [
  answerRecord.extend({ t: z.literal('answer') }),
  playerScore.extend({ t: z.literal('total') }),
  z.object({ t: z.literal('open'), roundId: z.string(), expiresAt: z.number() }),
]);
type LogLine = z.infer<typeof logLine>;

export interface AnswerLog {
  ledger: Ledger;
  append(answer: AnswerRecord): void;
  /** Lines that could not be read at start (a torn last write, say): skipped, and reported. */
  skippedLines: number;
}

export function openAnswerLog(path: string, now = Date.now()): AnswerLog {
  const ledger = new Ledger();
  let skippedLines = 0;
  if (existsSync(path)) {
    for (const text of readFileSync(path, 'utf8').split('\n')) {
      if (text.trim() === '') continue;
      const parsed = logLine.safeParse(safeJson(text));
      if (parsed.success) replay(ledger, parsed.data, now);
      else skippedLines += 1;
    }
  }
  compact(path, ledger, now);
  return {
    ledger,
    skippedLines,
    append(answer) {
      appendFileSync(path, `${JSON.stringify({ t: 'answer', ...answer } satisfies LogLine)}\n`);
    },
  };
}

function replay(ledger: Ledger, line: LogLine, now: number): void {
  if (line.t === 'answer') ledger.record(line, now);
  else if (line.t === 'total') ledger.restoreTotal(line);
  else if (line.expiresAt > now) ledger.rememberRound(line.roundId, line.expiresAt);
}

/** Writes the compacted state beside the log and renames it over, so a crash leaves one or the other. */
function compact(path: string, ledger: Ledger, now: number): void {
  mkdirSync(dirname(path), { recursive: true });
  const lines: LogLine[] = [
    ...ledger.totals().map((total) => ({ t: 'total' as const, ...total })),
    ...ledger
      .openRounds(now)
      .map(([roundId, expiresAt]) => ({ t: 'open' as const, roundId, expiresAt })),
  ];
  const temporary = `${path}.compacting`;
  writeFileSync(temporary, lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
  renameSync(temporary, path);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
