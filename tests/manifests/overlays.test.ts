// The profiles as plain `kubectl apply -k` reads them (render() passes no kustomize flags, so a
// file read from outside a kustomization's folder fails every render): each overlay's quiz route is
// its scenario file as it is (the overlays inline it), and mesh-config/kustomization.yaml lists
// exactly the files the local mesh holds in force.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { isMeshConfigFile } from '../../mesh/config/config-files.ts';
import { parseResources, render, ROOT, type Resource } from './rendered.ts';

const SCENARIOS: Record<string, string> = {
  'k8s/overlays/bug': 'virtual-service-quiz-all-v1.yaml',
  'k8s/overlays/canary': 'virtual-service-quiz-v1-90-v3-10.yaml',
  'k8s/overlays/fixed': 'virtual-service-quiz-all-v3.yaml',
};

const quizRoute = (resources: Resource[]): Resource | undefined =>
  resources.find((r) => r.kind === 'VirtualService' && r.metadata.name === 'quiz');

describe('overlays', () => {
  for (const [overlay, scenario] of Object.entries(SCENARIOS)) {
    it(`${overlay} routes quiz as mesh-config/scenarios/${scenario} says`, () => {
      const [expected] = parseResources(
        readFileSync(join(ROOT, 'mesh-config/scenarios', scenario), 'utf8'),
      );
      assert.ok(expected);
      assert.deepEqual(quizRoute(render(overlay))?.spec, expected.spec);
    });
  }
});

/** `quiz v1` for every Deployment's pod template labels. */
const deployedVersions = (resources: Resource[]): string[] =>
  resources
    .filter((r) => r.kind === 'Deployment')
    .map((r) => {
      const labels = (r.spec as { template: { metadata: { labels: Record<string, string> } } })
        .template.metadata.labels;
      return `${labels.app ?? ''} ${labels.version ?? ''}`;
    });

describe('every profile defines the subsets it deploys, and only those', () => {
  for (const overlay of ['k8s', ...Object.keys(SCENARIOS)]) {
    it(`${overlay}: every DestinationRule subset selects a Deployment's pods`, () => {
      const resources = render(overlay);
      const deployed = new Set(deployedVersions(resources));
      const subsets = resources
        .filter((r) => r.kind === 'DestinationRule')
        .flatMap((r) => {
          const spec = r.spec as { host: string; subsets?: { labels: { version: string } }[] };
          return (spec.subsets ?? []).map((subset) => `${spec.host} ${subset.labels.version}`);
        });
      assert.ok(subsets.includes('quiz v1') || subsets.includes('quiz v3'), subsets.join(', '));
      assert.deepEqual(
        subsets.filter((s) => !deployed.has(s)),
        [],
        'subsets with no Deployment',
      );
      const quizSubsets = subsets.filter((s) => s.startsWith('quiz '));
      const quizDeployed = [...deployed].filter((d) => d.startsWith('quiz '));
      assert.deepEqual(quizSubsets.sort(), quizDeployed.sort());
    });
  }
});

describe('mesh-config/kustomization.yaml', () => {
  it('lists exactly the files in force, so the cluster gets what local mode runs', () => {
    const { resources } = parse(
      readFileSync(join(ROOT, 'mesh-config/kustomization.yaml'), 'utf8'),
    ) as { resources: string[] };
    const inForce = readdirSync(join(ROOT, 'mesh-config')).filter(isMeshConfigFile).sort();
    assert.deepEqual([...resources].sort(), inForce);
  });
});
