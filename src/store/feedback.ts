import type { Queryable } from './db.js';
import { storableJson } from '../lib/storable.js';

export interface WrittenRow {
  outbox_id: string;
  suggestion_id: string;
  tenant_id: string;
  connection_id: string;
  action: 'create_task' | 'create_draft_email';
  crm_id: string;
  payload: any;
  done_at: Date;
  type: string;
  owner_id: string | null;
  deal_id: string | null;
}

export interface OutcomeInsert {
  suggestionId: string;
  tenantId: string;
  connectionId: string;
  outboxId: string | null;
  target: string;
  outcome: string;
  editDistance: number | null;
  detail: Record<string, unknown>;
  occurredAt: string | Date;
}

export interface ReportRow {
  id: string;
  type: string;
  owner_id: string | null;
  status: string;
  verdicts: { rule: string; passed: boolean }[];
  repair: any;
  created_at: Date;
  outcomes: string[];
  edit_distances: number[];
}

// Same lists as src/feedback/outcomes.ts (the store imports nothing upward).
const POSITIVE = ['task_completed', 'draft_sent', 'card_useful', 'card_done'];
const NEGATIVE = ['task_deleted', 'task_overdue', 'draft_discarded', 'card_not_useful'];
/** Outcomes that reject what a suggestion said (an overdue task does not: the rep may simply not have got to it). */
const SIGNAL_NEGATIVE = ['task_deleted', 'draft_discarded', 'card_not_useful', 'review_dismissed'];

const WRITTEN_COLUMNS = `o.id::text AS outbox_id, o.suggestion_id, s.tenant_id, o.connection_id, o.action, o.crm_id, o.payload, o.done_at, s.type, s.owner_id, s.deal_id`;

/** Outcomes of written-back suggestions (src/feedback) and the aggregates the loop and the report read. */
export class FeedbackRepo {
  constructor(private readonly db: Queryable) {}

  /** Write-backs that created one of these CRM records. */
  async writtenByCrmIds(connectionId: string, crmIds: string[]): Promise<WrittenRow[]> {
    if (crmIds.length === 0) return [];
    return (
      await this.db.query<WrittenRow>(
        `SELECT ${WRITTEN_COLUMNS} FROM writeback_outbox o JOIN suggestions s ON s.id = o.suggestion_id
       WHERE o.connection_id = $1 AND o.status = 'done' AND o.crm_id = ANY($2::text[]) AND o.action IN ('create_task','create_draft_email') AND s.status <> 'withdrawn'`,
        [connectionId, crmIds],
      )
    ).rows;
  }

  /**
   * Drafts written before `before`, not yet matched to a sent email, addressed to these contacts or about these deals.
   */
  async unsentDrafts(
    connectionId: string,
    contactIds: string[],
    dealIds: string[],
    before: Date,
  ): Promise<WrittenRow[]> {
    if (contactIds.length === 0 && dealIds.length === 0) return [];
    return (
      await this.db.query<WrittenRow>(
        `SELECT ${WRITTEN_COLUMNS} FROM writeback_outbox o JOIN suggestions s ON s.id = o.suggestion_id
       WHERE o.connection_id = $1 AND o.status = 'done' AND o.action = 'create_draft_email' AND o.done_at <= $4
         AND ((o.payload -> 'toContactIds') ?| $2::text[] OR (o.payload ->> 'dealId') = ANY($3::text[]))
         AND NOT EXISTS (SELECT 1 FROM suggestion_outcomes x WHERE x.suggestion_id = o.suggestion_id AND x.target = o.crm_id AND x.outcome IN ('draft_sent','draft_discarded'))
       ORDER BY o.done_at DESC LIMIT 50`,
        [connectionId, contactIds, dealIds, before],
      )
    ).rows;
  }

  /** Suggestions about this deal that were written back, with when. */
  async writtenForDeal(
    connectionId: string,
    dealId: string,
  ): Promise<{ suggestion_id: string; tenant_id: string; written_at: Date }[]> {
    return (
      await this.db.query<any>(
        `SELECT s.id AS suggestion_id, s.tenant_id, min(o.done_at) AS written_at FROM suggestions s JOIN writeback_outbox o ON o.suggestion_id = s.id
       WHERE s.connection_id = $1 AND s.deal_id = $2 AND o.status = 'done' GROUP BY s.id, s.tenant_id`,
        [connectionId, dealId],
      )
    ).rows;
  }

