// The graph's and the RED table's figures on a cluster: instant queries to its Prometheus over a
// window long enough to hold several scrapes, as Kiali asks them. The graph is the same query as
// `quizmesh graph --prometheus`; RED is asked per destination service and version of the
// destination sidecars' reports (reporter="destination"), as the local RED table computes it.
import {
  promString,
  queryVector,
  type VectorSample,
} from '../../mesh-client/prometheus/prometheus-query.ts';
import { buildServiceGraph } from '../../mesh-client/graph/service-graph.ts';
import { fetchRequestRates } from '../../mesh-client/graph/prometheus-rates.ts';
import { workloadKey } from './live-figures.ts';
import { fetchPlayerGroups } from './prometheus-player-groups.ts';
import type { MeshFigures, RedAnswer } from './sources.ts';

export interface PrometheusFiguresOptions {
  /** Prometheus' base URL, any path prefix included. */
  url: string;
  /** The range of every rate(); at least two scrapes, better four. */
  windowSeconds: number;
  /** The namespace whose workloads the RED table lists. */
  namespace: string;
}

/** The RED table's last-minute sparkline: a rate every 10 s, oldest first. */
const HISTORY_STEP_SECONDS = 10;
const HISTORY_POINTS = 6;

const BY = 'destination_service_name, destination_version';

/** The RED table's PromQL; `offsetSeconds` moves the request rate back in time. */
export function redQueries(windowSeconds: number, namespace: string) {
  const selector = `reporter="destination", destination_workload_namespace=${promString(namespace)}`;
  const range = `[${String(windowSeconds)}s]`;
  const rate = (extra = '', offsetSeconds = 0): string =>
    `sum by (${BY}) (rate(istio_requests_total{${selector}${extra}}${range}` +
    `${offsetSeconds > 0 ? ` offset ${String(offsetSeconds)}s` : ''}))`;
  return {
    requests: (offsetSeconds = 0) => rate('', offsetSeconds),
    errors: rate(', response_code=~"5.."'),
    quantile: (q: number) =>
      `histogram_quantile(${String(q)}, sum by (${BY}, le) ` +
      `(rate(istio_request_duration_milliseconds_bucket{${selector}}${range})))`,
  };
}

export function prometheusFigures(options: PrometheusFiguresOptions): MeshFigures {
  const { url, windowSeconds, namespace } = options;
  const silence = (what: string): string[] => [
    `Prometheus has no ${what} in the last ${String(windowSeconds)} s: is it scraping the sidecars, and is there traffic?`,
  ];
  return {
    what: `Prometheus at ${url}`,
    async graph() {
      const rates = await fetchRequestRates(url, windowSeconds);
      return {
        graph: buildServiceGraph(rates, windowSeconds),
        windowSeconds,
        warnings: rates.length === 0 ? silence('istio_requests_total') : [],
      };
    },
    async red() {
      const queries = redQueries(windowSeconds, namespace);
      const offsets = Array.from(
        { length: HISTORY_POINTS - 1 },
        (_, i) => (HISTORY_POINTS - 1 - i) * HISTORY_STEP_SECONDS,
      );
      const groupWarnings: string[] = [];
      const [requests, errors, p50, p99, earlier, groups] = await Promise.all([
        queryVector(url, queries.requests()),
        queryVector(url, queries.errors),
        queryVector(url, queries.quantile(0.5)),
        queryVector(url, queries.quantile(0.99)),
        Promise.all(offsets.map((offset) => queryVector(url, queries.requests(offset)))),
        // quiz's own metrics may be missing where Istio's are not: a warning, not a failed table.
        fetchPlayerGroups(url, windowSeconds).catch((caught: unknown) => {
          groupWarnings.push(`quiz's rounds per player group: ${String(caught)}`);
          return new Map<string, never[]>();
        }),
      ]);
      const history = [...earlier, requests].map(byWorkload);
      const errorRates = byWorkload(errors);
      const p50s = byWorkload(p50);
      const p99s = byWorkload(p99);
      const workloads = requests.map(({ labels, value: perSecond }) => {
        const workload = workloadOf(labels);
        const key = workloadKey(workload);
        const failing = errorRates.get(key) ?? 0;
        const playerGroups = workload.service === 'quiz' ? groups.get(workload.version) : undefined;
        return {
          ...workload,
          requests: perSecond * windowSeconds,
          requestsPerSecond: perSecond,
          errorRate: perSecond > 0 ? failing / perSecond : null,
          p50Ms: finite(p50s.get(key)),
          p99Ms: finite(p99s.get(key)),
          history: history.map((points) => points.get(key) ?? 0),
          ...(playerGroups ? { playerGroups } : {}),
        };
      });
      workloads.sort(
        (a, b) => a.service.localeCompare(b.service) || a.version.localeCompare(b.version),
      );
      return {
        windowSeconds,
        warnings: [
          ...(workloads.length === 0 ? silence('istio_requests_total from destinations') : []),
          ...groupWarnings,
        ],
        historySeconds: (HISTORY_POINTS - 1) * HISTORY_STEP_SECONDS,
        workloads,
      } satisfies RedAnswer;
    },
  };
}

const workloadOf = (labels: Record<string, string>) => ({
  service: labels.destination_service_name ?? 'unknown',
  version: labels.destination_version ?? 'unknown',
});

const byWorkload = (samples: readonly VectorSample[]): Map<string, number> =>
  new Map(samples.map(({ labels, value }) => [workloadKey(workloadOf(labels)), value]));

/** histogram_quantile() of no requests is NaN: no figure. */
const finite = (value: number | undefined): number | null =>
  value !== undefined && Number.isFinite(value) ? value : null;
