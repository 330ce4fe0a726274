// `quizmesh validate` and Istio's own analyzer on the same broken configs. Each case breaks the
// rendered default profile one way; istioctl analyze reads the whole of it (Services and
// Deployments too, so it sees ports and labels), quizmesh validate reads its Istio resources as a
// mesh-config folder (its topology is local mode's). Both sides' findings are checked against what
// mesh-config/README.md ("quizmesh validate and istioctl analyze") says each gives: the same codes,
// or the difference written down there.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { render, ROOT, type Resource } from '../manifests/rendered.ts';
import { runProgram } from './support/control-plane.ts';
import { analyze } from './support/istioctl-analyze.ts';

const ISTIO_GROUPS = /^(networking|security|telemetry)\.istio\.io\//;

interface BrokenCase {
  name: string;
  break(resources: Resource[]): void;
  /** Codes (with level) istioctl analyze gives for it, beyond the unbroken profile's. */
  istioctl: string[];
  /** What quizmesh validate says, in the same form (an error refuses the folder: exit 1). */
  quizmesh: string[];
}

const find = (resources: Resource[], kind: string, name: string): Resource => {
  const found = resources.find((r) => r.kind === kind && r.metadata.name === name);
  assert.ok(found, `${kind}/${name}`);
  return found;
};
const quizRoute = (resources: Resource[]) =>
  (
    find(resources, 'VirtualService', 'quiz').spec as {
      http: { route: { destination: { host: string; subset?: string } }[] }[];
    }
  ).http[0]?.route[0]?.destination ?? assert.fail('quiz has no route');

const CASES: BrokenCase[] = [
  {
    name: 'a route to an undefined subset',
    break: (resources) => {
      quizRoute(resources).subset = 'v9';
    },
    istioctl: ['Error IST0101'],
    quizmesh: ['Error IST0101'],
  },
  {
    name: 'a route to an unknown host',
    break: (resources) => {
      quizRoute(resources).host = 'quizz';
    },
    istioctl: ['Error IST0101'],
    quizmesh: ['Error IST0101'],
  },
  {
    name: 'a DestinationRule without ISTIO_MUTUAL under STRICT',
    break: (resources) => {
      const spec = find(resources, 'DestinationRule', 'quiz').spec as {
        trafficPolicy: { tls: { mode: string } };
      };
      spec.trafficPolicy.tls.mode = 'DISABLE';
    },
    istioctl: [],
    quizmesh: ['Warning IST0113'],
  },
  {
    name: 'two VirtualServices for one host',
    break: (resources) => {
      const copy = structuredClone(find(resources, 'VirtualService', 'quiz'));
      copy.metadata.name = 'quiz-again';
      resources.push(copy);
    },
    istioctl: ['Error IST0109'],
    quizmesh: ['Error IST0109'],
  },
  {
    name: 'a Service port name Istio cannot read',
    break: (resources) => {
      const spec = find(resources, 'Service', 'quiz').spec as { ports: { name: string }[] };
      for (const port of spec.ports) port.name = 'web';
    },
    // Istio 1.31's analyzer no longer checks port names (protocol sniffing reads an unnamed port);
    // quizmesh validate sees no Services at all. Neither says anything: see mesh-config/README.md.
    istioctl: [],
    quizmesh: [],
  },
];

let dir: string;
let baseline: Set<string>;

const key = (m: { level: string; code: string; origin: string }) =>
  `${m.level} ${m.code} ${m.origin}`;

async function istioctlFindings(name: string, resources: Resource[]): Promise<string[]> {
  const file = join(dir, `${name.replaceAll(' ', '-')}.yaml`);
  writeFileSync(file, resources.map((r) => JSON.stringify(r)).join('\n---\n') + '\n');
  const messages = await analyze(dir, file);
  const added = messages.filter((m) => !baseline.has(key(m)));
  return [...new Set(added.map((m) => `${m.level} ${m.code}`))].sort();
}

async function quizmeshFindings(name: string, resources: Resource[]): Promise<string[]> {
  const folder = join(dir, name.replaceAll(' ', '-'));
  mkdirSync(folder);
  resources
    .filter((r) => ISTIO_GROUPS.test(r.apiVersion))
    .forEach((r, i) => {
      writeFileSync(
        join(folder, `${String(i).padStart(2, '0')}-${r.kind}-${r.metadata.name}.yaml`),
        JSON.stringify(r),
      );
    });
  const result = await runProgram(process.execPath, [
    join(ROOT, 'cli/quizmesh.ts'),
    'validate',
    folder,
  ]);
  assert.ok(result.code === 0 || result.code === 1, result.stdout + result.stderr);
  // One finding a line: `warning: …` for a warning, an error otherwise; its code at the end.
  const findings = result.stdout.split('\n').flatMap((line) => {
    const code = /[([](IST\d{4})[)\]]$/.exec(line)?.[1];
    return code === undefined
      ? []
      : [`${line.startsWith('warning: ') ? 'Warning' : 'Error'} ${code}`];
  });
  assert.equal(
    result.code === 1,
    findings.some((f) => f.startsWith('Error')),
    result.stdout,
  );
  return [...new Set(findings)].sort();
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'quizmesh-validate-vs-istioctl-'));
  const file = join(dir, 'unbroken.yaml');
  writeFileSync(
    file,
    render('k8s')
      .map((r) => JSON.stringify(r))
      .join('\n---\n') + '\n',
  );
  baseline = new Set((await analyze(dir, file)).map(key));
});

after(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('quizmesh validate and istioctl analyze on the same broken configs', () => {
  for (const broken of CASES) {
    it(broken.name, async (t) => {
      const resources = render('k8s');
      broken.break(resources);
      const [istio, ours] = await Promise.all([
        istioctlFindings(broken.name, resources),
        quizmeshFindings(broken.name, resources),
      ]);
      t.diagnostic(
        `istioctl analyze: ${istio.join(', ') || 'nothing'}; quizmesh validate: ${ours.join(', ') || 'nothing'}`,
      );
      assert.deepEqual({ istio, ours }, { istio: broken.istioctl, ours: broken.quizmesh });
    });
  }
});
