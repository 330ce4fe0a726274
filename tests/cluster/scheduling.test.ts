// Would the pods schedule and start on the README's Docker VM? A real control plane (kube-apiserver,
// kube-controller-manager, kube-scheduler of the pinned Kubernetes) with one kwok node of 4 CPUs
// and 8 GiB, less what kind's own pods and Istio's demo control plane request on it; every
// profile's Deployments, with the sidecars Istio's injector would add (support/sidecar-injection.ts,
// sized from the pinned Istio release), must get every pod scheduled and available. The README's
// memory figure is the measured sum of the quiz namespace's requests, read back from the API server.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { OVERLAYS, render, ROOT, type Resource } from '../manifests/rendered.ts';
import { startControlPlane, type ControlPlane } from './support/control-plane.ts';
import {
  injectSidecars,
  sidecarResources,
  type SidecarResources,
} from './support/sidecar-injection.ts';
import { standInVolume } from './support/stand-in-volume.ts';
import { istioSource, shared } from './support/tools.ts';

/** The README's Docker VM: 4 CPUs, 8 GiB, less the kubelet's default hard eviction threshold (100Mi). */
const NODE = { cpu: '4', memory: `${8 * 1024 - 100}Mi` };

/**
 * What else runs on a kind node and requests resources: kind's kube-system pods (coredns ×2,
 * kindnet, etcd, kube-apiserver, controller-manager, scheduler; from kind's node image manifests)
 * and Istio's demo profile (istiod, ingress and egress gateways; from its values).
 */
const ON_THE_NODE = [
  { name: 'coredns', replicas: 2, cpu: '100m', memory: '70Mi' },
  { name: 'kindnet', replicas: 1, cpu: '100m', memory: '50Mi' },
  { name: 'etcd', replicas: 1, cpu: '100m', memory: '100Mi' },
  { name: 'kube-apiserver', replicas: 1, cpu: '250m', memory: '0' },
  { name: 'kube-controller-manager', replicas: 1, cpu: '200m', memory: '0' },
  { name: 'kube-scheduler', replicas: 1, cpu: '100m', memory: '0' },
];

let cp: ControlPlane;
let sidecar: SidecarResources;

const mebibytes = (quantity: string): number => {
  const units: Record<string, number> = { Ki: 1 / 1024, Mi: 1, Gi: 1024 };
  const unit = /[KMG]i$/.exec(quantity)?.[0];
  return unit === undefined
    ? Number(quantity) / 1024 / 1024
    : parseFloat(quantity) * (units[unit] ?? 0);
};

async function kubectlOk(args: readonly string[], input?: string): Promise<string> {
  const result = await cp.kubectl(args, input);
  assert.equal(result.code, 0, `kubectl ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

/** Placeholder Deployments standing for what kind and Istio run on the node, in their namespaces. */
const nodeNeighbours = (istio: Resource[]): Resource[] => [
  ...ON_THE_NODE.map((p) =>
    placeholder('kube-system', p.name, p.replicas, { cpu: p.cpu, memory: p.memory }),
  ),
  ...istio,
];

type Requests = { cpu: string; memory: string };

/** Istio's demo control plane as the README installs it: istiod and both gateways, with the demo values' requests. */
function istioControlPlane(demoValues: string): Resource[] {
  const values = parse(demoValues) as {
    pilot?: { resources?: { requests?: Requests } };
    gateways?: Record<string, { resources?: { requests?: Requests } }>;
  };
  const pods = {
    istiod: values.pilot?.resources?.requests,
    'istio-ingressgateway': values.gateways?.['istio-ingressgateway']?.resources?.requests,
    'istio-egressgateway': values.gateways?.['istio-egressgateway']?.resources?.requests,
  };
  return Object.entries(pods).map(([name, requests]) => {
    assert.ok(requests, `Istio's demo profile gives ${name} no requests`);
    return placeholder('istio-system', name, 1, requests);
  });
}

function placeholder(
  namespace: string,
  name: string,
  replicas: number,
  requests: Requests,
): Resource {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name, image: 'stand-in', resources: { requests } }] },
      },
    },
  };
}

before(async () => {
  sidecar = sidecarResources(
    readFileSync(istioSource('manifests/charts/istio-control/istio-discovery/values.yaml'), 'utf8'),
    readFileSync(istioSource('manifests/helm-profiles/demo.yaml'), 'utf8'),
  );
  cp = await startControlPlane({ controllers: true, node: NODE });
  await kubectlOk(['apply', '--server-side', '-f', shared('istio-crd-all.gen.yaml')]);
  await kubectlOk(['wait', '--for=condition=Established', 'crd', '--all', '--timeout=60s']);
  await kubectlOk(['create', 'namespace', 'istio-system']);
  const neighbours = nodeNeighbours(
    istioControlPlane(readFileSync(istioSource('manifests/helm-profiles/demo.yaml'), 'utf8')),
  );
  await kubectlOk(
    ['apply', '-f', '-'],
    JSON.stringify({ apiVersion: 'v1', kind: 'List', items: neighbours }),
  );
});

after(async () => {
  await cp.stop();
});

interface Pod {
  metadata: { name: string };
  spec: { nodeName?: string; containers: { resources?: { requests?: { memory?: string } } }[] };
  status: { phase: string };
}

async function quizPods(): Promise<Pod[]> {
  return (
    JSON.parse(await kubectlOk(['-n', 'quiz', 'get', 'pods', '-o', 'json'])) as { items: Pod[] }
  ).items;
}

describe('every profile schedules on a 4-CPU, 8 GiB node with its sidecars', () => {
  const measured = new Map<string, number>();
  for (const overlay of OVERLAYS) {
    it(`${overlay}: every Deployment available, every pod on the node`, async (t) => {
      await cp.kubectl(['delete', 'namespace', 'quiz', '--wait=true', '--timeout=120s']);
      const resources = render(overlay);
      const sidecars = injectSidecars(resources, sidecar);
      const volume = standInVolume(overlay.replaceAll('/', '-'));
      await kubectlOk(['apply', '-f', '-'], JSON.stringify(volume));
      await kubectlOk(
        ['apply', '-f', '-'],
        JSON.stringify({ apiVersion: 'v1', kind: 'List', items: resources }),
      );
      await kubectlOk([
        '-n',
        'quiz',
        'wait',
        '--for=condition=Available',
        'deployment',
        '--all',
        '--timeout=50s',
      ]);
      const pods = await quizPods();
      const deployments = resources.filter((r) => r.kind === 'Deployment');
      assert.equal(pods.length, deployments.length, pods.map((p) => p.metadata.name).join(', '));
      for (const pod of pods) assert.equal(pod.status.phase, 'Running', pod.metadata.name);
      const requested = pods
        .flatMap((p) => p.spec.containers)
        .reduce((sum, c) => sum + mebibytes(c.resources?.requests?.memory ?? '0'), 0);
      measured.set(overlay, requested);
      t.diagnostic(
        `${overlay}: ${pods.length} pods, ${sidecars} sidecars, ${requested} MiB requested`,
      );
    });
  }

  it("the README's memory figure is the default profile's measured sum", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const figure = /the quiz requests ~([\d.]+) GiB/.exec(readme)?.[1];
    assert.ok(figure, 'README says how much memory the quiz requests');
    const sum = measured.get('k8s');
    assert.ok(sum !== undefined, 'the default profile was measured');
    assert.equal(figure, (sum / 1024).toFixed(1));
  });
});
