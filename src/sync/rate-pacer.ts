import type { ConnectorManifest, RateReport, RequestPacer } from '../core/connector.js';
import type { BucketShape, Store } from '../store/index.js';

type Limits = NonNullable<ConnectorManifest['rateLimits']>;

/**
 * Lane shape for a published limit of `max` calls per `intervalMs` (a rolling window on the provider's side):
 * a sliding window a little longer than the provider's, holding a call or two fewer than it allows. Calls are
 * counted when we send them and by the provider when they arrive; the margins absorb the difference (network
 * and event-loop jitter) and a call of ours still in flight. A whole window's allowance may be spent at once
 * (a webhook's reads go out together), and the steady rate stays above 90 % of the limit: 110 per 10 s gives
 * 108 per 10.35 s (94 %).
 */
export function bucketShapeFor(max: number, intervalMs: number): BucketShape {
  const capacity = Math.max(1, Math.floor(max) - Math.max(1, Math.round(max * 0.02)));
  const windowMs = Math.round(intervalMs * 1.025 + 100);
  return { capacity, refillPerMs: capacity / windowMs, windowMs };
}

const nextUtcMidnight = (now: number): number => {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
};

/**
 * The shared request budget of one account and app (RequestPacer): one sliding-window log per lane in the
 * database (src/store/rate-buckets.ts), so every worker process paces against the same balance. Sized from the
 * provider's published
 * limits (manifest.rateLimits), corrected from what the provider reports (rate-limit headers, 429s).
 */
export class DbRequestPacer implements RequestPacer {
  private readonly shapes = new Map<string, BucketShape>();

  constructor(
    private readonly store: Store,
    /** provider:account:app; one bucket per lane under it. */
    private readonly keyPrefix: string,
    private readonly limits: Limits,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  private key(lane: string) {
    return `${this.keyPrefix}:${lane}`;
  }

  private shape(lane: string): BucketShape | null {
    const known = this.shapes.get(lane);
    if (known) return known;
    const l = this.limits.lanes[lane];
    if (!l) return null;
    const s = bucketShapeFor(l.max, l.intervalMs);
    this.shapes.set(lane, s);
    return s;
  }

  async acquire(lane: string): Promise<void> {
    const shape = this.shape(lane);
    if (!shape) return;
    const wait = await this.store.rateBuckets.take(this.key(lane), shape, this.now());
    if (wait > 0) await this.sleep(wait);
  }

  async observe(lane: string, r: RateReport): Promise<void> {
    const key = this.key(lane);
    const now = this.now();
    if (r.retryAt != null) {
      await this.store.rateBuckets.block(key, Math.max(r.retryAt, now), now);
      return;
    }
    if (r.max != null && r.intervalMs != null && r.max > 0 && r.intervalMs > 0) {
      const reported = bucketShapeFor(r.max, r.intervalMs);
      const current = this.shape(lane);
      if (!current || current.capacity !== reported.capacity || current.windowMs !== reported.windowMs) {
        this.shapes.set(lane, reported);
        await this.store.rateBuckets.reshape(key, reported);
      }
    }
    // Someone else spends this budget too (another install of the app, a process without the shared
    // budget): when the provider counts fewer calls left in its window than we do, record the difference.
    const shape = this.shape(lane);
    if (r.remaining != null && shape && r.remaining < shape.capacity) {
      await this.store.rateBuckets.clampTokens(key, r.remaining, now);
    }
    if (r.dailyRemaining != null) {
      await this.store.rateBuckets.setDailyRemaining(key, r.dailyRemaining);
      if (r.dailyRemaining <= 0) await this.store.rateBuckets.block(key, nextUtcMidnight(now), now);
    }
  }
}

/** Pacers per (provider, account, app), for TokenVault.pacerFor. */
export function createPacers(
  store: Store,
  limitsFor: (provider: string) => Limits | undefined,
  appIdFor: (provider: string) => string,
  now?: () => number,
) {
  const cache = new Map<string, DbRequestPacer>();
  return (provider: string, accountId: string): RequestPacer | undefined => {
    const limits = limitsFor(provider);
    if (!limits) return undefined;
    const prefix = `${provider}:${accountId}:${appIdFor(provider)}`;
    let p = cache.get(prefix);
    if (!p) {
      p = new DbRequestPacer(store, prefix, limits, now);
      cache.set(prefix, p);
    }
    return p;
  };
}
