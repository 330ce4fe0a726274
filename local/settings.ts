// Local mode's own settings, from the environment, checked before anything starts.
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65_535);

export const localSettingsSchema = z.object({
  /** Loopback only: local mode is a demo on one machine, never exposed. */
  QUIZMESH_HOST: z
    .string()
    .regex(/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/, 'must be a loopback address (127.x.x.x)')
    .default('127.0.0.1'),
  /** The quiz site. 0 picks a free port (tests). */
  QUIZMESH_PORT: port.default(8080),
  /** The Zipkin-compatible trace store. */
  ZIPKIN_PORT: port.default(9411),
  /** Runtime state, logs and scores' data. */
  QUIZMESH_HOME: z.string().min(1).default('.quizmesh'),
  /** The Istio resources the local mesh applies (the same files a cluster gets). */
  QUIZMESH_MESH_CONFIG: z.string().min(1).default('mesh-config'),
  /** The mesh's Prometheus endpoint (Envoy's /stats/prometheus) and its admin endpoint. */
  MESH_STATS_PORT: port.default(15090),
  MESH_ADMIN_PORT: port.default(15000),
  /** The mesh console (graph, RED, traces, canary): Kiali's port. */
  CONSOLE_PORT: port.default(20001),
  TRACING: z.enum(['on', 'off']).default('on'),
  TRACE_SAMPLE_RATIO: z.coerce.number().min(0).max(1).default(1),
  QUIZMESH_READY_TIMEOUT_MS: z.coerce.number().int().min(1_000).default(60_000),
  /** Each process's log is cut past this (one older copy kept): local/capped-log.ts. */
  QUIZMESH_LOG_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(4_096)
    .default(10 * 2 ** 20),
});
export type LocalSettings = z.infer<typeof localSettingsSchema>;
