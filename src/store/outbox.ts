import { isSealed, type SealedWrite } from '../core/gated-write.js';
import type { Queryable } from './db.js';
import { storableJson } from '../lib/storable.js';

/**
 * create_*: the first write of a suggestion; update_task: new evidence on its open task; close_task /
 * withdraw_draft: closeloop withdraws them (the situation no longer holds); update_draft: its draft written again after
 * the CRM renamed or re-addressed what it names. The last four act on the CRM id the
 * suggestion's create row stored.
 */
export type OutboxAction =
  'create_task' | 'create_draft_email' | 'update_task' | 'close_task' | 'withdraw_draft' | 'update_draft';

export interface OutboxRow {
  id: string;
  /** Null for a retraction: it closes `target_crm_id` after the suggestions behind it were erased (src/privacy/erase.ts). */
  suggestion_id: string | null;
  /** A retraction's task or draft in the CRM. */
  target_crm_id: string | null;
  connection_id: string;
  action: OutboxAction;
  idempotency_key: string;
  payload: any;
  status: 'pending' | 'done' | 'failed' | 'skipped';
  attempts: number;
  last_error: string | null;
  crm_id: string | null;
  crm_url: string | null;
  created_at: Date;
  done_at: Date | null;
  /** Set while the row waits for its connection (paused, or needing a reinstall); the sweep resumes it. */
  parked_reason: string | null;
  /** When its job is due (a retry at the provider's time); null: due at once. */
  next_attempt_at: Date | null;
  /** Set before each CRM write starts; non-null on a later attempt means the earlier one may have written. */
  send_started_at: Date | null;
  /** An attempt's CRM call is in flight until then (extended by heartbeat); see claim(). */
  claimed_until: Date | null;
  claim_token: string | null;
  /** The last call ended without an answer; the next attempt waits for the CRM to settle, then looks up first. */
  in_doubt_since: Date | null;
  /** When the change behind this write reached closeloop (a webhook's receipt); null for scans and polls. */
  received_at: Date | null;
}

/**
 * A connection that may write now: active, or paused with the pause over, and no setup problem outstanding (from the
 * install check or from a write the account refused).
 */
const CAN_WRITE = `(c.status = 'active' OR (c.status = 'paused' AND (c.paused_until IS NULL OR c.paused_until <= $1)))
  AND coalesce(jsonb_array_length(c.setup_issues), 0) = 0 AND coalesce(jsonb_array_length(c.write_issues), 0) = 0`;

export class OutboxRepo {
  constructor(private readonly db: Queryable) {}

  /**
   * Queue a write once: the idempotency key is unique, a second insert is a no-op. Returns the row id.
   * Only a write sealed by the output gate (src/guardrails/output-gate.ts) is accepted: nothing reaches
   * the CRM that the gate has not seen exactly as it will be written.
   */
  async enqueue(o: {
    suggestionId: string;
    connectionId: string;
    idempotencyKey: string;
    write: SealedWrite;
    receivedAt?: number | null;
  }): Promise<string | null> {
    if (!isSealed(o.write)) throw new Error('outbox: refusing a write that did not pass the output gate');
    const { action, payload } = o.write;
    const r = await this.db.query<{ id: string }>(
      `INSERT INTO writeback_outbox (suggestion_id, connection_id, action, idempotency_key, payload, received_at) VALUES ($1,$2,$3,$4,$5::jsonb,$6)
       ON CONFLICT (idempotency_key) DO NOTHING RETURNING id::text`,
      [
        o.suggestionId,
        o.connectionId,
        action,
        o.idempotencyKey,
        storableJson(payload),
        o.receivedAt ? new Date(o.receivedAt) : null,
      ],
    );
    return r.rows[0]?.id ?? null;
  }

  async get(id: string): Promise<OutboxRow | null> {
    return (
      (await this.db.query<OutboxRow>('SELECT *, id::text AS id FROM writeback_outbox WHERE id = $1', [id])).rows[0] ??
      null
    );
  }

  async pending(limit = 100): Promise<OutboxRow[]> {
    return (
      await this.db.query<OutboxRow>(
        "SELECT *, id::text AS id FROM writeback_outbox WHERE status = 'pending' ORDER BY id LIMIT $1",
        [limit],
      )
    ).rows;
  }

  async markAttempt(id: string, error: string | null): Promise<void> {
    await this.db.query('UPDATE writeback_outbox SET attempts = attempts + 1, last_error = $2 WHERE id = $1', [
      id,
      error,
    ]);
  }

  /** The connection cannot write (paused, disconnected): the row waits, pending, for the sweep to resume it. */
  async park(id: string, reason: string): Promise<void> {
    await this.db.query(
      "UPDATE writeback_outbox SET parked_reason = $2, next_attempt_at = NULL WHERE id = $1 AND status = 'pending'",
      [id, reason],
    );
  }

