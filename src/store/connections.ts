import type { Queryable } from './db.js';
import { storableJson } from '../lib/storable.js';

export interface ConnectionRow {
  id: string;
  tenant_id: string;
  provider: string;
  account_id: string;
  api_base: string;
  display_name: string | null;
  access_token_enc: string;
  refresh_token_enc: string | null;
  token_expires_at: Date | null;
  token_metadata: Record<string, string>;
  status: 'active' | 'paused' | 'needs_reconnect' | 'failed';
  status_reason: string | null;
  paused_until: Date | null;
  failure_count: number;
  backfill_done_at: Date | null;
  last_sync_at: Date | null;
  created_at: Date;
  /** The install check's problems ([] = ready, null = not checked); see migrations/0232. */
  setup_issues?: string[] | null;
  setup_checked_at?: Date | null;
  /**
   * Setup problems write-backs ran into (a validation rule, an org-required field; migrations/0500): they park the
   * connection's write-backs like setup_issues; one is tried again at `write_probe_at`.
   */
  write_issues?: string[] | null;
  write_probe_at?: Date | null;
  /** What the install check found that does not stop write-backs (fields hidden by field-level security). */
  setup_warnings?: string[] | null;
  /** The backfill completeness report (src/sync/connection-checks.ts). */
  completeness?: CompletenessReport | null;
}

/**
 * Every setup problem of a connection as RevOps reads it: the install check's, then what the account refused at
 * write time (null: nothing checked and nothing refused).
 */
export function setupIssuesOf(c: ConnectionRow): string[] | null {
  const refused = c.write_issues ?? [];
  if (c.setup_issues == null && refused.length === 0) return null;
  return [...(c.setup_issues ?? []), ...refused];
}

export interface CompletenessReport {
  checkedAt: string;
  kinds: Record<
    string,
    { crm: number; store: number; missing: number; extra: number; repaired: number; difference: number }
  >;
  /** Sum of |crm - store| after the repair: 0 when the store holds exactly what the account holds. */
  difference: number;
}

export interface NewConnection {
  id: string;
  tenantId: string;
  provider: string;
  accountId: string;
  apiBase: string;
  displayName: string | null;
  accessTokenEnc: string;
  refreshTokenEnc: string | null;
  tokenExpiresAt: Date | null;
  tokenMetadata: Record<string, string>;
}

export class ConnectionRepo {
  constructor(private readonly db: Queryable) {}

  /**
   * Install or reinstall: one connection per (provider, account); a reinstall replaces the tokens and reactivates it.
   */
  async upsert(c: NewConnection): Promise<ConnectionRow> {
    await this.db.query('INSERT INTO tenants(id, name) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', [
      c.tenantId,
      c.displayName,
    ]);
    const r = await this.db.query<ConnectionRow>(
      `INSERT INTO connections (id, tenant_id, provider, account_id, api_base, display_name, access_token_enc, refresh_token_enc, token_expires_at, token_metadata)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)
       ON CONFLICT (provider, account_id) DO UPDATE SET api_base = EXCLUDED.api_base, display_name = EXCLUDED.display_name,
         access_token_enc = EXCLUDED.access_token_enc, refresh_token_enc = COALESCE(EXCLUDED.refresh_token_enc, connections.refresh_token_enc),
         token_expires_at = EXCLUDED.token_expires_at, token_metadata = EXCLUDED.token_metadata,
         status = 'active', status_reason = NULL, paused_until = NULL, failure_count = 0, updated_at = now()
       RETURNING *`,
      [
        c.id,
        c.tenantId,
        c.provider,
        c.accountId,
        c.apiBase,
        c.displayName,
        c.accessTokenEnc,
        c.refreshTokenEnc,
        c.tokenExpiresAt,
        storableJson(c.tokenMetadata),
      ],
    );
    return r.rows[0]!;
  }

  async get(id: string, opts: { forUpdate?: boolean } = {}): Promise<ConnectionRow | null> {
    const r = await this.db.query<ConnectionRow>(
      `SELECT * FROM connections WHERE id = $1${opts.forUpdate ? ' FOR UPDATE' : ''}`,
      [id],
    );
    return r.rows[0] ?? null;
  }

  async byAccount(provider: string, accountId: string): Promise<ConnectionRow | null> {
    const r = await this.db.query<ConnectionRow>('SELECT * FROM connections WHERE provider = $1 AND account_id = $2', [
      provider,
      accountId,
    ]);
    return r.rows[0] ?? null;
  }

  async list(): Promise<ConnectionRow[]> {
    return (await this.db.query<ConnectionRow>('SELECT * FROM connections ORDER BY created_at')).rows;
  }

  async updateTokens(
    id: string,
    t: {
      accessTokenEnc: string;
      refreshTokenEnc: string | null;
      expiresAt: Date | null;
      metadata?: Record<string, string>;
    },
  ): Promise<void> {
    await this.db.query(
      `UPDATE connections SET access_token_enc = $2, refresh_token_enc = COALESCE($3, refresh_token_enc), token_expires_at = $4,
         token_metadata = COALESCE($5::jsonb, token_metadata), updated_at = now() WHERE id = $1`,
      [id, t.accessTokenEnc, t.refreshTokenEnc, t.expiresAt, t.metadata ? storableJson(t.metadata) : null],
    );
  }

