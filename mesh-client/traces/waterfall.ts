// One trace as the console's waterfall draws it: a row per span, depth-first under its parent,
// siblings in start order, each placed on the trace's time axis. Values pass through as reported;
// escaping them is the page's job.
import { buildSpanTree, type SpanNode } from '../../tracestore/span-tree.ts';
import { localServiceName, type Span, type SpanKind } from '../../tracestore/span.ts';
import { findNPlusOne, N_PLUS_ONE_THRESHOLD, type NPlusOneFinding } from './n-plus-one.ts';
import { isErrorSpan } from './span-error.ts';
import { isSidecarSpan } from './span-workload.ts';
import { inStartOrder, traceBounds } from './trace-time.ts';

export interface WaterfallRow {
  /** Not unique: a server span that shares its client's id has a row of its own. */
  spanId: string;
  parentId?: string;
  depth: number;
  /** Microseconds from the trace's start; absent, like the fractions, if the span has no time. */
  startOffsetMicros?: number;
  /** Where the bar starts, as a fraction (0–1) of the trace's duration. */
  offset?: number;
  /** How long the bar is, as a fraction (0–1) of the trace's duration. */
  width?: number;
  durationMicros?: number;
  /** As reported: a sidecar's span is under the proxy's name, like `quiz.quiz`. */
  service?: string;
  sidecar: boolean;
  name?: string;
  kind?: SpanKind;
  error: boolean;
  /** Its parent never arrived; it is drawn under the root, as Zipkin's UI does. */
  orphan: boolean;
  tags: Record<string, string>;
  /** Part of a call in an N+1 loop. */
  nPlusOne: boolean;
}

export interface Waterfall {
  traceId: string;
  /** Epoch microseconds. */
  startMicros: number;
  durationMicros: number;
  rows: WaterfallRow[];
  nPlusOne: NPlusOneFinding[];
}

export function buildWaterfall(
  spans: readonly Span[],
  nPlusOneThreshold = N_PLUS_ONE_THRESHOLD,
): Waterfall {
  const nPlusOne = findNPlusOne(spans, nPlusOneThreshold);
  const { start, end } = traceBounds(spans);
  const context: RowContext = {
    start,
    duration: end - start,
    ids: new Set(spans.map((span) => span.id)),
    inLoop: new Set(nPlusOne.flatMap((finding) => finding.spanIds)),
  };
  const rows = spans.length === 0 ? [] : depthFirst(buildSpanTree(spans), context);
  return {
    traceId: spans[0]?.traceId ?? '',
    startMicros: start,
    durationMicros: end - start,
    rows,
    nPlusOne,
  };
}

interface RowContext {
  start: number;
  duration: number;
  ids: ReadonlySet<string>;
  inLoop: ReadonlySet<string>;
}

/** With an explicit stack: a malformed trace can nest deeper than the call stack allows. */
function depthFirst(root: SpanNode, context: RowContext): WaterfallRow[] {
  const rows: WaterfallRow[] = [];
  const stack: { node: SpanNode; depth: number }[] = root.span
    ? [{ node: root, depth: 0 }]
    : inStartOrder(root.children)
        .map((node) => ({ node, depth: 0 }))
        .reverse();
  for (let top = stack.pop(); top; top = stack.pop()) {
    const { node, depth } = top;
    if (node.span) rows.push(rowOf(node.span, depth, context));
    for (const child of inStartOrder(node.children).reverse()) {
      stack.push({ node: child, depth: depth + 1 });
    }
  }
  return rows;
}

function rowOf(span: Span, depth: number, context: RowContext): WaterfallRow {
  const row: WaterfallRow = {
    spanId: span.id,
    depth,
    sidecar: isSidecarSpan(span),
    error: isErrorSpan(span),
    orphan: span.parentId !== undefined && !context.ids.has(span.parentId),
    tags: { ...span.tags },
    nPlusOne: context.inLoop.has(span.id),
  };
  if (span.parentId !== undefined) row.parentId = span.parentId;
  if (span.timestamp !== undefined) {
    const startOffset = span.timestamp - context.start;
    const fraction = (micros: number): number =>
      context.duration > 0 ? micros / context.duration : 0;
    row.startOffsetMicros = startOffset;
    row.offset = fraction(startOffset);
    row.width = fraction(span.duration ?? 0);
  }
  if (span.duration !== undefined) row.durationMicros = span.duration;
  const service = localServiceName(span);
  if (service !== undefined) row.service = service;
  if (span.name !== undefined) row.name = span.name;
  if (span.kind !== undefined) row.kind = span.kind;
  return row;
}
