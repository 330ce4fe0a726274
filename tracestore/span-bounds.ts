// How big one stored span may get. Zipkin's server takes what it is sent and leaves the bounds to
// the tracers (OpenTelemetry caps a span at 128 attributes and 128 events); a store that keeps
// everything in this process's memory cannot, so it applies those caps itself and cuts long tag
// and annotation values, which keeps the span (and its trace) readable rather than refusing it.
// A span reported again is bounded again after the merge, so re-posting one id cannot grow it.
import type { Annotation, Span } from './span.ts';

/** OpenTelemetry's default attribute and event count limits. */
export const MAX_TAGS = 128;
export const MAX_ANNOTATIONS = 128;
/** One tag key; a key is a name, and names are capped at 1,000 elsewhere. */
export const MAX_TAG_KEY_CHARS = 256;
/** One value: room for a long exception stack trace. */
export const MAX_VALUE_CHARS = 16_384;
/** All tag keys, tag values and annotation values of a span together. */
export const MAX_SPAN_TEXT_CHARS = 65_536;

/** The span within the bounds above (the same object when it already was), and whether it was cut. */
export function boundSpan(span: Span): { span: Span; truncated: boolean } {
  if (!needsBounding(span)) return { span, truncated: false };
  const budget = { chars: MAX_SPAN_TEXT_CHARS };
  const bounded: Span = { ...span };
  if (span.tags) bounded.tags = boundTags(span.tags, budget);
  if (span.annotations) bounded.annotations = boundAnnotations(span.annotations, budget);
  return { span: bounded, truncated: true };
}

function needsBounding(span: Span): boolean {
  const tags = span.tags ? Object.entries(span.tags) : [];
  const annotations = span.annotations ?? [];
  if (tags.length > MAX_TAGS || annotations.length > MAX_ANNOTATIONS) return true;
  let chars = 0;
  for (const [key, value] of tags) {
    if (key.length > MAX_TAG_KEY_CHARS || value.length > MAX_VALUE_CHARS) return true;
    chars += key.length + value.length;
  }
  for (const { value } of annotations) {
    if (value.length > MAX_VALUE_CHARS) return true;
    chars += value.length;
  }
  return chars > MAX_SPAN_TEXT_CHARS;
}

/** The first MAX_TAGS tags, keys and values cut to what is left of the span's budget. */
function boundTags(
  tags: Record<string, string>,
  budget: { chars: number },
): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [key, value] of Object.entries(tags).slice(0, MAX_TAGS)) {
    const cutKey = cut(key, Math.min(MAX_TAG_KEY_CHARS, budget.chars));
    budget.chars -= cutKey.length;
    const cutValue = cut(value, Math.min(MAX_VALUE_CHARS, budget.chars));
    budget.chars -= cutValue.length;
    kept[cutKey] = cutValue;
  }
  return kept;
}

/** The latest MAX_ANNOTATIONS annotations (they are in time order), values cut likewise. */
function boundAnnotations(annotations: Annotation[], budget: { chars: number }): Annotation[] {
  return annotations.slice(-MAX_ANNOTATIONS).map(({ timestamp, value }) => {
    const cutValue = cut(value, Math.min(MAX_VALUE_CHARS, budget.chars));
    budget.chars -= cutValue.length;
    return { timestamp, value: cutValue };
  });
}

/**
 * `text` cut to at most `max` UTF-16 units, never inside a surrogate pair, and copied: V8 makes a
 * slice of a long string point into it, so a kept 16 kB slice would hold the 4.5 MB original.
 */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max);
  const last = text.charCodeAt(end - 1);
  if (end > 0 && last >= 0xd800 && last <= 0xdbff) end -= 1;
  return Buffer.from(text.slice(0, end), 'utf16le').toString('utf16le');
}
