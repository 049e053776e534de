import type { RuleVerdict, Suggestion } from '../core/suggestion.js';
import type { Queryable } from './db.js';
import { storableJson } from '../lib/storable.js';

/**
 * suppressed: held back by the rep's feedback (src/feedback/suppression.ts); it does not count toward the daily cap.
 * withdrawn: closeloop closed it because the situation no longer holds; dismissed: a reviewer turned it down;
 * done_by_rep: the rep completed or deleted its task.
 */
export type SuggestionStatus =
  | 'allowed'
  | 'review'
  | 'blocked'
  | 'written'
  | 'write_failed'
  | 'suppressed'
  | 'withdrawn'
  | 'dismissed'
  | 'done_by_rep';
export interface SuggestionRow {
  id: string;
  tenant_id: string;
  connection_id: string;
  type: string;
  dedupe_key: string;
  deal_id: string | null;
  owner_id: string | null;
  status: SuggestionStatus;
  payload: Suggestion;
  verdicts: RuleVerdict[];
  created_at: Date;
  situation_key: string | null;
  live: boolean;
  closed_reason: string | null;
  closed_at: Date | null;
  /** Withdrawn because of a CRM change that can be undone (migrations/0490): its evidence may raise it again. */
  reopenable: boolean;
  updated_at: Date;
}

/** Statuses that keep a situation's suggestion live (open for updates). */
export const LIVE_STATUSES: ReadonlySet<SuggestionStatus> = new Set(['allowed', 'review', 'written']);

export class SuggestionRepo {
  constructor(private readonly db: Queryable) {}

  /** Inserts unless the same situation (dedupe key) was already suggested. Returns false on a duplicate. */
  async insert(
    s: Suggestion,
    status: SuggestionStatus,
    verdicts: RuleVerdict[],
    context: unknown = null,
    repair: unknown = null,
    situationKey: string | null = null,
  ): Promise<boolean> {
    const r = await this.db.query(
      `INSERT INTO suggestions (id, tenant_id, connection_id, type, dedupe_key, deal_id, owner_id, status, payload, verdicts, model, tier, cost_usd, confidence, created_at, context, repair, situation_key, live)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9::jsonb,$10::jsonb,$11,$12,$13,$14,$15,$16::jsonb,$17::jsonb,$18,$19)
       ON CONFLICT DO NOTHING`,
      [
        s.id,
        s.tenantId,
        s.connectionId,
        s.type,
        s.dedupeKey,
        s.dealId,
        s.ownerId,
        status,
        storableJson(s),
        storableJson(verdicts),
        s.explanation.model,
        s.explanation.tier,
        s.explanation.costUsd,
        s.explanation.confidence,
        s.createdAt,
        context === null ? null : storableJson(context),
        repair === null ? null : storableJson(repair),
        situationKey,
        situationKey !== null && LIVE_STATUSES.has(status),
      ],
    );
    return r.affectedRows === 1;
  }

  /** The live suggestion of a situation, if any (row-locked when `forUpdate`, inside a transaction). */
  async live(tenantId: string, situationKey: string, forUpdate = false): Promise<SuggestionRow | null> {
    return (
      (
        await this.db.query<SuggestionRow>(
          `SELECT * FROM suggestions WHERE tenant_id = $1 AND situation_key = $2 AND live${forUpdate ? ' FOR UPDATE' : ''}`,
          [tenantId, situationKey],
        )
      ).rows[0] ?? null
    );
  }

  /** Every live suggestion whose situation is one of `keys`. */
  async liveIn(tenantId: string, keys: string[]): Promise<SuggestionRow[]> {
    if (keys.length === 0) return [];
    return (
      await this.db.query<SuggestionRow>(
        'SELECT * FROM suggestions WHERE tenant_id = $1 AND situation_key = ANY($2::text[]) AND live',
        [tenantId, keys],
      )
    ).rows;
  }

  /**
   * Earlier suggestions of a situation (closed, not withdrawn) whose draft reached the CRM and was never withdrawn:
   * the rep finished the task but the email may still sit there, unsent, beside a newer one.
   */
  async closedWithOpenDraft(tenantId: string, situationKey: string, exceptId: string): Promise<SuggestionRow[]> {
    return (
      await this.db.query<SuggestionRow>(
        `SELECT s.* FROM suggestions s WHERE s.tenant_id = $1 AND s.situation_key = $2 AND NOT s.live AND s.id <> $3 AND s.status <> 'withdrawn'
         AND EXISTS (SELECT 1 FROM writeback_outbox o WHERE o.suggestion_id = s.id AND o.action = 'create_draft_email' AND o.status = 'done')
         AND NOT EXISTS (SELECT 1 FROM writeback_outbox o WHERE o.suggestion_id = s.id AND o.action = 'withdraw_draft')`,
        [tenantId, situationKey, exceptId],
      )
    ).rows;
  }

