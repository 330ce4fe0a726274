// Instant queries against Prometheus' HTTP API (/api/v1/query), with the answer checked before
// use: only vector results are accepted, and values that are not numbers (NaN from a 0/0 rate)
// are kept as NaN for the caller to read as "no data".
import { z } from 'zod';

export interface VectorSample {
  labels: Record<string, string>;
  value: number;
}

const answerSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('success'),
    data: z.object({
      resultType: z.literal('vector'),
      result: z.array(
        z.object({
          metric: z.record(z.string(), z.string()),
          value: z.tuple([z.number(), z.string()]),
        }),
      ),
    }),
  }),
  z.object({ status: z.literal('error'), errorType: z.string(), error: z.string() }),
]);

const QUERY_TIMEOUT_MS = 5_000;

/** The vector `promql` evaluates to now; throws with Prometheus' own words when it refuses. */
export async function queryVector(baseUrl: string, promql: string): Promise<VectorSample[]> {
  const url = `${baseUrl.replace(/\/+$/, '')}/api/v1/query?query=${encodeURIComponent(promql)}`;
  const response = await fetch(url, { signal: AbortSignal.timeout(QUERY_TIMEOUT_MS) });
  const parsed = answerSchema.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) {
    throw new Error(`${baseUrl} did not answer as Prometheus does (HTTP ${response.status})`);
  }
  const answer = parsed.data;
  if (answer.status === 'error') {
    throw new Error(`Prometheus refused the query (${answer.errorType}): ${answer.error}`);
  }
  return answer.data.result.map((r) => ({ labels: r.metric, value: Number(r.value[1]) }));
}

/** A PromQL label matcher's value, quoted and escaped. */
export const promString = (value: string): string => JSON.stringify(value);
