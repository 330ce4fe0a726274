// What every answer of the console carries, and who it answers: a Content-Security-Policy that
// allows scripts from the console's own files only (no inline script, no handler attributes), so
// markup that slipped into the page could not run; and, since the console changes the mesh, only
// requests addressed to a loopback name (no DNS rebinding) and no change asked by another origin.
import type { RequestHandler } from 'express';
import { HttpError } from '../../services/kit/errors.ts';

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
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
  });
  next();
};

export const sameMachineOnly: RequestHandler = (req, _res, next) => {
  const host = (req.get('host') ?? '').replace(/:\d+$/, '');
  if (!/^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[::1\])$/.test(host)) {
    next(new HttpError(403, `the console answers on loopback addresses only, not ${host}`));
    return;
  }
  const origin = req.get('origin');
  if (
    req.method !== 'GET' &&
    origin !== undefined &&
    origin !== `http://${req.get('host') ?? ''}`
  ) {
    next(new HttpError(403, `a change from ${origin} is not the console's own`));
    return;
  }
  next();
};
