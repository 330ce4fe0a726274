// The local mesh as the benchmark's hop (bench/mesh-hop): one mesh process with the same work per
// request as in local mode (route match, 90/10 subset split, authorization, Istio metrics from
// both reporters, a B3 span), between a caller "frontend-v1" and two quiz instances.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { freePorts } from '../../local/ports.ts';
import { meshTopology } from '../../local/mesh-topology.ts';
import type { MeshPlan } from '../../mesh/plan.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const CONFIG = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: quiz, namespace: quiz }
spec:
  hosts: [quiz]
  http:
    - route:
        - destination: { host: quiz, subset: v1 }
          weight: 90
        - destination: { host: quiz, subset: v3 }
          weight: 10
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: quiz, namespace: quiz }
spec:
  host: quiz
  trafficPolicy: { tls: { mode: ISTIO_MUTUAL } }
  subsets:
    - { name: v1, labels: { version: v1 } }
    - { name: v3, labels: { version: v3 } }
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: { name: default, namespace: quiz }
spec: { mtls: { mode: STRICT } }
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: quiz, namespace: quiz }
spec:
  selector: { matchLabels: { app: quiz } }
  action: ALLOW
  rules:
    - from: [{ source: { principals: [cluster.local/ns/quiz/sa/frontend] } }]
      to: [{ operation: { methods: [GET] } }]
`;

export async function startMeshForBench(upstreams: { v1: string; v3: string }) {
  const host = '127.0.0.1';
  const portOf = (url: string): number => Number(new URL(url).port);
  const [frontendPort, listenerPort, ingressPort, statsPort, adminPort] = await freePorts(5, host);
  const topology = meshTopology([
    { app: 'frontend', version: 'v1', host, port: frontendPort ?? 0 },
    { app: 'quiz', version: 'v1', host, port: portOf(upstreams.v1) },
    { app: 'quiz', version: 'v3', host, port: portOf(upstreams.v3) },
  ]);
  const listener = { host, port: listenerPort ?? 0, source: 'frontend-v1', service: 'quiz' };
  const dir = mkdtempSync(join(tmpdir(), 'quizmesh-bench-'));
  const configDir = join(dir, 'mesh-config');
  mkdirSync(configDir);
  writeFileSync(join(configDir, 'bench.yaml'), CONFIG);
  const plan: MeshPlan = {
    topology,
    ingress: { host, port: ingressPort ?? 0 },
    outbound: [listener],
    stats: { host, port: statsPort ?? 0 },
    admin: { host, port: adminPort ?? 0 },
    configDir,
    // Spans are made and sampled as in local mode; with no collector they are not exported.
    zipkinUrl: undefined,
  };
  const planFile = join(dir, 'plan.json');
  writeFileSync(planFile, JSON.stringify(plan));
  const child = spawn(process.execPath, ['mesh/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, MESH_PLAN_FILE: planFile },
    // The IPC channel ends the mesh if the benchmark dies, even by SIGKILL (mesh/main.ts).
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  for (let i = 0; ; i++) {
    const ready = await fetch(`http://${host}:${plan.admin.port}/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (i > 200 || child.exitCode !== null) throw new Error('the mesh did not start for the bench');
    await sleep(50);
  }
  return {
    url: `http://${host}:${listener.port}/round`,
    pid: child.pid ?? 0,
    async stop() {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
