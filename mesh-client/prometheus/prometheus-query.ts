// Instant queries against Prometheus' HTTP API (/api/v1/query), with the answer checked before
// use: only instant vectors are accepted, and values that are not numbers (NaN from a 0/0 rate)
// are kept as NaN for the caller to read as "no data".
import { z } from 'zod';

export interface VectorSample {
  labels: Record<string, string>;
  value: number;
}

const vectorAnswer = z.object({
  status: z.literal('success'),
  data: z.object({
    resultType: z.literal('vector'),
    result: z.array(
      z.object({
        metric: z.record(z.string(), z.string()),
        // [evaluation time, value]; the value is a string so that NaN and ±Inf survive JSON.
        value: z.tuple([z.number(), z.string()]),
      }),
    ),
  }),
});
const errorAnswer = z.object({
  status: z.literal('error'),
  errorType: z.string(),
  error: z.string(),
});

const QUERY_TIMEOUT_MS = 10_000;

/** The samples of an answer to an instant query; throws saying what is wrong with any other. */
export function vectorFromAnswer(body: unknown): VectorSample[] {
  const refused = errorAnswer.safeParse(body);
  if (refused.success) {
    const { errorType, error } = refused.data;
    throw new Error(`Prometheus refused the query (${errorType}): ${error}`);
  }
  const answer = vectorAnswer.safeParse(body);
  if (!answer.success) {
    throw new Error(`not an instant vector answer: ${z.prettifyError(answer.error)}`);
  }
  return answer.data.data.result.map((r) => ({ labels: r.metric, value: Number(r.value[1]) }));
}

/**
 * The vector `promql` evaluates to now, from the Prometheus at `baseUrl` (any path prefix
 * included); throws with Prometheus' own words when it refuses.
 */
export async function queryVector(
  baseUrl: string,
  promql: string,
  timeoutMs = QUERY_TIMEOUT_MS,
): Promise<VectorSample[]> {
  const url = new URL('api/v1/query', baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  url.searchParams.set('query', promql);
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`${url.origin}${url.pathname} answered ${String(response.status)}, not JSON`);
  }
  return vectorFromAnswer(body);
}

/** A PromQL label matcher's value, quoted and escaped. */
export const promString = (value: string): string => JSON.stringify(value);
