// One error type the handlers throw, one place that turns errors into JSON responses.
import { SpanStatusCode, trace } from '@opentelemetry/api';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { z } from 'zod';
import { describeIssues } from './config.ts';
import type { Logger } from './logger.ts';

export class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HttpError';
    this.status = status;
  }
}

/** Parses untrusted input; a mismatch becomes a 400 naming each bad field. */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new HttpError(400, `invalid ${what}: ${describeIssues(result.error)}`);
}

export const notFound: RequestHandler = (req, _res, next) => {
  next(new HttpError(404, `no route for ${req.method} ${req.path}`));
};

interface BodyParserError {
  type: string;
  status: number;
}
function isBodyParserError(err: unknown): err is BodyParserError {
  return typeof err === 'object' && err !== null && 'type' in err && 'status' in err;
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    let status = 500;
    let message = 'internal error';
    if (err instanceof HttpError) {
      status = err.status;
      message = err.message;
    } else if (isBodyParserError(err)) {
      // express.json(): malformed JSON, a wrong content type or an oversized body.
      status = err.status;
      message =
        err.type === 'entity.parse.failed' ? 'invalid JSON body' : err.type.replaceAll('.', ' ');
    } else if (err instanceof URIError && 'status' in err && err.status === 400) {
      // express's router could not percent-decode a path parameter, as in /images/%E0%A4%A.
      status = 400;
      message = err.message;
    }
    if (status >= 500) {
      // Put the cause on the server span, so the trace in Zipkin says why this request failed.
      const span = trace.getActiveSpan();
      if (err instanceof Error) span?.recordException(err);
      span?.setStatus({ code: SpanStatusCode.ERROR, message: String(err) });
      logger.error({ err, method: req.method, path: req.path, status }, message);
    }
    res.status(status).json({ error: message });
  };
}
