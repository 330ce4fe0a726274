// The Envoy response flags this mesh puts in Istio's `response_flags` metric label and in the
// sidecar spans' `response_flags` tag, and how several are written together. Envoy keeps each
// flag once, in the order they were set, joined with `,` (`DI,FI` for a delayed then aborted
// request), and writes `-` when none is set (StreamInfoImpl::setResponseFlag,
// ResponseFlagUtils::toShortString). The proxy takes its flags, statuses and bodies from here.
//
// A request denied by an AuthorizationPolicy gets NO response flag: Envoy's RBAC filter answers
// 403 "RBAC: access denied" with sendLocalReply and sets no flag, so the flags stay `-`; it sets
// the response code details to
// `rbac_access_denied_matched_policy[ns[<namespace>]-policy[<name>]-rule[<index>]]` (or `[none]`
// when no ALLOW matched), which `rbacDeniedDetails` writes. Envoy's core flags
// (ResponseFlagUtils::CORE_RESPONSE_FLAGS, the latest being DO and DR) have none for RBAC; the
// nearest, UAEX, is the ext_authz filter's, which Istio uses only for `action: CUSTOM` policies.
import type { AuthzDecision } from './authz.ts';

export const RESPONSE_FLAGS = {
  /** NR: no route matched the request (404). */
  NO_ROUTE_FOUND: 'NR',
  /** NC: the route names a cluster that does not exist, e.g. an undefined subset (503). */
  NO_CLUSTER_FOUND: 'NC',
  /** UH: no healthy upstream host in the cluster (503). */
  NO_HEALTHY_UPSTREAM: 'UH',
  /** UF: the connection to the upstream failed (503). */
  UPSTREAM_CONNECTION_FAILURE: 'UF',
  /** URX: the response was retriable but the retry limit was reached. */
  UPSTREAM_RETRY_LIMIT_EXCEEDED: 'URX',
  /** UT: the upstream request timed out (504). */
  UPSTREAM_REQUEST_TIMEOUT: 'UT',
  /** DI: the request was delayed by fault injection. */
  DELAY_INJECTED: 'DI',
  /** FI: the request was aborted by fault injection, with its configured status. */
  FAULT_INJECTED: 'FI',
  /** UC: the upstream connection closed before the response completed (503). */
  UPSTREAM_CONNECTION_TERMINATION: 'UC',
  /** DC: the downstream connection closed before the response completed. */
  DOWNSTREAM_CONNECTION_TERMINATION: 'DC',
} as const;

export type ResponseFlag = (typeof RESPONSE_FLAGS)[keyof typeof RESPONSE_FLAGS];

/** The status Envoy answers with when it ends a request itself with this flag. */
export const LOCAL_REPLY_STATUS = {
  NR: 404,
  NC: 503,
  UH: 503,
  UF: 503,
  UT: 504,
  UC: 503,
} as const satisfies Partial<Record<ResponseFlag, number>>;

/** The flags with which Envoy answers a request itself. */
export type LocalReplyFlag = keyof typeof LOCAL_REPLY_STATUS;

/** Flags as Envoy writes them: each once, in the order set, `,`-joined; `-` for none. */
export function formatResponseFlags(flags: readonly ResponseFlag[]): string {
  // Most calls set none: no set to build for them.
  return flags.length === 0 ? '-' : [...new Set(flags)].join(',');
}

/** The body of the mesh's answer for each of those flags: Envoy's wording for UH, UF, UT, UC. */
export const LOCAL_REPLY_BODY = {
  NR: '',
  NC: 'no cluster found',
  UH: 'no healthy upstream',
  UF: 'upstream connect error or disconnect/reset before headers. reset reason: connection failure',
  UT: 'upstream request timeout',
  UC: 'upstream connect error or disconnect/reset before headers. reset reason: connection termination',
} as const satisfies Record<keyof typeof LOCAL_REPLY_STATUS, string>;

/** The answer to a fault-injection abort (flag FI); its status is the configured one. */
export const FAULT_ABORT_BODY = 'fault filter abort';

/** The RBAC filter's answer to a denied request; no flag goes with it. */
export const RBAC_DENIED = { status: 403, body: 'RBAC: access denied' } as const;

/** Envoy's response code details for a request an AuthorizationPolicy denied. */
export function rbacDeniedDetails(
  decision: Pick<AuthzDecision, 'policy' | 'namespace' | 'rule'>,
): string {
  const matched =
    decision.policy === undefined
      ? 'none'
      : `ns[${decision.namespace ?? ''}]-policy[${decision.policy}]-rule[${decision.rule ?? 0}]`;
  return `rbac_access_denied_matched_policy[${matched}]`;
}
