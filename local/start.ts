// `npm start`: the whole demo on this machine, no cluster and no Docker.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PROCESSES_MESSAGE, type ProcessesMessage } from '../mesh/supervisor-report.ts';
import { loadConfig } from '../services/kit/config.ts';
import { clearLeftovers } from './leftovers.ts';
import { freePorts } from './ports.ts';
import { processStartTime } from './process-identity.ts';
import { planLocalPrometheus } from './prometheus.ts';
import { loadRoundSecret } from './round-secret.ts';
import { runtimeStatePath, writeRuntimeState, type RuntimeState } from './runtime-state.ts';
import { localSettingsSchema } from './settings.ts';
import { supervisionPolicy } from './supervision-policy.ts';
import { createSupervisor } from './supervisor.ts';
import { LOCAL_APPS } from './mesh-topology.ts';
import { planLocalMode, type Workload } from './topology.ts';

const settings = loadConfig(localSettingsSchema);
const home = resolve(settings.QUIZMESH_HOME);
mkdirSync(home, { recursive: true });
const host = settings.QUIZMESH_HOST;

// Before any port is asked for: what a killed run left holds the ports this one needs.
const leftovers = await clearLeftovers(home);
if (leftovers.kind === 'running') {
  process.stderr.write(
    `local mode already runs on ${home} (pid ${String(leftovers.pid)}); stop it first, or set QUIZMESH_HOME\n`,
  );
  process.exit(1);
}
if (leftovers.kind === 'cleared') {
  const count = leftovers.pids.length;
  process.stdout.write(
    `cleared ${String(count)} process${count === 1 ? '' : 'es'} left by an earlier run (pids ${leftovers.pids.join(' ')})\n`,
  );
}

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
const runtimeState: RuntimeState = {
  pid: process.pid,
  pidStartTime: processStartTime(process.pid),
  phase: 'starting',
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
  })),
};
// Optional: only when Debian's `prometheus` is on PATH (local/prometheus.ts).
const prometheusWorkload = await planLocalPrometheus(home, host, runtimeState);
const supervised = prometheusWorkload ? [...workloads, prometheusWorkload] : workloads;
const supervisor = createSupervisor(
  supervised,
  logDir,
  {
    onExit(workload, exit, restartInMs) {
      process.stderr.write(
        `${workload.name} ${exit.reason}, restarting in ${(restartInMs / 1_000).toFixed(1)} s; see ${join(logDir, `${workload.name}.log`)}\n`,
      );
    },
    onChange: () => {
      publishSoon();
    },
  },
  {
    ...supervisionPolicy(process.env, settings.QUIZMESH_READY_TIMEOUT_MS),
    logMaxBytes: settings.QUIZMESH_LOG_MAX_BYTES,
  },
);

let stopping = false;
let publishing = false;
/**
 * The runtime state, rewritten on every change of any process: its pids from the first start (so
 * a later run can clear them should this one be killed) and whether Prometheus runs right now.
 * The mesh gets the same statuses for its /status.
 */
function publishSoon(): void {
  if (publishing) return;
  publishing = true;
  setImmediate(() => {
    publishing = false;
    if (stopping) return;
    const processes = supervisor.processes();
    const prometheusUp = processes.some((p) => p.name === 'prometheus' && p.state === 'running');
    writeRuntimeState(home, {
      ...runtimeState,
      workloads: runtimeState.workloads.map((w) => ({ ...w, pid: supervisor.pids()[w.name] })),
      ...(prometheusUp && prometheusWorkload ? { prometheusUrl: urlOf(prometheusWorkload) } : {}),
      processes,
    });
    const report: ProcessesMessage = { type: PROCESSES_MESSAGE, processes };
    supervisor.send('mesh', report);
  });
}

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
publishSoon();
try {
  await supervisor.waitReady(settings.QUIZMESH_READY_TIMEOUT_MS);
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  await shutdown(1);
}
runtimeState.phase = 'running';
publishSoon();

if (prometheusWorkload) {
  // Its line comes before the summary when it starts in time; it is supervised either way.
  const deadline = Date.now() + 15_000;
  const up = (): boolean =>
    supervisor.processes().some((p) => p.name === 'prometheus' && p.state === 'running');
  while (!up() && Date.now() < deadline) await sleep(100);
  process.stdout.write(
    up()
      ? `  prometheus        ${urlOf(prometheusWorkload)}   (scrape config ${join(home, 'prometheus', 'prometheus.yml')}; see grafana/README.md)\n`
      : `prometheus: not answering yet; see ${join(logDir, 'prometheus.log')}\n`,
  );
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
