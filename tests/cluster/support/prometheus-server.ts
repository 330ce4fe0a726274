// The real Prometheus the cluster runs (prom/prometheus:<version> in k8s/base), built from source by
// tests/cluster/tools/install.sh, started with the Deployment's own arguments (only the paths and
// the listen address are this machine's), and a small reader of its HTTP API.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../../local/ports.ts';
import type { PrometheusDeployment } from './cluster-prometheus-config.ts';
import { tool } from './tools.ts';

export interface PrometheusServer {
  url: string;
  version: string;
  logFile: string;
  stop(): Promise<void>;
}

/** `prometheus --version`'s (or promtool's) version, e.g. 3.5.0. */
export function prometheusVersion(binary: string): string {
  const out = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  const version = /^\w+, version (\S+)/m.exec(`${out.stdout}${out.stderr}`)?.[1];
  if (version === undefined)
    throw new Error(`${binary} --version said: ${out.stdout}${out.stderr}`);
  return version;
}

/** The version the cluster runs: the Deployment's image tag without its `v`. */
export const clusterVersion = (deployment: PrometheusDeployment): string =>
  deployment.image.replace(/^.*:v?/, '');

/** The Deployment's arguments with this machine's paths: flags naming a path or address replaced. */
function argsHere(
  deployment: PrometheusDeployment,
  configFile: string,
  dataDir: string,
  port: number,
) {
  const mine = ['--config.file', '--storage.tsdb.path', '--web.listen-address'];
  const kept = deployment.args.filter((arg) => !mine.some((flag) => arg.startsWith(`${flag}=`)));
  return [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${dataDir}`,
    `--web.listen-address=127.0.0.1:${String(port)}`,
    ...kept,
  ];
}

export async function startPrometheusServer(
  deployment: PrometheusDeployment,
  configFile: string,
  dir: string,
): Promise<PrometheusServer> {
  const binary = tool('prometheus');
  const version = prometheusVersion(binary);
  if (version !== clusterVersion(deployment))
    throw new Error(`${binary} is Prometheus ${version}; the cluster runs ${deployment.image}`);
  const dataDir = join(dir, 'data');
  mkdirSync(dataDir, { recursive: true });
  const logFile = join(dir, 'prometheus.log');
  const log = createWriteStream(logFile);
  const port = await freePort('127.0.0.1');
  const child = spawn(binary, argsHere(deployment, configFile, dataDir, port), {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
  const url = `http://127.0.0.1:${String(port)}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    log.end();
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited; see ${logFile}`);
    try {
      const ready = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1_000) });
      if (ready.ok) return { url, version, logFile, stop };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus not ready at ${url}; see ${logFile}`);
    }
    await sleep(200);
  }
}

export interface ApiAnswer<T> {
  status: 'success' | 'error';
  data: T;
  error?: string;
}

/** GET `path` of Prometheus' API with `params`; throws on anything but a JSON answer. */
export async function prometheusApi<T>(
  url: string,
  path: string,
  params: Record<string, string | string[]> = {},
): Promise<ApiAnswer<T>> {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params))
    for (const one of Array.isArray(value) ? value : [value]) search.append(name, one);
  const response = await fetch(`${url}${path}?${search.toString()}`, {
    signal: AbortSignal.timeout(15_000),
  });
  return (await response.json()) as ApiAnswer<T>;
}

export interface Series {
  metric: Record<string, string>;
  values?: [number, string][];
  value?: [number, string];
}

/** The matrix or vector of a query answer. */
export type QueryData = { resultType: 'matrix' | 'vector'; result: Series[] };
