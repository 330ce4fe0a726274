// Every container runs locked down with requests and limits, every image is pinned, and no secret
// lives in the repository.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { before, describe, it } from 'node:test';
import {
  byKind,
  OVERLAYS,
  parseResources,
  readSkaffold,
  render,
  ROOT,
  type Resource,
} from './rendered.ts';

interface Container {
  name: string;
  image: string;
  securityContext?: Record<string, unknown>;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}
interface PodSpec {
  securityContext?: Record<string, unknown>;
  terminationGracePeriodSeconds?: number;
  containers: Container[];
}
const podSpecOf = (d: Resource) => (d.spec as { template: { spec: PodSpec } }).template.spec;

const rendered = new Map<string, Resource[]>();
before(() => {
  for (const dir of OVERLAYS) rendered.set(dir, render(dir));
});
const containers = () =>
  [...rendered].flatMap(([dir, resources]) =>
    byKind(resources, 'Deployment').flatMap((d) =>
      podSpecOf(d).containers.map((c) => ({ id: `${dir}: ${d.metadata.name}/${c.name}`, d, c })),
    ),
  );

describe('containers', () => {
  it('run as non-root, read-only, without privilege escalation or capabilities, seccomp on', () => {
    for (const { id, d, c } of containers()) {
      const sc = c.securityContext ?? {};
      assert.equal(sc.runAsNonRoot, true, id);
      assert.equal(typeof sc.runAsUser, 'number', `${id}: numeric user, checkable by runAsNonRoot`);
      assert.notEqual(sc.runAsUser, 0, id);
      assert.equal(sc.readOnlyRootFilesystem, true, id);
      assert.equal(sc.allowPrivilegeEscalation, false, id);
      assert.deepEqual(sc.capabilities, { drop: ['ALL'] }, id);
      assert.deepEqual(sc.seccompProfile, { type: 'RuntimeDefault' }, id);
      assert.equal(podSpecOf(d).securityContext?.runAsNonRoot, true, id);
      const grace = podSpecOf(d).terminationGracePeriodSeconds;
      assert.ok(grace !== undefined && grace <= 20, `${id}: short terminationGracePeriodSeconds`);
    }
  });

  it('have cpu and memory requests and limits', () => {
    for (const { id, c } of containers()) {
      for (const kind of ['requests', 'limits'] as const) {
        assert.ok(c.resources?.[kind]?.cpu, `${id}: ${kind}.cpu`);
        assert.ok(c.resources[kind].memory, `${id}: ${kind}.memory`);
      }
    }
  });

  it('use pinned images: a tag that is not latest, or an image skaffold builds and tags', () => {
    const artifacts = new Set(
      (readSkaffold().build as { artifacts: { image: string }[] }).artifacts.map((a) => a.image),
    );
    for (const { id, c } of containers()) {
      if (artifacts.has(c.image)) continue; // skaffold replaces it with its own tag or digest
      const tag = /:([^/:@]+)$/.exec(c.image)?.[1];
      assert.ok(tag, `${id}: ${c.image} has no tag`);
      assert.notEqual(tag, 'latest', `${id}: ${c.image}`);
    }
  });

  it('quiz services carry the scrape annotations for 8080 /metrics and send spans past the sidecar', () => {
    for (const [dir, resources] of rendered) {
      for (const d of byKind(resources, 'Deployment')) {
        const template = (d.spec as { template: Resource }).template;
        if (template.metadata.labels?.['sidecar.istio.io/inject'] === 'false') continue;
        assert.deepEqual(
          template.metadata.annotations,
          {
            'prometheus.io/scrape': 'true',
            'prometheus.io/port': '8080',
            'prometheus.io/path': '/metrics',
            'traffic.sidecar.istio.io/excludeOutboundPorts': '9411',
          },
          `${dir}: ${d.metadata.name}`,
        );
      }
    }
  });
});

/** Files a commit would carry: everything but dependencies, VCS data and gitignored output. */
function repoFiles(dir = ROOT): string[] {
  const skip = new Set(['node_modules', '.git', '.quizmesh', 'test-results']);
  return readdirSync(dir).flatMap((name) => {
    if (skip.has(name)) return [];
    const path = join(dir, name);
    return statSync(path).isDirectory() ? repoFiles(path) : [path];
  });
}

describe('secrets', () => {
  it('the per-cluster round-secret.env is gitignored, its example holds no value', () => {
    const ignore = readFileSync(join(ROOT, 'k8s/base/.gitignore'), 'utf8');
    assert.match(ignore, /^round-secret\.env$/m);
    const example = readFileSync(join(ROOT, 'k8s/base/round-secret.env.example'), 'utf8');
    assert.match(example, /^ROUND_SECRET=$/m);
  });

  it('no committed file holds a Secret with data or a ROUND_SECRET value', () => {
    const found: string[] = [];
    for (const path of repoFiles()) {
      const name = relative(ROOT, path);
      if (name === 'k8s/base/round-secret.env' || statSync(path).size > 2_000_000) continue;
      const text = readFileSync(path, 'utf8');
      // ROUND_SECRET=<16 or more characters> as the code requires; local mode makes its own.
      if (
        /ROUND_SECRET[=:]\s*['"]?[A-Za-z0-9+/=_-]{16,}/.test(text) &&
        !name.startsWith('tests/')
      ) {
        found.push(`${name}: ROUND_SECRET value`);
      }
      if (/\.ya?ml$/.test(name) && /^kind:\s*Secret\s*$/m.test(text)) {
        for (const r of parseResources(text)) {
          if (r.kind === 'Secret' && (r.data || r.stringData))
            found.push(`${name}: Secret with data`);
        }
      }
    }
    assert.deepEqual(found, []);
  });
});
