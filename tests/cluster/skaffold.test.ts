// skaffold (the pinned 2.x) reads skaffold.yaml as a user's would: `skaffold diagnose` accepts every
// profile, `skaffold render --offline` runs the ROUND_SECRET hook and renders exactly what plain
// `kubectl kustomize` renders for that profile, and `skaffold deploy` with its kubectl deployer
// applies the default profile to a real control plane (kube-apiserver, controllers, scheduler and a
// kwok node, so pods start) and passes its own status check. No image is built: no container
// runtime runs here, so deploy is given a prebuilt tag (`--images`).
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { parseResources, ROOT, type Resource } from '../manifests/rendered.ts';
import { runProgram, startControlPlane, type ControlPlane } from './support/control-plane.ts';
import { standInVolume } from './support/stand-in-volume.ts';
import { shared, tool, TOOLS_CACHE } from './support/tools.ts';

const PROFILES: Record<string, string> = {
  default: 'k8s',
  bug: 'k8s/overlays/bug',
  canary: 'k8s/overlays/canary',
  fixed: 'k8s/overlays/fixed',
};

let work: string;

/** skaffold in a copy of the repo (the hook writes k8s/base/round-secret.env), no update check or metrics. */
function skaffold(args: readonly string[], env: NodeJS.ProcessEnv = {}) {
  return runProgram(tool('skaffold'), ['--filename', join(work, 'skaffold.yaml'), ...args], {
    env: {
      ...process.env,
      // skaffold calls kubectl: the pinned one.
      PATH: `${join(TOOLS_CACHE, 'bin')}:${process.env.PATH ?? ''}`,
      SKAFFOLD_UPDATE_CHECK: 'false',
      SKAFFOLD_DISABLE_USAGE_TRACKING: 'true',
      ...env,
    },
    timeoutMs: 180_000,
    cwd: work,
  });
}

const identity = (r: Resource) => `${r.kind} ${r.metadata.namespace ?? ''}/${r.metadata.name}`;

before(() => {
  work = mkdtempSync(join(tmpdir(), 'quizmesh-skaffold-'));
  cpSync(ROOT, work, {
    recursive: true,
    filter: (src) =>
      !/\/(node_modules|\.git)(\/|$)/.test(src) && !src.endsWith('k8s/base/round-secret.env'),
  });
});

after(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('skaffold diagnose and render', () => {
  for (const [profile, overlay] of Object.entries(PROFILES)) {
    const flags = profile === 'default' ? [] : ['--profile', profile];
    // --yaml-only: the artifact part of diagnose reads the Dockerfile's base image from Docker Hub,
    // which this machine cannot reach; the config itself (schema, profiles, patches) is checked.
    it(`diagnose accepts profile ${profile} and applies its patch`, async () => {
      const result = await skaffold(['diagnose', '--yaml-only', ...flags]);
      assert.equal(result.code, 0, result.stdout + result.stderr);
      const config = parse(result.stdout) as { manifests: { kustomize: { paths: string[] } } };
      assert.deepEqual(config.manifests.kustomize.paths, [join(work, overlay)]);
    });

    it(`render --offline (${profile}) runs the hook and renders what kubectl kustomize ${overlay} does`, async () => {
      const out = join(work, `rendered-${profile}.yaml`);
      rmSync(join(work, 'k8s/base/round-secret.env'), { force: true });
      const result = await skaffold([
        'render',
        '--offline=true',
        '--digest-source=none',
        '--output',
        out,
        ...flags,
      ]);
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.match(result.stdout + result.stderr, /round-secret\.sh: made a new ROUND_SECRET/);
      assert.ok(existsSync(join(work, 'k8s/base/round-secret.env')), 'the hook made the secret');
      const kustomized = await runProgram('kubectl', ['kustomize', join(work, overlay)]);
      assert.equal(kustomized.code, 0, kustomized.stderr);
      const ours = parseResources(readFileSync(out, 'utf8'));
      const theirs = parseResources(kustomized.stdout);
      assert.deepEqual(ours.map(identity).sort(), theirs.map(identity).sort());
      // skaffold labels what it deploys (run id, manager); apart from that, the same objects.
      const strip = (r: Resource): Resource => {
        const labels = Object.fromEntries(
          Object.entries(r.metadata.labels ?? {}).filter(([k]) => !k.startsWith('skaffold.dev/')),
        );
        return { ...r, metadata: { ...r.metadata, labels } };
      };
      const byId = new Map(theirs.map((r) => [identity(r), strip(r)]));
      for (const r of ours) assert.deepEqual(strip(r), byId.get(identity(r)), identity(r));
    });
  }
});

describe('skaffold deploy to a real control plane', () => {
  let cp: ControlPlane | undefined;
  after(async () => {
    await cp?.stop();
  });

  it('applies the default profile with a prebuilt image and passes its status check', async () => {
    cp = await startControlPlane({ controllers: true, node: { cpu: '32', memory: '64Gi' } });
    const volume = JSON.stringify(standInVolume('skaffold'));
    for (const [args, input] of [
      [['apply', '--server-side', '-f', shared('istio-crd-all.gen.yaml')]],
      [['wait', '--for=condition=Established', 'crd', '--all', '--timeout=50s']],
      [['create', 'namespace', 'istio-system']],
      [['apply', '-f', '-'], volume],
    ] as [string[], string?][]) {
      const result = await cp.kubectl(args, input);
      assert.equal(result.code, 0, result.stderr);
    }
    const result = await skaffold(
      [
        'deploy',
        '--images',
        'quizmesh=quizmesh:prebuilt',
        '--status-check=true',
        '--kube-context',
        'quizmesh',
      ],
      { KUBECONFIG: cp.kubeconfig },
    );
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout + result.stderr, /Deployments stabilized/);
    const images = await cp.kubectl([
      '-n',
      'quiz',
      'get',
      'deploy',
      'quiz-v1',
      '-o',
      'jsonpath={.spec.template.spec.containers[0].image}',
    ]);
    assert.equal(images.stdout, 'quizmesh:prebuilt');
    const secret = readFileSync(join(work, 'k8s/base/round-secret.env'), 'utf8');
    assert.match(secret, /^ROUND_SECRET=\S{32,}/);
  });
});
