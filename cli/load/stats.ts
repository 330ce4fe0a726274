// Everything a run counts, in one place, with two read-outs: a live snapshot (recent rates and
// latency, for the progress line) and the final summary (whole-run totals and percentiles).
// Latency is in microseconds throughout; a mesh hop costs a fraction of a millisecond.
import { LatencyHistogram } from './histogram.ts';
import { RecentCounter, RecentLatency } from './recent-window.ts';

export type Endpoint = 'round' | 'answer';
export const ENDPOINTS: readonly Endpoint[] = ['round', 'answer'];

export interface RequestRecord {
  endpoint: Endpoint;
  /** Time until the whole response body arrived; absent when no response came. */
  micros?: number;
  /**
   * Why the request failed, if it did: the HTTP status ("504"), or for no usable response
   * "timeout", the socket error code ("ECONNREFUSED"), or "invalid-body".
   */
  error?: string;
}

export type PlayResult = 'ok' | 'failed' | 'cancelled';

export interface LatencySummary {
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface EndpointSummary {
  requests: number;
  /** Requests that got an HTTP response, whatever its status: the ones the latency covers. */
  responses: number;
  errors: number;
  errorsByStatus: Record<string, number>;
  latencyMicros: LatencySummary;
}

export interface LoadSummary {
  url: string;
  targetPlaysPerSecond: number;
  durationSeconds: number;
  elapsedSeconds: number;
  /** Stopped by Ctrl-C (or the caller's signal) before --duration was up. */
  interrupted: boolean;
  /** False when not one request got an HTTP response. */
  reachable: boolean;
  /** The last reason a request got no response at all, to explain an unreachable site. */
  lastNetworkError?: string;
  plays: {
    started: number;
    ok: number;
    failed: number;
    /** Starts skipped because --concurrency plays were already in flight. */
    dropped: number;
    /** Still in flight when the run stopped, so neither ok nor failed. */
    cancelled: number;
    correctAnswers: number;
  };
  requests: {
    total: number;
    errors: number;
    errorRate: number;
    perSecond: number;
    errorsByStatus: Record<string, number>;
  };
  endpoints: Record<Endpoint, EndpointSummary>;
}

export interface LiveSnapshot {
  elapsedSeconds: number;
  durationSeconds: number;
  /** Requests finished per second over the last few seconds. */
  requestsPerSecond: number;
  playsOk: number;
  playsFailed: number;
  dropped: number;
  errors: number;
  /** Share of the last few seconds' requests that failed. */
  recentErrorRate: number;
  errorsByStatus: Record<string, number>;
  /** p50 and p99 over the last few seconds, in microseconds. */
  latencyMicros: Record<Endpoint, { p50: number; p99: number }>;
}

class EndpointStats {
  requests = 0;
  errors = 0;
  readonly errorsByStatus = new Map<string, number>();
  readonly latency = new LatencyHistogram();
  readonly recentLatency = new RecentLatency();

  summary(): EndpointSummary {
    return {
      requests: this.requests,
      responses: this.latency.count,
      errors: this.errors,
      errorsByStatus: sortedCounts(this.errorsByStatus),
      // Whole microseconds: bucket midpoints carry decimals that were never measured.
      latencyMicros: {
        p50: Math.round(this.latency.percentile(50)),
        p90: Math.round(this.latency.percentile(90)),
        p99: Math.round(this.latency.percentile(99)),
        max: Math.round(this.latency.max),
      },
    };
  }
}

export class LoadStats {
  readonly #now: () => number;
  readonly #endpoints: Record<Endpoint, EndpointStats> = {
    round: new EndpointStats(),
    answer: new EndpointStats(),
  };
  readonly #recentRequests = new RecentCounter();
  readonly #recentErrors = new RecentCounter();
  #responded = 0;
  #lastNetworkError: string | undefined;
  playsStarted = 0;
  playsOk = 0;
  playsFailed = 0;
  playsCancelled = 0;
  dropped = 0;
  correctAnswers = 0;

  /** `now` gives milliseconds since the run started. */
  constructor(now: () => number) {
    this.#now = now;
  }

