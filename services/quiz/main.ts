import { z } from 'zod';
import { baseConfigSchema, loadConfig, peerUrl } from '../kit/config.ts';
import { createPeerClient } from '../kit/peer-client.ts';
import { createServiceApp, createServiceContext, runService } from '../kit/service.ts';
import { quizRoutes } from './app.ts';
import { createRoundTokens } from './round-token.ts';
import { LOOKUPS, QUIZ_VERSIONS } from './versions.ts';

const config = loadConfig(
  baseConfigSchema.extend({
    SERVICE_NAME: baseConfigSchema.shape.SERVICE_NAME.default('quiz'),
    SERVICE_VERSION: z.enum(QUIZ_VERSIONS).default('v1'),
    IMAGES_URL: peerUrl,
    DESCRIPTIONS_URL: peerUrl,
    SCORES_URL: peerUrl,
    /** Shared by every quiz replica and version: any of them can check any round's answer. */
    ROUND_SECRET: z.string().min(16, 'ROUND_SECRET must be at least 16 characters'),
    ROUND_TTL_SECONDS: z.coerce.number().int().min(10).max(86_400).default(900),
  }),
);
const ctx = createServiceContext(config);
const routes = quizRoutes({
  images: createPeerClient('images', config.IMAGES_URL, ctx.metrics),
  descriptions: createPeerClient('descriptions', config.DESCRIPTIONS_URL, ctx.metrics),
  scores: createPeerClient('scores', config.SCORES_URL, ctx.metrics),
  tokens: createRoundTokens(config.ROUND_SECRET),
  lookup: LOOKUPS[config.SERVICE_VERSION],
  metrics: ctx.metrics,
  roundTtlMs: config.ROUND_TTL_SECONDS * 1000,
});
runService(ctx, createServiceApp(ctx, routes));
