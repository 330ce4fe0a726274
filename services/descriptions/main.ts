import { z } from 'zod';
import { baseConfigSchema, loadConfig } from '../kit/config.ts';
import { createServiceApp, createServiceContext, runService } from '../kit/service.ts';
import { descriptionRoutes } from './app.ts';
import { createDescriptionStore, loadDescriptions } from './store.ts';

const config = loadConfig(
  baseConfigSchema.extend({
    SERVICE_NAME: baseConfigSchema.shape.SERVICE_NAME.default('descriptions'),
    /** Share of lookups that miss the cache: the long tail v1's fan-out keeps running into. */
    SLOW_LOOKUP_RATE: z.coerce.number().min(0).max(1).default(0.004),
    SLOW_LOOKUP_MS: z.coerce.number().int().min(0).max(60_000).default(120),
  }),
);
const ctx = createServiceContext(config);
const store = createDescriptionStore(
  loadDescriptions(new URL('descriptions.json', import.meta.url)),
  { slowRate: config.SLOW_LOOKUP_RATE, slowMs: config.SLOW_LOOKUP_MS },
);
ctx.logger.info({ descriptions: store.size }, 'descriptions loaded');
runService(ctx, createServiceApp(ctx, descriptionRoutes(store)));
