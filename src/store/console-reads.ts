import type { RuleVerdict, Suggestion } from '../core/suggestion.js';
import type { Queryable } from './db.js';

export interface SyncStreamRow {
  connection_id: string;
  stream: string;
  updated_at: Date;
}
export interface ConnectionActivityRow {
  connection_id: string;
  last_event_at: Date | null;
  pending_events: number;
  dead_batches: number;
  parked_writes: number;
  failed_writes: number;
  /**
   * When the change step last applied something for the connection (src/store/sync-marks.ts, the sync-lag metric's
   * source).
   */
  last_change_at: Date | null;
}
export interface DeadBatchRow {
  id: string;
  connection_id: string;
  received_at: Date;
  event_count: number;
  attempts: number;
  last_error: string | null;
  dead_at: Date;
}
export interface FeedSuggestionRow {
  id: string;
  connection_id: string;
  provider: string;
  type: string;
  status: string;
  deal_id: string | null;
  owner_id: string | null;
  payload: Suggestion;
  verdicts: RuleVerdict[];
  repair: unknown;
  model: string | null;
  tier: string | null;
  cost_usd: string;
  confidence: number | null;
  created_at: Date;
  outcomes: string[];
  crm_url: string | null;
  /** The deal's page in the CRM and its name, from the stored record. */
  deal_url: string | null;
  deal_name: string | null;
  /** What was written back, as `action:crm id` (create_task:123), oldest first. */
  writes: string[];
}
export interface FeedFilter {
  status?: string;
  type?: string;
  owner?: string;
  deal?: string;
  since?: Date;
  until?: Date;
  limit: number;
}
export interface OutcomeDayRow {
  day: string;
  type: string;
  owner_id: string | null;
  outcome: string;
  n: number;
}
export interface RateBucketRow {
  bucket_key: string;
  capacity: number;
  refill_per_ms: number;
  tokens: number;
  updated_ms: number;
  blocked_until_ms: number;
  daily_remaining: number | null;
  calls: number;
  throttled: number;
  /**
   * The lane's sliding window (0 on lanes written before migration 0311) and the calls sent or reserved inside it now.
   */
  window_ms: number;
  in_window: number;
}
export interface QuarantinedEventRow {
  id: string;
  provider: string;
  account_id: string | null;
  connection_id: string | null;
  reason: string;
  received_at: Date;
  payload_head: string;
}
export interface ModelHistoryRow {
  tenant_id: string;
  kind: string;
  model_name: string | null;
  rows: number;
  positives: number;
  validation_auc: number | null;
  metrics: Record<string, unknown>;
  trained_at: Date | null;
}

/**
 * The admin console's reads (src/http/admin), each filtered by tenant in SQL like src/store/tenant-reads.ts:
 * `tenantId: null` is every tenant and is only built for the deployment's operator.
 */
export class ConsoleReads {
  constructor(
    private readonly db: Queryable,
    private readonly tenantId: string | null,
  ) {}

  /** Per connection and object kind: records held (not archived). */
  async recordCountsByConnection(): Promise<{ connection_id: string; kind: string; n: number }[]> {
    return (
      await this.db.query<{ connection_id: string; kind: string; n: number }>(
        `SELECT r.connection_id, r.kind, count(*)::int AS n FROM records r JOIN connections c ON c.id = r.connection_id
       WHERE NOT r.archived AND ($1::text IS NULL OR c.tenant_id = $1) GROUP BY r.connection_id, r.kind`,
        [this.tenantId],
      )
    ).rows;
  }

  /** Sync resume points (one per connection and stream, e.g. objects:deal), with when each last moved. */
  async syncStreams(): Promise<SyncStreamRow[]> {
    return (
      await this.db.query<SyncStreamRow>(
        `SELECT k.connection_id, k.stream, k.updated_at FROM sync_checkpoints k JOIN connections c ON c.id = k.connection_id
       WHERE ($1::text IS NULL OR c.tenant_id = $1)`,
        [this.tenantId],
      )
    ).rows;
  }

  /** Last webhook event, events waiting, dead-lettered batches and parked or failed write-backs, per connection. */
  async activity(): Promise<ConnectionActivityRow[]> {
    return (
      await this.db.query<ConnectionActivityRow>(
        `SELECT c.id AS connection_id,
              (SELECT max(b.received_at) FROM webhook_batches b WHERE b.connection_id = c.id) AS last_event_at,
              (SELECT coalesce(sum(b.event_count), 0)::int FROM webhook_batches b WHERE b.connection_id = c.id AND b.processed_at IS NULL AND b.dead_at IS NULL) AS pending_events,
              (SELECT count(*)::int FROM webhook_batches b WHERE b.connection_id = c.id AND b.dead_at IS NOT NULL) AS dead_batches,
              (SELECT count(*)::int FROM writeback_outbox o WHERE o.connection_id = c.id AND o.status = 'pending' AND o.parked_reason IS NOT NULL) AS parked_writes,
              (SELECT count(*)::int FROM writeback_outbox o WHERE o.connection_id = c.id AND o.status = 'failed') AS failed_writes,
              (SELECT m.last_change_at FROM connection_sync_marks m WHERE m.connection_id = c.id) AS last_change_at
       FROM connections c WHERE ($1::text IS NULL OR c.tenant_id = $1)`,
        [this.tenantId],
      )
    ).rows;
  }