  get requests(): number {
    return this.#endpoints.round.requests + this.#endpoints.answer.requests;
  }

  recordRequest(record: RequestRecord): void {
    const now = this.#now();
    const stats = this.#endpoints[record.endpoint];
    stats.requests += 1;
    this.#recentRequests.add(now);
    if (record.micros !== undefined) {
      this.#responded += 1;
      stats.latency.record(record.micros);
      stats.recentLatency.record(now, record.micros);
    } else if (record.error !== undefined) {
      this.#lastNetworkError = record.error;
    }
    if (record.error !== undefined) {
      stats.errors += 1;
      stats.errorsByStatus.set(record.error, (stats.errorsByStatus.get(record.error) ?? 0) + 1);
      this.#recentErrors.add(now);
    }
  }

  recordPlay(result: PlayResult): void {
    if (result === 'ok') this.playsOk += 1;
    else if (result === 'failed') this.playsFailed += 1;
    else this.playsCancelled += 1;
  }

  snapshot(durationSeconds: number): LiveSnapshot {
    const now = this.#now();
    const recentRequests = this.#recentRequests.total(now);
    const recentLatency = (endpoint: Endpoint) => {
      const histogram = this.#endpoints[endpoint].recentLatency.histogram(now);
      return { p50: histogram.percentile(50), p99: histogram.percentile(99) };
    };
    return {
      elapsedSeconds: now / 1000,
      durationSeconds,
      requestsPerSecond: this.#recentRequests.perSecond(now),
      playsOk: this.playsOk,
      playsFailed: this.playsFailed,
      dropped: this.dropped,
      errors: this.#errors(),
      recentErrorRate: recentRequests > 0 ? this.#recentErrors.total(now) / recentRequests : 0,
      errorsByStatus: this.#errorsByStatus(),
      latencyMicros: { round: recentLatency('round'), answer: recentLatency('answer') },
    };
  }

  summary(run: {
    url: string;
    targetPlaysPerSecond: number;
    durationSeconds: number;
    interrupted: boolean;
  }): LoadSummary {
    const elapsedSeconds = this.#now() / 1000;
    const total = this.requests;
    const errors = this.#errors();
    return {
      ...run,
      elapsedSeconds,
      reachable: total === 0 || this.#responded > 0,
      ...(this.#lastNetworkError === undefined ? {} : { lastNetworkError: this.#lastNetworkError }),
      plays: {
        started: this.playsStarted,
        ok: this.playsOk,
        failed: this.playsFailed,
        dropped: this.dropped,
        cancelled: this.playsCancelled,
        correctAnswers: this.correctAnswers,
      },
      requests: {
        total,
        errors,
        errorRate: total > 0 ? errors / total : 0,
        perSecond: elapsedSeconds > 0 ? total / elapsedSeconds : 0,
        errorsByStatus: this.#errorsByStatus(),
      },
      endpoints: {
        round: this.#endpoints.round.summary(),
        answer: this.#endpoints.answer.summary(),
      },
    };
  }

  #errors(): number {
    return this.#endpoints.round.errors + this.#endpoints.answer.errors;
  }

  #errorsByStatus(): Record<string, number> {
    const merged = new Map<string, number>();
    for (const endpoint of ENDPOINTS) {
      for (const [status, count] of this.#endpoints[endpoint].errorsByStatus) {
        merged.set(status, (merged.get(status) ?? 0) + count);
      }
    }
    return sortedCounts(merged);
  }
}

/** Status codes in numeric order, then named failures alphabetically. */
function sortedCounts(counts: Map<string, number>): Record<string, number> {
  const keys = [...counts.keys()].sort((a, b) => {
    const [na, nb] = [Number(a), Number(b)];
    if (Number.isInteger(na) && Number.isInteger(nb)) return na - nb;
    if (Number.isInteger(na) !== Number.isInteger(nb)) return Number.isInteger(na) ? -1 : 1;
    return a.localeCompare(b);
  });
  return Object.fromEntries(keys.map((key) => [key, counts.get(key) ?? 0]));
}
