// The live line on stderr. On a terminal it is rewritten in place a few times a second; piped into
// a file or CI log it becomes one line every few seconds, since a carriage return there just
// piles hundreds of partial lines into one.
import type { LiveSnapshot } from './stats.ts';

export const TTY_INTERVAL_MS = 250;
export const LOG_INTERVAL_MS = 5_000;

/** `500×3 504×7`, or an empty string when nothing failed. */
export function formatStatusCounts(counts: Record<string, number>): string {
  return Object.entries(counts)
    .map(([status, count]) => `${status}×${count}`)
    .join(' ');
}

/** Microseconds as milliseconds, with more decimals for the sub-millisecond times a hop costs. */
export function formatMs(micros: number): string {
  const ms = micros / 1000;
  return ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0);
}

export function formatProgressLine(s: LiveSnapshot): string {
  const dropped = s.dropped > 0 ? ` ${s.dropped} dropped` : '';
  const statuses = s.errors > 0 ? ` ${formatStatusCounts(s.errorsByStatus)}` : '';
  const { round, answer } = s.latencyMicros;
  return [
    `${s.elapsedSeconds.toFixed(1)}s/${s.durationSeconds}s`,
    `${s.requestsPerSecond.toFixed(1)} req/s`,
    `plays ${s.playsOk} ok ${s.playsFailed} failed${dropped}`,
    // Status codes sit next to the error count: on a narrow terminal the line is cut from the end.
    `errors ${s.errors} (${(s.recentErrorRate * 100).toFixed(1)}% now)${statuses}`,
    `p50/p99 round ${formatMs(round.p50)}/${formatMs(round.p99)} ms, ` +
      `answer ${formatMs(answer.p50)}/${formatMs(answer.p99)} ms`,
  ].join(' | ');
}

export interface ProgressReporter {
  intervalMs: number;
  update: (snapshot: LiveSnapshot) => void;
  /** Ends the live line so the summary starts on a fresh one. */
  finish: () => void;
}

export function createProgressReporter(stream: NodeJS.WriteStream): ProgressReporter {
  if (!stream.isTTY) {
    return {
      intervalMs: LOG_INTERVAL_MS,
      update: (snapshot) => stream.write(`${formatProgressLine(snapshot)}\n`),
      finish: () => undefined,
    };
  }
  let written = false;
  return {
    intervalMs: TTY_INTERVAL_MS,
    update: (snapshot) => {
      // A line wider than the terminal wraps and \r would then rewrite only its last row; \x1b[K
      // clears what a longer previous line left behind.
      const width = stream.columns > 1 ? stream.columns - 1 : Infinity;
      stream.write(`\r${formatProgressLine(snapshot).slice(0, width)}\x1b[K`);
      written = true;
    },
    finish: () => {
      if (written) stream.write('\n');
    },
  };
}
