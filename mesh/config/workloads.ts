// Which workloads a resource reaches: label selectors, subsets, and the namespace scoping Istio
// gives policies (a selector-less policy in the root namespace covers the whole mesh).
// Selector semantics are the data plane's (mesh/routing/selectors.ts), so that validation and
// analysis agree with what the mesh will actually select.
import { labelsInclude, ROOT_NAMESPACE } from '../routing/selectors.ts';
import type { MeshInstance, MeshService } from './topology.ts';

export { namespaceOf, ROOT_NAMESPACE } from '../routing/selectors.ts';

/** The instances behind a Service that carry a subset's labels. */
export function instancesOfSubset(
  service: MeshService,
  subsetLabels: Readonly<Record<string, string>>,
  instances: readonly MeshInstance[],
): MeshInstance[] {
  return instancesOfService(service, instances).filter((i) =>
    labelsInclude(i.labels, subsetLabels),
  );
}

export function instancesOfService(
  service: MeshService,
  instances: readonly MeshInstance[],
): MeshInstance[] {
  return instances.filter((i) => i.service === service.name && i.namespace === service.namespace);
}

/** What a workload-scoped policy (PeerAuthentication, AuthorizationPolicy, Telemetry) covers. */
export interface PolicyScope {
  namespace: string;
  selector?: { matchLabels: Record<string, string> } | undefined;
}

export function policyApplies(policy: PolicyScope, instance: MeshInstance): boolean {
  if (policy.namespace === ROOT_NAMESPACE && policy.selector === undefined) return true;
  if (policy.namespace !== instance.namespace) return false;
  return labelsInclude(instance.labels, policy.selector?.matchLabels);
}

// Kubernetes label syntax: an optional DNS-subdomain prefix and a name of at most 63 characters.
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Why a label key is not valid Kubernetes syntax, or undefined when it is. */
export function labelKeyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash === -1 ? undefined : key.slice(0, slash);
  const name = slash === -1 ? key : key.slice(slash + 1);
  if (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) {
    return `label key ${key}: the prefix before / must be a DNS subdomain`;
  }
  if (!LABEL_NAME.test(name)) {
    return `label key ${key}: at most 63 letters, digits, -, _ or ., starting and ending alphanumeric`;
  }
  return undefined;
}

export function labelValueProblem(key: string, value: string): string | undefined {
  if (value === '' || LABEL_NAME.test(value)) return undefined;
  return `label ${key}=${value}: a value has at most 63 letters, digits, -, _ or ., starting and ending alphanumeric`;
}
