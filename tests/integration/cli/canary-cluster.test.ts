// `quizmesh canary --cluster` through @kubernetes/client-node with a kubeconfig, against stand-ins
// on 127.0.0.1 for the two things no test here can run: a Kubernetes API server holding this
// repo's VirtualServices and DestinationRules (../support/kube-stand-in.ts; the cluster tier runs
// the same against a real kube-apiserver, tests/cluster/routes-apiserver.test.ts) and a Prometheus
// answering the canary's queries with a healthy v3 (../support/canary-prometheus.ts).
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readRollout } from '../../../mesh-client/canary/state.ts';
import { startCanaryPrometheus, type CanaryPrometheus } from '../../support/canary-prometheus.ts';
import { startKubeStandIn, type KubeStandIn } from '../../support/kube-stand-in.ts';
import { runQuizmesh } from '../../support/quizmesh-cli.ts';

describe('quizmesh canary --cluster', () => {
  let queries: string[] = [];
  let kube: KubeStandIn;
  let prometheus: CanaryPrometheus;
  let prometheusUrl = '';
  let env: NodeJS.ProcessEnv = {};

  before(async () => {
    kube = await startKubeStandIn();
    prometheus = await startCanaryPrometheus();
    prometheusUrl = prometheus.url;
    queries = prometheus.queries;
    const home = join(mkdtempSync(join(tmpdir(), 'quizmesh-canary-')), 'home');
    env = { KUBECONFIG: kube.kubeconfig, QUIZMESH_HOME: home };
  });

  after(async () => {
    prometheus.close();
    await kube.close();
  });

  it('--dry-run prints the merge patch of every step and patches nothing', async () => {
    const result = await runQuizmesh(
      ['canary', 'quiz', '--from', 'v1', '--to', 'v3', '--step', '50', '--cluster', '--dry-run'],
      env,
    );
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /routes: the cluster \(stand-in, namespace quiz\)/);
    assert.match(
      result.stdout,
      /kubectl -n quiz patch virtualservice quiz --type merge -p '\{"spec":\{"http":\[\{"route":\[\{"destination":\{"host":"quiz","subset":"v1"\},"weight":50\},\{"destination":\{"host":"quiz","subset":"v3"\},"weight":50\}\]\}\]\}\}'/,
    );
    assert.match(result.stdout, /promotion: v3 100%/);
    assert.deepEqual(kube.patches, []);
  });

  it('patches spec.http of the quiz VirtualService at every step and promotes', async () => {
    const result = await runQuizmesh(
      [
        'canary',
        'quiz',
        '--from',
        'v1',
        '--to',
        'v3',
        '--step',
        '50',
        '--interval',
        '1s',
        '--cluster',
        '--prometheus',
        prometheusUrl,
      ],
      env,
    );
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /patched VirtualService quiz\/quiz/);
    assert.match(result.stdout, /PROMOTED: v3 takes every call to quiz/);
    const weights = kube.patches.map((p) => {
      assert.equal(p.name, 'quiz');
      assert.equal(p.contentType, 'application/merge-patch+json');
      const { spec } = p.body as {
        spec: { http: { route: { destination: { subset: string }; weight: number }[] }[] };
      };
      return spec.http.map((route) =>
        route.route.map((r) => `${r.destination.subset}=${String(r.weight)}`).join(' '),
      );
    });
    assert.deepEqual(weights, [['v1=50 v3=50'], ['v3=100']]);
    // The frontend's VirtualService, bound to the gateway, is not the one that routes quiz.
    assert.equal(JSON.stringify(kube.virtualServices.get('frontend')?.spec).includes('v3'), false);
    assert.ok(queries.some((q) => q.includes('destination_workload=~"quiz-v1|quiz-v3"')));
    const state = readRollout(env.QUIZMESH_HOME ?? '', 'quiz');
    assert.ok(state.kind === 'found');
    assert.deepEqual(state.rollout.target, { kind: 'cluster', namespace: 'quiz' });
    assert.equal(state.rollout.phase, 'promoted');
  });

  it('refuses a version no DestinationRule defines, before patching anything', async () => {
    const before = kube.patches.length;
    const result = await runQuizmesh(
      ['canary', 'quiz', '--from', 'v3', '--to', 'v9', '--cluster', '--prometheus', prometheusUrl],
      { ...env, QUIZMESH_HOME: mkdtempSync(join(tmpdir(), 'quizmesh-home-')) },
    );
    assert.equal(result.code, 2, result.stdout + result.stderr);
    assert.match(result.stderr, /no DestinationRule for quiz defines subset v9/);
    assert.equal(kube.patches.length, before);
  });
});
