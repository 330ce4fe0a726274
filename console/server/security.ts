// Who the console answers (its headers are every quizmesh page's: services/kit/security-headers.ts):
// since the console changes the mesh, only requests addressed to a loopback name (no DNS
// rebinding) and no change asked by another origin.
import type { RequestHandler } from 'express';
import { HttpError } from '../../services/kit/errors.ts';

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