  /** Record one outcome; false when it was already recorded. */
  async record(o: OutcomeInsert): Promise<boolean> {
    const r = await this.db.query(
      `INSERT INTO suggestion_outcomes (suggestion_id, tenant_id, connection_id, outbox_id, target, outcome, edit_distance, detail, occurred_at)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8::jsonb,$9) ON CONFLICT (suggestion_id, target, outcome) DO NOTHING`,
      [
        o.suggestionId,
        o.tenantId,
        o.connectionId,
        o.outboxId,
        o.target,
        o.outcome,
        o.editDistance,
        storableJson(o.detail),
        o.occurredAt,
      ],
    );
    return r.affectedRows === 1;
  }

  /** Write-backs whose CRM record we hold as archived (deleted in the CRM) and that have no deletion outcome yet. */
  async archivedWritten(connectionId: string): Promise<(WrittenRow & { archived_at: Date })[]> {
    return (
      await this.db.query<any>(
        `SELECT ${WRITTEN_COLUMNS}, r.synced_at AS archived_at FROM writeback_outbox o JOIN suggestions s ON s.id = o.suggestion_id
         JOIN records r ON r.connection_id = o.connection_id AND r.external_id = o.crm_id AND r.kind IN ('task','email')
       WHERE o.connection_id = $1 AND o.status = 'done' AND r.archived AND o.action IN ('create_task','create_draft_email') AND s.status <> 'withdrawn'
         AND NOT EXISTS (SELECT 1 FROM suggestion_outcomes x WHERE x.suggestion_id = o.suggestion_id AND x.target = o.crm_id
                         AND x.outcome IN ('task_deleted','draft_discarded'))`,
        [connectionId],
      )
    ).rows;
  }

  /**
   * Write-backs with no outcome on their target yet that are past due: a task whose due date passed more than
   * `taskGraceMs` ago and is not completed, a draft written more than `draftGraceMs` ago and never sent.
   */
  async overdue(
    now: Date,
    taskGraceMs: number,
    draftGraceMs: number,
  ): Promise<(WrittenRow & { status: string | null })[]> {
    return (
      await this.db.query<any>(
        `SELECT ${WRITTEN_COLUMNS}, r.data ->> 'status' AS status FROM writeback_outbox o JOIN suggestions s ON s.id = o.suggestion_id
         LEFT JOIN records r ON r.connection_id = o.connection_id AND r.external_id = o.crm_id AND r.kind IN ('task','email')
       WHERE o.status = 'done' AND NOT coalesce(r.archived, false) AND o.action IN ('create_task','create_draft_email') AND s.status <> 'withdrawn'
         AND NOT EXISTS (SELECT 1 FROM suggestion_outcomes x WHERE x.suggestion_id = o.suggestion_id AND x.target = o.crm_id)
         AND CASE WHEN o.action = 'create_task'
                  THEN coalesce((r.data ->> 'dueAt')::timestamptz, (o.payload ->> 'dueAt')::timestamptz) < $1
                  ELSE o.done_at < $2 END
       LIMIT 1000`,
        [new Date(now.getTime() - taskGraceMs), new Date(now.getTime() - draftGraceMs)],
      )
    ).rows;
  }

  /**
   * For the per-rep suppression: this rep's outcomes on this type, and how many were held back since one was last
   * shown.
   */
  async repTypeHistory(
    connectionId: string,
    ownerId: string | null,
    type: string,
    since: Date,
  ): Promise<{ accepted: number; ignored: number; skippedSinceShown: number }> {
    const counts = (
      await this.db.query<{ accepted: string; ignored: string }>(
        `WITH per AS (
         SELECT s.id, bool_or(x.outcome = ANY($5::text[])) AS pos, bool_or(x.outcome = ANY($6::text[])) AS neg
         FROM suggestions s JOIN suggestion_outcomes x ON x.suggestion_id = s.id
         WHERE s.connection_id = $1 AND s.owner_id IS NOT DISTINCT FROM $2 AND s.type = $3 AND s.created_at >= $4
         GROUP BY s.id)
       SELECT count(*) FILTER (WHERE pos)::text AS accepted, count(*) FILTER (WHERE neg AND NOT pos)::text AS ignored FROM per`,
        [connectionId, ownerId, type, since, POSITIVE, NEGATIVE],
      )
    ).rows[0];
    const recent = (
      await this.db.query<{ status: string }>(
        `SELECT status FROM suggestions WHERE connection_id = $1 AND owner_id IS NOT DISTINCT FROM $2 AND type = $3 AND status IN ('allowed','written','write_failed','suppressed')
       ORDER BY created_at DESC, id DESC LIMIT 50`,
        [connectionId, ownerId, type],
      )
    ).rows;
    let skipped = 0;
    for (const r of recent) {
      if (r.status !== 'suppressed') break;
      skipped++;
    }
    return {
      accepted: Number(counts?.accepted ?? 0),
      ignored: Number(counts?.ignored ?? 0),
      skippedSinceShown: skipped,
    };
  }

