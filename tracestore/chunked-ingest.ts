// POST /api/v2/spans, a few thousand spans at a time. Validating and storing 90,000 spans in one go
// held the event loop for 2–3 s, and every read waited; in chunks, with a turn of the event loop
// between them, reads are answered while a large batch goes in. The whole batch is validated
// before any of it is stored, so a bad span still refuses the batch, as one parse would.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { ZodError } from 'zod';
import { describeIssues } from '../services/kit/config.ts';
import { HttpError, parseInput } from '../services/kit/errors.ts';
import { spanListSchema } from './span-schema.ts';
import type { Span } from './span.ts';
import type { TraceStore } from './store.ts';

/** Spans validated or stored per turn of the event loop: a few milliseconds of work. */
export const INGEST_CHUNK = 2_000;

export async function ingestInChunks(store: TraceStore, body: unknown): Promise<void> {
  // Not an array: one parse gives the same readable 400 as any other bad body.
  if (!Array.isArray(body)) parseInput(spanListSchema, body, 'spans');
  const items = body as unknown[];
  const spans: Span[] = [];
  for (let offset = 0; offset < items.length; offset += INGEST_CHUNK) {
    if (offset > 0) await nextTurn();
    const result = spanListSchema.safeParse(items.slice(offset, offset + INGEST_CHUNK));
    if (!result.success) throw invalidSpans(result.error, offset);
    for (const span of result.data) spans.push(span);
  }
  for (let offset = 0; offset < spans.length; offset += INGEST_CHUNK) {
    if (offset > 0) await nextTurn();
    store.ingest(spans.slice(offset, offset + INGEST_CHUNK));
  }
}

/** The 400 for a chunk's issues, with each path's index counted from the start of the batch. */
function invalidSpans(error: ZodError, offset: number): HttpError {
  const issues = error.issues.map((issue) => {
    const [index, ...rest] = issue.path;
    return typeof index === 'number' ? { ...issue, path: [index + offset, ...rest] } : issue;
  });
  return new HttpError(400, `invalid spans: ${describeIssues(new ZodError(issues))}`);
}
