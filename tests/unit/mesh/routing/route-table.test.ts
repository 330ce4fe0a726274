// Which VirtualService and which route apply: Istio's route selection for sidecars and gateways.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { virtualService, type MeshConfig } from '../../../../mesh/config/schema.ts';
import type { MeshService } from '../../../../mesh/config/topology.ts';
import type { MatchRequest } from '../../../../mesh/routing/match.ts';
import {
  buildRouteTable,
  selectRoute,
  virtualServicesFor,
  type RouteSelection,
} from '../../../../mesh/routing/route-table.ts';

const services: MeshService[] = [
  { name: 'quiz', namespace: 'quiz', port: 8080 },
  { name: 'frontend', namespace: 'quiz', port: 8080 },
  { name: 'images', namespace: 'quiz', port: 8080 },
];

function vs(
  name: string,
  spec: unknown,
  namespace?: string,
): MeshConfig['virtualServices'][number] {
  const metadata = namespace ? { name, namespace } : { name };
  return {
    ...virtualService.parse({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata,
      spec,
    }),
    source: { file: `${name}.yaml` },
  };
}

const to = (host: string, subset?: string) => ({
  route: [{ destination: subset ? { host, subset } : { host } }],
});

function table(...virtualServices: MeshConfig['virtualServices']) {
  return buildRouteTable({ virtualServices }, { services });
}

function request(overrides: Partial<MatchRequest> = {}): MatchRequest {
  return {
    path: '/api/round',
    method: 'GET',
    headers: {},
    sourceLabels: { app: 'frontend' },
    gateway: 'mesh',
    ...overrides,
  };
}

function subsetOf(selection: RouteSelection): string | undefined {
  if (selection.kind !== 'route') assert.fail('no route');
  return selection.route.route[0]?.destination.subset;
}

