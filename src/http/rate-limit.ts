import type express from 'express';
import { RateLimitedError } from '../core/errors.js';
import type { Store } from '../store/index.js';

/**
 * Rate limits on unauthenticated routes, held in the database (table rate_limits) so they hold across every web
 * process: a fixed one-minute window per route group and client address. Over the limit: 429 with Retry-After,
 * before any other work (no install state, no body read).
 */
export function rateLimit(
  store: Pick<Store, 'access'>,
  group: string,
  perMinute: number,
  now: () => number,
): express.RequestHandler {
  const windowMs = 60_000;
  return (req, res, next) => {
    if (perMinute <= 0) {
      next();
      return;
    }
    const client = (req.ip ?? req.socket.remoteAddress ?? 'unknown').slice(0, 64);
    store.access.hit(`${group}:${client}`, windowMs, new Date(now())).then(({ hits, windowStart }) => {
      res.setHeader('RateLimit-Limit', String(perMinute));
      res.setHeader('RateLimit-Remaining', String(Math.max(0, perMinute - hits)));
      if (hits <= perMinute) {
        next();
        return;
      }
      const retryAt = windowStart.getTime() + windowMs;
      res.setHeader('Retry-After', String(Math.max(1, Math.ceil((retryAt - now()) / 1000))));
      next(new RateLimitedError(`too many requests to /${group}; retry after the Retry-After delay`, { retryAt }));
    }, next);
  };
}