  async deadBatches(limit = 20): Promise<DeadBatchRow[]> {
    return (
      await this.db.query<DeadBatchRow>(
        `SELECT b.id::text AS id, b.connection_id, b.received_at, b.event_count, b.attempts, b.last_error, b.dead_at
       FROM webhook_batches b JOIN connections c ON c.id = b.connection_id
       WHERE b.dead_at IS NOT NULL AND ($1::text IS NULL OR c.tenant_id = $1) ORDER BY b.dead_at DESC LIMIT $2`,
        [this.tenantId, limit],
      )
    ).rows;
  }

  /** The suggestions feed, newest first, with outcomes and the CRM link of what was written. */
  async feed(f: FeedFilter): Promise<FeedSuggestionRow[]> {
    return (
      await this.db.query<FeedSuggestionRow>(
        `SELECT s.id, s.connection_id, c.provider, s.type, s.status, s.deal_id, s.owner_id, s.payload, s.verdicts, s.repair, s.model, s.tier,
              s.cost_usd::text AS cost_usd, s.confidence, s.created_at,
              coalesce((SELECT array_agg(x.outcome ORDER BY x.id) FROM suggestion_outcomes x WHERE x.suggestion_id = s.id), '{}') AS outcomes,
              (SELECT o.crm_url FROM writeback_outbox o WHERE o.suggestion_id = s.id AND o.status = 'done' ORDER BY o.id LIMIT 1) AS crm_url,
              coalesce((SELECT array_agg(o.action || ':' || o.crm_id ORDER BY o.id) FROM writeback_outbox o WHERE o.suggestion_id = s.id AND o.status = 'done' AND o.crm_id IS NOT NULL), '{}') AS writes,
              d.data->>'url' AS deal_url, d.data->>'name' AS deal_name
       FROM suggestions s JOIN connections c ON c.id = s.connection_id
       LEFT JOIN records d ON d.connection_id = s.connection_id AND d.kind = 'deal' AND d.external_id = s.deal_id
       WHERE ($1::text IS NULL OR s.tenant_id = $1) AND ($2::text IS NULL OR s.status = $2) AND ($3::text IS NULL OR s.type = $3)
         AND ($4::text IS NULL OR s.owner_id = $4) AND ($5::text IS NULL OR s.deal_id = $5)
         AND ($6::timestamptz IS NULL OR s.created_at >= $6) AND ($7::timestamptz IS NULL OR s.created_at < $7)
       ORDER BY s.created_at DESC, s.id LIMIT $8`,
        [
          this.tenantId,
          f.status ?? null,
          f.type ?? null,
          f.owner ?? null,
          f.deal ?? null,
          f.since ?? null,
          f.until ?? null,
          f.limit,
        ],
      )
    ).rows;
  }

  /** Values the feed's filters offer. */
  async feedFacets(): Promise<{ statuses: string[]; types: string[]; owners: string[]; held: number }> {
    const r = await this.db.query<{
      statuses: string[] | null;
      types: string[] | null;
      owners: string[] | null;
      held: number;
    }>(
      `SELECT array_agg(DISTINCT status) AS statuses, array_agg(DISTINCT type) AS types, array_agg(DISTINCT owner_id) FILTER (WHERE owner_id IS NOT NULL) AS owners,
              count(*) FILTER (WHERE status = 'review')::int AS held
       FROM suggestions WHERE ($1::text IS NULL OR tenant_id = $1)`,
      [this.tenantId],
    );
    const row = r.rows[0];
    return {
      statuses: row?.statuses ?? [],
      types: row?.types ?? [],
      owners: (row?.owners ?? []).slice(0, 200),
      held: Number(row?.held ?? 0),
    };
  }

