// Istio's own checks, from the pinned Istio release, offline: `istioctl validate` accepts every file
// of mesh-config/ and mesh-config/scenarios/, and `istioctl analyze --use-kube=false
// --all-namespaces` over each rendered profile (every object, so it sees the Services, Deployments,
// ports and labels) reports no error and no warning that mesh-config/README.md does not explain.
// A VirtualService routing to an undefined subset makes analyze report IST0101, so the check can
// fail; `quizmesh validate` is run on the same broken folder for comparison.
//
// Without --all-namespaces, analyze with --use-kube=false looks at namespace "default" only and
// reports "No validation issues" for everything in quiz, whatever it holds.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isMeshConfigFile } from '../../mesh/config/config-files.ts';
import { OVERLAYS, render, ROOT } from '../manifests/rendered.ts';
import { runProgram, type Result } from './support/control-plane.ts';
import {
  analyze as analyzeIn,
  istioctl as istioctlIn,
  type Message,
} from './support/istioctl-analyze.ts';
import { tool } from './support/tools.ts';

let dir: string;
const istioctl = (args: readonly string[]): Promise<Result> => istioctlIn(dir, args);
const analyze = (path: string): Promise<Message[]> => analyzeIn(dir, path);
// quizmesh validate with the same environment istioctl gets.
const env = (): NodeJS.ProcessEnv => ({ ...process.env, KUBECONFIG: join(dir, 'no-kubeconfig') });

/** The IST codes mesh-config/README.md explains (a warning with such a code is deliberate). */
const explained = (): Set<string> =>
  new Set(readFileSync(join(ROOT, 'mesh-config/README.md'), 'utf8').match(/IST\d{4}/g) ?? []);

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'quizmesh-istioctl-'));
  tool('istioctl');
});
after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('istioctl validate', () => {
  const files = ['mesh-config', 'mesh-config/scenarios'].flatMap((d) =>
    readdirSync(join(ROOT, d))
      .filter(isMeshConfigFile)
      .map((name) => `${d}/${name}`),
  );

  it('finds the files to check', () => {
    assert.ok(files.length >= 15, files.join(', '));
  });

  for (const file of files) {
    it(`accepts ${file}`, async () => {
      const result = await istioctl(['validate', '-f', join(ROOT, file)]);
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.match(result.stdout + result.stderr, /is valid/);
    });
  }

  it('refuses a misspelled field, naming it', async () => {
    const bad = join(dir, 'misspelled.yaml');
    writeFileSync(
      bad,
      [
        'apiVersion: networking.istio.io/v1',
        'kind: VirtualService',
        'metadata: {name: quiz, namespace: quiz}',
        'spec:',
        '  hosts: [quiz]',
        '  http:',
        '    - rout: [{destination: {host: quiz, subset: v1}}]',
        '',
      ].join('\n'),
    );
    const result = await istioctl(['validate', '-f', bad]);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /unknown field "rout"/);
  });
});

describe('istioctl analyze', () => {
  for (const overlay of OVERLAYS) {
    it(`reports no error and no unexplained warning for ${overlay}`, async (t) => {
      const resources = render(overlay);
      const file = join(dir, `${overlay.replaceAll('/', '-')}.yaml`);
      // one JSON document per object (JSON is YAML, and nothing is re-typed on the way)
      writeFileSync(file, resources.map((r) => JSON.stringify(r)).join('\n---\n') + '\n');
      const messages = await analyze(file);
      for (const m of messages) t.diagnostic(`${m.level} [${m.code}] ${m.origin}: ${m.message}`);
      const known = explained();
      const unexplained = messages.filter(
        (m) => m.level === 'Error' || (m.level === 'Warning' && !known.has(m.code)),
      );
      assert.deepEqual(unexplained, []);
    });
  }

  describe('a VirtualService routing to an undefined subset', () => {
    let broken: string;
    before(() => {
      broken = join(dir, 'broken-undefined-subset');
      cpSync(join(ROOT, 'mesh-config'), broken, {
        recursive: true,
        filter: (src) => !src.includes('/scenarios') && !src.endsWith('kustomization.yaml'),
      });
      const vs = join(broken, 'virtual-service-quiz.yaml');
      const text = readFileSync(vs, 'utf8');
      assert.match(text, /subset: v1/);
      writeFileSync(vs, text.replace('subset: v1', 'subset: v9'));
    });

    it('gives IST0101 from istioctl analyze, naming the VirtualService and host+subset', async () => {
      const messages = await analyze(broken);
      const ist0101 = messages.filter((m) => m.code === 'IST0101');
      assert.deepEqual(
        ist0101.map((m) => [m.level, m.origin]),
        [['Error', 'VirtualService quiz/quiz']],
        JSON.stringify(messages, null, 2),
      );
      assert.ok(
        ist0101.every((m) => m.message.includes('"quiz+v9"')),
        ist0101.map((m) => m.message).join('\n'),
      );
    });

    it('is refused by quizmesh validate too, naming the subset', async (t) => {
      const result = await runProgram(
        process.execPath,
        [join(ROOT, 'cli/quizmesh.ts'), 'validate', broken],
        {
          env: env(),
        },
      );
      t.diagnostic(result.stdout.trim());
      assert.equal(result.code, 1, result.stdout + result.stderr);
      assert.match(result.stdout, /virtual-service-quiz\.yaml/);
      assert.match(result.stdout, /v9/);
    });
  });
});
