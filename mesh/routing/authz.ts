// Istio's AuthorizationPolicy decision for one request arriving at one workload, as documented:
// 1. "If there are any DENY policies that match the request, deny the request."
// 2. "If there are no ALLOW policies for the workload, allow the request."
// 3. "If any of the ALLOW policies match the request, allow the request."
// 4. "Deny the request."
// A policy applies to a workload in its own namespace whose labels include `selector.matchLabels`
// (no selector: the whole namespace); a policy in the root namespace applies in every namespace.
// `rules` unset or empty never matches, so `spec: {}` (an ALLOW without rules) allows nothing and
// a DENY without rules denies nothing; a rule `{}` matches everything. Within a rule, `from` and
// `to` must both match; one entry of each list suffices; within one entry, every field set must
// match. Value matching: exact, `prefix*`, `*suffix`, or `*` for "present". Principals and source
// namespaces exist only with mutual TLS: a plain-text caller matches no `principals` and no
// `namespaces`, and satisfies every `notPrincipals`. Paths are matched without the query string.
import type { AuthorizationPolicyResource } from '../config/schema.ts';
import type { MeshInstance } from '../config/topology.ts';
import { pathOf } from './match.ts';
import { labelsInclude, namespaceOf, ROOT_NAMESPACE } from './selectors.ts';

type Rule = NonNullable<AuthorizationPolicyResource['spec']['rules']>[number];
type Source = NonNullable<Rule['from']>[number]['source'];
type Operation = NonNullable<Rule['to']>[number]['operation'];

export interface AuthzRequest {
  /** The caller's identity, `cluster.local/ns/quiz/sa/frontend`; undefined without mTLS. */
  principal?: string | undefined;
  /** The caller's namespace (derived from the principal when not given); needs mTLS too. */
  namespace?: string | undefined;
  method: string;
  /** The request target; its query string is ignored. */
  path: string;
}

export interface AuthzDecision {
  allowed: boolean;
  /** The deciding policy: the DENY that matched, or the ALLOW that matched. */
  policy?: string;
  /** Its namespace. */
  namespace?: string;
  /** The index of the rule that matched. */
  rule?: number;
}

const SPIFFE = 'spiffe://';

/** The policies that apply to a workload, in their order. */
export function policiesFor(
  policies: readonly AuthorizationPolicyResource[],
  target: Pick<MeshInstance, 'namespace' | 'labels'>,
): AuthorizationPolicyResource[] {
  return policies.filter((policy) => {
    const namespace = namespaceOf(policy);
    if (namespace !== target.namespace && namespace !== ROOT_NAMESPACE) return false;
    return labelsInclude(target.labels, policy.spec.selector?.matchLabels);
  });
}

/** Allow or deny a request to `target`, naming the policy that decided. */
export function authorize(
  policies: readonly AuthorizationPolicyResource[],
  target: Pick<MeshInstance, 'namespace' | 'labels'>,
  request: AuthzRequest,
): AuthzDecision {
  const applicable = policiesFor(policies, target);
  const facts = factsOf(request);
  const deny = firstMatch(
    applicable.filter((policy) => policy.spec.action === 'DENY'),
    facts,
  );
  if (deny) return { allowed: false, ...deny };
  const allowPolicies = applicable.filter((policy) => (policy.spec.action ?? 'ALLOW') === 'ALLOW');
  if (allowPolicies.length === 0) return { allowed: true };
  const allow = firstMatch(allowPolicies, facts);
  return allow ? { allowed: true, ...allow } : { allowed: false };
}

interface Facts {
  principal: string | undefined;
  namespace: string | undefined;
  method: string;
  path: string;
}

function factsOf(request: AuthzRequest): Facts {
  const principal = request.principal ? stripSpiffe(request.principal) : undefined;
  // Istio reads the source namespace from the peer certificate: no mTLS, no namespace.
  const namespace = principal
    ? (request.namespace ?? /\/ns\/([^/]+)\//.exec(principal)?.[1])
    : undefined;
  return { principal, namespace, method: request.method, path: pathOf(request.path) };
}

function firstMatch(
  policies: readonly AuthorizationPolicyResource[],
  facts: Facts,
): Omit<AuthzDecision, 'allowed'> | undefined {
  for (const policy of policies) {
    const rule = (policy.spec.rules ?? []).findIndex((candidate) => ruleMatches(candidate, facts));
    if (rule !== -1) return { policy: policy.metadata.name, namespace: namespaceOf(policy), rule };
  }
  return undefined;
}

function ruleMatches(rule: Rule, facts: Facts): boolean {
  const from = rule.from ?? [];
  const to = rule.to ?? [];
  return (
    (from.length === 0 || from.some(({ source }) => sourceMatches(source, facts))) &&
    (to.length === 0 || to.some(({ operation }) => operationMatches(operation, facts)))
  );
}

function sourceMatches(source: Source, facts: Facts): boolean {
  const principals = source.principals?.map(stripSpiffe);
  const notPrincipals = source.notPrincipals?.map(stripSpiffe);
  return (
    anyOf(principals, facts.principal) &&
    noneOf(notPrincipals, facts.principal) &&
    anyOf(source.namespaces, facts.namespace)
  );
}

function operationMatches(operation: Operation, facts: Facts): boolean {
  return (
    anyOf(operation.methods, facts.method) &&
    anyOf(operation.paths, facts.path) &&
    noneOf(operation.notPaths, facts.path)
  );
}

/** An unset or empty list allows anything; otherwise one pattern must match a present value. */
function anyOf(patterns: readonly string[] | undefined, value: string | undefined): boolean {
  if (!patterns || patterns.length === 0) return true;
  return value !== undefined && patterns.some((pattern) => valueMatches(pattern, value));
}

/** No pattern may match; an absent value matches none. */
function noneOf(patterns: readonly string[] | undefined, value: string | undefined): boolean {
  if (!patterns || patterns.length === 0 || value === undefined) return true;
  return !patterns.some((pattern) => valueMatches(pattern, value));
}

/** Istio's value match: `*` (present, non-empty), `prefix*`, `*suffix`, or exact. */
export function valueMatches(pattern: string, value: string): boolean {
  if (pattern === '*') return value !== '';
  if (pattern.endsWith('*')) return value.startsWith(pattern.slice(0, -1));
  if (pattern.startsWith('*')) return value.endsWith(pattern.slice(1));
  return value === pattern;
}

function stripSpiffe(principal: string): string {
  return principal.startsWith(SPIFFE) ? principal.slice(SPIFFE.length) : principal;
}
