// The mesh console's process, started by local mode's supervisor like any workload: settings
// checked first, then the express app in the services' shell (health, metrics, drain on SIGTERM).
// It keeps no state worth keeping: rollouts live in files, routes in mesh-config/.
import { loadConfig } from '../../services/kit/config.ts';
import { createServiceApp, createServiceContext, runService } from '../../services/kit/service.ts';
import { consoleRoutes } from './app.ts';
import { localModeSources } from './local-sources.ts';
import { consoleSettingsSchema } from './settings.ts';

const config = loadConfig(consoleSettingsSchema);
const ctx = createServiceContext(config);
const routes = consoleRoutes(
  localModeSources({
    statsUrl: config.MESH_STATS_URL,
    adminUrl: config.MESH_ADMIN_URL,
    zipkinUrl: config.ZIPKIN_BASE_URL,
    configDir: config.QUIZMESH_MESH_CONFIG,
    home: config.QUIZMESH_HOME,
  }),
);
runService(ctx, createServiceApp(ctx, routes));
