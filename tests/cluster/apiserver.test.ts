// The real Kubernetes API server (kube-apiserver and etcd of the pinned versions, on loopback) with
// Istio's CRDs from the pinned Istio release: every profile is accepted object by object under
// server-side dry-run and strict field validation, a misspelled field is refused by name, and the
// RBAC objects, applied for real, give the console's and Prometheus's ServiceAccounts exactly what
// they need according to the RBAC authorizer itself (`kubectl auth can-i --as=...`).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OVERLAYS, render, type Resource } from '../manifests/rendered.ts';
import { startControlPlane, type ControlPlane } from './support/control-plane.ts';
import { shared } from './support/tools.ts';

/** Resources as one JSON List: kubectl reads it exactly (YAML re-serialized here could turn `on` into a bool). */
const asList = (items: readonly Resource[]): string =>
  JSON.stringify({ apiVersion: 'v1', kind: 'List', items });

const RBAC_KINDS = new Set([
  'ServiceAccount',
  'Role',
  'RoleBinding',
  'ClusterRole',
  'ClusterRoleBinding',
]);

let cp: ControlPlane;
let started = false;

before(async () => {
  cp = await startControlPlane();
  started = true;
  const crds = await cp.kubectl(['apply', '--server-side', '-f', shared('istio-crd-all.gen.yaml')]);
  assert.equal(crds.code, 0, crds.stderr);
  const established = await cp.kubectl([
    'wait',
    '--for=condition=Established',
    'customresourcedefinitions',
    '--all',
    '--timeout=60s',
  ]);
  assert.equal(established.code, 0, established.stderr);
  for (const ns of ['quiz', 'istio-system']) {
    const created = await cp.kubectl(['create', 'namespace', ns]);
    assert.equal(created.code, 0, created.stderr);
  }
});

after(async () => {
  if (started) await cp.stop();
});

describe('the API server accepts every profile', () => {
  for (const overlay of OVERLAYS) {
    it(`accepts every object of ${overlay} under server-side dry-run with strict field validation`, async () => {
      const resources = render(overlay);
      assert.ok(resources.length > 20, `${overlay} rendered only ${resources.length} objects`);
      const applied = await cp.kubectl(
        ['apply', '--server-side', '--dry-run=server', '--validate=strict', '-f', '-'],
        asList(resources),
      );
      assert.equal(applied.code, 0, applied.stderr);
      assert.equal(applied.stderr.trim(), '', 'no warnings either');
      const accepted = applied.stdout
        .split('\n')
        .filter((line) => line.endsWith(' serverside-applied (server dry run)'));
      assert.equal(accepted.length, resources.length, applied.stdout);
    });
  }

  const misspelled: { what: string; field: string; resource: Resource }[] = [
    {
      what: "a VirtualService's spec.http[0].rout",
      field: 'spec.http[0].rout',
      resource: {
        apiVersion: 'networking.istio.io/v1',
        kind: 'VirtualService',
        metadata: { name: 'quiz-misspelled', namespace: 'quiz' },
        spec: {
          hosts: ['quiz'],
          http: [{ rout: [{ destination: { host: 'quiz', subset: 'v1' } }] }],
        },
      },
    },
    {
      what: "a Deployment's spec.replica",
      field: 'spec.replica',
      resource: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'quiz-misspelled', namespace: 'quiz' },
        spec: {
          replica: 1,
          selector: { matchLabels: { app: 'misspelled' } },
          template: {
            metadata: { labels: { app: 'misspelled' } },
            spec: { containers: [{ name: 'app', image: 'quizmesh/quiz:dev' }] },
          },
        },
      },
    },
  ];
  for (const { what, field, resource } of misspelled) {
    it(`refuses ${what} with a strict-decoding error naming the field`, async () => {
      const created = await cp.kubectl(
        ['create', '--dry-run=server', '--validate=strict', '-f', '-'],
        JSON.stringify(resource),
      );
      assert.notEqual(created.code, 0);
      assert.match(created.stderr, /strict decoding error/);
      assert.ok(created.stderr.includes(`unknown field "${field}"`), created.stderr);
      const applied = await cp.kubectl(
        ['apply', '--server-side', '--dry-run=server', '--validate=strict', '-f', '-'],
        JSON.stringify(resource),
      );
      assert.notEqual(applied.code, 0);
      assert.ok(applied.stderr.includes(`.${field}: field not declared in schema`), applied.stderr);
    });
  }
});

