import { fileURLToPath } from 'node:url';
import { baseConfigSchema, loadConfig, peerUrl } from '../kit/config.ts';
import { createPeerClient } from '../kit/peer-client.ts';
import { createServiceApp, createServiceContext, runService } from '../kit/service.ts';
import { frontendRoutes } from './app.ts';

const config = loadConfig(
  baseConfigSchema.extend({
    SERVICE_NAME: baseConfigSchema.shape.SERVICE_NAME.default('frontend'),
    QUIZ_URL: peerUrl,
    IMAGES_URL: peerUrl,
    SCORES_URL: peerUrl,
  }),
);
const ctx = createServiceContext(config);
const routes = frontendRoutes({
  quiz: createPeerClient('quiz', config.QUIZ_URL, ctx.metrics, 5_000),
  images: createPeerClient('images', config.IMAGES_URL, ctx.metrics),
  scores: createPeerClient('scores', config.SCORES_URL, ctx.metrics),
  publicDir: fileURLToPath(new URL('public/', import.meta.url)),
  logger: ctx.logger,
});
runService(ctx, createServiceApp(ctx, routes));
