// Istio's standard request metrics, as Envoy's stats filter emits them: same names, labels, units
// and buckets, so dashboards and canary queries written for a real Istio read these unchanged.
import { Counter, Histogram, Registry } from 'prom-client';

/** Istio's buckets for istio_request_duration_milliseconds. */
const DURATION_BUCKETS_MS = [
  0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000,
  1800000, 3600000,
];
/** Istio's buckets for request and response sizes: powers of ten, 1 B to 1 GB. */
const SIZE_BUCKETS = [1, 10, 100, 1000, 10000, 100000, 1e6, 1e7, 1e8, 1e9];

export const ISTIO_LABELS = [
  'reporter',
  'source_workload',
  'source_workload_namespace',
  'source_principal',
  'source_app',
  'source_version',
  'source_canonical_service',
  'source_canonical_revision',
  'source_cluster',
  'destination_workload',
  'destination_workload_namespace',
  'destination_principal',
  'destination_app',
  'destination_version',
  'destination_service',
  'destination_service_name',
  'destination_service_namespace',
  'destination_canonical_service',
  'destination_canonical_revision',
  'destination_cluster',
  'request_protocol',
  'response_code',
  'grpc_response_status',
  'response_flags',
  'connection_security_policy',
] as const;
export type IstioLabels = Record<(typeof ISTIO_LABELS)[number], string>;

export interface RequestRecord {
  /**
   * Identifies the label set (source, destination, code, flags…): label sets repeat, and building
   * one costs more than the observation, so `labels` is only called the first time a key is seen.
   */
  key: string;
  /** Labels shared by both reporters; `reporter` and `connection_security_policy` are set here. */
  labels: () => Omit<IstioLabels, 'reporter' | 'connection_security_policy'>;
  /** mutual_tls or none, as the destination sidecar sees it; the source reports "unknown". */
  destinationSecurity: string;
  /** Whether a destination sidecar saw it: not when no upstream was reached (NR, UH, UF, FI). */
  reachedDestination: boolean;
  /** False for a mirror's shadow call, which Istio's source sidecar does not report. */
  sourceReports?: boolean;
  durationMs: number;
  requestBytes: number;
  responseBytes: number;
}

interface Series {
  requests: Counter;
  duration: Histogram;
  requestBytes: Histogram;
  responseBytes: Histogram;
}

export interface IstioMetrics {
  registry: Registry;
  /** One proxied request, reported as the source sidecar and, if it got there, the destination's. */
  record(request: RequestRecord): void;
}

export function createIstioMetrics(): IstioMetrics {
  const registry = new Registry();
  const labelNames = [...ISTIO_LABELS];
  const series: Series = {
    requests: new Counter({
      name: 'istio_requests_total',
      help: 'Requests proxied by the mesh.',
      labelNames,
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'istio_request_duration_milliseconds',
      help: 'Duration of requests proxied by the mesh.',
      labelNames,
      buckets: DURATION_BUCKETS_MS,
      registers: [registry],
    }),
    requestBytes: new Histogram({
      name: 'istio_request_bytes',
      help: 'Sizes of requests proxied by the mesh.',
      labelNames,
      buckets: SIZE_BUCKETS,
      registers: [registry],
    }),
    responseBytes: new Histogram({
      name: 'istio_response_bytes',
      help: 'Sizes of responses proxied by the mesh.',
      labelNames,
      buckets: SIZE_BUCKETS,
      registers: [registry],
    }),
  };

  // Resolving a label set is the costly part of an observation; the sets repeat, so cache the
  // children of both reporters under the caller's key.
  type Children = { [K in keyof Series]: ReturnType<Series[K]['labels']> };
  const childrenOf = (labels: IstioLabels): Children => ({
    requests: series.requests.labels(labels),
    duration: series.duration.labels(labels),
    requestBytes: series.requestBytes.labels(labels),
    responseBytes: series.responseBytes.labels(labels),
  });
  const cache = new Map<string, { source: Children; destination: Children }>();
  const childrenFor = (request: RequestRecord): { source: Children; destination: Children } => {
    const key = `${request.key}|${request.destinationSecurity}`;
    let entry = cache.get(key);
    if (!entry) {
      const labels = request.labels();
      entry = {
        source: childrenOf({
          ...labels,
          reporter: 'source',
          connection_security_policy: 'unknown',
        }),
        destination: childrenOf({
          ...labels,
          reporter: 'destination',
          connection_security_policy: request.destinationSecurity,
        }),
      };
      cache.set(key, entry);
    }
    return entry;
  };

  const observe = (children: Children, request: RequestRecord): void => {
    children.requests.inc();
    children.duration.observe(request.durationMs);
    children.requestBytes.observe(request.requestBytes);
    children.responseBytes.observe(request.responseBytes);
  };

  return {
    registry,
    record(request) {
      const children = childrenFor(request);
      if (request.sourceReports !== false) observe(children.source, request);
      if (request.reachedDestination) observe(children.destination, request);
    },
  };
}
