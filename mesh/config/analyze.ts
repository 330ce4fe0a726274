// Warnings in the spirit of `istioctl analyze`: configuration that Istio accepts and the local
// mesh runs, but that is very likely not what was meant: mTLS that clients will not speak, subsets
// and selectors that select nothing, policies that name callers who do not exist or leave a
// workload unreachable. Codes are istioctl's where it has the same check.
import { fieldPath, resourceName, type Finding } from './findings.ts';
import type {
  AuthorizationPolicyResource,
  MeshConfig,
  PeerAuthenticationResource,
  Sourced,
} from './schema.ts';
import { resolveHost, type MeshInstance, type MeshTopology } from './topology.ts';
import {
  instancesOfService,
  instancesOfSubset,
  namespaceOf,
  policyApplies,
  ROOT_NAMESPACE,
} from './workloads.ts';

type Warn = (
  kind: string,
  resource: { metadata: { name: string }; source: { file: string } },
  path: readonly PropertyKey[],
  reason: string,
  code?: string,
) => void;

export function analyzeMeshConfig(config: MeshConfig, topology: MeshTopology): Finding[] {
  const findings: Finding[] = [];
  const warn: Warn = (kind, resource, path, reason, code) => {
    findings.push({
      file: resource.source.file,
      resource: resourceName(kind, resource.metadata.name),
      ...(path.length > 0 && { field: fieldPath(path) }),
      reason,
      ...(code !== undefined && { code }),
    });
  };
  analyzeHosts(config, topology, warn);
  analyzeDestinationRules(config, topology, warn);
  analyzeSelectors(config, topology, warn);
  analyzeAuthorization(config, topology, warn);
  return findings;
}

function analyzeHosts(config: MeshConfig, topology: MeshTopology, warn: Warn): void {
  for (const vs of config.virtualServices) {
    const namespace = namespaceOf(vs);
    const servesMesh = vs.spec.gateways === undefined || vs.spec.gateways.includes('mesh');
    vs.spec.hosts.forEach((host, i) => {
      if (servesMesh && resolveHost(host, topology.services, namespace) === undefined) {
        const reason = `host ${host} is not a Service in ${namespace}: this route is never used`;
        warn('VirtualService', vs, ['spec', 'hosts', i], reason, 'IST0101');
      }
    });
    vs.spec.http.forEach((route, r) => {
      route.route.forEach(({ destination }, d) => {
        if (resolveHost(destination.host, topology.services, namespace) === undefined) {
          const path = ['spec', 'http', r, 'route', d, 'destination', 'host'];
          const reason = `host ${destination.host} is not a Service in ${namespace}: calls routed here fail with 503`;
          warn('VirtualService', vs, path, reason, 'IST0101');
        }
      });
    });
  }
}

function analyzeDestinationRules(config: MeshConfig, topology: MeshTopology, warn: Warn): void {
  for (const rule of config.destinationRules) {
    const service = resolveHost(rule.spec.host, topology.services, namespaceOf(rule));
    if (service === undefined) {
      const reason = `host ${rule.spec.host} is not a Service in ${namespaceOf(rule)}: this rule applies to nothing`;
      warn('DestinationRule', rule, ['spec', 'host'], reason, 'IST0101');
      continue;
    }
    (rule.spec.subsets ?? []).forEach((subset, i) => {
      if (instancesOfSubset(service, subset.labels, topology.instances).length === 0) {
        const reason = `subset ${subset.name} selects no pod of ${service.name}: calls routed to it fail with 503 (no healthy upstream)`;
        warn('DestinationRule', rule, ['spec', 'subsets', i, 'labels'], reason, 'IST0173');
      }
    });

    const strict = instancesOfService(service, topology.instances)
      .map((instance) => mtlsOf(instance, config.peerAuthentications))
      .find((mtls) => mtls.mode === 'STRICT');
    if (strict?.policy === undefined) continue;
    const by = `PeerAuthentication ${namespaceOf(strict.policy)}/${strict.policy.metadata.name} (${strict.policy.source.file})`;
    const mode = rule.spec.trafficPolicy?.tls?.mode;
    if (mode !== 'ISTIO_MUTUAL') {
      const reason =
        mode === undefined
          ? `does not set tls.mode ISTIO_MUTUAL while ${by} makes ${service.name} accept mutual TLS only (STRICT): say it, so that no client depends on auto mTLS to reach it`
          : `sets tls.mode ${mode} while ${by} makes ${service.name} accept Istio mutual TLS only (STRICT): calls fail with 503; use ISTIO_MUTUAL`;
      const path = ['spec', 'trafficPolicy', ...(mode === undefined ? [] : ['tls', 'mode'])];
      warn('DestinationRule', rule, path, reason, 'IST0113');
    }
    (rule.spec.subsets ?? []).forEach((subset, i) => {
      const subsetMode = subset.trafficPolicy?.tls?.mode;
      if (subsetMode !== undefined && subsetMode !== 'ISTIO_MUTUAL') {
        const path = ['spec', 'subsets', i, 'trafficPolicy', 'tls', 'mode'];
        const reason = `subset ${subset.name} sets tls.mode ${subsetMode} while ${by} requires Istio mutual TLS (STRICT): calls to it fail with 503`;
        warn('DestinationRule', rule, path, reason, 'IST0113');
      }
    });
  }
}

