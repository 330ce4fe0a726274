// The trace list's filters, applied to summaries the console already holds, so changing a filter
// does not ask Zipkin again.
import type { TraceSummary } from './trace-summary.ts';

export interface TraceFilter {
  /** An app name (`quiz`); matched case-insensitively, as Zipkin stores names lower-cased. */
  service?: string;
  errorsOnly?: boolean;
  /** Microseconds, as Zipkin's minDuration. */
  minDurationMicros?: number;
  nPlusOneOnly?: boolean;
}

export function filterTraceSummaries(
  summaries: readonly TraceSummary[],
  filter: TraceFilter,
): TraceSummary[] {
  const service = filter.service?.trim().toLowerCase();
  return summaries.filter(
    (summary) =>
      (!service || summary.services.includes(service)) &&
      (!filter.errorsOnly || summary.error) &&
      (filter.minDurationMicros === undefined ||
        summary.durationMicros >= filter.minDurationMicros) &&
      (!filter.nPlusOneOnly || summary.nPlusOne.length > 0),
  );
}
