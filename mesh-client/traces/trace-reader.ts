// The trace store read through its Zipkin API, as the console needs it: recent traces summarized
// (filtered by what Zipkin can filter, then by what only the summaries know), one trace, and the
// N+1 loops of the last few seconds for the graph. Answers are kept for a moment, so that several
// pages refreshing together ask Zipkin once.
import type { Span } from '../../tracestore/span.ts';
import type { NPlusOneFinding } from './n-plus-one.ts';
import { filterTraceSummaries, type TraceFilter } from './trace-filter.ts';
import { summarizeTraces, type TraceSummary } from './trace-summary.ts';
import { parseTrace, parseTraceList } from './zipkin-input.ts';

export interface TraceListQuery extends TraceFilter {
  /** How many of the latest matching traces Zipkin is asked for. */
  limit: number;
}

/** A loop the graph marks, with the trace that showed it. */
export type RecentFinding = Omit<NPlusOneFinding, 'spanIds'> & { traceId: string };

export interface TraceReader {
  list(query: TraceListQuery): Promise<TraceSummary[]>;
  /** undefined when Zipkin has no such trace. */
  trace(traceId: string): Promise<Span[] | undefined>;
  recentNPlusOne(): Promise<RecentFinding[]>;
}

/** The list looks back an hour: the console is about what is happening now. */
const LIST_LOOKBACK_MS = 3_600_000;
/**
 * The graph's N+1 marks come from every trace of the last 20 s: long enough to catch a loop in
 * light traffic, short enough that the mark goes once the looping version stops serving. A
 * "latest N traces" query would miss loops under load, where a play is several traces (round,
 * answer, images) and N of them cover a second or two: so each scan asks only for the traces that
 * started since the previous one (LATE_MS earlier, for spans still arriving), and keeps each
 * trace's loops until it leaves the window.
 */
export const RECENT_WINDOW = { lookbackMs: 20_000 } as const;
const LATE_MS = 2_000;
/** More traces than 20 s of the demo's heaviest load start. */
const SCAN_LIMIT = 1_000;
const KEEP_MS = 1_500;
const TIMEOUT_MS = 5_000;

export function createTraceReader(zipkinBaseUrl: string): TraceReader {
  const kept = new Map<string, { at: number; answer: Promise<TraceSummary[]> }>();

  /** Summaries of GET /api/v2/traces with `params`, asked at most once per KEEP_MS. */
  const summaries = (params: Record<string, string>): Promise<TraceSummary[]> => {
    const url = `${zipkinBaseUrl}/api/v2/traces?${new URLSearchParams(params).toString()}`;
    const at = Date.now();
    for (const [key, entry] of kept) if (at - entry.at > KEEP_MS) kept.delete(key);
    const known = kept.get(url);
    if (known !== undefined) return known.answer;
    const answer = getJson(url).then((json) => summarizeTraces(parseTraceList(json)));
    kept.set(url, { at, answer });
    answer.catch(() => kept.delete(url));
    return answer;
  };

  return {
    async list(query) {
      const params: Record<string, string> = {
        limit: String(query.limit),
        lookback: String(LIST_LOOKBACK_MS),
      };
      if (query.service !== undefined) params.serviceName = query.service;
      // Zipkin's minDuration is met by any one span, its errors by an `error` tag: both keep every
      // trace the summaries' own test keeps, which then decides.
      if (query.minDurationMicros !== undefined) {
        params.minDuration = String(Math.max(1, Math.floor(query.minDurationMicros)));
      }
      if (query.errorsOnly === true) params.annotationQuery = 'error';
      return filterTraceSummaries(await summaries(params), query);
    },
    async trace(traceId) {
      const url = `${zipkinBaseUrl}/api/v2/trace/${encodeURIComponent(traceId)}`;
      const json = await getJson(url, [404]);
      return json === undefined ? undefined : parseTrace(json);
    },
    recentNPlusOne: recentLoops(summaries),
  };
}

/** recentNPlusOne: an incremental scan of the window, asked at most once per KEEP_MS. */
function recentLoops(
  summaries: (params: Record<string, string>) => Promise<TraceSummary[]>,
): () => Promise<RecentFinding[]> {
  const byTrace = new Map<string, { startMs: number; findings: RecentFinding[] }>();
  let scannedUntil = 0;
  let last: { at: number; answer: Promise<RecentFinding[]> } | undefined;
  const scan = async (): Promise<RecentFinding[]> => {
    const now = Date.now();
    const from = Math.max(now - RECENT_WINDOW.lookbackMs, scannedUntil - LATE_MS);
    const found = await summaries({
      endTs: String(now),
      lookback: String(Math.max(1, now - from)),
      limit: String(SCAN_LIMIT),
    });
    for (const summary of found) {
      byTrace.set(summary.traceId, {
        startMs: summary.startMicros / 1000,
        findings: summary.nPlusOne.map(({ spanIds: _spanIds, ...finding }) => ({
          ...finding,
          traceId: summary.traceId,
        })),
      });
    }
    scannedUntil = now;
    for (const [traceId, entry] of byTrace) {
      if (entry.startMs < now - RECENT_WINDOW.lookbackMs) byTrace.delete(traceId);
    }
    return [...byTrace.values()].flatMap((entry) => entry.findings);
  };
  return () => {
    if (last !== undefined && Date.now() - last.at < KEEP_MS) return last.answer;
    const answer = scan();
    last = { at: Date.now(), answer };
    answer.catch(() => {
      last = undefined;
    });
    return answer;
  };
}

/** The JSON at `url`; undefined for a status in `absent`; throws saying what went wrong. */
async function getJson(url: string, absent: readonly number[] = []): Promise<unknown> {
  const response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  if (absent.includes(response.status)) {
    await response.body?.cancel();
    return undefined;
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`${url} answered ${response.status}`);
  }
  return response.json();
}
