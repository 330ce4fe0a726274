// Prometheus for local mode: a scrape config generated from what local mode runs (every app's
// /metrics and the mesh's Envoy-style stats endpoint), and Debian's `prometheus` binary run with it.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { stringify } from 'yaml';
import { z } from 'zod';
import { freePort } from './ports.ts';
import type { RuntimeState } from './runtime-state.ts';
import type { Workload } from './topology.ts';

/** Workloads local mode runs that serve no prom-client /metrics of their own. */
const NOT_SCRAPED = new Set(['zipkin', 'mesh']);

/** Short, so a demo's panels move within seconds of a traffic shift. */
export const SCRAPE_INTERVAL = '1s';

const hostPort = (url: string): string => new URL(url).host;

const ALERT_RULES = fileURLToPath(
  new URL('../prometheus/rules/quizmesh.rules.yaml', import.meta.url),
);

/**
 * prometheus.yml for local mode. Apps carry the labels their Deployments would give them on the
 * cluster (`app`, `version`, `pod` = the workload's name), so one query works in both places.
 */
export function scrapeConfig(state: Pick<RuntimeState, 'workloads' | 'meshStatsUrl'>): string {
  const apps = state.workloads.filter((w) => !NOT_SCRAPED.has(w.app));
  const stats = new URL(state.meshStatsUrl);
  const config = {
    global: { scrape_interval: SCRAPE_INTERVAL, evaluation_interval: SCRAPE_INTERVAL },
    // The alerts of prometheus/rules, evaluated live: /alerts shows v1's error rate firing.
    rule_files: [ALERT_RULES],
    scrape_configs: [
      {
        job_name: 'quizmesh-apps',
        metrics_path: '/metrics',
        static_configs: apps.map((w) => ({
          targets: [hostPort(w.url)],
          labels: { app: w.app, version: w.version, pod: w.name },
        })),
      },
      {
        job_name: 'istio-mesh',
        metrics_path: stats.pathname,
        static_configs: [{ targets: [stats.host], labels: { pod: 'mesh' } }],
      },
    ],
  };
  return stringify(config);
}

export interface RunningPrometheus {
  url: string;
  stop(): Promise<void>;
}

export interface PrometheusOptions {
  configFile: string;
  dataDir: string;
  host: string;
  port: number;
  logFile: string;
  readyTimeoutMs?: number;
}

export const prometheusInstalled = (): boolean =>
  spawnSync('prometheus', ['--version'], { stdio: 'ignore' }).status === 0;

/** Starts `prometheus` and resolves once /-/ready answers; stop() sends SIGTERM and waits. */
export async function startPrometheus(options: PrometheusOptions): Promise<RunningPrometheus> {
  mkdirSync(options.dataDir, { recursive: true });
  const log = createWriteStream(options.logFile, { flags: 'a' });
  const child = spawn('prometheus', prometheusArgs(options), { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      resolve();
    });
  });
  const url = `http://${options.host}:${options.port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    log.end();
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 15_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited; see ${options.logFile}`);
    try {
      const response = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1_000) });
      if (response.ok) return { url, stop };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus not ready at ${url}; see ${options.logFile}`);
    }
    await sleep(100);
  }
}

const settingsSchema = z.object({
  /** 0 picks a free port. */
  PROMETHEUS_PORT: z.coerce.number().int().min(0).max(65_535).default(9090),
  /** `off` skips Prometheus even when the binary is on PATH. */
  QUIZMESH_PROMETHEUS: z.enum(['auto', 'off']).default('auto'),
});

const portTaken = (host: string, port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => {
      resolve(true);
    });
    server.listen(port, host, () => {
      server.close(() => {
        resolve(false);
      });
    });
  });

/** The argv that runs Prometheus on `options` (the tests' and local mode's, one definition). */
export const prometheusArgs = (options: Omit<PrometheusOptions, 'logFile'>): string[] => [
  `--config.file=${options.configFile}`,
  `--storage.tsdb.path=${options.dataDir}`,
  `--web.listen-address=${options.host}:${String(options.port)}`,
  '--log.level=warn',
];

/**
 * `npm start`'s Prometheus, as a workload the supervisor runs, probes and restarts like the others
 * (its liveness on /-/healthy, readiness on /-/ready). Optional: anything that stops it from
 * running (no binary, port taken) is said on stdout and local mode goes on without it.
 */
export async function planLocalPrometheus(
  home: string,
  host: string,
  state: Pick<RuntimeState, 'workloads' | 'meshStatsUrl'>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Workload | undefined> {
  const settings = settingsSchema.parse(env);
  if (settings.QUIZMESH_PROMETHEUS === 'off') return undefined;
  const say = (line: string): boolean => process.stdout.write(`${line}\n`);
  if (!prometheusInstalled()) {
    say('prometheus: not on PATH, not started (Debian: sudo apt-get install prometheus)');
    return undefined;
  }
  const port = settings.PROMETHEUS_PORT === 0 ? await freePort(host) : settings.PROMETHEUS_PORT;
  if (await portTaken(host, port)) {
    say(`prometheus: ${host}:${String(port)} is taken, not started (set PROMETHEUS_PORT)`);
    return undefined;
  }
  const dir = join(home, 'prometheus');
  mkdirSync(join(dir, 'data'), { recursive: true });
  const configFile = join(dir, 'prometheus.yml');
  writeFileSync(configFile, scrapeConfig(state));
  return {
    name: 'prometheus',
    app: 'prometheus',
    version: 'v1',
    entry: 'prometheus',
    command: [
      'prometheus',
      ...prometheusArgs({ configFile, dataDir: join(dir, 'data'), host, port }),
    ],
    traced: false,
    port,
    env: { HOST: host },
    healthPath: '/-/healthy',
    readyPath: '/-/ready',
    optional: true,
  };
}
