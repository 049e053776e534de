import type { WebhookEvent } from '../core/connector.js';
import type { Queryable } from './db.js';
import { storableJson } from '../lib/storable.js';

/** An event as the inbox keeps it: everything the worker reads, without the provider's copy of the event. */
export type InboxEvent = Omit<WebhookEvent, 'raw'>;

/**
 * The stored form of an event: every field but the provider's copy (`raw`), written out (an object literal costs a
 * fraction of `{ raw, ...rest }`, a runtime copy per event that stood out in the request's CPU profile). The mapped
 * type makes the compiler name a field added to WebhookEvent and not copied here; an absent optional field is left out
 * by JSON.stringify.
 */
const stored = (e: WebhookEvent): InboxEvent => {
  const s: { [K in keyof Required<InboxEvent>]: InboxEvent[K] } = {
    eventId: e.eventId,
    accountId: e.accountId,
    kind: e.kind,
    objectId: e.objectId,
    change: e.change,
    occurredAt: e.occurredAt,
    mergedInto: e.mergedInto,
    ownWrite: e.ownWrite,
    originHost: e.originHost,
  };
  return s;
};

/** One recorded delivery for one account: its events (an id repeated inside the delivery once), processed together. */
export interface InboxBatch {
  id: string;
  provider: string;
  account_id: string;
  connection_id: string | null;
  events: InboxEvent[];
  received_at: Date;
  attempts?: number;
  trace_context?: string | null;
}

export interface InsertedBatch {
  batchId: string | null;
  accepted: number;
}

/**
 * Records a whole delivery in ONE statement (the request path; autocommit, so one commit): per account one
 * webhook_batches row holding its events as one json text (validated and mapped, without the provider's copy of
 * each), by a plain multi-row INSERT. Nothing is looked up or deduplicated here: the worker that claims a batch skips
 * the events another batch already holds (eventKeysHeld) and writes the keys of those it processed (holdEventKeys).
 * The batch row alone costs less CPU than the reference's one-row insert of the same body (bench/ingest-statement.ts).
 */
const insertDeliverySql = (accounts: number): string =>
  `INSERT INTO webhook_batches (provider, account_id, connection_id, events, event_count, trace_context) VALUES ${Array.from(
    { length: accounts },
    (_, i) => `($1, $${i * 4 + 3}, $${i * 4 + 4}, $${i * 4 + 5}::json, $${i * 4 + 6}::int, $2)`,
  ).join(', ')} RETURNING id::text, account_id`;

/**
 * The dedupe key of a provider event (migrations/0101): injective, since provider ids hold no ':' and the length
 * delimits the account.
 */
export const eventKey = (provider: string, accountId: string, eventId: string): string =>
  `${provider}:${accountId.length}:${accountId}:${eventId}`;

/**
 * How long processed webhook batches and their event ids are kept: past the longest redelivery window of the
 * providers (HubSpot retries a delivery up to 10 times over 24 h; Salesforce resends an unacknowledged Outbound
 * Message for 24 h; CDC events are retained 72 h; each connector's BEHAVIOR.md), with room to spare.
 */
export const INBOX_RETENTION_MS = 7 * 86_400_000;

/** What a claim may take: waiting, due, not leased (or leased by a worker that did not come back). */
const CLAIMABLE = `b.processed_at IS NULL AND b.dead_at IS NULL AND (b.run_after IS NULL OR b.run_after <= now())
       AND (b.lease_until IS NULL OR b.lease_until < now())`;

/**
 * The claim (workers, src/sync/inbox-runner.ts). The connections with waiting batches are found by a skip scan
 * over webhook_batches_lane (one index probe per connection, however long its backlog), taken in the order they
 * were last served (round-robin: a flood on one connection waits its turn like everyone else), skipping
 * connections that cannot sync now (paused, disconnected: their batches wait without spending tries). From each,
 * the oldest batches, at most $2 per connection and $1 in all, locked with SKIP LOCKED (any number of workers
 * side by side) and leased for $3 ms. A batch whose previous lease ran out counts a lost try.
 */
