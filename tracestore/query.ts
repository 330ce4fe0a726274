// GET /api/v2/traces semantics, as Zipkin's QueryRequest defines them: a trace matches when its
// spans together satisfy every filter, and when serviceName is given only that service's spans
// count towards the other filters ("slow spans of quiz", not "slow trace that touched quiz").
import { localServiceName, remoteServiceName, type Span } from './span.ts';

export interface TraceQuery {
  serviceName?: string;
  remoteServiceName?: string;
  spanName?: string;
  /** Tag key or annotation value → required tag value; "" means any value, or an annotation. */
  annotationQuery?: ReadonlyMap<string, string>;
  /** Microseconds; some span (of serviceName, if given) must last at least this long. */
  minDuration?: number;
  /** Microseconds; the same span must last at most this long. */
  maxDuration?: number;
  /** Epoch milliseconds: the newest trace start included. */
  endTs: number;
  /** Milliseconds before endTs: the oldest trace start included. */
  lookback: number;
  limit: number;
}

/**
 * Parses Zipkin's annotationQuery, e.g. `error and http.method=GET`. A bare term matches an
 * annotation value or a tag key; `key=value` matches a tag exactly. A later `key=value` wins over an
 * earlier one, and a bare term never widens a `key=value` term on the same key.
 */
export function parseAnnotationQuery(text: string): Map<string, string> {
  const terms = new Map<string, string>();
  for (const term of text.split(' and ')) {
    const equals = term.indexOf('=');
    if (equals === -1) {
      const key = term.trim();
      if (key && !terms.has(key)) terms.set(key, '');
    } else {
      const key = term.slice(0, equals).trim();
      if (key) terms.set(key, term.slice(equals + 1).trim());
    }
  }
  return terms;
}

/**
 * When a trace started, in epoch microseconds: its root span's timestamp, or without a root (not
 * arrived yet) its earliest span's. 0 when no span has a timestamp.
 */
export function traceTimestamp(spans: readonly Span[]): number {
  let earliest = 0;
  for (const span of spans) {
    if (span.timestamp === undefined) continue;
    if (span.parentId === undefined) return span.timestamp;
    if (earliest === 0 || span.timestamp < earliest) earliest = span.timestamp;
  }
  return earliest;
}

/** Whether a trace starting at `timestampMicros` falls in the query's [endTs - lookback, endTs]. */
export function inTimeWindow(timestampMicros: number, endTs: number, lookback: number): boolean {
  return (
    timestampMicros !== 0 &&
    timestampMicros >= (endTs - lookback) * 1000 &&
    timestampMicros <= endTs * 1000
  );
}

/**
 * The newest span start (epoch ms, truncated as Zipkin stores it) within [endTs - lookback, endTs],
 * or undefined when no span started in it. Zipkin's in-memory storage ranks the traces a search
 * finds by this (and `limit` keeps the first), and counts a trace towards dependencies when it has
 * one.
 */
export function newestSpanMillisWithin(
  spans: readonly Span[],
  endTs: number,
  lookback: number,
): number | undefined {
  let newest: number | undefined;
  for (const span of spans) {
    if (span.timestamp === undefined) continue;
    const millis = Math.floor(span.timestamp / 1000);
    if (millis < endTs - lookback || millis > endTs) continue;
    if (newest === undefined || millis > newest) newest = millis;
  }
  return newest;
}

/** The lower 64 bits of a trace id, which Zipkin ranks ties by. */
export const lowTraceId = (traceId: string): string =>
  traceId.length === 32 ? traceId.slice(16) : traceId;

/** Tests every filter except the time window, which the store checks first because it is cheap. */
export function matchesQuery(spans: readonly Span[], query: TraceQuery): boolean {
  let serviceSeen = query.serviceName === undefined;
  let remoteSeen = query.remoteServiceName === undefined;
  let nameSeen = query.spanName === undefined;
  let durationSeen = query.minDuration === undefined && query.maxDuration === undefined;
  const termsLeft = new Map(query.annotationQuery);

  for (const span of spans) {
    if (query.serviceName !== undefined && localServiceName(span) !== query.serviceName) continue;
    serviceSeen = true;
    if (!remoteSeen) remoteSeen = remoteServiceName(span) === query.remoteServiceName;
    if (!nameSeen) nameSeen = span.name === query.spanName;
    if (!durationSeen) durationSeen = durationWithin(span, query);
    if (termsLeft.size > 0) crossOffTerms(span, termsLeft);
  }
  return serviceSeen && remoteSeen && nameSeen && durationSeen && termsLeft.size === 0;
}

function durationWithin(span: Span, query: TraceQuery): boolean {
  const duration = span.duration ?? 0;
  return (
    duration >= (query.minDuration ?? 0) &&
    (query.maxDuration === undefined || duration <= query.maxDuration)
  );
}

function crossOffTerms(span: Span, termsLeft: Map<string, string>): void {
  for (const annotation of span.annotations ?? []) {
    if (termsLeft.get(annotation.value) === '') termsLeft.delete(annotation.value);
  }
  for (const [key, value] of Object.entries(span.tags ?? {})) {
    const wanted = termsLeft.get(key);
    if (wanted === '' || wanted === value) termsLeft.delete(key);
  }
}
