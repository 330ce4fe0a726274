// The query strings of the read API, validated into what the store takes. Defaults follow the real
// Zipkin server: the last day, ten traces. Names are lower-cased because Zipkin stores them so.
import { z } from 'zod';
import { parseAnnotationQuery, type TraceQuery } from './query.ts';
import { normalizeTraceId } from './span.ts';

const DAY_MS = 86_400_000;

const optionalName = z
  .string()
  .max(1_000)
  .optional()
  .transform((name) => name?.trim().toLowerCase() || undefined);

/** A string that must be given: "required" reads better than "expected string, received undefined". */
const requiredString = z.string({
  error: (issue) => (issue.input === undefined ? 'required' : undefined),
});

/** Given but empty is allowed: Zipkin then answers an empty list, not an error. */
const requiredName = requiredString
  .trim()
  .max(1_000)
  .transform((name) => name.toLowerCase());

const positiveInt = z.coerce
  .number()
  .int('must be a whole number')
  .positive('must be greater than 0');

/** A form left blank (`?minDuration=`) means "not given", not zero. */
function blankIsAbsent<S extends z.ZodType>(schema: S) {
  return z.preprocess((value) => (value === '' ? undefined : value), schema);
}

export const traceIdParam = z.string().transform((raw, ctx) => {
  const id = normalizeTraceId(raw);
  if (id === undefined) {
    ctx.addIssue({ code: 'custom', message: 'trace id must be 16 or 32 hex characters' });
    return z.NEVER;
  }
  return id;
});

export const traceIdPath = z.object({ traceId: traceIdParam });

export const serviceParams = z.object({ serviceName: requiredName });

export const traceManyParams = z.object({
  traceIds: requiredString
    .transform((list) =>
      list
        .split(',')
        .map((id) => id.trim())
        .filter((id) => id !== ''),
    )
    .pipe(z.array(traceIdParam).min(1, 'required'))
    // As Zipkin: asking for one trace is what /api/v2/trace/{traceId} is for, and twice is an error.
    .superRefine((ids, ctx) => {
      const redundant = ids.find((id, at) => ids.indexOf(id) !== at);
      if (redundant !== undefined) {
        ctx.addIssue({ code: 'custom', message: `redundant trace id ${redundant}` });
      } else if (ids.length === 1) {
        ctx.addIssue({
          code: 'custom',
          message: 'use /api/v2/trace/{traceId} for a single trace',
        });
      }
    }),
});

/** endTs and lookback in epoch milliseconds, as Zipkin's read API takes them. */
const timeWindow = {
  endTs: blankIsAbsent(positiveInt.optional()),
  lookback: blankIsAbsent(positiveInt.default(DAY_MS)),
};

export const dependencyParams = z
  .object(timeWindow)
  .transform(({ endTs, lookback }) => ({ endTs: endTs ?? Date.now(), lookback }));

export const traceParams = z
  .object({
    serviceName: optionalName,
    remoteServiceName: optionalName,
    // "all" is what older Zipkin UIs send for "any span name".
    spanName: optionalName.transform((name) => (name === 'all' ? undefined : name)),
    annotationQuery: z.string().max(10_000).optional(),
    minDuration: blankIsAbsent(positiveInt.optional()),
    maxDuration: blankIsAbsent(positiveInt.optional()),
    limit: blankIsAbsent(positiveInt.default(10)),
    ...timeWindow,
  })
  .refine((params) => params.maxDuration === undefined || params.minDuration !== undefined, {
    path: ['maxDuration'],
    message: 'is only valid with minDuration',
  })
  .refine(
    (params) =>
      params.minDuration === undefined ||
      params.maxDuration === undefined ||
      params.maxDuration >= params.minDuration,
    { path: ['maxDuration'], message: 'must not be less than minDuration' },
  )
  .transform((params): TraceQuery => {
    const query: TraceQuery = {
      endTs: params.endTs ?? Date.now(),
      lookback: params.lookback,
      limit: params.limit,
    };
    if (params.serviceName) query.serviceName = params.serviceName;
    if (params.remoteServiceName) query.remoteServiceName = params.remoteServiceName;
    if (params.spanName) query.spanName = params.spanName;
    if (params.minDuration !== undefined) query.minDuration = params.minDuration;
    if (params.maxDuration !== undefined) query.maxDuration = params.maxDuration;
    const terms = parseAnnotationQuery(params.annotationQuery ?? '');
    if (terms.size > 0) query.annotationQuery = terms;
    return query;
  });
