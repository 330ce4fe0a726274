// The route patch for a cluster, computed from its VirtualServices and DestinationRules: it carries
// the resourceVersion it was computed from (so the API server refuses it if someone changed the
// VirtualService meanwhile), and a version the profile does not deploy is refused naming the profile.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planClusterRoute, RouteRefused } from '../../../mesh-client/istio-cluster.ts';
import { parseRouteRequest, type RouteRequest } from '../../../mesh-client/routes/route-request.ts';

const virtualService = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'quiz', namespace: 'quiz', resourceVersion: '4711' },
  spec: { hosts: ['quiz'], http: [{ route: [{ destination: { host: 'quiz', subset: 'v1' } }] }] },
};

const rule = (subsets: string[], annotations?: Record<string, string>) => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'DestinationRule',
  metadata: { name: 'quiz', namespace: 'quiz', ...(annotations && { annotations }) },
  spec: { host: 'quiz', subsets: subsets.map((name) => ({ name, labels: { version: name } })) },
});

function request(...weights: string[]): RouteRequest {
  const parsed = parseRouteRequest('quiz', weights, []);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.request;
}

describe('planClusterRoute', () => {
  it('sends the resourceVersion it read, with spec.http', () => {
    const route = planClusterRoute(
      request('v1=90', 'v3=10'),
      [virtualService],
      [rule(['v1', 'v3'])],
      'quiz',
    );
    assert.equal(route.name, 'quiz');
    assert.deepEqual(route.body.metadata, { resourceVersion: '4711' });
    const http = route.body.spec.http as { route: { weight?: number }[] }[];
    assert.deepEqual(
      http[0]?.route.map((r) => r.weight),
      [90, 10],
    );
  });

  it('refuses a version the profile does not deploy, naming the profile', () => {
    assert.throws(
      () =>
        planClusterRoute(
          request('v1=90', 'v3=10'),
          [virtualService],
          [rule(['v1'], { 'quizmesh/profile': 'bug' })],
          'quiz',
        ),
      (error: unknown) =>
        error instanceof RouteRefused &&
        error.message ===
          'no DestinationRule for quiz defines subset v3 (the cluster runs skaffold profile bug, k8s/overlays/bug, which deploys no quiz v3)',
    );
  });

  it('refuses an undefined subset without a profile note when no profile is named', () => {
    assert.throws(
      () => planClusterRoute(request('v2=100'), [virtualService], [rule(['v1', 'v3'])], 'quiz'),
      /^RouteRefused: no DestinationRule for quiz defines subset v2$/,
    );
  });
});
