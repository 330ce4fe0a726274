import { baseConfigSchema, loadConfig } from '../kit/config.ts';
import { createServiceApp, createServiceContext, runService } from '../kit/service.ts';
import { imageRoutes } from './app.ts';
import { loadCatalog } from './catalog.ts';

const config = loadConfig(
  baseConfigSchema.extend({
    SERVICE_NAME: baseConfigSchema.shape.SERVICE_NAME.default('images'),
  }),
);
const ctx = createServiceContext(config);
const catalog = loadCatalog(new URL('./', import.meta.url));
ctx.logger.info({ images: catalog.entries.length }, 'catalog loaded');
runService(ctx, createServiceApp(ctx, imageRoutes(catalog)));
