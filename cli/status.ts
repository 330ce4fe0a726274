// `quizmesh status`: the routes in force per service and, while local mode runs, how each version
// is doing right now, computed from the mesh's Istio metrics as Prometheus would compute them.
import { declaredMeshTopology } from '../local/mesh-topology.ts';
import { runtimeStatePath } from '../local/runtime-state.ts';
import { formatFinding } from '../mesh/config/findings.ts';
import { loadMeshConfig } from '../mesh/config/load.ts';
import type { MeshConfig } from '../mesh/config/schema.ts';
import { MESH_NAMESPACE, resolveHost } from '../mesh/config/topology.ts';
import {
  configInForce,
  findLocalMesh,
  quizmeshHome,
  scrapeTwice,
  type LocalMesh,
} from '../mesh-client/local-mesh.ts';
import { describeStage } from '../mesh-client/canary/analysis.ts';
import {
  isRunning,
  isUnfinished,
  readRollout,
  rolloutServices,
} from '../mesh-client/canary/state.ts';
import { planOf } from '../mesh-client/canary/describe.ts';
import {
  summariseVirtualServices,
  type RoutedService,
} from '../mesh-client/routes/route-summary.ts';
import {
  workloadFigures,
  type WorkloadFigures,
} from '../mesh-client/prometheus/workload-figures.ts';
import {
  describeLastExit,
  describeState,
  isDown,
  localProcesses,
  type ProcessStatus,
} from '../mesh-client/local-processes.ts';
import { defineCommand, windowSeconds } from './arguments.ts';

const USAGE = `Usage: quizmesh status [--window SECONDS] [--config DIR] [--json]

Shows the routes in force for each service and, while local mode runs, every process it runs
(running, starting, or crash-looping as a kubelet's CrashLoopBackOff, with its restarts and last
exit) and how each version of each service is doing right now.

Routes come from the running local mesh (what it has in force, even when a later change was
refused), or from DIR (default: mesh-config) when nothing runs. Live figures come from the
mesh's Prometheus endpoint (/stats/prometheus), scraped twice SECONDS apart, as destination
sidecars report calls (reporter="destination"), per destination_service_name and
destination_version: requests per second, the share answered 5xx, and the p99 latency in ms
(histogram_quantile over istio_request_duration_milliseconds, interpolated within a bucket as
Prometheus does).

Options:
  --window SECONDS  time between the two scrapes (default: 5)
  --config DIR      the Istio resources to show when nothing runs (default: mesh-config)
  --json            print one JSON object (routes, live figures) instead
  -h, --help        show this help

Local mode is found through QUIZMESH_HOME (default .quizmesh).
Exit status: 0 shown, 1 the routes or the metrics could not be read, 2 usage error.
`;

interface Routes {
  /** Where the routes come from. */
  from: { localMesh: true; generation: number } | { localMesh: false; dir: string };
  services: RoutedService[];
  /** Services no VirtualService routes: their calls go to any instance. */
  unrouted: string[];
}

interface Live {
  windowSeconds: number;
  workloads: WorkloadFigures[];
}

export const command = defineCommand({
  usage: USAGE,
  options: {
    window: { type: 'string', default: '5' },
    config: { type: 'string', default: 'mesh-config' },
    json: { type: 'boolean', default: false },
  },
  run: ({ values }) => status(windowSeconds(values.window), values.config, values.json),
});

async function status(window: number, dir: string, json: boolean): Promise<number> {
  const home = quizmeshHome();
  const processes = localProcesses(home);
  const mesh = await findLocalMesh(home);
  const routes = await readRoutes(mesh, dir);
  if (typeof routes === 'string') {
    process.stderr.write(routes);
    return 1;
  }
  if (!json) {
    const processLines = processes?.length ? formatProcesses(processes) : '';
    process.stdout.write(formatRoutes(routes) + formatRollouts(home) + processLines);
  }
  if (mesh === undefined && processes !== undefined && !json) {
    process.stdout.write(`\nThe local mesh does not answer (see above), so no live figures.\n`);
    return 0;
  }
  if (mesh === undefined) {
    if (json)
      process.stdout.write(
        `${JSON.stringify({ ...routes, processes: processes ?? null, live: null }, null, 2)}\n`,
      );
    else
      process.stdout.write(
        `\nNo local mode is running (no mesh answers through ${runtimeStatePath(home)}), so no live figures.\n`,
      );
    return 0;
  }

  let live: Live;
  try {
    live = await sample(mesh, window);
  } catch (error) {
    process.stderr.write(`quizmesh status: cannot read ${mesh.statsUrl}: ${String(error)}\n`);
    return 1;
  }
  process.stdout.write(
    json
      ? `${JSON.stringify({ ...routes, processes: processes ?? null, live }, null, 2)}\n`
      : formatLive(live),
  );
  return 0;
}