const CLAIM = `
WITH RECURSIVE lanes(lane) AS (
  (SELECT coalesce(connection_id, '') FROM webhook_batches WHERE processed_at IS NULL AND dead_at IS NULL ORDER BY 1 LIMIT 1)
  UNION ALL
  SELECT (SELECT coalesce(b.connection_id, '') FROM webhook_batches b
           WHERE b.processed_at IS NULL AND b.dead_at IS NULL AND coalesce(b.connection_id, '') > l.lane ORDER BY 1 LIMIT 1)
    FROM lanes l WHERE l.lane IS NOT NULL
), turn AS MATERIALIZED (
  SELECT l.lane FROM lanes l
    LEFT JOIN inbox_lanes t ON t.connection_id = l.lane
    LEFT JOIN connections c ON c.id = l.lane
   WHERE l.lane IS NOT NULL
     AND (c.id IS NULL OR c.status = 'active' OR (c.status = 'paused' AND (c.paused_until IS NULL OR c.paused_until <= now())))
   ORDER BY t.served_at NULLS FIRST, l.lane
), picked AS MATERIALIZED (
  SELECT h.id, h.lane FROM turn, LATERAL (
    SELECT b.id, turn.lane FROM webhook_batches b
     WHERE coalesce(b.connection_id, '') = turn.lane AND ${CLAIMABLE}
     ORDER BY b.id LIMIT $2 FOR UPDATE OF b SKIP LOCKED) h
  LIMIT $1
), claimed AS (
  UPDATE webhook_batches b SET lease_until = now() + $3 * interval '1 millisecond',
         attempts = b.attempts + CASE WHEN b.lease_until IS NULL THEN 0 ELSE 1 END,
         last_error = CASE WHEN b.lease_until IS NULL THEN b.last_error ELSE 'lease expired: the worker did not finish' END
    FROM picked WHERE b.id = picked.id
  RETURNING b.id, b.provider, b.account_id, b.connection_id, b.events, b.received_at, b.attempts, b.trace_context
), served AS (
  INSERT INTO inbox_lanes (connection_id, served_at) SELECT lane, clock_timestamp() FROM (SELECT DISTINCT lane FROM picked) p
  ON CONFLICT (connection_id) DO UPDATE SET served_at = excluded.served_at
)
SELECT id::text, provider, account_id, connection_id, events, received_at, attempts, trace_context FROM claimed ORDER BY id`;

export interface InboxAccount {
  accountId: string;
  connectionId: string | null;
  events: WebhookEvent[];
}

export interface InboxDepth {
  queued: number;
  active: number;
  oldestSeconds: number;
}

export class InboxRepo {
  constructor(private readonly db: Queryable) {}

  /**
   * Records a delivery (the events of each account; every event must carry its account's `accountId`) in one
   * statement: one commit, durable when it returns. Event ids repeated inside one account's events count once (the
   * first wins); ids seen in earlier deliveries are the worker's to skip (see insertDeliverySql). One result per
   * account, in order.
   */
  async insertDelivery(
    provider: string,
    accounts: InboxAccount[],
    traceContext: string | null = null,
  ): Promise<InsertedBatch[]> {
    const ids: string[] = [];
    const conns: (string | null)[] = [];
    const totals: number[] = [];
    const bodies: InboxEvent[][] = [];
    for (const acc of accounts) {
      const seen = new Set<string>();
      const unique: InboxEvent[] = [];
      for (const e of acc.events) {
        if (e.accountId !== acc.accountId)
          throw new Error(`inbox batch for account ${acc.accountId} holds an event of account ${e.accountId}`);
        if (seen.has(e.eventId)) continue;
        seen.add(e.eventId);
        // Stored once: what the worker reads (ids, kind, change), without the provider's copy of the event (`raw`),
        // which doubled the statement's parameters (see docs/benchmarks.md, issue 15).
        unique.push(stored(e));
      }
      ids.push(acc.accountId);
      conns.push(acc.connectionId);
      bodies.push(unique);
      totals.push(unique.length);
    }
    if (new Set(ids).size !== ids.length) throw new Error('a delivery lists each account once');
    const params: unknown[] = [provider, traceContext];
    ids.forEach((id, i) => {
      if (totals[i]! > 0) params.push(id, conns[i], storableJson(bodies[i]), totals[i]);
    });
    const rows = (params.length - 2) / 4;
    if (rows === 0) return accounts.map(() => ({ batchId: null, accepted: 0 }));
    const r = await this.db.query<{ id: string; account_id: string }>(insertDeliverySql(rows), params);
    const batchOf = new Map(r.rows.map((x) => [x.account_id, x.id]));
    return ids.map((id, i) => ({ batchId: totals[i]! > 0 ? batchOf.get(id)! : null, accepted: totals[i]! }));
  }