  /**
   * Suggestions of these situations whose task the rep deleted (an outcome `task_deleted`) while their draft, written
   * to the CRM, was never withdrawn: the deletion said the suggestion was unwanted, and its draft would linger.
   */
  async taskDeletedWithOpenDraft(tenantId: string, situationKeys: string[]): Promise<SuggestionRow[]> {
    if (situationKeys.length === 0) return [];
    return (
      await this.db.query<SuggestionRow>(
        `SELECT s.* FROM suggestions s WHERE s.tenant_id = $1 AND s.situation_key = ANY($2::text[]) AND NOT s.live
         AND s.status = 'done_by_rep'
         AND EXISTS (SELECT 1 FROM suggestion_outcomes f WHERE f.suggestion_id = s.id AND f.outcome = 'task_deleted')
         AND EXISTS (SELECT 1 FROM writeback_outbox o WHERE o.suggestion_id = s.id AND o.action = 'create_draft_email' AND o.status = 'done')
         AND NOT EXISTS (SELECT 1 FROM writeback_outbox o WHERE o.suggestion_id = s.id AND o.action = 'withdraw_draft')`,
        [tenantId, situationKeys],
      )
    ).rows;
  }

  /**
   * Whether another live suggestion, on one of the deals the email is on now, holds a draft replying to it, never
   * withdrawn (an email logged on two deals is answered once; one moved to another deal is answered there).
   */
  async liveDraftReplyingTo(
    connectionId: string,
    emailId: string,
    exceptId: string,
    onDeals: string[],
  ): Promise<boolean> {
    const r = await this.db.query(
      `SELECT 1 FROM suggestions s WHERE s.connection_id = $1 AND s.live AND s.id <> $3 AND s.deal_id = ANY($4::text[])
         AND s.payload -> 'draft' -> 'inReplyTo' ->> 'externalId' = $2
         AND NOT EXISTS (SELECT 1 FROM writeback_outbox o WHERE o.suggestion_id = s.id AND o.action = 'withdraw_draft')
       LIMIT 1`,
      [connectionId, emailId, exceptId, onDeals],
    );
    return r.rows.length > 0;
  }

  /**
   * Whether a suggestion on another deal had a draft answering this email that was withdrawn (its deal closed or was
   * deleted): the reply that deal held back for this email is no longer on its way.
   */
  async withdrawnDraftReplyingTo(connectionId: string, emailId: string, exceptDealId: string): Promise<boolean> {
    const r = await this.db.query(
      `SELECT 1 FROM suggestions s WHERE s.connection_id = $1 AND NOT s.live AND s.deal_id IS DISTINCT FROM $3
         AND s.payload -> 'draft' -> 'inReplyTo' ->> 'externalId' = $2
         AND EXISTS (SELECT 1 FROM writeback_outbox o WHERE o.suggestion_id = s.id AND o.action = 'withdraw_draft')
       LIMIT 1`,
      [connectionId, emailId, exceptDealId],
    );
    return r.rows.length > 0;
  }

