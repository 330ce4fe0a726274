// What a stored span costs in memory, estimated: the store's byte budget is kept in these units.
// Calibrated on V8 (Node 24) with spans as local mode's services send them: ~800 bytes of heap for
// a span with 8 tags and ~480 characters of text, which this estimates at ~1,000. It errs high,
// so the budget holds in real bytes too.
import type { Endpoint, Span } from './span.ts';

/** The span object, its ids, numbers and endpoint objects. */
const SPAN_OVERHEAD = 200;
/** A tag's or annotation's own slots, beside its text. */
const ENTRY_OVERHEAD = 40;

export function spanBytes(span: Span): number {
  let bytes = SPAN_OVERHEAD + textBytes(span.name) + endpointBytes(span.localEndpoint);
  bytes += endpointBytes(span.remoteEndpoint);
  for (const [key, value] of Object.entries(span.tags ?? {})) {
    bytes += ENTRY_OVERHEAD + textBytes(key) + textBytes(value);
  }
  for (const { value } of span.annotations ?? []) bytes += ENTRY_OVERHEAD + textBytes(value);
  return bytes;
}

function endpointBytes(endpoint: Endpoint | undefined): number {
  if (!endpoint) return 0;
  return ENTRY_OVERHEAD + textBytes(endpoint.serviceName) + textBytes(endpoint.ipv6);
}

/** V8 keeps a string of Latin-1 characters in one byte each, any other in two. */
function textBytes(text: string | undefined): number {
  if (text === undefined) return 0;
  // eslint-disable-next-line no-control-regex -- the Latin-1 range starts at U+0000
  return /[^\u0000-\u00ff]/.test(text) ? text.length * 2 : text.length;
}
