// A short rolling history of the mesh's Istio metrics, scraped every couple of seconds while
// someone looks, so the graph and the RED table show rates over the last ~10 s as Prometheus'
// rate() would, without a Prometheus. Scraping stops a minute after the last look: an idle console
// costs the mesh nothing.
import { parsePrometheusText, type Sample } from '../../mesh-client/prometheus/prometheus-text.ts';
import {
  workloadFigures,
  type WorkloadFigures,
} from '../../mesh-client/prometheus/workload-figures.ts';

export interface Scrape {
  /** Epoch milliseconds, when the answer arrived. */
  at: number;
  samples: Sample[];
}

export interface ScrapeWindow {
  before: Scrape;
  after: Scrape;
  /** Between the two; 0 until a second scrape arrived. */
  seconds: number;
}

export interface LiveFigures {
  /** The scrapes the last `windowMs` span, oldest and newest; starts scraping when idle. */
  window(): Promise<ScrapeWindow>;
  /** Every scrape kept (up to `historyMs`), oldest first. */
  history(): Promise<Scrape[]>;
  /** Why the last scrape failed, if it did. */
  lastError(): string | undefined;
  stop(): void;
}

export interface LiveFiguresOptions {
  /** Reads the mesh's /stats/prometheus text, or samples already read (quiz's instances). */
  scrape: () => Promise<string | Sample[]>;
  intervalMs?: number;
  windowMs?: number;
  historyMs?: number;
  idleMs?: number;
  now?: () => number;
}

export function createLiveFigures(options: LiveFiguresOptions): LiveFigures {
  const intervalMs = options.intervalMs ?? 2_000;
  const windowMs = options.windowMs ?? 10_000;
  const historyMs = options.historyMs ?? 60_000;
  const idleMs = options.idleMs ?? 60_000;
  const now = options.now ?? Date.now;
  let scrapes: Scrape[] = [];
  let error: string | undefined;
  let lastLook = 0;
  let timer: NodeJS.Timeout | undefined;
  let first: Promise<void> | undefined;

  const tick = async (): Promise<void> => {
    if (now() - lastLook > idleMs) {
      stop();
      return;
    }
    try {
      const scraped = await options.scrape();
      const samples = typeof scraped === 'string' ? parsePrometheusText(scraped) : scraped;
      const at = now();
      scrapes = [...scrapes.filter((s) => at - s.at <= historyMs), { at, samples }];
      error = undefined;
    } catch (caught) {
      error = caught instanceof Error ? caught.message : String(caught);
    }
  };

  function stop(): void {
    clearInterval(timer);
    timer = undefined;
    first = undefined;
    // Rates across the idle gap would mean nothing.
    scrapes = [];
  }

  /** Marks a look; the first look after idling waits for one scrape. */
  const look = async (): Promise<Scrape[]> => {
    lastLook = now();
    if (timer === undefined) {
      timer = setInterval(() => void tick(), intervalMs);
      timer.unref();
      first = tick();
    }
    await first;
    return scrapes;
  };

  return {
    async window() {
      const kept = await look();
      const after = kept.at(-1);
      if (after === undefined) throw new Error(error ?? 'no scrape of the mesh yet');
      const before = kept.find((s) => after.at - s.at <= windowMs) ?? after;
      return { before, after, seconds: (after.at - before.at) / 1000 };
    },
    history: look,
    lastError: () => error,
    stop,
  };
}

export const workloadKey = (w: { service: string; version: string }): string =>
  JSON.stringify([w.service, w.version]);

/** Each scrape pair's figures are computed once, on the later scrape. */
const pairFigures = new WeakMap<Scrape, WorkloadFigures[]>();

/** Requests per second between consecutive scrapes, per workload, oldest first. */
export function rateHistory(history: readonly Scrape[]): Map<string, number[]> {
  const series = new Map<string, number[]>();
  for (let i = 1; i < history.length; i++) {
    const earlier = history[i - 1];
    const later = history[i];
    if (earlier === undefined || later === undefined) continue;
    let figures = pairFigures.get(later);
    if (figures === undefined) {
      figures = workloadFigures(earlier.samples, later.samples, (later.at - earlier.at) / 1000);
      pairFigures.set(later, figures);
    }
    for (const w of figures) {
      const key = workloadKey(w);
      const points = series.get(key) ?? Array<number>(i - 1).fill(0);
      points.push(w.requestsPerSecond);
      series.set(key, points);
    }
    for (const points of series.values()) if (points.length < i) points.push(0);
  }
  return series;
}
