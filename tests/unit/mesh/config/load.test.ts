// The shipped mesh-config/: the configuration in force and every scenario load without errors
// against the services local mode runs, and nothing in them deserves a warning.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { declaredMeshTopology } from '../../../../local/mesh-topology.ts';
import { analyzeMeshConfig } from '../../../../mesh/config/analyze.ts';
import { formatFinding } from '../../../../mesh/config/findings.ts';
import { loadMeshConfig, type LoadResult } from '../../../../mesh/config/load.ts';
import type { MeshConfig } from '../../../../mesh/config/schema.ts';

const MESH_CONFIG = fileURLToPath(new URL('../../../../mesh-config', import.meta.url));
const topology = declaredMeshTopology();
const scenarios = readdirSync(`${MESH_CONFIG}/scenarios`).filter((f) => f.endsWith('.yaml'));

function loaded(result: LoadResult): MeshConfig {
  if (!result.ok) {
    assert.fail(`refused:\n${result.errors.map((f) => formatFinding(f)).join('\n')}`);
  }
  return result.config;
}

test('the shipped mesh-config/ loads with no errors and no warnings', () => {
  const result = loadMeshConfig(MESH_CONFIG, topology);
  const config = loaded(result);
  assert.deepEqual(result.warnings, []);
  const names = (list: readonly { metadata: { name: string } }[]) =>
    list.map((r) => r.metadata.name).sort();
  assert.deepEqual(names(config.gateways), ['quiz-gateway']);
  assert.deepEqual(names(config.virtualServices), ['descriptions', 'frontend', 'quiz']);
  assert.deepEqual(names(config.destinationRules), [
    'descriptions',
    'frontend',
    'images',
    'quiz',
    'scores',
  ]);
  assert.equal(config.peerAuthentications[0]?.spec.mtls?.mode, 'STRICT');
  assert.equal(config.authorizationPolicies.length, 6);
  assert.equal(config.telemetries[0]?.spec.tracing?.[0]?.randomSamplingPercentage, 100);
});

test('the live quiz route sends all traffic to v1 and durations are read as milliseconds', () => {
  const config = loaded(loadMeshConfig(MESH_CONFIG, topology));
  const quiz = config.virtualServices.find((vs) => vs.metadata.name === 'quiz');
  assert.equal(quiz?.source.file, 'virtual-service-quiz.yaml');
  assert.equal(quiz.metadata.namespace, 'quiz');
  assert.deepEqual(quiz.spec.http[0]?.route, [
    { destination: { host: 'quiz', subset: 'v1' }, weight: 100 },
  ]);
  // Outlier detection is a scenario: in force, it would eject the buggy v1 the demo is about.
  const rule = config.destinationRules.find((dr) => dr.metadata.name === 'quiz');
  assert.equal(rule?.spec.trafficPolicy?.outlierDetection, undefined);
  const withScenario = loaded(
    loadMeshConfig(MESH_CONFIG, topology, {
      substitute: [`${MESH_CONFIG}/scenarios/destination-rule-quiz-outlier-detection.yaml`],
    }),
  );
  const ruled = withScenario.destinationRules.find((dr) => dr.metadata.name === 'quiz');
  assert.deepEqual(ruled?.spec.trafficPolicy?.outlierDetection, {
    consecutive5xxErrors: 5,
    interval: 10_000,
    baseEjectionTime: 30_000,
    maxEjectionPercent: 100,
  });
});

test('there are eleven scenarios: ten VirtualServices and one DestinationRule', () => {
  assert.equal(scenarios.length, 11);
});

for (const scenario of scenarios) {
  test(`scenario ${scenario} loads in place of the resource it replaces, with no warnings`, () => {
    const result = loadMeshConfig(MESH_CONFIG, topology, {
      substitute: [`${MESH_CONFIG}/scenarios/${scenario}`],
    });
    const config = loaded(result);
    assert.deepEqual(result.warnings, [], 'it replaces an in-force resource, adds none');
    const resources = [...config.virtualServices, ...config.destinationRules];
    const fromScenario = resources.filter((r) => r.source.file === `scenarios/${scenario}`);
    assert.equal(fromScenario.length, 1);
    const name = fromScenario[0]?.metadata.name;
    const kind = fromScenario[0]?.kind;
    assert.equal(resources.filter((r) => r.kind === kind && r.metadata.name === name).length, 1);
    assert.deepEqual(analyzeMeshConfig(config, topology), []);
  });
}

test('analyze finds nothing to warn about in the shipped config', () => {
  const config = loaded(loadMeshConfig(MESH_CONFIG, topology));
  assert.deepEqual(analyzeMeshConfig(config, topology), []);
});

test('the canary scenario splits quiz 90/10 between v1 and v3', () => {
  const config = loaded(
    loadMeshConfig(MESH_CONFIG, topology, {
      substitute: [`${MESH_CONFIG}/scenarios/virtual-service-quiz-v1-90-v3-10.yaml`],
    }),
  );
  const quiz = config.virtualServices.find((vs) => vs.metadata.name === 'quiz');
  assert.deepEqual(
    quiz?.spec.http[0]?.route.map((r) => [r.destination.subset, r.weight]),
    [
      ['v1', 90],
      ['v3', 10],
    ],
  );
});

test('the timeout-retries scenario reads its durations and retry conditions', () => {
  const config = loaded(
    loadMeshConfig(MESH_CONFIG, topology, {
      substitute: [`${MESH_CONFIG}/scenarios/virtual-service-quiz-timeout-retries.yaml`],
    }),
  );
  const route = config.virtualServices.find((vs) => vs.metadata.name === 'quiz')?.spec.http[0];
  assert.equal(route?.timeout, 3_000);
  assert.deepEqual(route.retries, {
    attempts: 3,
    perTryTimeout: 1_000,
    retryOn: ['5xx', 'gateway-error', 'connect-failure', 'reset'],
  });
});
