// istio_requests_total rates from Prometheus: one instant query through its HTTP API, summed by the
// labels the graph reads, and the answer checked before anything uses it.
import { queryVector, vectorFromAnswer } from '../prometheus/prometheus-query.ts';
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

/** The rates in an answer to requestRatesQuery(); throws saying what is wrong with any other. */
export function requestRatesFromAnswer(body: unknown): RequestRate[] {
  return vectorFromAnswer(body).map(({ labels, value }) => ({ labels, perSecond: value }));
}

/** Asks the Prometheus at `prometheusUrl` (its base URL, any path prefix included). */
export async function fetchRequestRates(
  prometheusUrl: string,
  windowSeconds: number,
  timeoutMs = 10_000,
): Promise<RequestRate[]> {
  const samples = await queryVector(prometheusUrl, requestRatesQuery(windowSeconds), timeoutMs);
  return samples.map(({ labels, value }) => ({ labels, perSecond: value }));
}
