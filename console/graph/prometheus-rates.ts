// istio_requests_total rates from Prometheus: one instant query through its HTTP API, summed by the
// labels the graph reads, and the answer checked before anything uses it.
import { z } from 'zod';
import type { RequestRate } from './service-graph.ts';

/** The labels buildServiceGraph reads: nodes, the reporter, and the response code. */
const GRAPH_LABELS = [
  'reporter',
  'source_workload',
  'source_app',
  'source_version',
  'source_canonical_service',
  'destination_workload',
  'destination_app',
  'destination_version',
  'destination_canonical_service',
  'destination_service_name',
  'response_code',
];

/**
 * The query for the reports countsOnce() keeps: the source sidecars', and the destination's for
 * callers without a sidecar, which have no source reports to double.
 */
export function requestRatesQuery(windowSeconds: number): string {
  const range = Number.isInteger(windowSeconds)
    ? `${windowSeconds}s`
    : `${Math.round(windowSeconds * 1000)}ms`;
  const sum = (selector: string): string =>
    `sum by (${GRAPH_LABELS.join(', ')}) (rate(istio_requests_total{${selector}}[${range}]))`;
  return `${sum('reporter="source"')} or ${sum('reporter="destination", source_workload="unknown"')}`;
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

/** The rates in an answer to requestRatesQuery(); throws saying what is wrong with any other. */
export function requestRatesFromAnswer(body: unknown): RequestRate[] {
  const refused = errorAnswer.safeParse(body);
  if (refused.success) {
    throw new Error(
      `Prometheus refused the query (${refused.data.errorType}): ${refused.data.error}`,
    );
  }
  const answer = vectorAnswer.safeParse(body);
  if (!answer.success) {
    throw new Error(`not an instant vector answer: ${z.prettifyError(answer.error)}`);
  }
  return answer.data.data.result.map(({ metric, value }) => ({
    labels: metric,
    perSecond: Number(value[1]),
  }));
}

/** Asks the Prometheus at `prometheusUrl` (its base URL, any path prefix included). */
export async function fetchRequestRates(
  prometheusUrl: string,
  windowSeconds: number,
  timeoutMs = 10_000,
): Promise<RequestRate[]> {
  const base = prometheusUrl.endsWith('/') ? prometheusUrl : `${prometheusUrl}/`;
  const url = new URL('api/v1/query', base);
  url.searchParams.set('query', requestRatesQuery(windowSeconds));
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`${url.origin}${url.pathname} answered ${response.status}, not JSON`);
  }
  return requestRatesFromAnswer(body);
}
