// The mesh console in the cluster (k8s/base/console.yaml): in every overlay, so the security,
// schema and cross-reference loops check it too; on its pod's loopback only, reached through
// skaffold's port-forward; allowed exactly the Kubernetes API calls it makes; and run from an image
// that holds everything `quizmesh console` imports.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { before, describe, it } from 'node:test';
import { byKind, OVERLAYS, readSkaffold, render, ROOT, type Resource } from './rendered.ts';

const NAMESPACE = 'quiz';
const PORT = 20001;

interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  ports?: unknown[];
  readinessProbe?: { exec?: { command: string[] }; httpGet?: unknown };
  livenessProbe?: { exec?: { command: string[] }; httpGet?: unknown };
}
interface PodTemplate {
  metadata: { labels: Record<string, string> };
  spec: {
    serviceAccountName?: string;
    automountServiceAccountToken?: boolean;
    containers: Container[];
  };
}
interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}
const podOf = (d: Resource) => (d.spec as { template: PodTemplate }).template;

const rendered = new Map<string, Resource[]>();
before(() => {
  for (const dir of OVERLAYS) rendered.set(dir, render(dir));
});
const each = (check: (resources: Resource[], dir: string) => void) => () => {
  for (const [dir, resources] of rendered) check(resources, dir);
};
const consoleOf = (resources: Resource[], dir: string) => {
  const deployment = byKind(resources, 'Deployment').find((d) => d.metadata.name === 'console');
  assert.ok(deployment, `${dir}: no Deployment console`);
  const [container, ...others] = podOf(deployment).spec.containers;
  assert.ok(container);
  assert.deepEqual(others, [], `${dir}: one container`);
  return { deployment, pod: podOf(deployment), container };
};
/** `--name=value` arguments as a map; a bare `--flag` maps to ''. */
function options(args: readonly string[]): Map<string, string> {
  return new Map(
    args.map((arg) => {
      const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
      assert.ok(match?.[1], `argument ${arg} is not --name or --name=value`);
      return [match[1], match[2] ?? ''] as const;
    }),
  );
}

