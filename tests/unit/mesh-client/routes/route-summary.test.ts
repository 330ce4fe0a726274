// Routes in one line each, as `quizmesh status` shows them: matches, weighted destinations,
// faults, timeouts and retries, from the mesh's parsed VirtualServices.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { summariseVirtualServices } from '../../../../mesh-client/routes/route-summary.ts';
import { declaredMeshTopology } from '../../../../local/mesh-topology.ts';
import { loadMeshConfig } from '../../../../mesh/config/load.ts';

const MESH_CONFIG = fileURLToPath(new URL('../../../../mesh-config', import.meta.url));

/** The route summaries of mesh-config/ with `scenario` in place. */
function routesWith(scenario: string): Record<string, string[]> {
  const result = loadMeshConfig(MESH_CONFIG, declaredMeshTopology(), {
    substitute: [`${MESH_CONFIG}/scenarios/${scenario}`],
  });
  if (!result.ok) assert.fail(JSON.stringify(result.errors));
  return Object.fromEntries(
    summariseVirtualServices(result.config.virtualServices).map((s) => [s.label, s.routes]),
  );
}

describe('route summaries', () => {
  it('show a header route and a weighted split', () => {
    assert.deepEqual(routesWith('virtual-service-quiz-header-alice-v2.yaml').quiz, [
      'match x-quiz-player=alice → quiz v2',
      'quiz v1',
    ]);
    assert.deepEqual(routesWith('virtual-service-quiz-v1-90-v3-10.yaml').quiz, [
      'quiz v1 90% · v3 10%',
    ]);
  });

  it('join the alternatives of one match with "or"', () => {
    assert.equal(
      routesWith('virtual-service-quiz-header-dev-v3.yaml').quiz?.[0],
      'match x-quiz-player=dev or x-quiz-dev=true → quiz v3',
    );
  });

  it('show timeout, retries and faults in Istio notation', () => {
    assert.deepEqual(routesWith('virtual-service-quiz-timeout-retries.yaml').quiz, [
      'quiz v1 (timeout 3s, retries 3 × 1s on 5xx,gateway-error,connect-failure,reset)',
    ]);
    assert.deepEqual(routesWith('virtual-service-descriptions-fault-delay.yaml').descriptions, [
      'descriptions v1 (fault: delay 500ms for 10%)',
    ]);
    assert.deepEqual(routesWith('virtual-service-descriptions-fault-abort.yaml').descriptions, [
      'descriptions v1 (fault: abort 503 for 10%)',
    ]);
  });

  it('list gateway-bound VirtualServices first, under their gateway', () => {
    const labels = Object.keys(routesWith('virtual-service-quiz-all-v3.yaml'));
    assert.deepEqual(labels, ['gateway quiz-gateway', 'descriptions', 'quiz']);
  });
});
