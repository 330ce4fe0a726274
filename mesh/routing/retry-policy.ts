// A route's retry policy and the retry decision, as Istio configures Envoy and Envoy decides.
//
// Istio (pilot's retry.ConvertPolicy): a route without `retries` gets the default policy, 2
// retries on "connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes";
// `attempts: 0` turns retries off; `attempts: N` without `retryOn` keeps the default conditions.
// `unavailable` and `cancelled` are gRPC status conditions and never fire for plain HTTP, so they
// are left out. The default also listed 503 as a retriable status code until istio#52111 (2024)
// removed it ("exclude unsafe 503 from default RetryPolicy"), so `retriable-status-codes` is kept
// with an empty list and the default retries only failed connections and refused streams.
// `attempts` counts RETRIES: attempts 3 means up to 4 tries.
//
// Envoy (router filter docs and RetryStateImpl):
// - 5xx: any 5xx response, or no response at all (reset, disconnect, per-try timeout), which
//   includes connect-failure and refused-stream;
// - gateway-error: 502, 503, 504, and also every reset and per-try timeout (Envoy's code counts
//   "an upstream reset as a 5xx" for both 5xx and gateway-error), but not a 500;
// - reset: any reset, a failure to connect and a per-try timeout included;
// - connect-failure: failing to connect only;
// - refused-stream: a REFUSED_STREAM reset (HTTP/2 only);
// - retriable-4xx: 409 only;
// - the route's overall timeout is never retried.
import type { HttpRoute, RetryOn } from '../config/schema.ts';
import { is5xx, isGatewayError, type UpstreamOutcome } from './upstream-outcome.ts';

export type RetryCondition = RetryOn | 'retriable-status-codes';

export interface RetryPolicy {
  /** Retries after the first try. */
  attempts: number;
  retryOn: ReadonlySet<RetryCondition>;
  /** Status codes retried under `retriable-status-codes`. */
  retriableStatusCodes: readonly number[];
  perTryTimeoutMs?: number;
}

/** What to do after a try: try again, stop (the outcome is final), or stop having run out. */
export type RetryDecision = 'retry' | 'no-retry' | 'limit-exceeded';

const DEFAULT_RETRY_ON: readonly RetryCondition[] = [
  'connect-failure',
  'refused-stream',
  'retriable-status-codes',
];

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  attempts: 2,
  retryOn: new Set(DEFAULT_RETRY_ON),
  retriableStatusCodes: [],
};

export const NO_RETRIES: RetryPolicy = {
  attempts: 0,
  retryOn: new Set(),
  retriableStatusCodes: [],
};

/** The retry policy in force on a route, Istio's default when it sets none. */
export function retryPolicyOf(route: Pick<HttpRoute, 'retries'>): RetryPolicy {
  const retries = route.retries;
  if (!retries) return DEFAULT_RETRY_POLICY;
  if (retries.attempts <= 0) return NO_RETRIES;
  const policy: RetryPolicy = {
    attempts: retries.attempts,
    retryOn: retries.retryOn ? new Set(retries.retryOn) : DEFAULT_RETRY_POLICY.retryOn,
    retriableStatusCodes: [],
  };
  if (retries.perTryTimeout !== undefined) policy.perTryTimeoutMs = retries.perTryTimeout;
  return policy;
}

/** Would the policy retry this outcome, attempts left aside. */
export function isRetriable(policy: RetryPolicy, outcome: UpstreamOutcome): boolean {
  const on = policy.retryOn;
  const anyReset = on.has('reset') || on.has('5xx') || on.has('gateway-error');
  if (outcome.connectFailure) return anyReset || on.has('connect-failure');
  if (outcome.refusedStream) return anyReset || on.has('refused-stream');
  if (outcome.reset || outcome.timedOut) return anyReset;
  const status = outcome.status;
  if (status === undefined) return false;
  return (
    (on.has('5xx') && is5xx(status)) ||
    (on.has('gateway-error') && isGatewayError(status)) ||
    (on.has('retriable-4xx') && status === 409) ||
    (on.has('retriable-status-codes') && policy.retriableStatusCodes.includes(status))
  );
}

/**
 * The decision after `triesSoFar` tries (the first try counts) ended with `outcome`.
 * `limit-exceeded` is when Envoy sets response flag URX: the outcome was retriable but no retry
 * is left.
 */
export function retryDecision(
  policy: RetryPolicy,
  outcome: UpstreamOutcome,
  triesSoFar: number,
): RetryDecision {
  if (policy.attempts <= 0 || !isRetriable(policy, outcome)) return 'no-retry';
  return triesSoFar <= policy.attempts ? 'retry' : 'limit-exceeded';
}

/**
 * Envoy's pause before retry number `retry` (1 for the first retry): fully jittered exponential
 * back-off, uniform in [0, (2^retry - 1) × base), never above 10 × base (base 25ms by default).
 */
export function retryBackoffMs(retry: number, random: () => number, baseMs = 25): number {
  const window = (2 ** Math.max(1, retry) - 1) * baseMs;
  return Math.min(Math.floor(random() * window), 10 * baseMs);
}
