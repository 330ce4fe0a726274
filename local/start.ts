// `npm start`: the whole demo on this machine, no cluster and no Docker.
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig } from '../services/kit/config.ts';
import { freePort } from './ports.ts';
import { loadRoundSecret } from './round-secret.ts';
import { runtimeStatePath, writeRuntimeState } from './runtime-state.ts';
import { localSettingsSchema } from './settings.ts';
import { createSupervisor } from './supervisor.ts';
import { buildTopology, internalPortCount, type Workload } from './topology.ts';

const settings = loadConfig(localSettingsSchema);
const home = resolve(settings.QUIZMESH_HOME);
mkdirSync(home, { recursive: true });
const host = settings.QUIZMESH_HOST;

const pick = async (port: number): Promise<number> => (port === 0 ? freePort(host) : port);
const internalPorts = await Promise.all(
  Array.from({ length: internalPortCount(settings.QUIZMESH_QUIZ_VERSIONS) }, () => freePort(host)),
);
const workloads = buildTopology({
  addresses: {
    host,
    sitePort: await pick(settings.QUIZMESH_PORT),
    zipkinPort: await pick(settings.ZIPKIN_PORT),
    internalPorts,
  },
  quizVersions: settings.QUIZMESH_QUIZ_VERSIONS,
  servingQuizVersion: settings.QUIZMESH_SERVE_QUIZ,
  dataDir: join(home, 'data'),
  roundSecret: loadRoundSecret(home),
  tracing: settings.TRACING === 'on',
  sampleRatio: settings.TRACE_SAMPLE_RATIO,
});

const urlOf = (w: Workload): string => `http://${host}:${w.port}`;
const find = (app: string): Workload => {
  const workload = workloads.find((w) => w.app === app);
  if (!workload) throw new Error(`no workload of ${app}`);
  return workload;
};
const logDir = join(home, 'logs');
const supervisor = createSupervisor(workloads, logDir, {
  onExit(workload, code, signal, restarting) {
    const how = signal ?? `code ${code}`;
    process.stderr.write(
      `${workload.name} exited (${how})${restarting ? ', restarting' : ''}; see ${join(logDir, `${workload.name}.log`)}\n`,
    );
  },
});

let stopping = false;
async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  process.stdout.write('stopping…\n');
  await supervisor.stop();
  rmSync(runtimeStatePath(home), { force: true });
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

supervisor.start();
try {
  await supervisor.waitReady(settings.QUIZMESH_READY_TIMEOUT_MS);
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  await shutdown(1);
}

const site = find('frontend');
const zipkin = find('zipkin');
writeRuntimeState(home, {
  pid: process.pid,
  startedAt: new Date().toISOString(),
  siteUrl: urlOf(site),
  zipkinUrl: urlOf(zipkin),
  workloads: workloads.map((w) => ({
    name: w.name,
    app: w.app,
    version: w.version,
    url: urlOf(w),
    pid: supervisor.pids()[w.name],
  })),
});
process.stdout.write(
  [
    '',
    'quizmesh is running (local mode)',
    `  quiz site      ${urlOf(site)}`,
    `  zipkin API     ${urlOf(zipkin)}/api/v2/traces`,
    `  quiz serving   quiz-${settings.QUIZMESH_SERVE_QUIZ} (QUIZMESH_SERVE_QUIZ picks another)`,
    ...workloads
      .filter((w) => w.app !== 'zipkin')
      .map((w) => `  ${w.name.padEnd(14)} ${urlOf(w)}/metrics`),
    `  logs           ${logDir}`,
    '',
    'Drive traffic: npm run load -- --rps 20 --duration 60 --players 30',
    'Stop: Ctrl-C',
    '',
  ].join('\n'),
);
