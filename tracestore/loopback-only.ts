// Who the trace store answers. Its traces carry players' names, and it has no login, so like the
// console (console/server/security.ts) it answers only requests addressed to a loopback name, which
// a page that rebinds its own DNS name to 127.0.0.1 cannot send, and none that a browser sent on
// behalf of a page from anywhere else. It sends no CORS headers, so a page on another loopback port
// cannot read an answer either; the console reads it from its server, Grafana through its proxy, the
// CLI and the exporters without an Origin at all.
import type { RequestHandler } from 'express';
import { HttpError } from '../services/kit/errors.ts';

const LOOPBACK_NAME = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[::1\])$/;

/** `127.0.0.1:9411` → `127.0.0.1`, `[::1]:9411` → `[::1]`. */
function hostName(hostHeader: string): string {
  return hostHeader.replace(/:\d+$/, '');
}

function isLoopbackOrigin(origin: string): boolean {
  try {
    const url = new URL(origin);
    return (
      (url.protocol === 'http:' || url.protocol === 'https:') && LOOPBACK_NAME.test(url.hostname)
    );
  } catch {
    return false; // `null` (a sandboxed page, a file) and anything unparsable
  }
}

export const loopbackOnly: RequestHandler = (req, _res, next) => {
  const host = hostName(req.get('host') ?? '');
  if (!LOOPBACK_NAME.test(host)) {
    next(new HttpError(403, `the trace store answers on loopback addresses only, not ${host}`));
    return;
  }
  const origin = req.get('origin');
  if (origin !== undefined && !isLoopbackOrigin(origin)) {
    next(new HttpError(403, `the trace store answers no page from ${origin}`));
    return;
  }
  next();
};
