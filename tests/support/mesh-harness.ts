// The local mesh (`node mesh/main.ts`) started for a test in front of echo upstreams, with the
// topology local mode runs (frontend, quiz v1–v3, images, descriptions, scores) and a config dir.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { freePorts } from '../../local/ports.ts';
import { LOCAL_APPS, meshTopology } from '../../local/mesh-topology.ts';
import type { MeshPlan } from '../../mesh/plan.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const HOST = '127.0.0.1';

export interface MeshUnderTest {
  /** The URL an instance's app would use to reach `service` (its own outbound listener). */
  outbound(sourceWorkload: string, service: string): string;
  ingressUrl: string;
  adminUrl: string;
  /** The Prometheus stats page (Istio's metrics and the proxy's own). */
  statsUrl: string;
  /** Requests each echo instance took, by workload name. */
  hits(): Promise<Record<string, number>>;
  /** The Host header of every request each echo instance took, by workload name. */
  hosts(): Promise<Record<string, string[]>>;
  /** Sum of istio_requests_total samples whose labels include all of `labels`. */
  requestsTotal(labels: Record<string, string>): Promise<number>;
  output(): string;
  stop(): Promise<void>;
}

export async function startMesh(options: {
  configDir: string;
  zipkinUrl?: string;
  /** Workloads whose echo instance is not started, to see connect failures. */
  down?: string[];
}): Promise<MeshUnderTest> {
  const instanceCount = Object.values(LOCAL_APPS).flat().length;
  const serviceCount = Object.keys(LOCAL_APPS).length;
  const ports = await freePorts(instanceCount * (1 + serviceCount) + 3);
  const port = (): number => {
    const next = ports.shift();
    if (next === undefined) throw new Error('ran out of free ports');
    return next;
  };
  const addresses = Object.entries(LOCAL_APPS).flatMap(([app, versions]) =>
    versions.map((version) => ({ app, version, host: HOST, port: port() })),
  );
  const topology = meshTopology(addresses);
  const outbound = topology.instances.flatMap((instance) =>
    topology.services.map((service) => ({
      host: HOST,
      port: port(),
      source: instance.workload,
      service: service.name,
    })),
  );
  const plan: MeshPlan = {
    topology,
    ingress: { host: HOST, port: port() },
    outbound,
    stats: { host: HOST, port: port() },
    admin: { host: HOST, port: port() },
    configDir: options.configDir,
    zipkinUrl: options.zipkinUrl,
  };
  const planFile = join(mkdtempSync(join(tmpdir(), 'quizmesh-plan-')), 'mesh-plan.json');
  writeFileSync(planFile, JSON.stringify(plan));

  const echoes = topology.instances
    .filter((i) => !(options.down ?? []).includes(i.workload))
    .map((i) => ({ name: i.workload, port: i.port }));
  const echo = spawn(
    process.execPath,
    ['tests/support/echo-upstreams.ts', JSON.stringify(echoes)],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    },
  );
  let output = '';
  const mesh: ChildProcess = spawn(process.execPath, ['mesh/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, MESH_PLAN_FILE: planFile },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  mesh.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  mesh.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const adminUrl = `http://${HOST}:${plan.admin.port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (mesh.exitCode !== null || Date.now() > deadline)
      throw new Error(`mesh did not start:\n${output}`);
    const ready = await fetch(`${adminUrl}/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    await sleep(100);
  }
  const echoUrl = `http://${HOST}:${String(echoes[0]?.port)}`;

  return {
    outbound(source, service) {
      const listener = outbound.find((l) => l.source === source && l.service === service);
      if (!listener) throw new Error(`no listener ${source} → ${service}`);
      return `http://${HOST}:${listener.port}`;
    },
    ingressUrl: `http://${HOST}:${plan.ingress.port}`,
    adminUrl,
    statsUrl: `http://${HOST}:${plan.stats.port}/stats/prometheus`,
    async hits() {
      return (await (await fetch(`${echoUrl}/__hits`)).json()) as Record<string, number>;
    },
    async hosts() {
      return (await (await fetch(`${echoUrl}/__hosts`)).json()) as Record<string, string[]>;
    },
    async requestsTotal(labels) {
      const text = await (await fetch(`http://${HOST}:${plan.stats.port}/stats/prometheus`)).text();
      let total = 0;
      for (const line of text.split('\n')) {
        if (!line.startsWith('istio_requests_total{')) continue;
        if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) {
          total += Number(line.slice(line.lastIndexOf(' ') + 1));
        }
      }
      return total;
    },
    output: () => output,
    async stop() {
      const exits = [once(mesh, 'exit'), once(echo, 'exit')];
      mesh.kill('SIGTERM');
      echo.kill('SIGTERM');
      await Promise.all(exits);
    },
  };
}
