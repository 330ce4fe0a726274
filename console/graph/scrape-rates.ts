// istio_requests_total rates from two scrapes of the mesh's Prometheus endpoint, as rate() over the
// same window would give them, for when no Prometheus runs.
import type { Sample } from '../../cli/mesh/prometheus-text.ts';
import { buildServiceGraph, type RequestRate, type ServiceGraph } from './service-graph.ts';

const REQUESTS = 'istio_requests_total';

export function requestRatesFromScrapes(
  before: readonly Sample[],
  after: readonly Sample[],
  seconds: number,
): RequestRate[] {
  const counted = (samples: readonly Sample[]): Sample[] =>
    samples.filter((s) => s.name === REQUESTS);
  const earlier = new Map(counted(before).map((s) => [labelSetKey(s.labels), s.value]));
  return counted(after).map(({ labels, value }) => {
    const previous = earlier.get(labelSetKey(labels)) ?? 0;
    // A counter that went down was reset (the mesh restarted): it counted from zero since.
    const increase = value >= previous ? value - previous : value;
    return { labels, perSecond: seconds > 0 ? increase / seconds : 0 };
  });
}

export const serviceGraphFromScrapes = (
  before: readonly Sample[],
  after: readonly Sample[],
  seconds: number,
): ServiceGraph => buildServiceGraph(requestRatesFromScrapes(before, after, seconds), seconds);

const labelSetKey = (labels: Readonly<Record<string, string>>): string =>
  JSON.stringify(
    Object.keys(labels)
      .sort()
      .map((name) => [name, labels[name]]),
  );
