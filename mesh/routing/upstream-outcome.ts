// What one try against an upstream instance came to, as the retry policy and the outlier detector
// both read it.
export interface UpstreamOutcome {
  /** The response status, when a response arrived. */
  status?: number;
  /** The connection could not be made (refused, connect timeout). */
  connectFailure?: boolean;
  /** The connection broke before a full response (reset, disconnect, read error). */
  reset?: boolean;
  /** The per-try timeout fired (not the route's overall timeout, which is never retried). */
  timedOut?: boolean;
  /** The upstream refused the stream (HTTP/2 REFUSED_STREAM); not seen over HTTP/1. */
  refusedStream?: boolean;
}

/**
 * The status Envoy reports for a try, to the caller and to outlier detection: failures to connect
 * and resets count as 503 (Envoy maps them to ServiceUnavailable), a per-try timeout as 504.
 */
export function statusOf(outcome: UpstreamOutcome): number | undefined {
  if (outcome.connectFailure || outcome.reset || outcome.refusedStream) return 503;
  if (outcome.timedOut) return 504;
  return outcome.status;
}

/** Envoy's "gateway errors": 502, 503, 504. */
export const isGatewayError = (status: number): boolean =>
  status === 502 || status === 503 || status === 504;

/** Any 5xx. */
export const is5xx = (status: number): boolean => status >= 500 && status <= 599;
