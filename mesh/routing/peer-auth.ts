// The mutual TLS mode in force for a workload, by Istio's PeerAuthentication precedence: a policy
// selecting the workload (in its namespace) beats the namespace's policy (no selector), which
// beats the mesh-wide policy (no selector, root namespace); with none, PERMISSIVE. A mode of
// UNSET, or no `mtls`, inherits from the next level down. Where several policies tie at one level
// Istio takes the oldest; here, the first loaded.
import type { PeerAuthenticationResource } from '../config/schema.ts';
import type { MeshInstance } from '../config/topology.ts';
import { labelsInclude, namespaceOf, ROOT_NAMESPACE } from './selectors.ts';

export type MtlsMode = 'STRICT' | 'PERMISSIVE' | 'DISABLE';

export interface EffectiveMtls {
  mode: MtlsMode;
  /** The deciding policy as `namespace/name`; undefined for the PERMISSIVE default. */
  policy?: string;
}

/** The mTLS mode for a workload and the PeerAuthentication that set it. */
export function effectiveMtls(
  policies: readonly PeerAuthenticationResource[],
  workload: Pick<MeshInstance, 'namespace' | 'labels'>,
): EffectiveMtls {
  const selects = (policy: PeerAuthenticationResource): boolean =>
    Object.keys(policy.spec.selector?.matchLabels ?? {}).length > 0;
  const levels = [
    policies.find(
      (policy) =>
        namespaceOf(policy) === workload.namespace &&
        selects(policy) &&
        labelsInclude(workload.labels, policy.spec.selector?.matchLabels),
    ),
    policies.find((policy) => namespaceOf(policy) === workload.namespace && !selects(policy)),
    policies.find((policy) => namespaceOf(policy) === ROOT_NAMESPACE && !selects(policy)),
  ];
  for (const policy of levels) {
    const mode = policy?.spec.mtls?.mode;
    if (policy && mode && mode !== 'UNSET') {
      return { mode, policy: `${namespaceOf(policy)}/${policy.metadata.name}` };
    }
  }
  return { mode: 'PERMISSIVE' };
}

/** The mTLS mode for a workload. */
export function mtlsModeFor(
  policies: readonly PeerAuthenticationResource[],
  workload: Pick<MeshInstance, 'namespace' | 'labels'>,
): MtlsMode {
  return effectiveMtls(policies, workload).mode;
}

/**
 * Istio's `connection_security_policy` metric label for traffic the mesh carries: sidecars talk
 * auto-mTLS whenever the server accepts it, so STRICT and PERMISSIVE give `mutual_tls` and DISABLE
 * gives `none`.
 */
export function connectionSecurityPolicy(mode: MtlsMode): 'mutual_tls' | 'none' {
  return mode === 'DISABLE' ? 'none' : 'mutual_tls';
}
