import { join } from 'node:path';
import { z } from 'zod';
import { baseConfigSchema, loadConfig } from '../kit/config.ts';
import { createServiceApp, createServiceContext, runService } from '../kit/service.ts';
import { openAnswerLog, type SkippedLine } from './answer-log.ts';
import { scoreRoutes } from './app.ts';

// scores owns the leaderboard and runs as one replica: its state lives in this process and in
// DATA_DIR (a volume on the cluster), never in another service.
const config = loadConfig(
  baseConfigSchema.extend({
    SERVICE_NAME: baseConfigSchema.shape.SERVICE_NAME.default('scores'),
    DATA_DIR: z.string().min(1).default('.quizmesh/data'),
  }),
);
const ctx = createServiceContext(config);
const logFile = join(config.DATA_DIR, 'answers.jsonl');
const log = openAnswerLog(logFile);
reportSkippedLines(log.skipped);
ctx.logger.info(
  { players: log.ledger.totals().length, skippedLines: log.skipped.length },
  'answer log replayed',
);
runService(ctx, createServiceApp(ctx, scoreRoutes(log)));

/** Each unreadable line, where it was (the compaction that follows drops it), the first 20 only. */
function reportSkippedLines(skipped: readonly SkippedLine[]): void {
  for (const line of skipped.slice(0, 20)) {
    ctx.logger.warn({ file: logFile, ...line }, 'answer log line skipped: torn or not a record');
  }
  if (skipped.length > 20) {
    ctx.logger.warn({ file: logFile, more: skipped.length - 20 }, 'more answer log lines skipped');
  }
}