  /** A retry is queued for `at`. */
  async scheduleRetry(id: string, at: Date): Promise<void> {
    await this.db.query(
      "UPDATE writeback_outbox SET next_attempt_at = $2, parked_reason = NULL WHERE id = $1 AND status = 'pending'",
      [id, at],
    );
  }

  /**
   * The sweep: pending rows that should run now and have no job in sight: parked rows whose connection can
   * write again, and unparked rows overdue by `lostAfterMs` (their job was lost). Each returned row is claimed
   * (unparked, due again only after `lostAfterMs`), so sweeps in several processes never queue a row twice.
   */
  async claimResumable(
    now: number,
    lostAfterMs: number,
    limit = 500,
  ): Promise<{ id: string; connection_id: string }[]> {
    const r = await this.db.query<{ id: string; connection_id: string }>(
      `UPDATE writeback_outbox o SET parked_reason = NULL, next_attempt_at = $2
        WHERE o.id IN (
          SELECT o2.id FROM writeback_outbox o2 JOIN connections c ON c.id = o2.connection_id
           WHERE o2.status = 'pending' AND ${CAN_WRITE}
             AND (o2.parked_reason IS NOT NULL OR coalesce(o2.next_attempt_at, o2.created_at) < $1::timestamptz - make_interval(secs => $3::double precision / 1000))
           ORDER BY o2.id LIMIT $4 FOR UPDATE OF o2 SKIP LOCKED)
        RETURNING o.id::text AS id, o.connection_id`,
      [new Date(now), new Date(now + lostAfterMs), lostAfterMs, limit],
    );
    return r.rows;
  }

  /**
   * The tries of writes the account's setup refused: per connection whose only problem is such a write issue and
   * whose next try is due, its oldest parked row, unparked (src/writeback/process-outbox.ts claims the try).
   */
  async claimSetupProbes(now: number): Promise<{ id: string; connection_id: string }[]> {
    const r = await this.db.query<{ id: string; connection_id: string }>(
      `UPDATE writeback_outbox o SET parked_reason = NULL, next_attempt_at = NULL
        WHERE o.id IN (
          SELECT (SELECT o2.id FROM writeback_outbox o2
                   WHERE o2.connection_id = c.id AND o2.status = 'pending' AND o2.parked_reason IS NOT NULL
                   ORDER BY o2.id LIMIT 1)
            FROM connections c
           WHERE coalesce(jsonb_array_length(c.write_issues), 0) > 0 AND (c.write_probe_at IS NULL OR c.write_probe_at <= $1)
             AND coalesce(jsonb_array_length(c.setup_issues), 0) = 0
             AND (c.status = 'active' OR (c.status = 'paused' AND (c.paused_until IS NULL OR c.paused_until <= $1))))
        RETURNING o.id::text AS id, o.connection_id`,
      [new Date(now)],
    );
    return r.rows;
  }

  /** Rows parked per connection, for the admin page. */
  async parkedByConnection(): Promise<Record<string, number>> {
    const r = await this.db.query<{ connection_id: string; n: string }>(
      "SELECT connection_id, count(*)::text AS n FROM writeback_outbox WHERE status = 'pending' AND parked_reason IS NOT NULL GROUP BY connection_id",
    );
    return Object.fromEntries(r.rows.map((x) => [x.connection_id, Number(x.n)]));
  }

  /**
   * Claim the row for one CRM call: succeeds only when no other attempt holds a live claim. The holder extends it
   * while its call is in flight (extendClaim); a process that dies stops extending and the claim lapses.
   * Returns the row as it stands under the claim (the caller's earlier read may be stale: another attempt can have
   * written it, or started its call, and let go of it since), or the live claim's end when someone else holds it.
   */
  async claim(
    id: string,
    token: string,
    until: Date,
    now: Date,
  ): Promise<{ ok: true; row: OutboxRow | null } | { ok: false; heldUntil: Date }> {
    const r = await this.db.query<OutboxRow & { ok: boolean }>(
      `UPDATE writeback_outbox SET claimed_until = CASE WHEN claimed_until IS NULL OR claimed_until <= $4 THEN $3 ELSE claimed_until END,
         claim_token = CASE WHEN claimed_until IS NULL OR claimed_until <= $4 THEN $2 ELSE claim_token END
       WHERE id = $1 RETURNING *, id::text AS id, claim_token = $2 AS ok`,
      [id, token, until, now],
    );
    const row = r.rows[0];
    if (!row) return { ok: true, row: null };
    const { ok, ...fresh } = row;
    if (ok) return { ok: true, row: fresh };
    return { ok: false, heldUntil: new Date(row.claimed_until!) };
  }

