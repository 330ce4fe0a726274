// Zipkin JSON as GET /api/v2/trace/{id} and /api/v2/traces answer it, checked before the console
// trusts it: the store's own span schema (which also normalizes ids and names), then reports of
// one span merged the way the store merges them, since a real Zipkin returns them as written.
import { z } from 'zod';
import { describeIssues } from '../../services/kit/config.ts';
import { spanListSchema } from '../../tracestore/span-schema.ts';
import { mergeSpans, spanKey, type Span } from '../../tracestore/span.ts';

/** One trace's spans; throws naming each field that does not validate. */
export function parseTrace(json: unknown): Span[] {
  return mergeReports(parse(spanListSchema, json, 'trace'));
}

/** A list of traces, each a list of spans; empty traces are dropped. */
export function parseTraceList(json: unknown): Span[][] {
  return parse(z.array(spanListSchema), json, 'trace list')
    .map(mergeReports)
    .filter((spans) => spans.length > 0);
}

function parse<S extends z.ZodType>(schema: S, json: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(json);
  if (result.success) return result.data;
  throw new Error(`zipkin answered an invalid ${what}: ${describeIssues(result.error)}`);
}

function mergeReports(spans: Span[]): Span[] {
  const byKey = new Map<string, Span>();
  for (const span of spans) {
    const key = spanKey(span);
    const earlier = byKey.get(key);
    byKey.set(key, earlier ? mergeSpans(earlier, span) : span);
  }
  return [...byKey.values()];
}