/** The mTLS mode in force for a workload: its own policy, else its namespace's, else the mesh's. */
function mtlsOf(
  instance: MeshInstance,
  policies: readonly Sourced<PeerAuthenticationResource>[],
): { mode: string; policy?: Sourced<PeerAuthenticationResource> } {
  const set = (p: Sourced<PeerAuthenticationResource>): boolean =>
    p.spec.mtls?.mode !== undefined && p.spec.mtls.mode !== 'UNSET';
  const levels = [
    policies.filter((p) => p.spec.selector !== undefined && policyApplies(scopeOf(p), instance)),
    policies.filter((p) => p.spec.selector === undefined && namespaceOf(p) === instance.namespace),
    policies.filter((p) => p.spec.selector === undefined && namespaceOf(p) === ROOT_NAMESPACE),
  ];
  for (const level of levels) {
    const policy = level.find(set);
    if (policy?.spec.mtls?.mode !== undefined) return { mode: policy.spec.mtls.mode, policy };
  }
  return { mode: 'PERMISSIVE' };
}

interface SelectorResource {
  metadata: { name: string; namespace?: string | undefined };
  source: { file: string };
  spec: { selector?: { matchLabels: Record<string, string> } | undefined };
}

const scopeOf = (resource: SelectorResource) => ({
  namespace: namespaceOf(resource),
  selector: resource.spec.selector,
});

function analyzeSelectors(config: MeshConfig, topology: MeshTopology, warn: Warn): void {
  const scoped: [string, readonly SelectorResource[]][] = [
    ['PeerAuthentication', config.peerAuthentications],
    ['AuthorizationPolicy', config.authorizationPolicies],
    ['Telemetry', config.telemetries],
  ];
  for (const [kind, resources] of scoped) {
    for (const resource of resources) {
      const { selector } = resource.spec;
      if (selector === undefined) continue;
      if (topology.instances.some((instance) => policyApplies(scopeOf(resource), instance))) {
        continue;
      }
      const labels = Object.entries(selector.matchLabels)
        .map(([key, value]) => `${key}=${value}`)
        .join(', ');
      const reason = `no workload in ${namespaceOf(resource)} has the labels ${labels}: this ${kind} applies to nothing`;
      warn(kind, resource, ['spec', 'selector', 'matchLabels'], reason, 'IST0127');
    }
  }
}

const PRINCIPAL = /^([^/]+)\/ns\/([^/]+)\/sa\/([^/]+)$/;

function analyzeAuthorization(config: MeshConfig, topology: MeshTopology, warn: Warn): void {
  const namespaces = new Set(topology.instances.map((i) => i.namespace));
  for (const policy of config.authorizationPolicies) {
    (policy.spec.rules ?? []).forEach((rule, r) => {
      (rule.from ?? []).forEach(({ source }, f) => {
        (source.principals ?? []).forEach((principal, p) => {
          const [, , namespace, account] = PRINCIPAL.exec(principal) ?? [];
          // Only namespaces the mesh knows are checked: the ingress gateway lives in istio-system.
          if (namespace === undefined || account === undefined || !namespaces.has(namespace)) {
            return;
          }
          const runs = topology.instances.some(
            (i) => i.namespace === namespace && i.serviceAccount === account,
          );
          if (!runs) {
            const path = ['spec', 'rules', r, 'from', f, 'source', 'principals', p];
            const reason = `no workload in ${namespace} runs as service account ${account}: this principal matches no caller`;
            warn('AuthorizationPolicy', policy, path, reason);
          }
        });
      });
      (rule.to ?? []).forEach(({ operation }, t) => {
        for (const field of ['paths', 'notPaths'] as const) {
          (operation[field] ?? []).forEach((path, p) => {
            if (!misplacedWildcard(path)) return;
            const at = ['spec', 'rules', r, 'to', t, 'operation', field, p];
            const reason = `${path}: Istio reads * only as the whole path, a prefix (/a/*) or a suffix (*.svg); here it is a literal *`;
            warn('AuthorizationPolicy', policy, at, reason);
          });
        }
      });
    });
  }
  analyzeDeniedWorkloads(config.authorizationPolicies, topology, warn);
}

function misplacedWildcard(path: string): boolean {
  const stars = path.split('*').length - 1;
  if (stars === 0 || path === '*' || path.includes('{')) return false;
  return stars > 1 || !(path.startsWith('*') || path.endsWith('*'));
}

/** A workload that ALLOW policies cover, none of which has a rule, refuses every call. */
function analyzeDeniedWorkloads(
  policies: readonly Sourced<AuthorizationPolicyResource>[],
  topology: MeshTopology,
  warn: Warn,
): void {
  const allow = policies.filter((p) => (p.spec.action ?? 'ALLOW') === 'ALLOW');
  const reported = new Set<string>();
  for (const instance of topology.instances) {
    const covering = allow.filter((p) => policyApplies(scopeOf(p), instance));
    const [first] = covering;
    if (first === undefined || reported.has(instance.workload)) continue;
    if (covering.some((p) => (p.spec.rules ?? []).length > 0)) continue;
    reported.add(instance.workload);
    const reason = `every call to ${instance.workload} is refused: ALLOW policies apply to it, but none has a rule that could allow a call`;
    warn('AuthorizationPolicy', first, [], reason);
  }
}
