import type { WebhookEvent } from '../core/connector.js';
import type { Queryable } from './db.js';

/** One accepted delivery for one account: its new events (duplicates already left out), processed together. */
export interface InboxBatch { id: string; provider: string; account_id: string; connection_id: string | null; events: WebhookEvent[]; received_at: Date; attempts?: number }

export interface InsertedBatch { batchId: string | null; accepted: number }

/**
 * The event identity as one key (see migrations/0101): provider, then the account delimited by its length,
 * then the provider's event id. Kept in SQL only, so every statement derives it the same way.
 */
const KEY = (provider: string, account: string, eventId: string) => `${provider} || ':' || length(${account}) || ':' || ${account} || ':' || ${eventId}`;

/**
 * Records a delivery's events in ONE statement (the request path): one webhook_batches row holding the events
 * as one json text (stored as sent: validated, never decomposed) and one narrow webhook_event_ids key per event,
 * where a redelivered id is ignored. The ids travel as one text array. A short statement keeps the planning cheap.
 */
const INSERT_BATCH = `
WITH b AS (
  INSERT INTO webhook_batches (provider, account_id, connection_id, events, event_count)
  VALUES ($1::text, $2::text, $3::text, $5::json, cardinality($4::text[])) RETURNING id
), ins AS (
  INSERT INTO webhook_event_ids (key, batch_id)
  SELECT ${KEY('$1::text', '$2::text', 'e.event_id')}, b.id FROM unnest($4::text[]) AS e(event_id) CROSS JOIN b
  ON CONFLICT DO NOTHING RETURNING 1
)
SELECT b.id::text AS id, (SELECT count(*) FROM ins)::int AS accepted FROM b`;

/** Some ids were already known (a partial redelivery): keep in the batch only the events whose key it owns. */
const KEEP_OWNED = `
UPDATE webhook_batches b SET event_count = $2, events = (
  SELECT json_agg(x.e ORDER BY x.i) FROM json_array_elements(b.events) WITH ORDINALITY AS x(e, i)
   WHERE EXISTS (SELECT 1 FROM webhook_event_ids w WHERE w.key = ${KEY('b.provider', 'b.account_id', "(x.e ->> 'eventId')")} AND w.batch_id = b.id))
WHERE b.id = $1`;

export class InboxRepo {
  constructor(private readonly db: Queryable) {}

  /**
   * Records the events of one account (every event must carry `accountId`), deduplicated by provider event id.
   * Event ids repeated inside `events` count once (the first wins). Call it inside a transaction: a partial
   * redelivery takes a second statement. batchId is null when every event was already recorded.
   */
  async insertBatch(provider: string, accountId: string, connectionId: string | null, events: WebhookEvent[]): Promise<InsertedBatch> {
    if (events.length === 0) return { batchId: null, accepted: 0 };
    const seen = new Set<string>();
    const unique: WebhookEvent[] = [];
    for (const e of events) {
      if (e.accountId !== accountId) throw new Error(`inbox batch for account ${accountId} holds an event of account ${e.accountId}`);
      if (seen.has(e.eventId)) continue;
      seen.add(e.eventId);
      unique.push(e);
    }
    const r = await this.db.query<{ id: string; accepted: number }>(INSERT_BATCH, [provider, accountId, connectionId, unique.map((e) => e.eventId), JSON.stringify(unique)]);
    const batchId = r.rows[0]!.id;
    const accepted = Number(r.rows[0]!.accepted);
    if (accepted === unique.length) return { batchId, accepted };
    // Rare path (redeliveries), still inside the caller's transaction: drop what another batch already holds.
    if (accepted === 0) await this.db.query('DELETE FROM webhook_batches WHERE id = $1', [batchId]);
    else await this.db.query(KEEP_OWNED, [batchId, accepted]);
    return { batchId: accepted ? batchId : null, accepted };
  }

  /** Batches not processed yet, oldest first. */
  async pending(batchIds: string[]): Promise<InboxBatch[]> {
    const r = await this.db.query<InboxBatch>(
      'SELECT id::text, provider, account_id, connection_id, events, received_at, attempts FROM webhook_batches WHERE id = ANY($1::bigint[]) AND processed_at IS NULL AND dead_at IS NULL ORDER BY id',
      [batchIds],
    );
    return r.rows;
  }

