import { join } from 'node:path';
import { z } from 'zod';
import { baseConfigSchema, loadConfig } from '../kit/config.ts';
import { createServiceApp, createServiceContext, runService } from '../kit/service.ts';
import { openAnswerLog } from './answer-log.ts';
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
const log = openAnswerLog(join(config.DATA_DIR, 'answers.jsonl'));
ctx.logger.info(
  { players: log.ledger.totals().length, skippedLines: log.skippedLines },
  'answer log replayed',
);
runService(ctx, createServiceApp(ctx, scoreRoutes(log)));
