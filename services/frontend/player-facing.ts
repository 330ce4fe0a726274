// What the site sends a browser beyond its content: security headers as the console sends them
// (console/server/security.ts), and, for a failure of ours or of a service behind us, a plain
// message. The detail (which internal service failed, and how) is for whoever runs the site: it
// goes to the log and the server span, never to the player.
import { SpanStatusCode, trace } from '@opentelemetry/api';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../kit/logger.ts';

/**
 * Scripts, styles and images from the site's own files only: no inline script or handler
 * attribute could run if markup slipped into the page (a player's name is shown as text anyway).
 * The round's images are SVGs served by the site; the page's favicon is a data: URL.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const securityHeaders: RequestHandler = (_req, res, next) => {
  res.set({
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    // For browsers older than frame-ancestors.
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
  });
  next();
};

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