/** The routes in force, or the lines saying why they cannot be read. */
async function readRoutes(mesh: LocalMesh | undefined, dir: string): Promise<Routes | string> {
  const topology = declaredMeshTopology();
  let config: Pick<MeshConfig, 'virtualServices'>;
  let from: Routes['from'];
  if (mesh !== undefined) {
    try {
      const inForce = await configInForce(mesh.adminUrl);
      config = inForce.config;
      from = { localMesh: true, generation: inForce.generation };
    } catch (error) {
      return `quizmesh status: cannot read ${mesh.adminUrl}/config_dump: ${String(error)}\n`;
    }
  } else {
    const loaded = loadMeshConfig(dir, topology);
    if (!loaded.ok) {
      const lines = loaded.errors.map((error) => `${formatFinding(error, dir)}\n`);
      return `${lines.join('')}quizmesh status: ${dir} does not validate (see quizmesh validate)\n`;
    }
    config = loaded.config;
    from = { localMesh: false, dir };
  }
  const routed = new Set(
    config.virtualServices.flatMap((vs) => {
      const { gateways } = vs.spec;
      if (gateways !== undefined && !gateways.includes('mesh')) return [];
      const namespace = vs.metadata.namespace ?? MESH_NAMESPACE;
      return vs.spec.hosts.map((host) => resolveHost(host, topology.services, namespace)?.name);
    }),
  );
  return {
    from,
    services: summariseVirtualServices(config.virtualServices),
    unrouted: topology.services.map((s) => s.name).filter((name) => !routed.has(name)),
  };
}

async function sample(mesh: LocalMesh, seconds: number): Promise<Live> {
  process.stderr.write(`sampling for ${seconds} s…\n`);
  const { before, after, seconds: elapsed } = await scrapeTwice(mesh.statsUrl, seconds);
  return { windowSeconds: elapsed, workloads: workloadFigures(before, after, elapsed) };
}

/** A line per process local mode runs, the ones that are down first. */
function formatProcesses(processes: ProcessStatus[]): string {
  const down = processes.filter(isDown);
  const title =
    down.length === 0
      ? `Processes: all ${String(processes.length)} running`
      : `Processes: ${String(down.length)} of ${String(processes.length)} not running (${down.map((p) => p.name).join(', ')})`;
  const rows = [
    ['process', 'state', 'restarts', 'last exit'],
    ...[...down, ...processes.filter((p) => !isDown(p))].map((p) => [
      p.name,
      describeState(p),
      String(p.restarts),
      describeLastExit(p),
    ]),
  ];
  const widths = [0, 1, 2].map((c) => Math.max(...rows.map((row) => row[c]?.length ?? 0)));
  const lines = rows.map((row) =>
    `  ${row.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join('  ')}`.trimEnd(),
  );
  return `\n${title}:\n${lines.join('\n')}\n`;
}

function formatRoutes(routes: Routes): string {
  const from = routes.from.localMesh
    ? `the running local mesh, generation ${routes.from.generation}`
    : `${routes.from.dir} (nothing running)`;
  const width = Math.max(
    0,
    ...routes.services.map((s) => s.label.length),
    ...routes.unrouted.map((name) => name.length),
  );
  const lines = [`Routes in force, from ${from}:`];
  for (const service of routes.services) {
    const file = service.file === undefined ? '' : ` (${service.file})`;
    lines.push(`  ${service.label.padEnd(width)}  VirtualService ${service.virtualService}${file}`);
    for (const route of service.routes) lines.push(`  ${''.padEnd(width)}    ${route}`);
  }
  for (const name of routes.unrouted) {
    lines.push(`  ${name.padEnd(width)}  no VirtualService: calls go to any of its instances`);
  }
  return `${lines.join('\n')}\n`;
}

/** A line per rollout that has not ended, so a route that is moving is not mistaken for a setting. */
function formatRollouts(home: string): string {
  const lines = rolloutServices(home).flatMap((service) => {
    const found = readRollout(home, service);
    if (found.kind !== 'found' || !isUnfinished(found.rollout.phase)) return [];
    const { rollout } = found;
    const running = isRunning(rollout)
      ? 'running'
      : rollout.phase === 'progressing'
        ? 'stopped'
        : rollout.phase;
    return [
      `  ${service}: ${rollout.plan.from} → ${rollout.plan.to}, ${running} at ${describeStage(planOf(rollout), rollout.stage)}` +
        ` (${String(rollout.failedChecks)}/${String(rollout.plan.threshold)} failed checks; quizmesh canary status ${service})`,
    ];
  });
  return lines.length === 0 ? '' : `\nCanary rollouts:\n${lines.join('\n')}\n`;
}

function formatLive(live: Live): string {
  const title = `\nLive, over ${live.windowSeconds.toFixed(1)} s (as destination sidecars report calls):\n`;
  if (live.workloads.length === 0) return `${title}  no calls seen by the mesh yet\n`;
  const rows = [
    ['service', 'version', 'req/s', '5xx', 'p99 ms'],
    ...live.workloads.map((w) => [
      w.service,
      w.version,
      w.requestsPerSecond.toFixed(1),
      w.errorRate === null ? '–' : `${(w.errorRate * 100).toFixed(1)}%`,
      w.p99Ms === null ? '–' : formatMs(w.p99Ms),
    ]),
  ];
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((row) => row[c]?.length ?? 0))) ?? [];
  const text = rows.map((row) =>
    row
      .map((cell, c) => (c < 2 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0)))
      .join('  '),
  );
  return `${title}${text.map((line) => `  ${line}`.trimEnd()).join('\n')}\n`;
}

const formatMs = (ms: number): string => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));
