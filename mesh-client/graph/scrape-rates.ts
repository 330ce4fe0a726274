// istio_requests_total rates from two scrapes of the mesh's Prometheus endpoint, as rate() over the
// same window would give them, for when no Prometheus runs.
import { counterIncreases } from '../prometheus/counter-increase.ts';
import type { Sample } from '../prometheus/prometheus-text.ts';
import { buildServiceGraph, type RequestRate, type ServiceGraph } from './service-graph.ts';

const REQUESTS = 'istio_requests_total';

export function requestRatesFromScrapes(
  before: readonly Sample[],
  after: readonly Sample[],
  seconds: number,
): RequestRate[] {
  const requests = (s: Sample): boolean => s.name === REQUESTS;
  return counterIncreases(before, after, requests).map(({ sample, increase }) => ({
    labels: sample.labels,
    perSecond: seconds > 0 ? increase / seconds : 0,
  }));
}

export const serviceGraphFromScrapes = (
  before: readonly Sample[],
  after: readonly Sample[],
  seconds: number,
): ServiceGraph => buildServiceGraph(requestRatesFromScrapes(before, after, seconds), seconds);