describe('the mesh console on the cluster', () => {
  it(
    'runs in every overlay as Deployment console, outside the mesh, as its own ServiceAccount',
    each((resources, dir) => {
      const { deployment, pod } = consoleOf(resources, dir);
      assert.deepEqual(deployment.metadata.labels, { app: 'console', version: 'v1' });
      assert.equal(pod.metadata.labels.app, 'console');
      assert.equal(pod.metadata.labels.version, 'v1');
      assert.equal(pod.metadata.labels['sidecar.istio.io/inject'], 'false', `${dir}: no sidecar`);
      assert.equal(pod.spec.serviceAccountName, 'console');
      assert.notEqual(pod.spec.automountServiceAccountToken, false, 'it needs its token');
      const others = byKind(resources, 'Deployment').filter((d) => d !== deployment);
      assert.ok(
        others.every((d) => podOf(d).spec.serviceAccountName !== 'console'),
        `${dir}: the console's ServiceAccount is its own`,
      );
    }),
  );

  it(
    'serves cluster mode on its port against the Prometheus and Zipkin Services of k8s/',
    each((resources, dir) => {
      const { container } = consoleOf(resources, dir);
      assert.equal(container.image, 'quizmesh');
      assert.deepEqual(container.command, ['node', 'cli/quizmesh.ts', 'console']);
      const given = options(container.args ?? []);
      assert.deepEqual(
        [...given.keys()].sort(),
        ['cluster', 'namespace', 'port', 'prometheus', 'zipkin'],
        `${dir}: no --host: the console listens on 127.0.0.1 only`,
      );
      assert.equal(given.get('port'), String(PORT));
      assert.equal(given.get('namespace'), NAMESPACE);
      const services = byKind(resources, 'Service');
      for (const [option, api] of [
        ['prometheus', '/api/v1/status/buildinfo'],
        ['zipkin', '/api/v2/services'],
      ] as const) {
        const url = new URL(api, given.get(option));
        const service = services.find((s) => s.metadata.name === url.hostname.split('.')[0]);
        const ports = (service?.spec as { ports: { port: number }[] } | undefined)?.ports ?? [];
        assert.ok(
          ports.some((p) => p.port === Number(url.port)),
          `${dir}: --${option} ${url.host} is no Service port`,
        );
      }
    }),
  );

  it(
    'is reachable through port-forward only: no Service selects it, it declares no port',
    each((resources, dir) => {
      const { pod, container } = consoleOf(resources, dir);
      assert.equal(container.ports, undefined);
      for (const service of byKind(resources, 'Service')) {
        const selector = (service.spec as { selector?: Record<string, string> }).selector ?? {};
        const selects = Object.entries(selector).every(([k, v]) => pod.metadata.labels[k] === v);
        assert.ok(!selects, `${dir}: Service ${service.metadata.name} selects the console`);
      }
    }),
  );

  it(
    'is probed by exec on its loopback port, /readyz and /healthz, which the kit serves',
    each((resources, dir) => {
      const { container } = consoleOf(resources, dir);
      const kit = readFileSync(join(ROOT, 'services/kit/service.ts'), 'utf8');
      for (const [probe, path] of [
        [container.readinessProbe, '/readyz'],
        [container.livenessProbe, '/healthz'],
      ] as const) {
        assert.match(kit, new RegExp(`app\\.get\\('${path}'`));
        assert.equal(probe?.httpGet, undefined, `${dir}: kubelet cannot reach 127.0.0.1`);
        const [program, flag, script = ''] = probe?.exec?.command ?? [];
        assert.deepEqual([program, flag], ['node', '-e']);
        assert.ok(script.includes(`'http://127.0.0.1:${String(PORT)}${path}'`), script);
      }
    }),
  );

  it(
    'may get, list and patch VirtualServices and get and list DestinationRules in quiz, no more',
    each((resources, dir) => {
      const roles = byKind(resources, 'Role').filter((r) => r.metadata.name === 'console');
      assert.equal(roles.length, 1, `${dir}: one Role console`);
      const rules = (roles[0]?.rules as Rule[]).flatMap((rule) =>
        rule.apiGroups.flatMap((group) =>
          rule.resources.flatMap((resource) =>
            rule.verbs.map((verb) => `${verb} ${resource}.${group}`),
          ),
        ),
      );
      assert.deepEqual(rules.sort(), [
        'get destinationrules.networking.istio.io',
        'get virtualservices.networking.istio.io',
        'list destinationrules.networking.istio.io',
        'list virtualservices.networking.istio.io',
        'patch virtualservices.networking.istio.io',
      ]);
      const account = { kind: 'ServiceAccount', name: 'console', namespace: NAMESPACE };
      const bindings = byKind(resources, 'RoleBinding').filter((b) =>
        (b.subjects as { kind: string; name: string }[]).some(
          (s) => s.kind === account.kind && s.name === account.name,
        ),
      );
      assert.deepEqual(
        bindings.map((b) => ({ name: b.metadata.name, roleRef: b.roleRef, subjects: b.subjects })),
        [
          {
            name: 'console',
            roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'console' },
            subjects: [account],
          },
        ],
        `${dir}: the console's account is bound to its Role and nothing else`,
      );
      for (const kind of ['ClusterRole', 'ClusterRoleBinding']) {
        assert.deepEqual(byKind(resources, kind), [], `${dir}: nothing cluster-wide`);
      }
    }),
  );

  it('skaffold forwards localhost:20001 to its pod', () => {
    const forwards = readSkaffold().portForward as Record<string, unknown>[];
    assert.deepEqual(
      forwards.filter((f) => f.resourceName === 'console'),
      [
        {
          resourceType: 'deployment',
          resourceName: 'console',
          namespace: NAMESPACE,
          port: PORT,
          localPort: PORT,
        },
      ],
    );
  });

  it('runs from an image that holds every module the quizmesh command imports', () => {
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    const copied = new Set(
      [...dockerfile.matchAll(/^COPY --chown=\S+ (\S+) \.\/\S*$/gm)].map((m) => m[1]),
    );
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n');
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const { files, packages } = importsOf(join(ROOT, 'cli/quizmesh.ts'));
    const folders = new Set(files.map((file) => relative(ROOT, file).split('/')[0] ?? ''));
    // The page's own files, served from disk.
    folders.add('console');
    for (const folder of folders) {
      assert.ok(copied.has(folder), `the Dockerfile does not copy ${folder}/`);
      assert.ok(!ignored.includes(folder), `.dockerignore leaves out ${folder}/`);
    }
    for (const name of packages) {
      assert.ok(Object.hasOwn(pkg.dependencies, name), `${name} is not a production dependency`);
    }
  });
});

/** `… from 'x'`, `import('x')`, `import 'x'`. */
const IMPORT =
  /(?:^|[\s}])from\s+'([\w@./:-]+)'|\bimport\s*\(\s*'([\w@./:-]+)'\s*\)|^import\s+'([\w@./:-]+)'/gm;

/** Every repo module `entry` reaches by relative imports, and the packages they import. */
function importsOf(entry: string): { files: string[]; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const pending = [entry];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (files.has(file)) continue;
    files.add(file);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(IMPORT)) {
      const specifier = match[1] ?? match[2] ?? match[3] ?? '';
      if (specifier.startsWith('.')) pending.push(resolve(dirname(file), specifier));
      else if (!specifier.startsWith('node:')) {
        const parts = specifier.split('/');
        packages.add(parts.slice(0, specifier.startsWith('@') ? 2 : 1).join('/'));
      }
    }
  }
  return { files: [...files], packages };
}