  /**
   * Outcomes per UTC day since `since`, by suggestion type and rep. With `editedAbove`, a draft sent with more than
   * that normalized edit distance from ours is counted as `draft_sent_edited` instead of `draft_sent`.
   */
  async outcomesByDay(since: Date, editedAbove: number | null = null): Promise<OutcomeDayRow[]> {
    return (
      await this.db.query<OutcomeDayRow>(
        `SELECT to_char(date_trunc('day', x.occurred_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day, s.type, s.owner_id,
              CASE WHEN x.outcome = 'draft_sent' AND $3::float8 IS NOT NULL AND x.edit_distance > $3::float8 THEN 'draft_sent_edited' ELSE x.outcome END AS outcome,
              count(*)::int AS n
       FROM suggestion_outcomes x JOIN suggestions s ON s.id = x.suggestion_id
       WHERE x.occurred_at >= $2 AND ($1::text IS NULL OR s.tenant_id = $1)
       GROUP BY 1, 2, 3, 4 ORDER BY 1`,
        [this.tenantId, since, editedAbove],
      )
    ).rows;
  }

  /** Every retraining of the tenant's models since `since` (tenant_model_history), oldest first. */
  async modelHistory(since: Date): Promise<ModelHistoryRow[]> {
    return (
      await this.db.query<ModelHistoryRow>(
        `SELECT tenant_id, kind, model_name, rows, positives, validation_auc, metrics, trained_at FROM tenant_model_history
       WHERE trained_at >= $2 AND ($1::text IS NULL OR tenant_id = $1) ORDER BY trained_at, id`,
        [this.tenantId, since],
      )
    ).rows;
  }

  /**
   * Webhook events quarantined because they failed validation (the dead letters of the intake path), newest first,
   * for the tenant's own connections. Events naming no installed account have no tenant: only the operator sees them.
   */
  async quarantined(limit = 20): Promise<QuarantinedEventRow[]> {
    return (
      await this.db.query<QuarantinedEventRow>(
        `SELECT q.id::text AS id, q.provider, q.account_id, q.connection_id, q.reason, q.received_at, left(q.payload::text, 300) AS payload_head
       FROM webhook_quarantine q LEFT JOIN connections c ON c.id = q.connection_id
       WHERE ($1::text IS NULL OR c.tenant_id = $1) ORDER BY q.id DESC LIMIT $2`,
        [this.tenantId, limit],
      )
    ).rows;
  }

  /** Quarantined webhook events per connection of the tenant. */
  async quarantineCounts(): Promise<{ connection_id: string; n: number; last_at: Date }[]> {
    return (
      await this.db.query<{ connection_id: string; n: number; last_at: Date }>(
        `SELECT q.connection_id, count(*)::int AS n, max(q.received_at) AS last_at FROM webhook_quarantine q JOIN connections c ON c.id = q.connection_id
       WHERE ($1::text IS NULL OR c.tenant_id = $1) GROUP BY q.connection_id`,
        [this.tenantId],
      )
    ).rows;
  }

  /** Suggestions dismissed in review (status dismissed) per day, when the review queue records them. */
  async suggestionsByDay(since: Date): Promise<{ day: string; status: string; n: number }[]> {
    return (
      await this.db.query<{ day: string; status: string; n: number }>(
        `SELECT to_char(date_trunc('day', created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day, status, count(*)::int AS n
       FROM suggestions WHERE created_at >= $2 AND ($1::text IS NULL OR tenant_id = $1) GROUP BY 1, 2 ORDER BY 1`,
        [this.tenantId, since],
      )
    ).rows;
  }

  /**
   * The shared request budgets (src/sync/rate-pacer.ts) whose keys start with one of these prefixes
   * (`provider:accountId:`, built by the caller from the tenant's own connections).
   */
  async rateBuckets(prefixes: string[], nowMs: number): Promise<RateBucketRow[]> {
    if (prefixes.length === 0) return [];
    return (
      await this.db.query<RateBucketRow>(
        `SELECT bucket_key, capacity, refill_per_ms, tokens, updated_ms::float8 AS updated_ms, blocked_until_ms::float8 AS blocked_until_ms,
              daily_remaining::float8 AS daily_remaining, calls::float8 AS calls, throttled::float8 AS throttled, window_ms,
              (SELECT count(*) FROM unnest(b.slots) s WHERE s > $2::float8 - b.window_ms)::float8 AS in_window
       FROM rate_buckets b WHERE EXISTS (SELECT 1 FROM unnest($1::text[]) AS p(prefix) WHERE starts_with(b.bucket_key, p.prefix))
       ORDER BY bucket_key`,
        [prefixes, nowMs],
      )
    ).rows;
  }

  /** The tenant's current models (quality per tenant: AUC, calibration, rows) as stored by the last retraining. */
  async models(): Promise<ModelHistoryRow[]> {
    return (
      await this.db.query<ModelHistoryRow>(
        `SELECT tenant_id, kind, model_name, rows, positives, validation_auc, metrics, trained_at FROM tenant_models
       WHERE ($1::text IS NULL OR tenant_id = $1) ORDER BY tenant_id, kind`,
        [this.tenantId],
      )
    ).rows;
  }
}
