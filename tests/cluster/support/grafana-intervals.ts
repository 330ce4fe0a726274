// Grafana's $__interval, $__rate_interval and query step for a Prometheus panel, computed the way
// Grafana computes them (no Grafana runs here), so a test can send Prometheus what Grafana would.
// Read from Grafana's source:
// - the browser (packages/grafana-data/src/datetime/rangeutil.ts `calculateInterval`,
//   `roundInterval`): the query runner asks for maxDataPoints = the panel's width in pixels unless
//   the panel sets it, and floors the interval at the panel's "Min interval" or else the
//   datasource's `interval`, which the Prometheus datasource sets to
//   `jsonData.timeInterval || '15s'`;
// - the backend (pkg/promlib/models/query.go `calculatePrometheusInterval`,
//   `calculateRateInterval`, `interpolateVariables`, `AlignTimeRange`): the step is that interval
//   or range / maxDataPoints rounded, whichever is larger (never below range / 11000), and
//   $__rate_interval = max(interval + timeInterval, 4 × timeInterval).

/** Grafana's "nice" intervals: below the first bound, the value beside it (ms). */
const NICE_INTERVALS: readonly (readonly [below: number, value: number])[] = [
  [10, 1],
  [15, 10],
  [35, 20],
  [75, 50],
  [150, 100],
  [350, 200],
  [750, 500],
  [1_500, 1_000],
  [3_500, 2_000],
  [7_500, 5_000],
  [12_500, 10_000],
  [17_500, 15_000],
  [25_000, 20_000],
  [45_000, 30_000],
  [90_000, 60_000],
  [210_000, 120_000],
  [450_000, 300_000],
  [750_000, 600_000],
  [1_050_000, 900_000],
  [1_500_000, 1_200_000],
  [2_700_000, 1_800_000],
  [5_400_000, 3_600_000],
  [9_000_000, 7_200_000],
  [16_200_000, 10_800_000],
];

/**
 * rangeutil.ts `roundInterval`. (The Go copy compares with <= where this one has <; no interval
 * computed here falls on a bound.) Ranges beyond a few hours are not needed by these dashboards.
 */
export function roundInterval(ms: number): number {
  const nice = NICE_INTERVALS.find(([below]) => ms < below);
  if (nice === undefined) throw new Error(`roundInterval: ${ms} ms is beyond what this covers`);
  return nice[1];
}

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  y: 31_536_000_000,
};

/** A Grafana interval string (`5s`, `1m`, `500ms`; a bare number is seconds) in milliseconds. */
export function intervalMs(text: string): number {
  const match = /^(\d+)(ms|s|m|h|d|w|y)?$/.exec(text.trim());
  if (!match?.[1]) throw new Error(`not a Grafana interval: ${text}`);
  return Number(match[1]) * (UNIT_MS[match[2] ?? 's'] ?? 1_000);
}

/** gtime.FormatInterval: the largest whole unit, as $__interval is written into a query. */
export function formatInterval(ms: number): string {
  for (const unit of ['y', 'd', 'h', 'm', 's', 'ms'] as const) {
    const size = UNIT_MS[unit] ?? 1;
    if (ms >= size) return `${Math.floor(ms / size)}${unit}`;
  }
  return '1ms';
}

/** Go's time.Duration.String() for whole milliseconds, as $__rate_interval is written. */
export function goDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 1_000) return `${ms}ms`;
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = (ms % 60_000) / 1_000;
  const h = hours > 0 ? `${hours}h` : '';
  const m = hours > 0 || minutes > 0 ? `${minutes}m` : '';
  return `${h}${m}${String(seconds)}s`;
}

/** promlib's safeResolution: the step never makes more than this many points. */
const SAFE_RESOLUTION = 11_000;

export interface PanelQueryOptions {
  /** The dashboard's time range, in ms. */
  rangeMs: number;
  /** The panel's width in pixels: Grafana's maxDataPoints unless the panel sets its own. */
  widthPx: number;
  /** The panel's maxDataPoints, if set. */
  maxDataPoints?: number;
  /** The panel's "Min interval" (panel.interval), if set. */
  minInterval?: string;
  /** The provisioned datasource's jsonData.timeInterval ("Scrape interval"), if set. */
  timeInterval?: string;
}

export interface GrafanaIntervals {
  maxDataPoints: number;
  /** The browser's interval (request.intervalMs). */
  intervalMs: number;
  /** The backend's step, which is also what $__interval becomes. */
  stepMs: number;
  rateIntervalMs: number;
  /** The strings Grafana writes into the query. */
  /** What interpolateVariables() writes for each macro. */
  macros: Record<string, string>;
}

export function grafanaIntervals(options: PanelQueryOptions): GrafanaIntervals {
  const maxDataPoints = options.maxDataPoints ?? Math.round(options.widthPx);
  // The browser: calculateInterval(range, maxDataPoints, lowLimit).
  const scrape = options.timeInterval ?? '15s';
  const lowLimitMs = intervalMs(options.minInterval ?? scrape);
  const browserMs = Math.max(roundInterval(options.rangeMs / maxDataPoints), lowLimitMs);
  // The backend: GetIntervalFrom gives the browser's intervalMs (no per-query "Min step" here);
  // Calculate() keeps it when range / maxDataPoints is smaller, else rounds that.
  const perPointMs = options.rangeMs / maxDataPoints;
  const calculatedMs = perPointMs < browserMs ? browserMs : roundInterval(perPointMs);
  const safeMs = roundInterval(options.rangeMs / SAFE_RESOLUTION);
  const stepMs = Math.max(calculatedMs, safeMs);
  // calculateRateInterval(query.Interval, dsScrapeInterval): the browser's interval, not the step.
  const scrapeMs = intervalMs(scrape);
  const rateIntervalMs = Math.max(browserMs + scrapeMs, 4 * scrapeMs);
  return {
    maxDataPoints,
    intervalMs: browserMs,
    stepMs,
    rateIntervalMs,
    macros: {
      __interval: formatInterval(stepMs),
      __interval_ms: String(stepMs),
      __range: `${String(Math.round(options.rangeMs / 1_000))}s`,
      __range_s: String(Math.round(options.rangeMs / 1_000)),
      __range_ms: String(options.rangeMs),
      __rate_interval: goDuration(rateIntervalMs),
      __rate_interval_ms: String(rateIntervalMs),
    },
  };
}

/** AlignTimeRange at UTC: rounds down to a multiple of the step, as the backend sends it. */
export const alignToStep = (ms: number, stepMs: number): number => Math.floor(ms / stepMs) * stepMs;
