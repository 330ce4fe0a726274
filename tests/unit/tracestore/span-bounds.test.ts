import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  boundSpan,
  MAX_ANNOTATIONS,
  MAX_SPAN_TEXT_CHARS,
  MAX_TAGS,
  MAX_VALUE_CHARS,
} from '../../../tracestore/span-bounds.ts';
import type { Span } from '../../../tracestore/span.ts';

const base: Span = { traceId: 'abcdef0123456789', id: '0123456789abcdef' };

describe('span bounds', () => {
  test('a span within the bounds is kept as it is, the same object', () => {
    const span: Span = { ...base, tags: { 'http.method': 'GET' } };
    assert.deepEqual(boundSpan(span), { span, truncated: false });
  });

  test('a long tag value is cut to MAX_VALUE_CHARS, never inside a surrogate pair', () => {
    const value = `${'x'.repeat(MAX_VALUE_CHARS - 1)}😀 and more`;
    const { span, truncated } = boundSpan({ ...base, tags: { stack: value } });
    assert.equal(truncated, true);
    assert.equal(span.tags?.stack, 'x'.repeat(MAX_VALUE_CHARS - 1));
  });

  test('past MAX_TAGS tags the first are kept; past MAX_ANNOTATIONS the latest', () => {
    const tags = Object.fromEntries(Array.from({ length: 300 }, (_, n) => [`k${n}`, 'v']));
    const annotations = Array.from({ length: 300 }, (_, n) => ({ timestamp: n, value: 'a' }));
    const { span } = boundSpan({ ...base, tags, annotations });
    assert.equal(Object.keys(span.tags ?? {}).length, MAX_TAGS);
    assert.equal(span.tags?.k0, 'v');
    assert.equal(span.annotations?.length, MAX_ANNOTATIONS);
    assert.equal((span.annotations ?? []).at(-1)?.timestamp, 299);
  });

  test('all text of a span together stays within MAX_SPAN_TEXT_CHARS', () => {
    const tags = Object.fromEntries(
      Array.from({ length: 100 }, (_, n) => [`k${n}`, 'v'.repeat(MAX_VALUE_CHARS)]),
    );
    const { span } = boundSpan({ ...base, tags });
    const chars = Object.entries(span.tags ?? {}).reduce((n, [k, v]) => n + k.length + v.length, 0);
    assert.ok(chars <= MAX_SPAN_TEXT_CHARS, `${chars} chars`);
  });
});