  async setStatus(
    id: string,
    status: ConnectionRow['status'],
    reason: string | null,
    pausedUntil: Date | null = null,
  ): Promise<void> {
    await this.db.query(
      `UPDATE connections SET status = $2, status_reason = $3, paused_until = $4,
         failure_count = CASE WHEN $2 = 'active' THEN 0 ELSE failure_count + 1 END, updated_at = now() WHERE id = $1`,
      [id, status, reason, pausedUntil],
    );
  }

  /** The install check's answer: what blocks write-backs, and what only degrades reads (null: not reported). */
  async setSetupIssues(id: string, issues: string[], warnings: string[] | null = null): Promise<void> {
    await this.db.query(
      'UPDATE connections SET setup_issues = $2::jsonb, setup_warnings = $3::jsonb, setup_checked_at = now() WHERE id = $1',
      [id, storableJson(issues), warnings === null ? null : storableJson(warnings)],
    );
  }

  /**
   * A write-back the account's setup refused: the sentence is added to the connection's write issues (once; the
   * newest few kept) and the next try of one parked write is due at `probeAt`.
   */
  async recordWriteIssue(id: string, issue: string, probeAt: Date): Promise<void> {
    await this.db.query(
      `UPDATE connections SET write_probe_at = $3,
         write_issues = CASE WHEN coalesce(write_issues, '[]'::jsonb) @> jsonb_build_array($2::text) THEN write_issues
           ELSE (SELECT coalesce(jsonb_agg(v ORDER BY n), '[]'::jsonb) FROM (
                   SELECT v, n FROM jsonb_array_elements(coalesce(write_issues, '[]'::jsonb) || jsonb_build_array($2::text))
                     WITH ORDINALITY AS e(v, n) ORDER BY n DESC LIMIT 5) last) END
       WHERE id = $1`,
      [id, issue, probeAt],
    );
  }

  /**
   * Takes the connection's next try of a write its setup refused, when it is due: true for one caller only (the
   * next one is due at `next`).
   */
  async claimWriteProbe(id: string, now: Date, next: Date): Promise<boolean> {
    const r = await this.db.query(
      `UPDATE connections SET write_probe_at = $3 WHERE id = $1
         AND coalesce(jsonb_array_length(write_issues), 0) > 0 AND (write_probe_at IS NULL OR write_probe_at <= $2)
       RETURNING id`,
      [id, now, next],
    );
    return r.rows.length > 0;
  }

  /** A claimed try that never reached the CRM: the next write of the connection may try at once. */
  async releaseWriteProbe(id: string): Promise<void> {
    await this.db.query(
      'UPDATE connections SET write_probe_at = NULL WHERE id = $1 AND coalesce(jsonb_array_length(write_issues), 0) > 0',
      [id],
    );
  }

  /**
   * The write issues are gone (a write got through, or an admin fixed the org): parked write-backs resume with the
   * next sweep. `tenantId` limits it to one tenant's connection (null: an operator). Returns whether a row changed.
   */
  async clearWriteIssues(id: string, tenantId: string | null = null): Promise<boolean> {
    const r = await this.db.query(
      `UPDATE connections SET write_issues = NULL, write_probe_at = NULL
        WHERE id = $1 AND ($2::text IS NULL OR tenant_id = $2) RETURNING id`,
      [id, tenantId],
    );
    return r.rows.length > 0;
  }

  async setCompleteness(id: string, report: CompletenessReport): Promise<void> {
    await this.db.query('UPDATE connections SET completeness = $2::jsonb WHERE id = $1', [id, storableJson(report)]);
  }

  /**
   * True while the connection's first backfill has not finished. Then the row is also locked (shared) until the
   * caller's transaction ends, so the backfill cannot be marked finished, and its closing scan start, before what the
   * caller writes is committed. A finished backfill stays finished: no lock then.
   */
  async backfillPending(id: string): Promise<boolean> {
    const sql = 'SELECT backfill_done_at IS NULL AS pending FROM connections WHERE id = $1';
    const seen = await this.db.query<{ pending: boolean }>(sql, [id]);
    if (!seen.rows[0]?.pending) return false;
    const locked = await this.db.query<{ pending: boolean }>(`${sql} FOR SHARE`, [id]);
    return locked.rows[0]?.pending === true;
  }

  async markSynced(id: string, opts: { backfillDone?: boolean } = {}): Promise<void> {
    await this.db.query(
      `UPDATE connections SET last_sync_at = now(), backfill_done_at = CASE WHEN $2 THEN COALESCE(backfill_done_at, now()) ELSE backfill_done_at END WHERE id = $1`,
      [id, opts.backfillDone ?? false],
    );
  }
}
