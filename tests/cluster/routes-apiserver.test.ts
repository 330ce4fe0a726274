// `quizmesh canary --cluster` and `quizmesh console --cluster` against the real Kubernetes API
// server (kube-apiserver and etcd of the pinned versions, Istio's CRDs from the pinned release)
// holding a profile's VirtualServices and DestinationRules, applied for real: each canary step is a
// merge patch the API server takes, the rollout promotes, a change someone else made meanwhile is
// refused with 409 and kept, a version the profile does not deploy (-p bug) is refused naming the
// profile; the console lists the routes in force and changes them. Prometheus is a stand-in here
// (tests/support/canary-prometheus.ts): no pods run, so nothing emits Istio's metrics.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RoutesView } from '../../console/server/routes-in-force.ts';
import {
  connectIstioCluster,
  planClusterRoute,
  RouteRefused,
} from '../../mesh-client/istio-cluster.ts';
import { parseRouteRequest } from '../../mesh-client/routes/route-request.ts';
import { render, type Resource } from '../manifests/rendered.ts';
import { startCanaryPrometheus, type CanaryPrometheus } from '../support/canary-prometheus.ts';
import { startConsole, type ConsoleProcess } from '../support/console-process.ts';
import { runQuizmesh } from '../support/quizmesh-cli.ts';
import { startControlPlane, type ControlPlane } from './support/control-plane.ts';
import { shared } from './support/tools.ts';

const ISTIO_KINDS = new Set(['VirtualService', 'DestinationRule']);

let cp: ControlPlane;
let prometheus: CanaryPrometheus;
let env: NodeJS.ProcessEnv;

