/**
 * Per-portal rolling-window limits (connectors/hubspot/BEHAVIOR.md, "Rate limits and errors"):
 * - ten-secondly burst for every non-search call, reported in X-HubSpot-RateLimit-* headers;
 * - a separate per-second limit for search, which sends no rate-limit headers.
 * The 429 bodies carry the exact strings @hubspot/api-client's RetryDecorator keys on
 * (`policyName: TEN_SECONDLY_ROLLING`, message `You have reached your secondly limit.`), so its retry fires.
 */
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { HubspotApiError, correlationId } from './errors.js';
import { authOf } from './oauth.js';

export interface RateLimitConfig {
  perTenSeconds: number;
  searchPerSecond: number;
}

export const TEN_SECONDS_MS = 10_000;
const ONE_SECOND_MS = 1_000;

/** Counts hits per key over a sliding window of `windowMs`. */
export class RollingWindow {
  private readonly hits = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number,
  ) {}

  /** Records a hit if under the limit; returns whether it was allowed and how many remain afterwards. */
  take(key: string): { allowed: boolean; remaining: number } {
    const now = this.now();
    const recent = (this.hits.get(key) ?? []).filter((t) => t > now - this.windowMs);
    if (recent.length >= this.limit) {
      this.hits.set(key, recent);
      return { allowed: false, remaining: 0 };
    }
    recent.push(now);
    this.hits.set(key, recent);
    return { allowed: true, remaining: this.limit - recent.length };
  }
}

function tenSecondlyError(limit: number): HubspotApiError {
  return new HubspotApiError(
    429,
    {
      status: 'error',
      message: 'You have reached your ten_secondly_rolling limit.',
      errorType: 'RATE_LIMIT',
      correlationId: correlationId(),
      policyName: 'TEN_SECONDLY_ROLLING',
      requestId: randomUUID(),
    },
    {
      'X-HubSpot-RateLimit-Interval-Milliseconds': String(TEN_SECONDS_MS),
      'X-HubSpot-RateLimit-Max': String(limit),
      'X-HubSpot-RateLimit-Remaining': '0',
    },
  );
}

function secondlyError(): HubspotApiError {
  return new HubspotApiError(429, {
    status: 'error',
    message: 'You have reached your secondly limit.',
    errorType: 'RATE_LIMIT',
    correlationId: correlationId(),
  });
}

const isSearch = (req: Request) => req.method === 'POST' && /\/search\/?$/.test(req.path);

/** Calls counted by the limiter and how many it answered 429, per lane. */
export interface RateLimitStats {
  requests: number;
  throttled: number;
  searchRequests: number;
  searchThrottled: number;
  /** Calls per route ("GET /crm/v3/objects/deals/{id}"), counted before the limiter answers: where the budget goes. */
  byRoute?: Record<string, number>;
}

/** "POST /crm/v3/objects/tasks/batch/create", with record ids replaced by {id}. */
export const routeOf = (req: Request): string => `${req.method} ${req.path.replace(/\/\d+(?=\/|$)/g, '/{id}')}`;

/** Middleware placed after bearer auth: limits are per portal (the installing account). */
export function rateLimiter(
  cfg: RateLimitConfig,
  now: () => number,
  stats: RateLimitStats = { requests: 0, throttled: 0, searchRequests: 0, searchThrottled: 0 },
) {
  const burst = new RollingWindow(cfg.perTenSeconds, TEN_SECONDS_MS, now);
  const search = new RollingWindow(cfg.searchPerSecond, ONE_SECOND_MS, now);
  return (req: Request, res: Response, next: NextFunction) => {
    const portal = String(authOf(res).portalId);
    if (stats.byRoute) {
      const r = routeOf(req);
      stats.byRoute[r] = (stats.byRoute[r] ?? 0) + 1;
    }
    if (isSearch(req)) {
      stats.searchRequests += 1;
      if (!search.take(portal).allowed) {
        stats.searchThrottled += 1;
        throw secondlyError();
      }
      next();
      return;
    }
    stats.requests += 1;
    const { allowed, remaining } = burst.take(portal);
    if (!allowed) {
      stats.throttled += 1;
      throw tenSecondlyError(cfg.perTenSeconds);
    }
    res.set({
      'X-HubSpot-RateLimit-Interval-Milliseconds': String(TEN_SECONDS_MS),
      'X-HubSpot-RateLimit-Max': String(cfg.perTenSeconds),
      'X-HubSpot-RateLimit-Remaining': String(remaining),
    });
    next();
  };
}
