// The PromQL the dashboards share. Istio's standard metrics, as the destination sidecar reports
// them unless said otherwise, so the same queries read a real Istio and the local mesh alike.

/** Grafana picks it from the scrape interval; the integration test substitutes a real one. */
export const RATE = '$__rate_interval';

/** A label matcher list; empty parts are dropped so callers can pass optional filters. */
export const sel = (...matchers: string[]): string => matchers.filter(Boolean).join(', ');

export const DESTINATION = 'reporter="destination"';
export const SOURCE = 'reporter="source"';
export const SERVICE = 'destination_service_name="$service"';
const NOT_5XX = 'response_code!~"5.."';

const by = (labels: readonly string[]): string =>
  labels.length === 0 ? 'sum' : `sum by (${labels.join(', ')})`;

export const requestRate = (selector: string, labels: readonly string[], window = RATE): string =>
  `${by(labels)} (rate(istio_requests_total{${selector}}[${window}]))`;

/** The share of requests not answered with a 5xx. */
export const successRate = (selector: string, labels: readonly string[]): string =>
  `${requestRate(sel(selector, NOT_5XX), labels)}\n/\n${requestRate(selector, labels)}`;

export const latencyQuantile = (
  quantile: number,
  selector: string,
  labels: readonly string[],
): string =>
  `histogram_quantile(${quantile}, ${by([...labels, 'le'])} (rate(istio_request_duration_milliseconds_bucket{${selector}}[${RATE}])))`;

/** Each version's share of a service's requests, 0–1. */
export const trafficShare = (selector: string, window = RATE): string =>
  `${requestRate(selector, ['destination_version'], window)}\n/ ignoring (destination_version) group_left\n${requestRate(selector, [], window)}`;

/** A prom-client histogram's quantile, from the apps' own /metrics. */
export const appQuantile = (
  quantile: number,
  metric: string,
  selector: string,
  labels: readonly string[],
): string =>
  `histogram_quantile(${quantile}, ${by([...labels, 'le'])} (rate(${metric}_bucket{${selector}}[${RATE}])))`;

/** Calls the selected service received, as its own sidecars report them. */
export const INBOUND = sel(DESTINATION, SERVICE);
/** Group by the version that answered. */
export const BY_VERSION = ['destination_version'];
