// Where a trace and its spans sit in time. Spans that recorded no time are left out of the bounds
// rather than read as 0, and sort last.
import type { SpanNode } from '../../tracestore/span-tree.ts';
import type { Span } from '../../tracestore/span.ts';

/** The earliest start and latest end of the spans that recorded a time; 0 and 0 if none did. */
export function traceBounds(spans: readonly Span[]): { start: number; end: number } {
  let start = Infinity;
  let end = -Infinity;
  for (const span of spans) {
    if (span.timestamp === undefined) continue;
    start = Math.min(start, span.timestamp);
    end = Math.max(end, span.timestamp + (span.duration ?? 0));
  }
  return start === Infinity ? { start: 0, end: 0 } : { start, end };
}

/** Nodes sorted by their span's start; a sort that keeps the reported order among equals. */
export function inStartOrder(nodes: readonly SpanNode[]): SpanNode[] {
  return [...nodes].sort(
    (a, b) => (a.span?.timestamp ?? Infinity) - (b.span?.timestamp ?? Infinity) || 0,
  );
}