  /**
   * liveDraftReplyingTo under a transaction-scoped lock on the email: two transactions inserting drafts that answer the
   * same email run one after the other, and the second sees the first's (call inside the inserting transaction).
   */
  async lockedLiveDraftReplyingTo(
    connectionId: string,
    emailId: string,
    exceptId: string,
    onDeals: string[],
  ): Promise<boolean> {
    await this.db.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`reply:${connectionId}:${emailId}`]);
    return this.liveDraftReplyingTo(connectionId, emailId, exceptId, onDeals);
  }

  /** Evidence (record kind:id) of the situation's earlier, closed suggestions: signals already dealt with. */
  async closedEvidence(tenantId: string, situationKey: string): Promise<Set<string>> {
    const r = await this.db.query<{ k: string }>(
      `SELECT DISTINCT (e ->> 'recordKind') || ':' || (e ->> 'externalId') AS k FROM suggestions s, jsonb_array_elements(s.payload -> 'evidence') e
       WHERE s.tenant_id = $1 AND s.situation_key = $2 AND NOT s.live AND NOT s.reopenable`,
      [tenantId, situationKey],
    );
    return new Set(r.rows.map((x) => x.k));
  }

  /**
   * Suggestions of a situation whose task the rep completed (an outcome `task_completed`) before `before` may raise it
   * again: their evidence is no longer "dealt with" (a stale deal still quiet a full period after the rep ticked off the
   * follow-up needs another). Returns how many.
   */
  async reopenCompletedBefore(tenantId: string, situationKey: string, before: Date): Promise<number> {
    const r = await this.db.query(
      `UPDATE suggestions s SET reopenable = true, updated_at = now()
       WHERE s.tenant_id = $1 AND s.situation_key = $2 AND NOT s.live AND NOT s.reopenable AND s.status = 'done_by_rep'
       AND s.closed_at < $3
       AND EXISTS (SELECT 1 FROM suggestion_outcomes f WHERE f.suggestion_id = s.id AND f.outcome = 'task_completed')`,
      [tenantId, situationKey, before],
    );
    return r.affectedRows;
  }

  /** New payload (evidence appended, text re-rendered) for a live suggestion. */
  async updatePayload(id: string, s: Suggestion, verdicts: RuleVerdict[] | null = null): Promise<void> {
    await this.db.query(
      'UPDATE suggestions SET payload = $2::jsonb, verdicts = coalesce($3::jsonb, verdicts), confidence = $4, owner_id = $5, updated_at = now() WHERE id = $1',
      [id, storableJson(s), verdicts === null ? null : storableJson(verdicts), s.explanation.confidence, s.ownerId],
    );
  }

  /**
   * The situation is over for this suggestion: it stops being live, with the one-line reason. `reopenable`: closed
   * because of a CRM change that can be undone, so the same evidence may raise the situation again.
   */
  async close(id: string, status: SuggestionStatus, reason: string, reopenable = false): Promise<boolean> {
    const r = await this.db.query(
      'UPDATE suggestions SET live = false, status = $2, closed_reason = $3, reopenable = $4, closed_at = now(), updated_at = now() WHERE id = $1 AND live',
      [id, status, reason, reopenable],
    );
    return r.affectedRows === 1;
  }

  /** Suggestions held for review, newest first (tenant-scoped). */
  async listByStatus(
    tenantId: string,
    status: SuggestionStatus,
    limit = 100,
  ): Promise<(SuggestionRow & { repair: unknown })[]> {
    return (
      await this.db.query<SuggestionRow & { repair: unknown }>(
        'SELECT * FROM suggestions WHERE tenant_id = $1 AND status = $2 ORDER BY created_at DESC LIMIT $3',
        [tenantId, status, limit],
      )
    ).rows;
  }

  async get(id: string): Promise<(SuggestionRow & { repair: unknown }) | null> {
    return (
      (await this.db.query<SuggestionRow & { repair: unknown }>('SELECT * FROM suggestions WHERE id = $1', [id]))
        .rows[0] ?? null
    );
  }

  /**
   * The dedupe key a new suggestion of this situation and evidence takes: `base` the first time; after reopenable
   * withdrawals only (the deal reopened, the record restored), the next of `base#again2`, `base#again3`... up to
   * `most` in all; null while any earlier one stands otherwise (live, done by the rep, dismissed, resolved) or at the
   * cap (a change undone again and again does not keep writing tasks). Two workers computing it at once pick the
   * same key, and the unique key lets one insert.
   */
  async freeDedupeKey(connectionId: string, base: string, most = 4): Promise<string | null> {
    const r = await this.db.query<{ n: number; settled: number }>(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE live OR NOT reopenable)::int AS settled FROM suggestions
       WHERE connection_id = $1 AND (dedupe_key = $2 OR starts_with(dedupe_key, $2 || '#again'))`,
      [connectionId, base],
    );
    const { n, settled } = r.rows[0] ?? { n: 0, settled: 0 };
    if (n === 0) return base;
    return settled > 0 || n >= most ? null : `${base}#again${n + 1}`;
  }

  /** A status change; leaving the live statuses (a failed write) also ends the suggestion's live state. */
  /**
   * Inside a review action's transaction, before it writes: true when the suggestion is still held for review. The
   * row stays locked to the end of the transaction, so of two reviewers acting at once the second waits and is told
   * it is no longer held (false) instead of overwriting the first's decision.
   */
  async claimHeld(id: string): Promise<boolean> {
    const r = await this.db.query("UPDATE suggestions SET updated_at = now() WHERE id = $1 AND status = 'review'", [
      id,
    ]);
    return r.affectedRows === 1;
  }

  async setStatus(id: string, status: SuggestionStatus): Promise<void> {
    await this.db.query('UPDATE suggestions SET status = $2, live = live AND $3, updated_at = now() WHERE id = $1', [
      id,
      status,
      LIVE_STATUSES.has(status),
    ]);
  }

  /** Suggestions that passed the rules for this rep since the start of the UTC day of `now` (per-rep daily cap). */
  /** Suggestions made for this owner since `dayStart` (the start of their day: src/lib/dates.ts startOfLocalDay). */
  async countForOwnerOnDay(connectionId: string, ownerId: string | null, dayStart: number): Promise<number> {
    const day = new Date(dayStart);
    const r = await this.db.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM suggestions WHERE connection_id = $1 AND owner_id IS NOT DISTINCT FROM $2 AND created_at >= $3 AND status IN ('allowed','written')`,
      [connectionId, ownerId, day],
    );
    return Number(r.rows[0]?.n ?? 0);
  }

  async listSince(since: Date, limit = 1000): Promise<SuggestionRow[]> {
    return (
      await this.db.query<SuggestionRow>(
        'SELECT * FROM suggestions WHERE created_at >= $1 ORDER BY created_at LIMIT $2',
        [since, limit],
      )
    ).rows;
  }

  async countsByStatus(): Promise<Record<string, number>> {
    const r = await this.db.query<{ status: string; n: string }>(
      'SELECT status, count(*)::text AS n FROM suggestions GROUP BY status',
    );
    return Object.fromEntries(r.rows.map((x) => [x.status, Number(x.n)]));
  }
}