describe('RBAC as the real authorizer sees it', () => {
  before(async () => {
    const rbac = render('k8s').filter((r) => RBAC_KINDS.has(r.kind));
    const kinds = new Set(rbac.map((r) => r.kind));
    assert.ok(kinds.has('Role') && kinds.has('RoleBinding') && kinds.has('ServiceAccount'));
    const applied = await cp.kubectl(['apply', '--server-side', '-f', '-'], asList(rbac));
    assert.equal(applied.code, 0, applied.stderr);
  });

  /** `kubectl auth can-i` as the ServiceAccount, with the groups a real token of it carries. */
  async function canI(sa: string, args: readonly string[]): Promise<boolean> {
    const result = await cp.kubectl([
      'auth',
      'can-i',
      ...args,
      `--as=system:serviceaccount:quiz:${sa}`,
      '--as-group=system:serviceaccounts',
      '--as-group=system:serviceaccounts:quiz',
      '--as-group=system:authenticated',
    ]);
    const answer = result.stdout.trim();
    assert.ok(
      answer === 'yes' || answer === 'no',
      `can-i ${args.join(' ')}: ${result.stdout}${result.stderr}`,
    );
    assert.equal(result.code, answer === 'yes' ? 0 : 1);
    return answer === 'yes';
  }

  const VS = 'virtualservices.networking.istio.io';
  const DR = 'destinationrules.networking.istio.io';
  const checks: { sa: string; args: string[]; allowed: boolean }[] = [
    // the console: get/list/patch VirtualServices, get/list DestinationRules, in quiz
    ...['get', 'list', 'patch'].map((verb) => ({
      sa: 'console',
      args: [verb, VS, '-n', 'quiz'],
      allowed: true,
    })),
    ...['get', 'list'].map((verb) => ({
      sa: 'console',
      args: [verb, DR, '-n', 'quiz'],
      allowed: true,
    })),
    // ... and nothing else
    ...['create', 'update', 'delete', 'deletecollection', 'watch'].map((verb) => ({
      sa: 'console',
      args: [verb, VS, '-n', 'quiz'],
      allowed: false,
    })),
    ...['patch', 'update', 'create', 'delete'].map((verb) => ({
      sa: 'console',
      args: [verb, DR, '-n', 'quiz'],
      allowed: false,
    })),
    { sa: 'console', args: ['get', 'secrets', '-n', 'quiz'], allowed: false },
    { sa: 'console', args: ['list', 'pods', '-n', 'quiz'], allowed: false },
    { sa: 'console', args: ['get', 'configmaps', '-n', 'quiz'], allowed: false },
    { sa: 'console', args: ['list', 'gateways.networking.istio.io', '-n', 'quiz'], allowed: false },
    { sa: 'console', args: ['patch', 'deployments.apps', '-n', 'quiz'], allowed: false },
    ...['default', 'istio-system', 'kube-system'].flatMap((ns) => [
      { sa: 'console', args: ['get', VS, '-n', ns], allowed: false },
      { sa: 'console', args: ['patch', VS, '-n', ns], allowed: false },
      { sa: 'console', args: ['list', DR, '-n', ns], allowed: false },
    ]),
    { sa: 'console', args: ['list', VS, '--all-namespaces'], allowed: false },
    { sa: 'console', args: ['list', 'nodes'], allowed: false },
    // Prometheus: pod discovery in quiz and (the gateway discovery Role) in istio-system
    ...['quiz', 'istio-system'].flatMap((ns) =>
      ['get', 'list', 'watch'].map((verb) => ({
        sa: 'prometheus',
        args: [verb, 'pods', '-n', ns],
        allowed: true,
      })),
    ),
    // ... and nothing more
    { sa: 'prometheus', args: ['get', 'secrets', '-n', 'quiz'], allowed: false },
    { sa: 'prometheus', args: ['get', 'secrets', '-n', 'istio-system'], allowed: false },
    { sa: 'prometheus', args: ['list', 'pods', '-n', 'kube-system'], allowed: false },
    { sa: 'prometheus', args: ['list', 'pods', '-n', 'default'], allowed: false },
    { sa: 'prometheus', args: ['list', 'pods', '--all-namespaces'], allowed: false },
    { sa: 'prometheus', args: ['list', 'nodes'], allowed: false },
    { sa: 'prometheus', args: ['delete', 'pods', '-n', 'quiz'], allowed: false },
    { sa: 'prometheus', args: ['create', 'pods/exec', '-n', 'quiz'], allowed: false },
    { sa: 'prometheus', args: ['list', 'services', '-n', 'quiz'], allowed: false },
    { sa: 'prometheus', args: ['list', VS, '-n', 'quiz'], allowed: false },
  ];
  for (const { sa, args, allowed } of checks) {
    it(`${sa} ${allowed ? 'may' : 'may not'} ${args.join(' ')}`, async () => {
      assert.equal(await canI(sa, args), allowed);
    });
  }
});