  /**
   * A batch write: claim (with the caller's token) up to `limit` more creates of `action` (task or draft) of this
   * connection that are due and that no attempt has started (no lookup needed), oldest first. Rows another worker
   * holds are skipped.
   */
  async claimBatch(
    connectionId: string,
    exceptId: string,
    token: string,
    until: Date,
    now: Date,
    limit: number,
    action: 'create_task' | 'create_draft_email' = 'create_task',
  ): Promise<OutboxRow[]> {
    if (limit <= 0) return [];
    const r = await this.db.query<OutboxRow>(
      `UPDATE writeback_outbox SET claimed_until = $3, claim_token = $2
        WHERE id IN (
          SELECT id FROM writeback_outbox
           WHERE connection_id = $1 AND action = $7 AND status = 'pending' AND id <> $5::bigint
             AND parked_reason IS NULL AND send_started_at IS NULL AND in_doubt_since IS NULL
             AND (claimed_until IS NULL OR claimed_until <= $4) AND (next_attempt_at IS NULL OR next_attempt_at <= $4)
           ORDER BY id LIMIT $6 FOR UPDATE SKIP LOCKED)
        RETURNING *, id::text AS id`,
      [connectionId, token, until, now, exceptId, limit, action],
    );
    return r.rows.sort((a, b) => Number(a.id) - Number(b.id));
  }

  /** Extend the claims this attempt holds (one row, or a batch's rows) in one statement. */
  async extendClaim(ids: string[], token: string, until: Date): Promise<void> {
    await this.db.query(
      'UPDATE writeback_outbox SET claimed_until = $3 WHERE id = ANY($1::bigint[]) AND claim_token = $2',
      [ids, token, until],
    );
  }

  async releaseClaim(id: string, token: string): Promise<void> {
    await this.db.query(
      'UPDATE writeback_outbox SET claimed_until = NULL, claim_token = NULL WHERE id = $1 AND claim_token = $2',
      [id, token],
    );
  }

  /**
   * The last call ended without an answer (timeout, reset): the write may or may not exist until resolved by lookup.
   */
  async markInDoubt(id: string, at: Date): Promise<void> {
    await this.db.query('UPDATE writeback_outbox SET in_doubt_since = $2 WHERE id = $1', [id, at]);
  }

  /**
   * Write-ahead mark before the CRM call, so a retry after a crash knows a record may already exist (and when the
   * call began: the retry's lookup waits for the CRM to settle after it). `at` is the caller's clock, as the claims.
   */
  async markSending(id: string | string[], at: Date = new Date()): Promise<void> {
    await this.db.query('UPDATE writeback_outbox SET send_started_at = $2 WHERE id = ANY($1::bigint[])', [
      Array.isArray(id) ? id : [id],
      at,
    ]);
  }

  /** The CRM refused the call outright (a 4xx): nothing was written, so the next attempt needs no lookup. */
  async clearSending(ids: string[]): Promise<void> {
    if (ids.length)
      await this.db.query(
        "UPDATE writeback_outbox SET send_started_at = NULL WHERE id = ANY($1::bigint[]) AND status = 'pending'",
        [ids],
      );
  }

  async markDone(id: string, crmId: string, crmUrl: string | null): Promise<void> {
    await this.db.query(
      "UPDATE writeback_outbox SET status = 'done', crm_id = $2, crm_url = $3, done_at = now() WHERE id = $1",
      [id, crmId, crmUrl],
    );
  }

  /** Nothing to write any more (the suggestion was withdrawn first): done without a CRM record. */
  async markSkipped(id: string, why: string): Promise<void> {
    await this.db.query(
      "UPDATE writeback_outbox SET status = 'skipped', last_error = $2, done_at = now() WHERE id = $1",
      [id, why],
    );
  }

  async markFailed(id: string, error: string): Promise<void> {
    await this.db.query("UPDATE writeback_outbox SET status = 'failed', last_error = $2 WHERE id = $1", [id, error]);
  }

  /** The suggestion's first row of this action (a create row: its CRM id once done), if any. */
  async createRow(suggestionId: string, action: OutboxAction): Promise<OutboxRow | null> {
    return (
      (
        await this.db.query<OutboxRow>(
          'SELECT *, id::text AS id FROM writeback_outbox WHERE suggestion_id = $1 AND action = $2 ORDER BY writeback_outbox.id LIMIT 1',
          [suggestionId, action],
        )
      ).rows[0] ?? null
    );
  }

