// `npm start`: the whole demo on this machine, no cluster and no Docker.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig } from '../services/kit/config.ts';
import { freePorts } from './ports.ts';
import { startLocalPrometheus, type RunningPrometheus } from './prometheus.ts';
import { loadRoundSecret } from './round-secret.ts';
import { runtimeStatePath, writeRuntimeState } from './runtime-state.ts';
import { localSettingsSchema } from './settings.ts';
import { createSupervisor } from './supervisor.ts';
import { LOCAL_APPS } from './mesh-topology.ts';
import { planLocalMode, type Workload } from './topology.ts';

const settings = loadConfig(localSettingsSchema);
const home = resolve(settings.QUIZMESH_HOME);
mkdirSync(home, { recursive: true });
const host = settings.QUIZMESH_HOST;

const instanceCount = Object.values(LOCAL_APPS).flat().length;
const serviceCount = Object.keys(LOCAL_APPS).length;
// Every port this run needs that is not fixed by a setting, asked for at once so none repeats.
const fixed = [
  settings.QUIZMESH_PORT,
  settings.ZIPKIN_PORT,
  settings.MESH_STATS_PORT,
  settings.MESH_ADMIN_PORT,
  settings.CONSOLE_PORT,
];
const pool = await freePorts(
  instanceCount * (1 + serviceCount) + fixed.filter((p) => p === 0).length,
  host,
);
const nextPort = (): number => {
  const port = pool.shift();
  if (port === undefined) throw new Error('ran out of free ports');
  return port;
};
const pick = (port: number): number => (port === 0 ? nextPort() : port);
const plan = planLocalMode({
  host,
  sitePort: pick(settings.QUIZMESH_PORT),
  zipkinPort: pick(settings.ZIPKIN_PORT),
  statsPort: pick(settings.MESH_STATS_PORT),
  adminPort: pick(settings.MESH_ADMIN_PORT),
  consolePort: pick(settings.CONSOLE_PORT),
  home,
  nextPort,
  meshConfigDir: resolve(settings.QUIZMESH_MESH_CONFIG),
  dataDir: join(home, 'data'),
  roundSecret: loadRoundSecret(home),
  tracing: settings.TRACING === 'on',
  sampleRatio: settings.TRACE_SAMPLE_RATIO,
});
const planFile = join(home, 'mesh-plan.json');
writeFileSync(planFile, `${JSON.stringify(plan.mesh, null, 2)}\n`);
const workloads = plan.workloads.map((w) =>
  w.app === 'mesh' ? { ...w, env: { ...w.env, MESH_PLAN_FILE: planFile } } : w,
);

const urlOf = (w: Pick<Workload, 'port'>): string => `http://${host}:${w.port}`;
const zipkin = workloads.find((w) => w.app === 'zipkin');
const meshConsole = workloads.find((w) => w.app === 'console');
const siteUrl = urlOf(plan.mesh.ingress);
const statsUrl = `${urlOf(plan.mesh.stats)}/stats/prometheus`;
const adminUrl = urlOf(plan.mesh.admin);
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
/** Resolves to local mode's Prometheus once started, if it is (local/prometheus.ts). */
let prometheus: Promise<RunningPrometheus | undefined> = Promise.resolve(undefined);
async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  process.stdout.write('stopping…\n');
  await Promise.all([supervisor.stop(), prometheus.then((p) => p?.stop())]);
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

const runtimeState = {
  pid: process.pid,
  startedAt: new Date().toISOString(),
  siteUrl,
  zipkinUrl: zipkin ? urlOf(zipkin) : '',
  meshStatsUrl: statsUrl,
  meshAdminUrl: adminUrl,
  meshConfigDir: plan.mesh.configDir,
  consoleUrl: meshConsole ? urlOf(meshConsole) : undefined,
  workloads: workloads.map((w) => ({
    name: w.name,
    app: w.app,
    version: w.version,
    url: urlOf(w),
    pid: supervisor.pids()[w.name],
  })),
};
writeRuntimeState(home, runtimeState);
// Optional: only when Debian's `prometheus` is on PATH (local/prometheus.ts). Awaited so that its
// line comes before the summary below.
prometheus = startLocalPrometheus(home, host, runtimeState);
const localPrometheus = await prometheus;
// Written again with its address, so `quizmesh canary` reads figures from it as on a cluster.
if (localPrometheus !== undefined) {
  writeRuntimeState(home, { ...runtimeState, prometheusUrl: localPrometheus.url });
}
const apps = workloads.filter((w) => w.traced);
process.stdout.write(
  [
    '',
    'quizmesh is running (local mode)',
    `  quiz site         ${siteUrl}   (the mesh's ingress gateway)`,
    `  mesh console      ${meshConsole ? urlOf(meshConsole) : '-'}   (service graph, RED, traces, canary)`,
    `  zipkin API        ${zipkin ? urlOf(zipkin) : '-'}/api/v2/traces`,
    `  mesh metrics      ${statsUrl}   (istio_requests_total, …)`,
    `  mesh admin        ${adminUrl}/config_dump`,
    `  mesh config       ${plan.mesh.configDir}   (edits apply within a second)`,
    ...apps.map((w) => `  ${w.name.padEnd(17)} ${urlOf(w)}/metrics`),
    `  logs              ${logDir}`,
    '',
    'Drive traffic: npm run load -- --rps 20 --duration 60 --players 30',
    'Shift traffic:  npx quizmesh route quiz v1=90 v3=10',
    'Stop: Ctrl-C',
    '',
  ].join('\n'),
);
