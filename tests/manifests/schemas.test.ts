// Every rendered manifest and every mesh-config resource validates against the Kubernetes and Istio
// schemas (kubernetes-models), uses no field those schemas would silently drop, and skaffold.yaml
// validates against skaffold's published schema.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { IstioOperator } from '@kubernetes-models/istio/install.istio.io/v1alpha1';
import {
  DestinationRule,
  Gateway,
  VirtualService,
} from '@kubernetes-models/istio/networking.istio.io/v1';
import {
  AuthorizationPolicy,
  PeerAuthentication,
} from '@kubernetes-models/istio/security.istio.io/v1';
import { Telemetry } from '@kubernetes-models/istio/telemetry.istio.io/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import {
  ConfigMap,
  Namespace,
  PersistentVolumeClaim,
  Secret,
  Service,
  ServiceAccount,
} from 'kubernetes-models/v1';
import { KNOWN_FIELDS, unknownFields } from './known-fields.ts';
import {
  meshConfigResources,
  OVERLAYS,
  parseResources,
  readSkaffold,
  render,
  ROOT,
  SKAFFOLD_SCHEMA_URL,
  type Resource,
} from './rendered.ts';

interface Validatable {
  validate(): void;
}
const MODELS: Record<string, new (data: never) => Validatable> = {
  'v1/Namespace': Namespace,
  'v1/ServiceAccount': ServiceAccount,
  'v1/Service': Service,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'apps/v1/Deployment': Deployment,
  'rbac.authorization.k8s.io/v1/Role': Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
  'networking.istio.io/v1/Gateway': Gateway,
  'networking.istio.io/v1/VirtualService': VirtualService,
  'networking.istio.io/v1/DestinationRule': DestinationRule,
  'security.istio.io/v1/PeerAuthentication': PeerAuthentication,
  'security.istio.io/v1/AuthorizationPolicy': AuthorizationPolicy,
  'telemetry.istio.io/v1/Telemetry': Telemetry,
  'install.istio.io/v1alpha1/IstioOperator': IstioOperator,
};

/** Problems with one resource: no model for its kind, a schema error, or an unknown field. */
function problems(resource: Resource): string[] {
  const id = `${resource.kind}/${resource.metadata.name}`;
  const Model = MODELS[`${resource.apiVersion}/${resource.kind}`];
  if (!Model) return [`${id}: no schema for ${resource.apiVersion} ${resource.kind}`];
  try {
    new Model(resource as never).validate();
  } catch (err) {
    return [`${id}: ${err instanceof Error ? err.message : String(err)}`];
  }
  // Istio kinds: the local mesh refuses unknown fields in mesh-config/ itself (`quizmesh validate`).
  const shape = KNOWN_FIELDS[resource.kind];
  if (!shape) return [];
  return unknownFields(resource, shape).map((path) => `${id}: unknown field ${path}`);
}

describe('rendered manifests', () => {
  for (const dir of OVERLAYS) {
    it(`kubectl kustomize ${dir} renders resources that all validate`, () => {
      const resources = render(dir);
      assert.ok(resources.length > 20, `only ${resources.length} resources rendered`);
      assert.deepEqual(resources.flatMap(problems), []);
    });
  }

  it('the unknown-field check catches a misspelt field', () => {
    const deployment = render('k8s').find((r) => r.kind === 'Deployment');
    assert.ok(deployment);
    const broken = structuredClone(deployment);
    const spec = broken.spec as { template: { spec: { containers: Record<string, unknown>[] } } };
    const first = spec.template.spec.containers[0];
    assert.ok(first);
    first.imagePullPolicyy = 'Always';
    assert.match(problems(broken).join('\n'), /unknown field .*containers\[0\]\.imagePullPolicyy/);
  });
});

describe('mesh-config', () => {
  it('every resource, in force and in scenarios/, validates against the Istio schemas', () => {
    const found = meshConfigResources().flatMap(({ file, resource }) =>
      problems(resource).map((problem) => `${file}: ${problem}`),
    );
    assert.deepEqual(found, []);
  });

  it('k8s/istio/tracing.yaml is a valid IstioOperator defining the zipkin provider', () => {
    const [operator] = parseResources(
      readFileSync(new URL('../../k8s/istio/tracing.yaml', import.meta.url), 'utf8'),
    );
    assert.ok(operator);
    assert.deepEqual(problems(operator), []);
    const providers = (
      operator.spec as { meshConfig: { extensionProviders: { name: string }[] } }
    ).meshConfig.extensionProviders.map((p) => p.name);
    assert.ok(providers.includes('zipkin'), 'mesh-config/telemetry.yaml reports to zipkin');
  });
});

describe('skaffold.yaml', () => {
  it('validates against the skaffold/v4beta13 JSON schema', () => {
    const schemaPath = fileURLToPath(SKAFFOLD_SCHEMA_URL);
    assert.ok(
      existsSync(schemaPath),
      `skaffold's schema is missing: expected ${schemaPath} (see tests/manifests/schemas/README.md)`,
    );
    const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as object;
    const ajv = new Ajv({ strict: false, allErrors: true });
    const validate = ajv.compile(schema);
    const config = readSkaffold();
    assert.ok(validate(config), ajv.errorsText(validate.errors, { separator: '\n' }));
    assert.equal(config.apiVersion, 'skaffold/v4beta13');
  });

  it('renders k8s/ as plain `kubectl kustomize` does, with no flags (as the tests render it)', () => {
    const manifests = readSkaffold().manifests as { kustomize: Record<string, unknown> };
    assert.deepEqual(manifests.kustomize, { paths: ['k8s'] });
    assert.ok(existsSync(`${ROOT}/k8s/kustomization.yaml`));
  });
});