  /**
   * Which of these CRM ids are records closeloop wrote itself (its tasks and drafts: not customer activity), those
   * whose create rows were erased with their suggestions and that a retraction closes included.
   */
  async ownCrmIds(connectionId: string, crmIds: string[]): Promise<Set<string>> {
    if (crmIds.length === 0) return new Set();
    const r = await this.db.query<{ crm_id: string }>(
      `SELECT DISTINCT coalesce(target_crm_id, crm_id) AS crm_id FROM writeback_outbox
        WHERE connection_id = $1 AND ((action IN ('create_task','create_draft_email') AND crm_id = ANY($2::text[]))
                                     OR target_crm_id = ANY($2::text[]))`,
      [connectionId, crmIds],
    );
    return new Set(r.rows.map((x) => x.crm_id));
  }

  /**
   * The deals of the suggestions whose task or draft closeloop wrote as these CRM records. A deletion of one that sync
   * never stored (deleted before its creation event was read: nothing else says which deal it was on) still
   * re-analyses its deal, which withdraws the draft of a deleted task.
   */
  async dealsOfOwnCrmIds(connectionId: string, crmIds: string[]): Promise<string[]> {
    if (crmIds.length === 0) return [];
    const r = await this.db.query<{ deal_id: string }>(
      `SELECT DISTINCT s.deal_id FROM writeback_outbox o JOIN suggestions s ON s.id = o.suggestion_id
        WHERE o.connection_id = $1 AND o.action IN ('create_task','create_draft_email') AND o.crm_id = ANY($2::text[])
          AND s.deal_id IS NOT NULL`,
      [connectionId, crmIds],
    );
    return r.rows.map((x) => x.deal_id);
  }

  /** Writes still waiting for a suggestion (any action). */
  async pendingFor(suggestionId: string): Promise<OutboxRow[]> {
    return (
      await this.db.query<OutboxRow>(
        "SELECT *, id::text AS id FROM writeback_outbox WHERE suggestion_id = $1 AND status = 'pending' ORDER BY writeback_outbox.id",
        [suggestionId],
      )
    ).rows;
  }

  /** Done writes per CRM and action (the demo's plain-words summary). */
  async countDoneByProviderAction(): Promise<{ provider: string; action: OutboxAction; n: number }[]> {
    const r = await this.db.query<{ provider: string; action: OutboxAction; n: string }>(
      `SELECT c.provider, o.action, count(*)::text AS n FROM writeback_outbox o JOIN connections c ON c.id = o.connection_id
       WHERE o.status = 'done' GROUP BY c.provider, o.action`,
    );
    return r.rows.map((x) => ({ ...x, n: Number(x.n) }));
  }

  /** Done writes per action: how many tasks and drafts were created, updated, withdrawn. */
  async countDoneByAction(): Promise<Record<string, number>> {
    const r = await this.db.query<{ action: string; n: string }>(
      "SELECT action, count(*)::text AS n FROM writeback_outbox WHERE status = 'done' GROUP BY action",
    );
    return Object.fromEntries(r.rows.map((x) => [x.action, Number(x.n)]));
  }

  async recentDone(limit = 20): Promise<
    {
      suggestion_id: string;
      crm_id: string;
      crm_url: string | null;
      action: string;
      done_at: Date;
      connection_id: string;
    }[]
  > {
    return (
      await this.db.query<any>(
        "SELECT suggestion_id, crm_id, crm_url, action, done_at, connection_id FROM writeback_outbox WHERE status = 'done' ORDER BY done_at DESC LIMIT $1",
        [limit],
      )
    ).rows;
  }

  /**
   * Webhook-to-task latencies (seconds): from the receipt of the change to the task created, updated or closed in the
   * CRM,
   * for writes done since `since` that came from a webhook (or change event). Oldest first.
   */
  async webhookToTaskSeconds(since: Date, provider?: string): Promise<number[]> {
    const r = await this.db.query<{ s: number }>(
      `SELECT extract(epoch FROM (o.done_at - o.received_at))::float8 AS s FROM writeback_outbox o JOIN connections c ON c.id = o.connection_id
        WHERE o.status = 'done' AND o.action IN ('create_task', 'update_task', 'close_task') AND o.received_at IS NOT NULL AND o.done_at >= $1
          AND ($2::text IS NULL OR c.provider = $2::text)
        ORDER BY o.done_at`,
      [since, provider ?? null],
    );
    return r.rows.map((x) => Number(x.s));
  }

  async countByStatus(): Promise<Record<string, number>> {
    const r = await this.db.query<{ status: string; n: string }>(
      'SELECT status, count(*)::text AS n FROM writeback_outbox GROUP BY status',
    );
    return Object.fromEntries(r.rows.map((x) => [x.status, Number(x.n)]));
  }
}
