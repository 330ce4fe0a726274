// Whether a span failed. The `error` tag alone is not enough: OpenTelemetry's Zipkin exporter
// leaves it off a server span that answered 5xx, which says so only in its status code, under the
// current semantic conventions' name (app spans) or the older one (Envoy's sidecar spans).
import { hasErrorTag, type Span } from '../../tracestore/span.ts';

const STATUS_TAGS = ['http.response.status_code', 'http.status_code'] as const;

export function isErrorSpan(span: Span): boolean {
  if (hasErrorTag(span)) return true;
  return STATUS_TAGS.some((tag) => Number(span.tags?.[tag]) >= 500);
}
