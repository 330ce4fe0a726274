// The shipped AuthorizationPolicies allow exactly the calls the app makes, and nothing else: every
// call below is evaluated with the mesh's own authorization decision (mesh/routing/authz.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { declaredMeshTopology } from '../../../../local/mesh-topology.ts';
import { loadMeshConfig } from '../../../../mesh/config/load.ts';
import { principalOf } from '../../../../mesh/config/topology.ts';
import { authorize } from '../../../../mesh/routing/authz.ts';

const MESH_CONFIG = fileURLToPath(new URL('../../../../mesh-config', import.meta.url));
const topology = declaredMeshTopology();
const result = loadMeshConfig(MESH_CONFIG, topology);
const policies = result.ok ? result.config.authorizationPolicies : [];

const INGRESS = 'cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account';
const callerPrincipal = (caller: string): string | undefined =>
  caller === 'ingress'
    ? INGRESS
    : caller === 'plain-text'
      ? undefined
      : principalOf({ namespace: 'quiz', serviceAccount: caller });

type Call = [caller: string, target: string, method: string, path: string];

/** Every call the app makes, by caller, as the services' code makes them. */
const APP_CALLS: Call[] = [
  ['ingress', 'frontend', 'GET', '/'],
  ['ingress', 'frontend', 'GET', '/app.js'],
  ['ingress', 'frontend', 'GET', '/api/round'],
  ['ingress', 'frontend', 'POST', '/api/round/abc/answer'],
  ['ingress', 'frontend', 'GET', '/api/leaderboard?limit=10'],
  ['ingress', 'frontend', 'GET', '/api/images/cat.svg'],
  ['frontend', 'quiz', 'POST', '/rounds'],
  ['frontend', 'quiz', 'POST', '/rounds/abc/answer'],
  ['frontend', 'images', 'GET', '/images/cat.svg'],
  ['frontend', 'scores', 'GET', '/leaderboard?limit=10'],
  ['quiz', 'images', 'GET', '/images'],
  ['quiz', 'descriptions', 'GET', '/descriptions/cat'],
  ['quiz', 'descriptions', 'POST', '/descriptions/batch'],
  ['quiz', 'scores', 'GET', '/players/alice'],
  ['quiz', 'scores', 'GET', '/players/%E6%9D%8E%E9%9B%B7'],
  ['quiz', 'scores', 'POST', '/answers'],
];

const CALLERS = ['ingress', 'frontend', 'quiz', 'images', 'descriptions', 'scores', 'plain-text'];

function allowed([caller, target, method, path]: Call): boolean[] {
  const instances = topology.instances.filter((i) => i.service === target);
  assert.ok(instances.length > 0, `no instance of ${target}`);
  // Every version of the target decides the same.
  return instances.map(
    (instance) =>
      authorize(policies, instance, { principal: callerPrincipal(caller), method, path }).allowed,
  );
}

test('the shipped AuthorizationPolicies load', () => {
  assert.equal(result.ok, true);
});

for (const call of APP_CALLS) {
  test(`${call[0]} may call ${call[2]} ${call[3]} on ${call[1]}`, () => {
    assert.ok(allowed(call).every(Boolean));
  });
}

test('no other caller may make any of those calls', () => {
  for (const [caller, target, method, path] of APP_CALLS) {
    for (const other of CALLERS) {
      if (other === caller) continue;
      const call: Call = [other, target, method, path];
      assert.ok(!allowed(call).some(Boolean), `${other} → ${target} ${method} ${path} is allowed`);
    }
  }
});

test('calls the app does not make are denied', () => {
  const denied: Call[] = [
    ['images', 'scores', 'GET', '/leaderboard'],
    ['images', 'scores', 'POST', '/answers'],
    ['frontend', 'descriptions', 'GET', '/descriptions/cat'],
    ['frontend', 'scores', 'POST', '/answers'],
    ['frontend', 'scores', 'GET', '/players/alice'],
    ['frontend', 'quiz', 'GET', '/rounds'],
    ['frontend', 'quiz', 'DELETE', '/rounds/abc'],
    ['frontend', 'images', 'GET', '/images'],
    ['quiz', 'images', 'GET', '/images/cat.svg'],
    ['quiz', 'descriptions', 'POST', '/descriptions/cat'],
    ['quiz', 'descriptions', 'DELETE', '/descriptions/cat'],
    ['quiz', 'frontend', 'GET', '/'],
    ['scores', 'quiz', 'POST', '/rounds'],
    ['ingress', 'quiz', 'POST', '/rounds'],
    ['ingress', 'scores', 'GET', '/leaderboard'],
    ['plain-text', 'frontend', 'GET', '/'],
    ['frontend', 'images', 'GET', '/healthz'],
    ['quiz', 'scores', 'GET', '/metrics'],
  ];
  for (const call of denied) {
    assert.ok(!allowed(call).some(Boolean), `${call.join(' ')} is allowed`);
  }
});
