// The Zipkin v2 span model as the store keeps it: already validated and normalized (lower-case hex
// ids and names, absent rather than empty fields), so the store and its queries never re-check.
// https://zipkin.io/zipkin-api/#/default/post_spans

export type SpanKind = 'CLIENT' | 'SERVER' | 'PRODUCER' | 'CONSUMER';

export interface Endpoint {
  serviceName?: string;
  ipv4?: string;
  ipv6?: string;
  port?: number;
}

export interface Annotation {
  /** Epoch microseconds. */
  timestamp: number;
  value: string;
}

export interface Span {
  traceId: string;
  id: string;
  parentId?: string;
  name?: string;
  kind?: SpanKind;
  /** Epoch microseconds. */
  timestamp?: number;
  /** Microseconds. */
  duration?: number;
  localEndpoint?: Endpoint;
  remoteEndpoint?: Endpoint;
  annotations?: Annotation[];
  tags?: Record<string, string>;
  debug?: boolean;
  /** Set on a server span that reuses its client's span id (B3 single-id RPCs, as Envoy does). */
  shared?: boolean;
}

export interface DependencyLink {
  parent: string;
  child: string;
  callCount: number;
  errorCount: number;
}

export function localServiceName(span: Span): string | undefined {
  return span.localEndpoint?.serviceName;
}

export function remoteServiceName(span: Span): string | undefined {
  return span.remoteEndpoint?.serviceName;
}

export function hasErrorTag(span: Span): boolean {
  return span.tags !== undefined && Object.hasOwn(span.tags, 'error');
}

const TRACE_ID = /^(?:[0-9a-f]{16}|[0-9a-f]{32})$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
const ALL_ZEROS = /^0+$/;

/**
 * Lower-cases a 64- or 128-bit hex trace id, or returns undefined if it is not one. A 128-bit id
 * whose upper half is zero is the same trace as its lower half, so Zipkin keeps only 16 characters.
 */
export function normalizeTraceId(raw: string): string | undefined {
  const id = raw.toLowerCase();
  if (!TRACE_ID.test(id) || ALL_ZEROS.test(id)) return undefined;
  return id.length === 32 && id.startsWith('0000000000000000') ? id.slice(16) : id;
}

/** Lower-cases a 64-bit hex span id, or returns undefined if it is not one. */
export function normalizeSpanId(raw: string): string | undefined {
  const id = raw.toLowerCase();
  return SPAN_ID.test(id) && !ALL_ZEROS.test(id) ? id : undefined;
}

/**
 * Spans with the same key are one span reported in parts (or reported twice) and are merged. The
 * kind and shared flag are part of it, so the client and server halves of an RPC that share one
 * span id stay two spans.
 */
export function spanKey(span: Span): string {
  return [span.id, span.kind ?? '', span.shared ? 'shared' : '', localServiceName(span) ?? ''].join(
    '|',
  );
}

/**
 * Combines two reports of the same span: fields the first left out are taken from the second,
 * tags are unioned (the later value wins) and annotations are unioned without duplicates.
 */
export function mergeSpans(first: Span, later: Span): Span {
  const merged: Span = { ...later, ...definedFields(first) };
  if (first.tags || later.tags) merged.tags = { ...first.tags, ...later.tags };
  if (first.annotations || later.annotations) {
    merged.annotations = uniqueAnnotations([
      ...(first.annotations ?? []),
      ...(later.annotations ?? []),
    ]);
  }
  if (first.localEndpoint && later.localEndpoint) {
    merged.localEndpoint = { ...later.localEndpoint, ...definedFields(first.localEndpoint) };
  }
  if (first.remoteEndpoint && later.remoteEndpoint) {
    merged.remoteEndpoint = { ...later.remoteEndpoint, ...definedFields(first.remoteEndpoint) };
  }
  return merged;
}

/** Annotations in time order, each (timestamp, value) pair once. */
export function uniqueAnnotations(annotations: readonly Annotation[]): Annotation[] {
  const seen = new Set<string>();
  const result: Annotation[] = [];
  for (const annotation of [...annotations].sort(byTimeThenValue)) {
    const key = `${annotation.timestamp}\u0000${annotation.value}`;
    if (seen.has(key)) continue;
    seen.add(key);
    result.push(annotation);
  }
  return result;
}

function byTimeThenValue(a: Annotation, b: Annotation): number {
  return a.timestamp - b.timestamp || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0);
}

function definedFields<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, field]) => field !== undefined),
  ) as Partial<T>;
}