  /** Batches left unprocessed (a job may have died or been lost): for the sweeper. */
  async stale(olderThanMs: number, now: number, limit = 500): Promise<string[]> {
    const r = await this.db.query<{ id: string }>(
      'SELECT id::text FROM webhook_batches WHERE processed_at IS NULL AND dead_at IS NULL AND received_at < $1 ORDER BY received_at, id LIMIT $2', [new Date(now - olderThanMs), limit]);
    return r.rows.map((x) => x.id);
  }

  /**
   * The stale-inbox sweep, one batch at a time: batches older than `olderThanMs`, not processed, whose
   * connection can sync now (a paused or disconnected connection's batches wait without spending tries).
   * Each claimed batch counts one try; a batch that already had `maxAttempts` is dead-lettered instead
   * (kept, with its last error, for an operator). Returns the batches to queue, one job each.
   */
  async claimStale(olderThanMs: number, now: number, maxAttempts: number, limit = 500): Promise<{ requeue: string[]; dead: string[] }> {
    const dead = await this.db.query<{ id: string }>(
      `UPDATE webhook_batches SET dead_at = now(), last_error = coalesce(last_error, 'no worker completed it')
        WHERE processed_at IS NULL AND dead_at IS NULL AND attempts >= $2 AND received_at < $1 RETURNING id::text`,
      [new Date(now - olderThanMs), maxAttempts]);
    const r = await this.db.query<{ id: string }>(
      `UPDATE webhook_batches SET attempts = attempts + 1 WHERE id IN (
         SELECT b.id FROM webhook_batches b LEFT JOIN connections c ON c.id = b.connection_id
          WHERE b.processed_at IS NULL AND b.dead_at IS NULL AND b.received_at < $1
            AND (c.id IS NULL OR c.status = 'active' OR (c.status = 'paused' AND (c.paused_until IS NULL OR c.paused_until <= $2)))
          ORDER BY b.received_at, b.id LIMIT $3 FOR UPDATE OF b SKIP LOCKED)
       RETURNING id::text`,
      [new Date(now - olderThanMs), new Date(now), limit]);
    return { requeue: r.rows.map((x) => x.id), dead: dead.rows.map((x) => x.id) };
  }

  /** A worker failed on these batches: count the try and keep the reason. */
  async markAttempt(batchIds: string[], error: string): Promise<void> {
    if (batchIds.length) await this.db.query('UPDATE webhook_batches SET attempts = attempts + 1, last_error = $2 WHERE id = ANY($1::bigint[]) AND processed_at IS NULL', [batchIds, error.slice(0, 2000)]);
  }

  /** Retrying cannot help (or the tries are spent): set aside with the reason, never retried by the sweep. */
  async markDead(batchIds: string[], error: string): Promise<void> {
    if (batchIds.length) await this.db.query('UPDATE webhook_batches SET dead_at = now(), last_error = $2 WHERE id = ANY($1::bigint[]) AND processed_at IS NULL', [batchIds, error.slice(0, 2000)]);
  }

  async countDead(): Promise<number> {
    const r = await this.db.query<{ n: string }>('SELECT count(*)::text AS n FROM webhook_batches WHERE dead_at IS NOT NULL AND processed_at IS NULL');
    return Number(r.rows[0]?.n ?? 0);
  }

  async markProcessed(batchIds: string[]): Promise<void> {
    if (batchIds.length) await this.db.query('UPDATE webhook_batches SET processed_at = now() WHERE id = ANY($1::bigint[]) AND processed_at IS NULL', [batchIds]);
  }

  /** Events recorded and events still waiting for a worker. */
  async count(): Promise<{ total: number; pending: number }> {
    const r = await this.db.query<{ total: string; pending: string }>(
      `SELECT coalesce(sum(event_count), 0)::text AS total,
              coalesce(sum(event_count) FILTER (WHERE processed_at IS NULL AND dead_at IS NULL), 0)::text AS pending FROM webhook_batches`);
    return { total: Number(r.rows[0]?.total ?? 0), pending: Number(r.rows[0]?.pending ?? 0) };
  }
}
