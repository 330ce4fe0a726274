// The mesh console's process, started by local mode's supervisor like any workload: settings
// checked first, then the express app in the services' shell (health, metrics, drain on SIGTERM).
// It keeps no state worth keeping: rollouts live in files, routes in mesh-config/.
import { resolve } from 'node:path';
import { scrapeStats } from '../../cli/mesh/local-mesh.ts';
import { loadConfig } from '../../services/kit/config.ts';
import { createServiceApp, createServiceContext, runService } from '../../services/kit/service.ts';
import { consoleRoutes } from './app.ts';
import { createLiveFigures } from './live-figures.ts';
import { consoleSettingsSchema } from './settings.ts';
import { localRouting } from './sources.ts';
import { statsFigures } from './stats-figures.ts';
import { createTraceReader } from './trace-reader.ts';

const config = loadConfig(consoleSettingsSchema);
const ctx = createServiceContext(config);
const live = createLiveFigures({ scrape: () => scrapeStats(config.MESH_STATS_URL) });
const home = resolve(config.QUIZMESH_HOME);
const routes = consoleRoutes({
  figures: statsFigures(live),
  traces: createTraceReader(config.ZIPKIN_BASE_URL),
  routing: localRouting(config.MESH_ADMIN_URL, resolve(config.QUIZMESH_MESH_CONFIG), home),
  home,
});
runService(ctx, createServiceApp(ctx, routes));
