// `quizmesh canary --cluster` through @kubernetes/client-node with a kubeconfig, against stand-ins
// on 127.0.0.1 for the two things no test here can run: a Kubernetes API server holding this
// repo's VirtualServices and DestinationRules (it answers lists and applies JSON merge patches as
// the API server does) and a Prometheus answering the canary's queries with a healthy v3.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { readRollout } from '../../cli/canary/state.ts';
import { runQuizmesh } from '../support/quizmesh-cli.ts';

const MESH_CONFIG = fileURLToPath(new URL('../../mesh-config/', import.meta.url));
const API = '/apis/networking.istio.io/v1/namespaces/quiz';

type Resource = { kind: string; metadata: { name: string }; spec: Record<string, unknown> };

function resources(file: string, kind: string): Resource[] {
  return parseAllDocuments(readFileSync(join(MESH_CONFIG, file), 'utf8'))
    .map((doc) => doc.toJS() as Resource)
    .filter((r) => r.kind === kind);
}

interface Patch {
  name: string;
  contentType: string | undefined;
  body: unknown;
}

const body = async (request: IncomingMessage): Promise<string> => {
  let text = '';
  for await (const chunk of request) text += String(chunk);
  return text;
};

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
}

describe('quizmesh canary --cluster', () => {
  const virtualServices = new Map<string, Resource>();
  const patches: Patch[] = [];
  const queries: string[] = [];
  let kube: Server;
  let prometheus: Server;
  let prometheusUrl = '';
  let env: NodeJS.ProcessEnv = {};

  before(async () => {
    for (const vs of [
      ...resources('virtual-service-quiz.yaml', 'VirtualService'),
      ...resources('virtual-service-frontend.yaml', 'VirtualService'),
    ]) {
      virtualServices.set(vs.metadata.name, vs);
    }
    const rules = resources('destination-rule-all.yaml', 'DestinationRule');
    kube = createServer((request, response) => {
      void (async () => {
        const url = new URL(request.url ?? '/', 'http://x');
        const json = (status: number, value: unknown) => {
          response.writeHead(status, { 'content-type': 'application/json' });
          response.end(JSON.stringify(value));
        };
        if (request.method === 'GET' && url.pathname === `${API}/virtualservices`) {
          json(200, { kind: 'VirtualServiceList', items: [...virtualServices.values()] });
          return;
        }
        if (request.method === 'GET' && url.pathname === `${API}/destinationrules`) {
          json(200, { kind: 'DestinationRuleList', items: rules });
          return;
        }
        const patched = new RegExp(`^${API}/virtualservices/([^/]+)$`).exec(url.pathname);
        const target = patched?.[1] === undefined ? undefined : virtualServices.get(patched[1]);
        if (request.method === 'PATCH' && target !== undefined) {
          const patch = JSON.parse(await body(request)) as { spec: Record<string, unknown> };
          patches.push({
            name: target.metadata.name,
            contentType: request.headers['content-type'],
            body: patch,
          });
          // A merge patch replaces a list whole: spec.http is the new one.
          target.spec = { ...target.spec, ...patch.spec };
          json(200, target);
          return;
        }
        json(404, { kind: 'Status', status: 'Failure', reason: 'NotFound' });
      })();
    });
    prometheus = createServer((request, response) => {
      const query = new URL(request.url ?? '/', 'http://x').searchParams.get('query') ?? '';
      queries.push(query);
      const value = query.startsWith('histogram_quantile')
        ? '42'
        : query.includes('increase(')
          ? '30'
          : '100';
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          status: 'success',
          data: {
            resultType: 'vector',
            result: ['quiz-v1', 'quiz-v3'].map((workload) => ({
              metric: { destination_workload: workload },
              value: [Date.now() / 1000, value],
            })),
          },
        }),
      );
    });
    const server = await listen(kube);
    prometheusUrl = await listen(prometheus);
    const dir = mkdtempSync(join(tmpdir(), 'quizmesh-kube-'));
    writeFileSync(
      join(dir, 'config'),
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        // Plain HTTP on loopback, as through `kubectl proxy`: the client wants this said outright.
        clusters: [{ name: 'stand-in', cluster: { server, 'insecure-skip-tls-verify': true } }],
        users: [{ name: 'tester', user: { token: 'not-a-secret' } }],
        contexts: [{ name: 'stand-in', context: { cluster: 'stand-in', user: 'tester' } }],
        'current-context': 'stand-in',
      }),
    );
    env = { KUBECONFIG: join(dir, 'config'), QUIZMESH_HOME: join(dir, 'home') };
  });

  after(() => {
    kube.close();
    prometheus.close();
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
    assert.deepEqual(patches, []);
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
    const weights = patches.map((p) => {
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
    assert.equal(JSON.stringify(virtualServices.get('frontend')?.spec).includes('v3'), false);
    assert.ok(queries.some((q) => q.includes('destination_workload=~"quiz-v1|quiz-v3"')));
    const state = readRollout(env.QUIZMESH_HOME ?? '', 'quiz');
    assert.ok(state.kind === 'found');
    assert.deepEqual(state.rollout.target, { kind: 'cluster', namespace: 'quiz' });
    assert.equal(state.rollout.phase, 'promoted');
  });

  it('refuses a version no DestinationRule defines, before patching anything', async () => {
    const before = patches.length;
    const result = await runQuizmesh(
      ['canary', 'quiz', '--from', 'v3', '--to', 'v9', '--cluster', '--prometheus', prometheusUrl],
      { ...env, QUIZMESH_HOME: mkdtempSync(join(tmpdir(), 'quizmesh-home-')) },
    );
    assert.equal(result.code, 2, result.stdout + result.stderr);
    assert.match(result.stderr, /no DestinationRule for quiz defines subset v9/);
    assert.equal(patches.length, before);
  });
});
