// The console's settings, from the environment local mode gives it (local/topology.ts), checked
// before anything listens. Everything it reads is on this machine: loopback addresses only.
import { z } from 'zod';
import { baseConfigSchema, peerUrl } from '../../services/kit/config.ts';
import { localSettingsSchema } from '../../local/settings.ts';

const loopbackUrl = peerUrl.refine(
  (url) => /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(new URL(url).hostname),
  'must be on a loopback address (127.x.x.x)',
);

export const consoleSettingsSchema = baseConfigSchema.extend({
  SERVICE_NAME: baseConfigSchema.shape.SERVICE_NAME.default('console'),
  HOST: localSettingsSchema.shape.QUIZMESH_HOST,
  PORT: localSettingsSchema.shape.CONSOLE_PORT,
  /** The mesh's admin endpoint: /status and /config_dump. */
  MESH_ADMIN_URL: loopbackUrl,
  /** The mesh's Prometheus endpoint itself: …/stats/prometheus. */
  MESH_STATS_URL: loopbackUrl,
  /** The trace store's base URL; the Zipkin API is under /api/v2. */
  ZIPKIN_BASE_URL: loopbackUrl,
  /** Local mode's home (rollouts in canary/, the runtime state). */
  QUIZMESH_HOME: z.string().min(1),
  /** The folder the mesh watches, which route changes rewrite. */
  QUIZMESH_MESH_CONFIG: z.string().min(1),
});
export type ConsoleSettings = z.infer<typeof consoleSettingsSchema>;
