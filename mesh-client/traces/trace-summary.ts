// One line of the console's trace list per trace.
import { buildSpanTree, walkSpanTree } from '../../tracestore/span-tree.ts';
import { localServiceName, type Span } from '../../tracestore/span.ts';
import { findNPlusOne, N_PLUS_ONE_THRESHOLD, type NPlusOneFinding } from './n-plus-one.ts';
import { isErrorSpan } from './span-error.ts';
import { inStartOrder, traceBounds } from './trace-time.ts';
import { appOf, isSidecarSpan } from './span-workload.ts';

export interface SpanLabel {
  service?: string;
  name?: string;
}

export interface TraceSummary {
  traceId: string;
  /** The root span; behind the mesh that is the ingress gateway's, the same for every trace. */
  root: SpanLabel;
  /** The first app span from the root down: the request as the app saw it (`frontend`, `get /api/round`). */
  entry: SpanLabel;
  /** Epoch microseconds, as Zipkin's `timestamp`. */
  startMicros: number;
  /** From the first span's start to the last span's end. */
  durationMicros: number;
  spanCount: number;
  /** Apps, sorted; sidecar spans count for their app, not as `quiz.quiz`. */
  services: string[];
  error: boolean;
  nPlusOne: NPlusOneFinding[];
}

export function summarizeTrace(
  spans: readonly Span[],
  nPlusOneThreshold = N_PLUS_ONE_THRESHOLD,
): TraceSummary {
  const [first] = spans;
  if (!first) throw new RangeError('a trace has at least one span');
  const { start, end } = traceBounds(spans);
  const { root, entry } = rootAndEntry(spans, first);
  return {
    traceId: first.traceId,
    root: labelOf(root),
    entry: labelOf(entry),
    startMicros: start,
    durationMicros: end - start,
    spanCount: spans.length,
    services: [...new Set(spans.map(appOf).filter((name) => name !== undefined))].sort(),
    error: spans.some(isErrorSpan),
    nPlusOne: findNPlusOne(spans, nPlusOneThreshold),
  };
}

/** Summaries of many traces, the latest first as Zipkin lists them. */
export function summarizeTraces(
  traces: readonly (readonly Span[])[],
  nPlusOneThreshold = N_PLUS_ONE_THRESHOLD,
): TraceSummary[] {
  return traces
    .filter((spans) => spans.length > 0)
    .map((spans) => summarizeTrace(spans, nPlusOneThreshold))
    .sort((a, b) => b.startMicros - a.startMicros);
}

/**
 * The span without a parent (when it never arrived, the earliest of those hung in its place), and
 * the shallowest span an app reported for itself rather than as a client.
 */
function rootAndEntry(spans: readonly Span[], first: Span): { root: Span; entry: Span } {
  const tree = buildSpanTree(spans);
  const root = tree.span ?? inStartOrder(tree.children)[0]?.span ?? first;
  for (const { span } of walkSpanTree(tree)) {
    if (span && !isSidecarSpan(span) && span.kind !== 'CLIENT') return { root, entry: span };
  }
  return { root, entry: root };
}

function labelOf(span: Span): SpanLabel {
  const label: SpanLabel = {};
  const service = localServiceName(span);
  if (service !== undefined) label.service = service;
  if (span.name !== undefined) label.name = span.name;
  return label;
}
