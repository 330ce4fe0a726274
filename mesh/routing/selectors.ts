// Where a policy applies: label selectors and Istio's namespace scoping, shared by the routing,
// authorization and peer-authentication decisions.
import { MESH_NAMESPACE } from '../config/topology.ts';

/** Istio's root namespace: a policy here without a selector applies to the whole mesh. */
export const ROOT_NAMESPACE = 'istio-system';

/** The namespace a resource lives in; resources without one are read as the mesh's namespace. */
export const namespaceOf = (resource: { metadata: { namespace?: string | undefined } }): string =>
  resource.metadata.namespace ?? MESH_NAMESPACE;

/** True when every key/value of `required` is in `labels` (an empty selector selects all). */
export function labelsInclude(
  labels: Readonly<Record<string, string>>,
  required: Readonly<Record<string, string>> | undefined,
): boolean {
  if (!required) return true;
  for (const [key, value] of Object.entries(required)) {
    if (labels[key] !== value) return false;
  }
  return true;
}
