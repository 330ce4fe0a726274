// Live figures per destination workload from two scrapes of the mesh's Istio metrics, as a
// Prometheus query over the same window would give them: rate(istio_requests_total), the 5xx
// share of it, and histogram_quantile(0.99, rate(istio_request_duration_milliseconds_bucket)),
// all from the destination sidecar's reports (reporter="destination"), by
// destination_service_name and destination_version.
import { counterIncreases } from './counter-increase.ts';
import { histogramQuantile, type Bucket } from './histogram-quantile.ts';
import type { Sample } from './prometheus-text.ts';

export interface WorkloadFigures {
  service: string;
  version: string;
  /** Requests in the window. */
  requests: number;
  requestsPerSecond: number;
  /** Share of responses with a 5xx code, 0 to 1; null without requests. */
  errorRate: number | null;
  /** null without requests. */
  p99Ms: number | null;
}

const REQUESTS = 'istio_requests_total';
const DURATION_BUCKETS = 'istio_request_duration_milliseconds_bucket';

interface Totals {
  service: string;
  version: string;
  requests: number;
  errors: number;
  buckets: Map<number, number>;
}

export function workloadFigures(
  before: readonly Sample[],
  after: readonly Sample[],
  seconds: number,
): WorkloadFigures[] {
  return workloadTotals(before, after).map((t) => figuresOf(t, seconds));
}

/** workloadFigures and the median latency too: the console's RED table shows p50 beside p99. */
export function workloadFiguresWithMedian(
  before: readonly Sample[],
  after: readonly Sample[],
  seconds: number,
): (WorkloadFigures & { p50Ms: number | null })[] {
  return workloadTotals(before, after).map((t) => ({
    ...figuresOf(t, seconds),
    p50Ms: quantileMs(0.5, t),
  }));
}

/** Each destination workload's increases between the scrapes, by service and version. */
function workloadTotals(before: readonly Sample[], after: readonly Sample[]): Totals[] {
  const byWorkload = new Map<string, Totals>();
  const reported = (s: Sample): boolean =>
    s.labels.reporter === 'destination' && (s.name === REQUESTS || s.name === DURATION_BUCKETS);
  for (const { sample, increase: delta } of counterIncreases(before, after, reported)) {
    const service = sample.labels.destination_service_name ?? 'unknown';
    const version = sample.labels.destination_version ?? 'unknown';
    const key = `${service}\u0000${version}`;
    let totals = byWorkload.get(key);
    if (totals === undefined) {
      totals = { service, version, requests: 0, errors: 0, buckets: new Map() };
      byWorkload.set(key, totals);
    }
    if (sample.name === REQUESTS) {
      totals.requests += delta;
      if (sample.labels.response_code?.startsWith('5') === true) totals.errors += delta;
    } else {
      const le = Number(sample.labels.le === '+Inf' ? Infinity : sample.labels.le);
      totals.buckets.set(le, (totals.buckets.get(le) ?? 0) + delta);
    }
  }
  return [...byWorkload.values()].sort(
    (a, b) => a.service.localeCompare(b.service) || a.version.localeCompare(b.version),
  );
}

function figuresOf(totals: Totals, seconds: number): WorkloadFigures {
  return {
    service: totals.service,
    version: totals.version,
    requests: totals.requests,
    requestsPerSecond: seconds > 0 ? totals.requests / seconds : 0,
    errorRate: totals.requests > 0 ? totals.errors / totals.requests : null,
    p99Ms: quantileMs(0.99, totals),
  };
}

/** null without requests in the window. */
function quantileMs(q: number, totals: Totals): number | null {
  const buckets: Bucket[] = [...totals.buckets].map(([le, count]) => ({ le, count }));
  const value = histogramQuantile(q, buckets);
  return Number.isFinite(value) ? value : null;
}
