/**
 * Injectable transient failures on the CRM routes, as HubSpot produces them
 * (https://developers.hubspot.com/docs/api-reference/error-handling): 477 "Migration in Progress" while a portal
 * moves between data centres (with Retry-After), and 5xx during incidents or maintenance. Off unless a test or
 * the demo asks for them; random 5xx use a seeded generator so a run can be replayed.
 */
import type { NextFunction, Request, Response } from 'express';
import { HubspotApiError, correlationId } from './errors.js';

export interface FaultPlan {
  status: 477 | 500 | 502 | 503 | 504;
  /** How many matching requests fail (then the plan is spent). */
  times: number;
  /** Sent as Retry-After (seconds). */
  retryAfterSec?: number;
  /** Only requests whose path matches. */
  path?: RegExp;
  method?: string;
}

export interface FaultStats {
  injected: number;
  byStatus: Record<number, number>;
}

/**
 * A small deterministic generator (mulberry32) for reproducible random failures. The same few lines as
 * src/lib/random.ts on purpose: the sandbox stands in for HubSpot and imports nothing of closeloop but the manifest.
 */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultInjector {
  private readonly plans: FaultPlan[] = [];
  private random = seeded(1);
  private rate = 0;
  readonly stats: FaultStats = { injected: 0, byStatus: {} };

  /** Queue failures for the next matching requests. */
  inject(plan: FaultPlan): void {
    this.plans.push({ ...plan });
  }

  /** Answer this fraction (0..1) of CRM requests with a random 500/502/503/504. */
  setRandomServerErrors(rate: number, seed = 1): void {
    this.rate = Math.min(1, Math.max(0, rate));
    this.random = seeded(seed);
  }

  middleware() {
    return (req: Request, _res: Response, next: NextFunction) => {
      const i = this.plans.findIndex(
        (p) =>
          p.times > 0 &&
          (p.path === undefined || p.path.test(req.path)) &&
          (p.method === undefined || p.method === req.method),
      );
      if (i >= 0) {
        const plan = this.plans[i]!;
        plan.times -= 1;
        if (plan.times === 0) this.plans.splice(i, 1);
        throw this.failure(plan.status, plan.retryAfterSec);
      }
      if (this.rate > 0 && this.random() < this.rate) {
        const statuses = [500, 502, 503, 504] as const;
        throw this.failure(statuses[Math.floor(this.random() * statuses.length)]!, undefined);
      }
      next();
    };
  }

  private failure(status: number, retryAfterSec: number | undefined): HubspotApiError {
    this.stats.injected += 1;
    this.stats.byStatus[status] = (this.stats.byStatus[status] ?? 0) + 1;
    const headers: Record<string, string> = retryAfterSec === undefined ? {} : { 'Retry-After': String(retryAfterSec) };
    if (status === 477) {
      return new HubspotApiError(
        477,
        {
          status: 'error',
          message: 'This account is being migrated to another data center. Retry after the time given in Retry-After.',
          correlationId: correlationId(),
          category: 'MIGRATION_IN_PROGRESS',
        },
        headers,
      );
    }
    return new HubspotApiError(
      status,
      { status: 'error', message: 'internal error', correlationId: correlationId(), category: 'INTERNAL_ERROR' },
      headers,
    );
  }
}
