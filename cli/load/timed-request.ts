// One HTTP request, timed from just before fetch() to the last byte of the body with
// process.hrtime.bigint(). Reading the whole body matters twice over: the time then includes the
// transfer, and the keep-alive connection goes back to fetch's pool for the next request.

/** A request that may take longer than this is reported as a timeout, not waited for. */
export const REQUEST_TIMEOUT_MS = 10_000;

export type TimedResponse =
  | { kind: 'response'; status: number; ok: boolean; text: string; micros: number }
  | { kind: 'failed'; reason: string }
  | { kind: 'cancelled' };

export async function timedRequest(
  url: string,
  init: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string },
  cancel: AbortSignal,
): Promise<TimedResponse> {
  const deadline = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
  const started = process.hrtime.bigint();
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.any([cancel, deadline]) });
    const text = await response.text();
    const micros = Number((process.hrtime.bigint() - started) / 1000n);
    return { kind: 'response', status: response.status, ok: response.ok, text, micros };
  } catch (err) {
    if (cancel.aborted) return { kind: 'cancelled' };
    if (deadline.aborted) return { kind: 'failed', reason: 'timeout' };
    return { kind: 'failed', reason: networkErrorCode(err) };
  }
}

/**
 * fetch() throws a bare "fetch failed"; the useful part is in its causes: a socket error code
 * (ECONNREFUSED, ENOTFOUND, …) or, for what fetch itself refuses, a message such as "bad port".
 */
function networkErrorCode(err: unknown): string {
  let current: unknown = err;
  let innermost = '';
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = (current as Error & { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
    innermost = current.message;
    current = current.cause;
  }
  return errorLabel(innermost);
}

/** A short, space-free label that fits in `name×count`. */
function errorLabel(message: string): string {
  const label = message.trim().toLowerCase().replace(/\s+/g, '-').slice(0, 40);
  return label === '' || label === 'fetch-failed' ? 'network-error' : label;
}
