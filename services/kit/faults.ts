// emojivoto-style knobs for demos: FAILURE_RATE answers a share of requests 500, ARTIFICIAL_DELAY
// slows every request. Both off by default; health and metrics endpoints are never affected.
import { setTimeout as sleep } from 'node:timers/promises';
import type { RequestHandler } from 'express';
import { HttpError } from './errors.ts';

export function injectFaults(options: {
  failureRate: number;
  delayMs: number;
  random?: () => number;
}): RequestHandler {
  const random = options.random ?? Math.random;
  return async (_req, _res, next) => {
    if (options.delayMs > 0) await sleep(options.delayMs);
    if (options.failureRate > 0 && random() < options.failureRate) {
      next(new HttpError(500, 'injected failure (FAILURE_RATE)'));
      return;
    }
    next();
  };
}
