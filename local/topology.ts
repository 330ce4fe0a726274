// What local mode runs: every workload of the cluster as its own process on loopback, with the
// same app/version identity the Kubernetes manifests give it, and the local mesh between them.
// Every app reaches every Service through an outbound listener of the mesh that belongs to that
// app instance alone, so the mesh knows the caller the way a sidecar does.
import { randomBytes } from 'node:crypto';
import type { MeshTopology } from '../mesh/config/topology.ts';
import { MESH_TOKEN_VARIABLE } from '../services/kit/mesh-token.ts';
import type { MeshPlan, OutboundListener } from '../mesh/plan.ts';
import { LOCAL_APPS, meshTopology } from './mesh-topology.ts';

export interface Workload {
  /** `<app>-<version>`, as the Deployment is named on the cluster. */
  name: string;
  app: string;
  version: string;
  entry: string;
  /** Started with the tracing preload (the trace store and the mesh trace by themselves). */
  traced: boolean;
  port: number;
  env: Record<string, string>;
  /** A program that is not a Node entry point (Prometheus): its argv; `entry` then only names it. */
  command?: readonly string[];
  /** Its liveness probe's path (default /healthz) and its readiness path (default /readyz). */
  healthPath?: string;
  readyPath?: string;
  /** Local mode runs without it: start-up does not wait for it to be ready. */
  optional?: boolean;
}

export interface LocalPlan {
  workloads: Workload[];
  mesh: MeshPlan;
}

export interface TopologyOptions {
  host: string;
  /** The ingress gateway: the quiz site. */
  sitePort: number;
  zipkinPort: number;
  statsPort: number;
  adminPort: number;
  /** The mesh console. */
  consolePort: number;
  /** Where local mode keeps its state (QUIZMESH_HOME, absolute): the console reads rollouts there. */
  home: string;
  /** Asked for one at a time, for every app instance and outbound listener. */
  nextPort: () => number;
  meshConfigDir: string;
  dataDir: string;
  roundSecret: string;
  tracing: boolean;
  sampleRatio: number;
  apps?: Readonly<Record<string, readonly string[]>>;
  /** What the mesh proves itself with to the apps (services/kit/mesh-token.ts); new per plan if unset. */
  meshToken?: string;
}

/**
 * The console reads what the other workloads serve (the mesh's admin and stats, the trace store)
 * and QUIZMESH_HOME, and writes mesh-config/ as `quizmesh route` does. It is not traced: its own
 * reads of the trace store would otherwise fill it.
 */
function consoleWorkload(options: TopologyOptions): Workload {
  const url = (port: number): string => `http://${options.host}:${port}`;
  return {
    name: 'console',
    app: 'console',
    version: 'v1',
    entry: 'console/server/main.ts',
    traced: false,
    port: options.consolePort,
    env: {
      SERVICE_NAME: 'console',
      HOST: options.host,
      PORT: String(options.consolePort),
      MESH_ADMIN_URL: url(options.adminPort),
      MESH_STATS_URL: `${url(options.statsPort)}/stats/prometheus`,
      ZIPKIN_BASE_URL: url(options.zipkinPort),
      QUIZMESH_HOME: options.home,
      QUIZMESH_MESH_CONFIG: options.meshConfigDir,
    },
  };
}

/** `QUIZ_URL`: the variable an app reads a Service's address from. */
export const serviceUrlVariable = (service: string): string => `${service.toUpperCase()}_URL`;

export function planLocalMode(options: TopologyOptions): LocalPlan {
  const { host } = options;
  const apps = options.apps ?? LOCAL_APPS;
  const url = (port: number): string => `http://${host}:${port}`;
  const zipkinUrl = `${url(options.zipkinPort)}/api/v2/spans`;
  // Environment only, never a file: the mesh and the apps are the only holders.
  const meshToken = {
    [MESH_TOKEN_VARIABLE]: options.meshToken ?? randomBytes(32).toString('base64url'),
  };

  const instances = Object.entries(apps).flatMap(([app, versions]) =>
    versions.map((version) => ({ app, version, host, port: options.nextPort() })),
  );
  const topology: MeshTopology = meshTopology(instances);
  const outbound: OutboundListener[] = topology.instances.flatMap((instance) =>
    topology.services.map((service) => ({
      host,
      port: options.nextPort(),
      source: instance.workload,
      service: service.name,
    })),
  );

  const appWorkloads = topology.instances.map((instance): Workload => {
    const app = instance.labels.app ?? instance.service;
    const version = instance.labels.version ?? 'v1';
    const upstreams = Object.fromEntries(
      outbound
        .filter((listener) => listener.source === instance.workload)
        .map((listener) => [serviceUrlVariable(listener.service), url(listener.port)]),
    );
    return {
      name: instance.workload,
      app,
      version,
      entry: `services/${app}/main.ts`,
      traced: true,
      port: instance.port,
      env: {
        SERVICE_NAME: app,
        SERVICE_VERSION: version,
        HOST: host,
        PORT: String(instance.port),
        TRACING: options.tracing ? 'on' : 'off',
        TRACE_SAMPLE_RATIO: String(options.sampleRatio),
        ZIPKIN_URL: zipkinUrl,
        ...meshToken,
        ...upstreams,
        ...(app === 'scores' ? { DATA_DIR: options.dataDir } : {}),
        ...(app === 'quiz' ? { ROUND_SECRET: options.roundSecret } : {}),
      },
    };
  });

  const mesh: MeshPlan = {
    topology,
    ingress: { host, port: options.sitePort },
    outbound,
    stats: { host, port: options.statsPort },
    admin: { host, port: options.adminPort },
    configDir: options.meshConfigDir,
    zipkinUrl: options.tracing ? zipkinUrl : undefined,
  };
  const zipkin: Workload = {
    name: 'zipkin',
    app: 'zipkin',
    version: 'v1',
    entry: 'tracestore/main.ts',
    traced: false,
    port: options.zipkinPort,
    env: { SERVICE_NAME: 'zipkin', HOST: host, PORT: String(options.zipkinPort) },
  };
  const meshWorkload: Workload = {
    name: 'mesh',
    app: 'mesh',
    version: 'v1',
    entry: 'mesh/main.ts',
    traced: false,
    port: options.adminPort,
    env: { SERVICE_NAME: 'mesh', HOST: host, ...meshToken },
  };
  return {
    workloads: [zipkin, meshWorkload, ...appWorkloads, consoleWorkload(options)],
    mesh,
  };
}
