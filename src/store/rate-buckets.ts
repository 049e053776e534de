import type { Queryable } from './db.js';

export interface BucketShape {
  /** Burst a bucket may hold (calls). */
  capacity: number;
  /** Sustained calls per millisecond. */
  refillPerMs: number;
}

export interface BucketStats { bucket_key: string; capacity: number; refill_per_ms: number; tokens: number; calls: number; throttled: number; blocked_until_ms: number; daily_remaining: number | null }

/**
 * Token buckets in the database, so every worker process calling one account with one app shares one budget.
 * `take` is one statement: refill by elapsed time, reserve one token (the balance may go negative: a queue of
 * reserved calls), and return how long the caller must wait before its reserved slot.
 */
export class RateBucketRepo {
  constructor(private readonly db: Queryable) {}

  /** Reserves one call; returns the wait (ms) before it may be sent. Creates the bucket on first use. */
  async take(key: string, shape: BucketShape, nowMs: number): Promise<number> {
    const r = await this.db.query<{ tokens: number; refill_per_ms: number; blocked_until_ms: string }>(
      `INSERT INTO rate_buckets AS b (bucket_key, capacity, refill_per_ms, tokens, updated_ms, calls)
            VALUES ($1::text, $2::float8, $3::float8, $2::float8 - 1, $4::bigint, 1)
       ON CONFLICT (bucket_key) DO UPDATE SET
            tokens = LEAST(b.capacity, b.tokens + GREATEST(0, $4::bigint - b.updated_ms) * b.refill_per_ms) - 1,
            updated_ms = GREATEST(b.updated_ms, $4::bigint),
            calls = b.calls + 1
       RETURNING tokens, refill_per_ms, blocked_until_ms::text AS blocked_until_ms`,
      [key, shape.capacity, shape.refillPerMs, nowMs],
    );
    const row = r.rows[0]!;
    const waitForToken = row.tokens >= 0 ? 0 : Math.ceil(-row.tokens / row.refill_per_ms);
    const waitForBlock = Math.max(0, Number(row.blocked_until_ms) - nowMs);
    return Math.max(waitForToken, waitForBlock);
  }

  /** The provider told us its real limit (headers): resize the bucket, keeping the current balance. */
  async reshape(key: string, shape: BucketShape): Promise<void> {
    await this.db.query(
      'UPDATE rate_buckets SET capacity = $2::float8, refill_per_ms = $3::float8, tokens = LEAST(tokens, $2::float8) WHERE bucket_key = $1 AND (capacity <> $2::float8 OR refill_per_ms <> $3::float8)',
      [key, shape.capacity, shape.refillPerMs],
    );
  }

  /** The provider reports fewer calls left than we think: lower the balance to that (never raise it). */
  async clampTokens(key: string, atMost: number): Promise<void> {
    await this.db.query('UPDATE rate_buckets SET tokens = $2::float8 WHERE bucket_key = $1 AND tokens > $2::float8', [key, atMost]);
  }

  /** A 429: nothing in this bucket before `untilMs`, and the balance starts from empty after it. */
  async block(key: string, untilMs: number, nowMs: number): Promise<void> {
    await this.db.query(
      `UPDATE rate_buckets SET blocked_until_ms = GREATEST(blocked_until_ms, $2::bigint), tokens = LEAST(tokens, 0), updated_ms = GREATEST(updated_ms, $3::bigint),
              throttled = throttled + 1 WHERE bucket_key = $1`,
      [key, untilMs, Math.max(nowMs, untilMs)],
    );
  }

  async setDailyRemaining(key: string, remaining: number): Promise<void> {
    await this.db.query('UPDATE rate_buckets SET daily_remaining = $2::bigint WHERE bucket_key = $1', [key, remaining]);
  }

  async stats(prefix = ''): Promise<BucketStats[]> {
    const r = await this.db.query<BucketStats>(
      `SELECT bucket_key, capacity, refill_per_ms, tokens, calls::float8 AS calls, throttled::float8 AS throttled,
              blocked_until_ms::float8 AS blocked_until_ms, daily_remaining::float8 AS daily_remaining
         FROM rate_buckets WHERE bucket_key LIKE $1::text || '%' ORDER BY bucket_key`, [prefix]);
    return r.rows;
  }
}
