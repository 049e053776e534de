import type { Queryable } from './db.js';

export interface BucketShape {
  /** Calls allowed in any window of `windowMs` (the burst a lane may spend at once). */
  capacity: number;
  /** Sustained calls per millisecond (capacity ÷ windowMs): what the console reports as the lane's rate. */
  refillPerMs: number;
  /** The sliding window the capacity applies to. */
  windowMs: number;
}

export interface BucketStats {
  bucket_key: string;
  capacity: number;
  refill_per_ms: number;
  tokens: number;
  calls: number;
  throttled: number;
  blocked_until_ms: number;
  daily_remaining: number | null;
}

/**
 * The shared request budget in the database, so every worker process calling one account with one app spends
 * one balance. Each lane is a sliding-window log: `slots` holds the send times reserved for the last `capacity`
 * calls, sorted. `take` is one statement: the new call's slot is now, or the moment the oldest of those calls
 * leaves the window (or the end of a block after a 429), whichever is last; it returns how long to wait for it.
 * So a burst may spend a whole window's allowance at once, and no window ever holds more than `capacity` calls.
 * `tokens` is kept for the console: calls left in the current window when the last call was reserved.
 */
export class RateBucketRepo {
  constructor(private readonly db: Queryable) {}

  /** Reserves one call; returns the wait (ms) before it may be sent. Creates the lane on first use. */
  async take(key: string, shape: BucketShape, nowMs: number): Promise<number> {
    const r = await this.db.query<{ slot: number }>(
      `INSERT INTO rate_buckets AS b (bucket_key, capacity, refill_per_ms, tokens, updated_ms, calls, window_ms, slots)
            VALUES ($1::text, $2::float8, $3::float8, $2::float8 - 1, $4::bigint, 1, $5::float8, ARRAY[$4::float8])
       ON CONFLICT (bucket_key) DO UPDATE SET
            slots = (b.slots || GREATEST($4::float8, b.blocked_until_ms::float8,
                       CASE WHEN cardinality(b.slots) >= floor(b.capacity)::int
                            THEN b.slots[cardinality(b.slots) - floor(b.capacity)::int + 1] + coalesce(nullif(b.window_ms, 0), $5::float8)
                            ELSE $4::float8 END))[greatest(1, cardinality(b.slots) + 2 - floor(b.capacity)::int):],
            window_ms = coalesce(nullif(b.window_ms, 0), $5::float8),
            tokens = b.capacity - 1 - (SELECT count(*) FROM unnest(b.slots) s WHERE s > $4::float8 - coalesce(nullif(b.window_ms, 0), $5::float8)),
            updated_ms = GREATEST(b.updated_ms, $4::bigint),
            calls = b.calls + 1
       RETURNING slots[cardinality(slots)] AS slot`,
      [key, shape.capacity, shape.refillPerMs, nowMs, shape.windowMs],
    );
    return Math.max(0, Math.ceil(Number(r.rows[0]!.slot) - nowMs));
  }

  /**
   * Spend `n` units of a budget of `capacity` per sliding window of `windowMs`, all or none: true when they fit (and
   * are recorded as spent now), false when they do not (nothing recorded, nothing reserved for later). One statement,
   * so workers spending one budget side by side never overspend it.
   */
  async trySpend(key: string, n: number, capacity: number, windowMs: number, nowMs: number): Promise<boolean> {
    if (n <= 0) return true;
    if (n > capacity) return false;
    const r = await this.db.query(
      `INSERT INTO rate_buckets AS b (bucket_key, capacity, refill_per_ms, tokens, updated_ms, calls, window_ms, slots)
            VALUES ($1::text, $2::float8, $2::float8 / $3::float8, $2::float8 - $4::int, $5::bigint, $4::int, $3::float8,
                    array_fill($5::float8, ARRAY[$4::int]))
       ON CONFLICT (bucket_key) DO UPDATE SET
            slots = (SELECT coalesce(array_agg(x ORDER BY x), '{}') FROM unnest(b.slots) x WHERE x > $5::float8 - $3::float8)
                    || array_fill($5::float8, ARRAY[$4::int]),
            capacity = $2::float8, refill_per_ms = $2::float8 / $3::float8, window_ms = $3::float8,
            tokens = $2::float8 - $4::int - (SELECT count(*) FROM unnest(b.slots) s WHERE s > $5::float8 - $3::float8),
            updated_ms = GREATEST(b.updated_ms, $5::bigint),
            calls = b.calls + $4::int
          WHERE (SELECT count(*) FROM unnest(b.slots) s WHERE s > $5::float8 - $3::float8) + $4::int <= $2::float8
       RETURNING 1`,
      [key, capacity, windowMs, n, nowMs],
    );
    if (r.rows.length === 0)
      await this.db.query('UPDATE rate_buckets SET throttled = throttled + 1 WHERE bucket_key = $1', [key]);
    return r.rows.length > 0;
  }

  /** The provider told us its real limit (headers): resize the lane, keeping the calls already reserved. */
  async reshape(key: string, shape: BucketShape): Promise<void> {
    await this.db.query(
      `UPDATE rate_buckets SET capacity = $2::float8, refill_per_ms = $3::float8, window_ms = $4::float8, tokens = LEAST(tokens, $2::float8),
              slots = slots[greatest(1, cardinality(slots) + 1 - floor($2::float8)::int):]
        WHERE bucket_key = $1 AND (capacity <> $2::float8 OR refill_per_ms <> $3::float8 OR window_ms <> $4::float8)`,
      [key, shape.capacity, shape.refillPerMs, shape.windowMs],
    );
  }

  /**
   * The provider counts fewer calls left than we do (someone else spends this budget too): record the calls we
   * did not see as sent now, so that at most `atMost` more fit in the current window (never raises the balance).
   */
  async clampTokens(key: string, atMost: number, nowMs: number): Promise<void> {
    await this.db.query(
      `UPDATE rate_buckets b SET
              slots = (SELECT coalesce(array_agg(x ORDER BY x), '{}') FROM (
                         SELECT x FROM unnest(b.slots) x
                         UNION ALL SELECT $3::float8 FROM generate_series(1, GREATEST(0, floor(b.capacity)::int - greatest(0, $2::int)
                           - (SELECT count(*)::int FROM unnest(b.slots) s WHERE s > $3::float8 - b.window_ms)))) q),
              tokens = LEAST(tokens, $2::float8)
        WHERE bucket_key = $1`,
      [key, Math.floor(atMost), nowMs],
    );
    await this.db.query(
      'UPDATE rate_buckets SET slots = slots[greatest(1, cardinality(slots) + 1 - floor(capacity)::int):] WHERE bucket_key = $1',
      [key],
    );
  }

  /** A 429: nothing in this lane before `untilMs`. */
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
         FROM rate_buckets WHERE bucket_key LIKE $1::text || '%' ORDER BY bucket_key`,
      [prefix],
    );
    return r.rows;
  }
}