describe('route table', () => {
  it('the first matching route wins even when a later one is more specific', () => {
    const routes = table(
      vs('quiz', {
        hosts: ['quiz'],
        http: [
          { match: [{ uri: { prefix: '/' } }], ...to('quiz', 'v1') },
          { match: [{ uri: { exact: '/api/round' } }], ...to('quiz', 'v3') },
        ],
      }),
    );
    assert.equal(subsetOf(selectRoute(routes, 'quiz', request())), 'v1');
  });

  it('a VirtualService whose routes all have matches answers NR for a request none matches', () => {
    const routes = table(
      vs('quiz-dev', {
        hosts: ['quiz'],
        http: [
          { match: [{ headers: { 'x-quiz-player': { exact: 'dev' } } }], ...to('quiz', 'v3') },
        ],
      }),
    );
    assert.deepEqual(selectRoute(routes, 'quiz', request()), { kind: 'no-route' });
    const dev = request({ headers: { 'x-quiz-player': 'dev' } });
    assert.equal(subsetOf(selectRoute(routes, 'quiz', dev)), 'v3');
  });

  it('a service without a VirtualService is routed to the whole service', () => {
    const selection = selectRoute(table(), 'images', request());
    if (selection.kind !== 'route') assert.fail('no route');
    assert.deepEqual(selection.route.route, [
      { destination: { host: 'images.quiz.svc.cluster.local' } },
    ]);
    assert.equal(selection.virtualService, undefined);
    assert.equal(selection.namespace, 'quiz');
  });

  it('a route carries the VirtualService and its position for telemetry', () => {
    const routes = table(vs('quiz', { hosts: ['quiz'], http: [to('quiz', 'v1')] }));
    const selection = selectRoute(routes, 'quiz', request());
    assert.equal(selection.kind === 'route' && selection.virtualService?.name, 'quiz');
    assert.equal(selection.kind === 'route' && selection.routeIndex, 0);
  });

  it('a VirtualService host may be a short name, namespace-qualified, or the FQDN', () => {
    for (const host of ['quiz', 'quiz.quiz', 'quiz.quiz.svc.cluster.local']) {
      const routes = table(vs('quiz', { hosts: [host], http: [to('quiz', 'v2')] }));
      assert.equal(subsetOf(selectRoute(routes, 'quiz.quiz.svc.cluster.local', request())), 'v2');
    }
  });

  it('a short host is read in the VirtualService namespace, not the service namespace', () => {
    const routes = table(vs('elsewhere', { hosts: ['quiz'], http: [to('quiz', 'v2')] }, 'other'));
    assert.equal(virtualServicesFor(routes, services[0] as MeshService).length, 0);
  });

  it('a VirtualService bound only to a gateway does not route sidecar traffic', () => {
    const routes = table(
      vs('edge', { hosts: ['quiz'], gateways: ['quiz-gateway'], http: [to('quiz', 'v3')] }),
    );
    const sidecar = selectRoute(routes, 'quiz', request());
    assert.equal(sidecar.kind === 'route' && sidecar.virtualService, undefined);
    assert.equal(subsetOf(selectRoute(routes, 'quiz', request({ gateway: 'quiz-gateway' }))), 'v3');
  });

  it('listing mesh among the gateways routes sidecars too', () => {
    const routes = table(
      vs('both', { hosts: ['quiz'], gateways: ['quiz-gateway', 'mesh'], http: [to('quiz', 'v3')] }),
    );
    assert.equal(subsetOf(selectRoute(routes, 'quiz', request())), 'v3');
  });

  it('a gateway without a VirtualService for the service has no route', () => {
    assert.deepEqual(selectRoute(table(), 'quiz', request({ gateway: 'quiz-gateway' })), {
      kind: 'no-route',
    });
  });

  it('at the gateway the Host header picks the VirtualService, an exact host before *', () => {
    const routes = table(
      vs('any-host', { hosts: ['*'], gateways: ['quiz-gateway'], http: [to('frontend')] }),
      vs('api-host', { hosts: ['api.quiz.test'], gateways: ['quiz-gateway'], http: [to('quiz')] }),
    );
    const at = (host: string) =>
      selectRoute(routes, undefined, request({ gateway: 'quiz-gateway', headers: { host } }));
    const hostOf = (selection: RouteSelection) =>
      selection.kind === 'route' ? selection.route.route[0]?.destination.host : undefined;
    assert.equal(hostOf(at('api.quiz.test')), 'quiz');
    assert.equal(hostOf(at('API.quiz.test:8080')), 'quiz');
    assert.equal(hostOf(at('127.0.0.1:8080')), 'frontend');
  });

  it('a longer *.suffix host beats a shorter one and *', () => {
    const routes = table(
      vs('wide', { hosts: ['*.test'], gateways: ['quiz-gateway'], http: [to('frontend')] }),
      vs('narrow', { hosts: ['*.quiz.test'], gateways: ['quiz-gateway'], http: [to('quiz')] }),
    );
    const selection = selectRoute(
      routes,
      undefined,
      request({ gateway: 'quiz-gateway', headers: { host: 'play.quiz.test' } }),
    );
    assert.equal(selection.kind === 'route' && selection.virtualService?.name, 'narrow');
  });

  it('a Host no VirtualService of the gateway names gets no route (Envoy: 404 NR)', () => {
    const routes = table(
      vs('api-host', { hosts: ['api.quiz.test'], gateways: ['quiz-gateway'], http: [to('quiz')] }),
    );
    const selection = selectRoute(
      routes,
      undefined,
      request({ gateway: 'quiz-gateway', headers: { host: 'other.test' } }),
    );
    assert.deepEqual(selection, { kind: 'no-route' });
  });

  it('VirtualServices bound to one gateway with the same host merge their routes in order', () => {
    const routes = table(
      vs('api', {
        hosts: ['*'],
        gateways: ['quiz-gateway'],
        http: [{ match: [{ uri: { prefix: '/api/' } }], ...to('quiz') }],
      }),
      vs('site', { hosts: ['*'], gateways: ['quiz-gateway'], http: [to('frontend')] }),
    );
    const at = (path: string) =>
      selectRoute(routes, undefined, request({ path, gateway: 'quiz-gateway', headers: {} }));
    const api = at('/api/round');
    const site = at('/index.html');
    assert.equal(api.kind === 'route' && api.virtualService?.name, 'api');
    assert.equal(site.kind === 'route' && site.virtualService?.name, 'site');
  });

  it('two VirtualServices for one host at the sidecars conflict: the first routes, the other is reported', () => {
    const routes = table(
      vs('quiz-first', { hosts: ['quiz'], http: [to('quiz', 'v1')] }),
      vs('quiz-second', { hosts: ['quiz.quiz.svc.cluster.local'], http: [to('quiz', 'v3')] }),
    );
    assert.equal(subsetOf(selectRoute(routes, 'quiz', request())), 'v1');
    assert.equal(routes.conflicts.length, 1);
    assert.match(routes.conflicts[0] ?? '', /quiz-second.*ignored.*quiz-first/);
  });

  it('sidecar traffic to a service the mesh does not know has no route', () => {
    assert.deepEqual(selectRoute(table(), 'payments', request()), { kind: 'no-route' });
    assert.deepEqual(selectRoute(table(), undefined, request()), { kind: 'no-route' });
  });
});
