// What the site sends a browser beyond its content: the security headers every quizmesh page
// carries (services/kit/security-headers.ts), and, for a failure of ours or of a service behind us, a plain
// message. The detail (which internal service failed, and how) is for whoever runs the site: it
// goes to the log and the server span, never to the player.
import { SpanStatusCode, trace } from '@opentelemetry/api';
import type { ErrorRequestHandler } from 'express';
import type { Logger } from '../kit/logger.ts';

/** What a player reads when the site or a service behind it failed. */
export const UNAVAILABLE_MESSAGE = 'the quiz is unavailable right now, try again';

function statusOf(err: unknown): number {
  if (typeof err === 'object' && err !== null && 'status' in err) {
    const { status } = err;
    if (typeof status === 'number' && status >= 400 && status < 600) return status;
  }
  return 500;
}

/**
 * Answers a 5xx with the plain message, keeping its status (502, 504) so the mesh's metrics and
 * the page still tell a failed call from a slow one; a 4xx, the verdict on the player's own input,
 * goes on to the kit's error handler unchanged.
 */
export function playerFacingErrors(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    const status = statusOf(err);
    if (status < 500) {
      next(err);
      return;
    }
    const span = trace.getActiveSpan();
    if (err instanceof Error) span?.recordException(err);
    span?.setStatus({ code: SpanStatusCode.ERROR, message: String(err) });
    const detail = err instanceof Error ? err.message : String(err);
    logger.error({ err, method: req.method, path: req.path, status }, detail);
    res.status(status).json({ error: UNAVAILABLE_MESSAGE });
  };
}
