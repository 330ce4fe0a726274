// Where a rollout's figures come from. Both sources answer the same question the way Flagger asks
// it for Istio: what the destination sidecars (reporter="destination") of each version's workload
// saw over the check's window — the share of non-5xx responses and the p99 of
// istio_request_duration_milliseconds.
//  - Prometheus (--prometheus URL, or local mode's own): Flagger's queries, per destination_workload.
//  - The local mesh's stats endpoint: scraped at the start and end of each window and diffed,
//    which is what rate() over that window would compute.
import { MESH_NAMESPACE } from '../../mesh/config/topology.ts';
import type { VersionFigures } from './analysis.ts';
import { scrapeStats } from '../local-mesh.ts';
import { parsePrometheusText, type Sample } from '../prometheus/prometheus-text.ts';
import { promString, queryVector } from '../prometheus/prometheus-query.ts';
import { workloadFigures } from '../prometheus/workload-figures.ts';

export interface CanaryMetrics {
  kind: 'prometheus' | 'local-mesh';
  url: string;
  /** Marks the start of a check's window. */
  startWindow(): Promise<void>;
  /** Figures per version over the window; a version without requests may be missing. */
  measure(windowSeconds: number): Promise<Map<string, VersionFigures>>;
}

export function localMeshMetrics(statsUrl: string, service: string): CanaryMetrics {
  let baseline: { samples: Sample[]; at: number } | undefined;
  const scrape = async () => ({
    samples: parsePrometheusText(await scrapeStats(statsUrl)),
    at: performance.now(),
  });
  return {
    kind: 'local-mesh',
    url: statsUrl,
    async startWindow() {
      baseline = await scrape();
    },
    async measure() {
      const start = baseline ?? { samples: [], at: performance.now() };
      const end = await scrape();
      baseline = end;
      const seconds = (end.at - start.at) / 1000;
      const byVersion = new Map<string, VersionFigures>();
      for (const f of workloadFigures(start.samples, end.samples, seconds)) {
        if (f.service !== service) continue;
        byVersion.set(f.version, {
          requests: f.requests,
          successRate: f.errorRate === null ? null : (1 - f.errorRate) * 100,
          p99Ms: f.p99Ms,
        });
      }
      return byVersion;
    },
  };
}

export function prometheusMetrics(
  url: string,
  service: string,
  versions: readonly string[],
  namespace: string = MESH_NAMESPACE,
): CanaryMetrics {
  return {
    kind: 'prometheus',
    url,
    async startWindow() {
      // Prometheus keeps the history; the window is the range in each query.
    },
    async measure(windowSeconds) {
      const queries = canaryQueries(service, versions, namespace, windowSeconds);
      const [requests, success, p99] = await Promise.all([
        queryVector(url, queries.requests),
        queryVector(url, queries.successRate),
        queryVector(url, queries.p99),
      ]);
      const workloadOf = (labels: Record<string, string>) => labels.destination_workload ?? '';
      const valueFor = (vector: typeof requests, workload: string): number | null => {
        const value = vector.find((s) => workloadOf(s.labels) === workload)?.value;
        return value === undefined || !Number.isFinite(value) ? null : value;
      };
      const byVersion = new Map<string, VersionFigures>();
      for (const version of versions) {
        const workload = `${service}-${version}`;
        const count = valueFor(requests, workload);
        if (count === null) continue;
        byVersion.set(version, {
          requests: count,
          successRate: valueFor(success, workload),
          p99Ms: valueFor(p99, workload),
        });
      }
      return byVersion;
    },
  };
}

/**
 * Flagger's Istio request-success-rate and request-duration queries, grouped by workload so one
 * query serves both versions, and the request count that tells silence apart from a bad figure.
 */
export function canaryQueries(
  service: string,
  versions: readonly string[],
  namespace: string,
  windowSeconds: number,
): { requests: string; successRate: string; p99: string } {
  const workloads = versions.map((v) => `${service}-${v}`).join('|');
  const selector = [
    'reporter="destination"',
    `destination_workload_namespace=${promString(namespace)}`,
    `destination_workload=~${promString(workloads)}`,
  ].join(', ');
  const range = `[${String(Math.max(1, Math.round(windowSeconds)))}s]`;
  const by = 'sum by (destination_workload)';
  const all = `${by} (rate(istio_requests_total{${selector}}${range}))`;
  return {
    requests: `${by} (increase(istio_requests_total{${selector}}${range}))`,
    // `or … * 0`: a workload that answered only 5xx has no non-5xx series, and 0% it is.
    successRate:
      `(${by} (rate(istio_requests_total{${selector}, response_code!~"5.*"}${range}))` +
      ` or ${all} * 0) / ${all} * 100`,
    p99:
      `histogram_quantile(0.99, sum by (destination_workload, le) ` +
      `(rate(istio_request_duration_milliseconds_bucket{${selector}}${range})))`,
  };
}