  /**
   * Per suggestion type, for a tenant: suggestions acted on and ignored since `since` (the usefulness re-weighting).
   */
  async typeCounts(tenantId: string, since: Date): Promise<{ type: string; accepted: number; ignored: number }[]> {
    return (
      await this.db.query<any>(
        `WITH per AS (
         SELECT s.id, s.type, bool_or(x.outcome = ANY($3::text[])) AS pos, bool_or(x.outcome = ANY($4::text[])) AS neg
         FROM suggestions s JOIN suggestion_outcomes x ON x.suggestion_id = s.id
         WHERE s.tenant_id = $1 AND s.created_at >= $2 GROUP BY s.id, s.type)
       SELECT type, (count(*) FILTER (WHERE pos))::int AS accepted, (count(*) FILTER (WHERE neg AND NOT pos))::int AS ignored FROM per GROUP BY type`,
        [tenantId, since, POSITIVE, NEGATIVE],
      )
    ).rows.map((r: any) => ({ type: r.type, accepted: Number(r.accepted), ignored: Number(r.ignored) }));
  }

  /**
   * Quoted sentences of the tenant's judged suggestions of these types since `since`, for fine-tuning its signal
   * models (src/inference/signals/tenant-model.ts): confirmed when the rep acted on the suggestion or said it was
   * useful, rejected when they deleted, discarded, dismissed it or said it was not useful; a task left overdue says
   * nothing about the sentence and a suggestion with both kinds of outcome is left out. Only quotes of message text
   * (evidence field `body`), newest first, at most `limit`.
   */
  async signalLabels(
    tenantId: string,
    types: string[],
    since: Date,
    limit = 5000,
  ): Promise<{ suggestionType: string; quote: string; confirmed: boolean }[]> {
    return (
      await this.db.query<{ type: string; quote: string; pos: boolean }>(
        `WITH per AS (
         SELECT s.id, s.type, s.payload, max(x.occurred_at) AS at, bool_or(x.outcome = ANY($4::text[])) AS pos, bool_or(x.outcome = ANY($5::text[])) AS neg
         FROM suggestions s JOIN suggestion_outcomes x ON x.suggestion_id = s.id
         WHERE s.tenant_id = $1 AND s.type = ANY($2::text[]) AND x.occurred_at >= $3
         GROUP BY s.id)
       SELECT per.type, e ->> 'quote' AS quote, per.pos FROM per
         CROSS JOIN LATERAL jsonb_array_elements(coalesce(per.payload -> 'evidence', '[]'::jsonb)) e
       WHERE per.pos <> per.neg AND e ->> 'field' = 'body' AND coalesce(e ->> 'quote', '') <> ''
       ORDER BY per.at DESC, per.id LIMIT $6`,
        [tenantId, types, since, POSITIVE, SIGNAL_NEGATIVE, limit],
      )
    ).rows.map((r) => ({ suggestionType: r.type, quote: r.quote, confirmed: r.pos }));
  }

  /** Every suggestion judged since `since`, with its outcomes (the acceptance report). */
  async reportRows(since: Date, tenantId: string | null = null): Promise<ReportRow[]> {
    return (
      await this.db.query<ReportRow>(
        `SELECT s.id, s.type, s.owner_id, s.status, s.verdicts, s.repair, s.created_at,
              coalesce(array_agg(x.outcome) FILTER (WHERE x.outcome IS NOT NULL), '{}') AS outcomes,
              coalesce(array_agg(x.edit_distance) FILTER (WHERE x.edit_distance IS NOT NULL), '{}') AS edit_distances
       FROM suggestions s LEFT JOIN suggestion_outcomes x ON x.suggestion_id = s.id
       WHERE s.created_at >= $1 AND ($2::text IS NULL OR s.tenant_id = $2)
       GROUP BY s.id ORDER BY s.created_at`,
        [since, tenantId],
      )
    ).rows.map((r) => ({ ...r, edit_distances: (r.edit_distances ?? []).map(Number) }));
  }

  async outcomesFor(
    suggestionId: string,
  ): Promise<{ target: string; outcome: string; edit_distance: number | null; occurred_at: Date }[]> {
    return (
      await this.db.query<any>(
        'SELECT target, outcome, edit_distance, occurred_at FROM suggestion_outcomes WHERE suggestion_id = $1 ORDER BY id',
        [suggestionId],
      )
    ).rows;
  }
}