async function kubectlOk(args: readonly string[], input?: string): Promise<string> {
  const result = await cp.kubectl(args, input);
  assert.equal(result.code, 0, `kubectl ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

/** Replaces quiz's routing with `overlay`'s, applied for real as `kubectl apply -k` would. */
async function applyProfileRouting(overlay: string): Promise<void> {
  const items = render(overlay).filter(
    (r: Resource) => ISTIO_KINDS.has(r.kind) && r.metadata.namespace === 'quiz',
  );
  await kubectlOk(
    ['apply', '--server-side', '--force-conflicts', '-f', '-'],
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      items,
    }),
  );
}

/** As someone with kubectl would: every call to quiz on v1, by a merge patch of spec.http. */
async function routeAllToV1(): Promise<void> {
  const http = [{ route: [{ destination: { host: 'quiz', subset: 'v1' } }] }];
  await kubectlOk(
    ['-n', 'quiz', 'patch', 'virtualservice', 'quiz', '--type', 'merge'].concat([
      '-p',
      JSON.stringify({ spec: { http } }),
    ]),
  );
}

async function quizRoute(): Promise<string> {
  const vs = JSON.parse(
    await kubectlOk(['-n', 'quiz', 'get', 'virtualservice', 'quiz', '-o', 'json']),
  ) as {
    spec: { http: { route: { destination: { subset: string }; weight?: number }[] }[] };
  };
  return vs.spec.http
    .map((h) => h.route.map((r) => `${r.destination.subset}=${String(r.weight ?? 100)}`).join(' '))
    .join(' | ');
}

const canary = (from: string, to: string, home: string) =>
  runQuizmesh(
    ['canary', 'quiz', '--from', from, '--to', to, '--step', '50', '--interval', '1s'].concat([
      '--cluster',
      '--prometheus',
      prometheus.url,
    ]),
    { ...env, QUIZMESH_HOME: home },
  );

before(async () => {
  cp = await startControlPlane();
  await kubectlOk(['apply', '--server-side', '-f', shared('istio-crd-all.gen.yaml')]);
  await kubectlOk(['wait', '--for=condition=Established', 'crd', '--all', '--timeout=60s']);
  await kubectlOk(['create', 'namespace', 'quiz']);
  prometheus = await startCanaryPrometheus();
  env = { KUBECONFIG: cp.kubeconfig };
  // connectIstioCluster, called in this process too, reads the user's kubeconfig as kubectl does.
  process.env.KUBECONFIG = cp.kubeconfig;
});

after(async () => {
  prometheus.close();
  await cp.stop();
});

describe('quizmesh console --cluster on a real API server', () => {
  let served: ConsoleProcess;
  before(async () => {
    await applyProfileRouting('k8s/overlays/canary');
    served = await startConsole(
      // Nothing listens on port 9: the routes views read the API server only.
      [
        '--cluster',
        '--prometheus',
        prometheus.url,
        '--zipkin',
        'http://127.0.0.1:9',
        '--port',
        '0',
      ],
      { KUBECONFIG: cp.kubeconfig, QUIZMESH_HOME: mkdtempSync(join(tmpdir(), 'quizmesh-home-')) },
    );
  });
  after(async () => {
    const exited = served.child.exitCode === null ? once(served.child, 'exit') : undefined;
    served.child.kill('SIGTERM');
    await exited;
  });
  const postRoute = (body: unknown) =>
    fetch(`${served.url}/api/routes/quiz`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it("lists the cluster's routes, with the versions the profile's DestinationRule defines", async () => {
    const routes = (await (await fetch(`${served.url}/api/routes`)).json()) as RoutesView;
    assert.equal(routes.where, 'the cluster (quizmesh, namespace quiz)');
    const quiz = routes.services.find((s) => s.service === 'quiz');
    assert.deepEqual(quiz?.versions, ['v1', 'v3']);
    assert.deepEqual(quiz.split, [
      { version: 'v1', weight: 90 },
      { version: 'v3', weight: 10 },
    ]);
  });

  it('changes a route: the API server holds the new spec.http', async () => {
    const response = await postRoute({
      split: [
        { version: 'v1', weight: 50 },
        { version: 'v3', weight: 50 },
      ],
    });
    assert.equal(response.status, 200, await response.text());
    assert.equal(await quizRoute(), 'v1=50 v3=50');
  });

  it('refuses v2, which profile canary does not deploy, naming the profile', async () => {
    const response = await postRoute({ split: [{ version: 'v2', weight: 100 }] });
    assert.equal(response.status, 409);
    const { error } = (await response.json()) as { error: string };
    assert.match(error, /which deploys no quiz v2/);
    assert.equal(await quizRoute(), 'v1=50 v3=50');
  });
});

describe('quizmesh canary --cluster on a real API server', () => {
  it('patches the VirtualService step by step and promotes v3 (profile canary)', async () => {
    await applyProfileRouting('k8s/overlays/canary');
    await routeAllToV1();
    const home = mkdtempSync(join(tmpdir(), 'quizmesh-home-'));
    const result = await canary('v1', 'v3', home);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /patched VirtualService quiz\/quiz/);
    assert.match(result.stdout, /PROMOTED: v3 takes every call to quiz/);
    assert.equal(await quizRoute(), 'v3=100');
    const managers = await kubectlOk([
      '-n',
      'quiz',
      'get',
      'virtualservice',
      'quiz',
      '--show-managed-fields',
      '-o',
      'jsonpath={.metadata.managedFields[*].manager}',
    ]);
    assert.match(managers, /\bquizmesh\b/);
  });

  it('refuses a patch computed before someone else changed the route, and keeps their change', async () => {
    await applyProfileRouting('k8s/overlays/canary');
    const cluster = await connectIstioCluster({ namespace: 'quiz' });
    const parsed = parseRouteRequest('quiz', ['v1=90', 'v3=10'], []);
    assert.ok(parsed.ok);
    const stale = planClusterRoute(
      parsed.request,
      await cluster.virtualServices(),
      await cluster.destinationRules(),
      'quiz',
    );
    assert.ok(stale.body.metadata?.resourceVersion);
    // Someone else routes everything to v1 meanwhile.
    await routeAllToV1();
    await assert.rejects(
      cluster.patch(stale),
      (error: unknown) =>
        error instanceof RouteRefused && /changed since it was read/.test(error.message),
    );
    assert.equal(await quizRoute(), 'v1=100');
  });

  it('refuses a version profile bug does not deploy, naming it, and patches nothing', async () => {
    await applyProfileRouting('k8s/overlays/bug');
    const before = await quizRoute();
    const home = mkdtempSync(join(tmpdir(), 'quizmesh-home-'));
    const result = await canary('v1', 'v3', home);
    assert.notEqual(result.code, 0, result.stdout);
    assert.match(
      result.stderr,
      /no DestinationRule for quiz defines subset v3 \(the cluster runs skaffold profile bug, k8s\/overlays\/bug, which deploys no quiz v3\)/,
    );
    assert.equal(await quizRoute(), before);
  });
});
