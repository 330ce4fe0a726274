// What POST /api/v2/spans accepts: a JSON array of Zipkin v2 spans, the shape
// @opentelemetry/exporter-zipkin and Zipkin's own reporters send. Validation also normalizes the way
// Zipkin does (lower-case ids and names, empty values dropped), so stored spans compare as equals.
import { z } from 'zod';
import {
  normalizeSpanId,
  normalizeTraceId,
  uniqueAnnotations,
  type Endpoint,
  type Span,
} from './span.ts';

const traceId = z.string().transform((raw, ctx) => {
  const id = normalizeTraceId(raw);
  if (id === undefined) {
    ctx.addIssue({
      code: 'custom',
      message: `trace id must be 16 or 32 hex characters, not all 0`,
    });
    return z.NEVER;
  }
  return id;
});

const spanId = z.string().transform((raw, ctx) => {
  const id = normalizeSpanId(raw);
  if (id === undefined) {
    ctx.addIssue({ code: 'custom', message: 'span id must be 16 hex characters, not all 0' });
    return z.NEVER;
  }
  return id;
});

/** Reporters differ in writing an absent field as missing or as null: accept both. */
function optional<S extends z.ZodType>(schema: S) {
  return schema.nullish().transform((value) => value ?? undefined);
}

/** Service and span names are case-insensitive in Zipkin: it stores them lower-cased. */
const label = z
  .string()
  .max(1_000)
  .transform((name) => name.toLowerCase() || undefined);

/** Zipkin reads a zero time or duration as "not recorded". */
const micros = z
  .number()
  .int('must be whole microseconds')
  .min(0)
  .transform((value) => value || undefined);

const endpoint = z
  .object({
    serviceName: optional(label),
    ipv4: optional(z.string().max(64)),
    ipv6: optional(z.string().max(64)),
    port: optional(z.number().int().min(0).max(65_535)),
  })
  .transform((raw): Endpoint | undefined => {
    const value: Endpoint = {};
    if (raw.serviceName) value.serviceName = raw.serviceName;
    if (raw.ipv4) value.ipv4 = raw.ipv4;
    if (raw.ipv6) value.ipv6 = raw.ipv6;
    if (raw.port) value.port = raw.port;
    return Object.keys(value).length > 0 ? value : undefined;
  });

const annotation = z.object({ timestamp: z.number().int().min(0), value: z.string() });

export const spanSchema = z
  .object({
    traceId,
    id: spanId,
    parentId: optional(z.string()),
    name: optional(label),
    kind: optional(z.enum(['CLIENT', 'SERVER', 'PRODUCER', 'CONSUMER'])),
    timestamp: optional(micros),
    duration: optional(micros),
    localEndpoint: optional(endpoint),
    remoteEndpoint: optional(endpoint),
    annotations: optional(z.array(annotation)),
    tags: optional(z.record(z.string(), z.string('tag values must be strings'))),
    debug: optional(z.boolean()),
    shared: optional(z.boolean()),
  })
  .transform((raw, ctx): Span => {
    let parentId: string | undefined;
    // An all-zero parent id is how some tracers say "root"; Zipkin reads it the same way.
    if (raw.parentId !== undefined && !/^0+$/.test(raw.parentId)) {
      parentId = normalizeSpanId(raw.parentId);
      if (parentId === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['parentId'],
          message: 'parent id must be 16 hex characters',
        });
        return z.NEVER;
      }
    }
    const span: Span = { traceId: raw.traceId, id: raw.id };
    if (parentId !== undefined && parentId !== raw.id) span.parentId = parentId;
    if (raw.name !== undefined) span.name = raw.name;
    if (raw.kind !== undefined) span.kind = raw.kind;
    if (raw.timestamp !== undefined) span.timestamp = raw.timestamp;
    if (raw.duration !== undefined) span.duration = raw.duration;
    if (raw.localEndpoint !== undefined) span.localEndpoint = raw.localEndpoint;
    if (raw.remoteEndpoint !== undefined) span.remoteEndpoint = raw.remoteEndpoint;
    if (raw.annotations?.length) span.annotations = uniqueAnnotations(raw.annotations);
    if (raw.tags && Object.keys(raw.tags).length > 0) span.tags = raw.tags;
    if (raw.debug) span.debug = true;
    // Only a server can share its client's id: Zipkin drops the flag anywhere else.
    if (raw.shared && raw.kind !== 'CLIENT') span.shared = true;
    return span;
  });

export const spanListSchema = z.array(spanSchema);