  /**
   * The keys among `keys` that a batch other than the one named holds: events seen in an earlier delivery (processed,
   * or erased while waiting). One index probe per key; the worker asks before it reads anything from the CRM.
   */
  async eventKeysHeld(keys: { key: string; batchId: string }[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const r = await this.db.query<{ key: string }>(
      `SELECT w.key FROM webhook_event_ids w
         JOIN ROWS FROM (json_array_elements_text($1::json), json_array_elements_text($2::json)) AS k(key, batch_id)
           ON w.key = k.key COLLATE "C"
        WHERE w.batch_id <> k.batch_id::bigint`,
      [storableJson(keys.map((k) => k.key)), storableJson(keys.map((k) => k.batchId))],
    );
    return new Set(r.rows.map((x) => x.key));
  }

  /**
   * Writes the keys of the events a worker processes, in its transaction (so they count once it commits). Inserted
   * in key order, so two workers holding some of the same keys wait on each other instead of deadlocking. Returns
   * how many keys another batch took first (a redelivery processed side by side).
   */
  async holdEventKeys(keys: { key: string; batchId: string }[]): Promise<number> {
    if (keys.length === 0) return 0;
    const sorted = [...keys].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const r = await this.db.query<{ lost: number }>(
      `WITH want AS MATERIALIZED (
         SELECT k.key COLLATE "C" AS key, k.batch_id::bigint AS batch_id, k.n
           FROM ROWS FROM (json_array_elements_text($1::json), json_array_elements_text($2::json)) WITH ORDINALITY AS k(key, batch_id, n)
       ), ins AS (
         INSERT INTO webhook_event_ids (key, batch_id) SELECT key, batch_id FROM want ORDER BY n
         ON CONFLICT DO NOTHING RETURNING key
       )
       SELECT count(*)::int AS lost FROM want
        WHERE NOT EXISTS (SELECT 1 FROM ins WHERE ins.key = want.key)
          AND NOT EXISTS (SELECT 1 FROM webhook_event_ids w WHERE w.key = want.key AND w.batch_id = want.batch_id)`,
      [storableJson(sorted.map((k) => k.key)), storableJson(sorted.map((k) => k.batchId))],
    );
    return Number(r.rows[0]?.lost ?? 0);
  }

  /**
   * Retention: processed batches recorded before `before`, and the event ids they hold, are deleted, oldest first,
   * at most `limit` batches per call (short transactions; the sweep comes back). Waiting and dead-lettered batches
   * stay. Returns the batches deleted.
   */
  async prune(before: Date, limit = 2_000): Promise<number> {
    const r = await this.db.query<{ n: number }>(
      // Batch ids grow with time: the walk along the primary key stops at the first batch recorded since `before`.
      `WITH bound AS (
         SELECT coalesce((SELECT id FROM webhook_batches WHERE received_at >= $1 ORDER BY id LIMIT 1), 9223372036854775807) AS id
       ), old AS MATERIALIZED (
         SELECT b.id FROM webhook_batches b, bound WHERE b.id < bound.id AND b.processed_at IS NOT NULL ORDER BY b.id LIMIT $2
       ), ids AS (
         DELETE FROM webhook_event_ids w USING old WHERE w.batch_id = old.id
       ), gone AS (
         DELETE FROM webhook_batches b USING old WHERE b.id = old.id RETURNING 1
       )
       SELECT count(*)::int AS n FROM gone`,
      [before, limit],
    );
    return Number(r.rows[0]?.n ?? 0);
  }

  /** One account's events (see insertDelivery). */
  async insertBatch(
    provider: string,
    accountId: string,
    connectionId: string | null,
    events: WebhookEvent[],
  ): Promise<InsertedBatch> {
    return (await this.insertDelivery(provider, [{ accountId, connectionId, events }]))[0]!;
  }

  /** Batches not processed yet, oldest first. */
  async pending(batchIds: string[]): Promise<InboxBatch[]> {
    const r = await this.db.query<InboxBatch>(
      'SELECT id::text, provider, account_id, connection_id, events, received_at, attempts FROM webhook_batches WHERE id = ANY($1::bigint[]) AND processed_at IS NULL AND dead_at IS NULL ORDER BY id',
      [batchIds],
    );
    return r.rows;
  }

  /**
   * Claims up to `limit` batches, at most `perConnection` of any one connection, connections served round-robin
   * (see CLAIM), leased for `leaseMs`. `attempts` on each is the tries spent so far (a lost lease counts one).
   */
  async claim(o: { limit: number; perConnection: number; leaseMs: number }): Promise<InboxBatch[]> {
    const r = await this.db.query<InboxBatch>(CLAIM, [o.limit, o.perConnection, o.leaseMs]);
    return r.rows;
  }

  /** The worker is still on these batches: extend their lease. */
  async extendLease(batchIds: string[], leaseMs: number): Promise<void> {
    if (batchIds.length)
      await this.db.query(
        "UPDATE webhook_batches SET lease_until = now() + $2 * interval '1 millisecond' WHERE id = ANY($1::bigint[]) AND processed_at IS NULL AND dead_at IS NULL",
        [batchIds, leaseMs],
      );
  }

  /**
   * A try failed: count it, keep the reason, and release the batches (claimable again from `at`, or at once when null).
   */
  async retryLater(batchIds: string[], error: string, at: Date | null): Promise<void> {
    if (batchIds.length)
      await this.db.query(
        'UPDATE webhook_batches SET attempts = attempts + 1, last_error = $2, run_after = $3, lease_until = NULL WHERE id = ANY($1::bigint[]) AND processed_at IS NULL',
        [batchIds, error.slice(0, 2000), at],
      );
  }

  /** Not now (the connection is paused until `at`): released without spending a try. */
  async defer(batchIds: string[], at: Date): Promise<void> {
    if (batchIds.length)
      await this.db.query(
        'UPDATE webhook_batches SET run_after = $2, lease_until = NULL WHERE id = ANY($1::bigint[]) AND processed_at IS NULL',
        [batchIds, at],
      );
  }

  /** Retrying cannot help (or the tries are spent): set aside with the reason, never claimed again. */
  async markDead(batchIds: string[], error: string): Promise<void> {
    if (batchIds.length)
      await this.db.query(
        'UPDATE webhook_batches SET dead_at = now(), last_error = $2, lease_until = NULL WHERE id = ANY($1::bigint[]) AND processed_at IS NULL',
        [batchIds, error.slice(0, 2000)],
      );
  }

  async countDead(): Promise<number> {
    const r = await this.db.query<{ n: string }>(
      'SELECT count(*)::text AS n FROM webhook_batches WHERE dead_at IS NOT NULL AND processed_at IS NULL',
    );
    return Number(r.rows[0]?.n ?? 0);
  }

  async markProcessed(batchIds: string[]): Promise<void> {
    if (batchIds.length)
      await this.db.query(
        'UPDATE webhook_batches SET processed_at = now(), lease_until = NULL WHERE id = ANY($1::bigint[]) AND processed_at IS NULL',
        [batchIds],
      );
  }

  /** Events recorded and events still waiting for a worker. */
  async count(): Promise<{ total: number; pending: number }> {
    const r = await this.db.query<{ total: string; pending: string }>(
      `SELECT coalesce(sum(event_count), 0)::text AS total,
              coalesce(sum(event_count) FILTER (WHERE processed_at IS NULL AND dead_at IS NULL), 0)::text AS pending FROM webhook_batches`,
    );
    return { total: Number(r.rows[0]?.total ?? 0), pending: Number(r.rows[0]?.pending ?? 0) };
  }

  /** The inbox as a queue (metrics): batches due and waiting, batches leased by a worker, age of the oldest due one. */
  async depth(): Promise<InboxDepth> {
    const r = await this.db.query<{ queued: number; active: number; oldest: number | null }>(
      `SELECT count(*) FILTER (WHERE due)::int AS queued, count(*) FILTER (WHERE leased)::int AS active,
              extract(epoch FROM now() - min(received_at) FILTER (WHERE due))::float8 AS oldest
         FROM (SELECT received_at, lease_until >= now() AS leased,
                      (lease_until IS NULL OR lease_until < now()) AND (run_after IS NULL OR run_after <= now()) AS due
                 FROM webhook_batches WHERE processed_at IS NULL AND dead_at IS NULL) w`,
    );
    const row = r.rows[0];
    return { queued: row?.queued ?? 0, active: row?.active ?? 0, oldestSeconds: Math.max(0, row?.oldest ?? 0) };
  }
}
