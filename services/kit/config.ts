// Typed configuration from the environment, validated once at start-up: a bad value stops the
// process with a message naming the variable, before anything listens.
import { z } from 'zod';

const milliseconds = z.coerce.number().int().min(0).max(600_000);

/** Settings every service shares: identity, where to listen, telemetry and demo fault knobs. */
export const baseConfigSchema = z.object({
  SERVICE_NAME: z.string().regex(/^[a-z][a-z0-9-]*$/, 'lower-case letters, digits and dashes'),
  SERVICE_VERSION: z
    .string()
    .regex(/^v\d+$/, 'like v1')
    .default('v1'),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** emojivoto-style demo knobs: the share of requests answered 500, and added latency. */
  FAILURE_RATE: z.coerce.number().min(0).max(1).default(0),
  ARTIFICIAL_DELAY: milliseconds.default(0),
  /**
   * After SIGTERM, how long to keep serving with /readyz failing before closing the listener: on a
   * cluster the endpoints need a moment to drop this pod. 0 in local mode, where nothing balances.
   */
  SHUTDOWN_DELAY_MS: milliseconds.default(0),
  /** How long in-flight requests may take to finish after SIGTERM before the process exits. */
  SHUTDOWN_TIMEOUT_MS: milliseconds.default(10_000),
  /** Set by local mode: calls without it are refused (mesh-token.ts). Never logged. */
  QUIZMESH_MESH_TOKEN: z.string().min(32).max(256).optional(),
});
export type BaseConfig = z.infer<typeof baseConfigSchema>;

/** Tracing settings, read by the preloaded instrumentation before the app starts. */
export const tracingConfigSchema = z.object({
  SERVICE_NAME: baseConfigSchema.shape.SERVICE_NAME,
  SERVICE_VERSION: baseConfigSchema.shape.SERVICE_VERSION,
  TRACING: z.enum(['on', 'off']).default('on'),
  ZIPKIN_URL: z.url().default('http://127.0.0.1:9411/api/v2/spans'),
  TRACE_SAMPLE_RATIO: z.coerce.number().min(0).max(1).default(1),
});

/** Formats zod issues as one readable line each: `PORT: Too big: expected number to be <=65535`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}

/** Parses the environment with `schema`, or prints why not and exits 1. */
export function loadConfig<S extends z.ZodType>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  process.stderr.write(`invalid configuration: ${describeIssues(result.error)}\n`);
  process.exit(1);
}

/** A base URL of a peer service, like http://127.0.0.1:9102 (no trailing slash). */
export const peerUrl = z.url({ protocol: /^https?$/ }).transform((url) => url.replace(/\/+$/, ''));
