import type { ConnectionRow } from './connections.js';
import type { Queryable } from './db.js';
import { FeedbackRepo, type ReportRow } from './feedback.js';

/**
 * The reads behind /admin/** and /api/**, each filtered by tenant in SQL. src/http builds one per request from the
 * caller's scope (src/auth/scope.ts), so a handler there never sees an unscoped query. `tenantId: null` means every
 * tenant and is only ever built for the deployment's operator.
 */
export class TenantReads {
  private readonly t: string | null;
  constructor(
    private readonly db: Queryable,
    scope: { tenantId: string | null },
  ) {
    this.t = scope.tenantId;
  }

  get tenantId(): string | null {
    return this.t;
  }

  async connections(): Promise<ConnectionRow[]> {
    return (
      await this.db.query<ConnectionRow>(
        'SELECT * FROM connections WHERE ($1::text IS NULL OR tenant_id = $1) ORDER BY created_at',
        [this.t],
      )
    ).rows;
  }

  async connection(id: string): Promise<ConnectionRow | null> {
    return (
      (
        await this.db.query<ConnectionRow>(
          'SELECT * FROM connections WHERE id = $1 AND ($2::text IS NULL OR tenant_id = $2)',
          [id, this.t],
        )
      ).rows[0] ?? null
    );
  }

  async recordCounts(): Promise<Record<string, number>> {
    const r = await this.db.query<{ kind: string; n: string }>(
      `SELECT r.kind, count(*)::text AS n FROM records r JOIN connections c ON c.id = r.connection_id
       WHERE NOT r.archived AND ($1::text IS NULL OR c.tenant_id = $1) GROUP BY r.kind`,
      [this.t],
    );
    return Object.fromEntries(r.rows.map((x) => [x.kind, Number(x.n)]));
  }

  async inboxCount(): Promise<{ total: number; pending: number }> {
    const r = await this.db.query<{ total: string; pending: string }>(
      `SELECT coalesce(sum(b.event_count), 0)::text AS total, coalesce(sum(b.event_count) FILTER (WHERE b.processed_at IS NULL), 0)::text AS pending
       FROM webhook_batches b LEFT JOIN connections c ON c.id = b.connection_id
       WHERE $1::text IS NULL OR c.tenant_id = $1`,
      [this.t],
    );
    return { total: Number(r.rows[0]?.total ?? 0), pending: Number(r.rows[0]?.pending ?? 0) };
  }

  async suggestionCounts(): Promise<Record<string, number>> {
    const r = await this.db.query<{ status: string; n: string }>(
      'SELECT status, count(*)::text AS n FROM suggestions WHERE ($1::text IS NULL OR tenant_id = $1) GROUP BY status',
      [this.t],
    );
    return Object.fromEntries(r.rows.map((x) => [x.status, Number(x.n)]));
  }

  async writebackCounts(): Promise<Record<string, number>> {
    const r = await this.db.query<{ status: string; n: string }>(
      `SELECT o.status, count(*)::text AS n FROM writeback_outbox o JOIN connections c ON c.id = o.connection_id
       WHERE ($1::text IS NULL OR c.tenant_id = $1) GROUP BY o.status`,
      [this.t],
    );
    return Object.fromEntries(r.rows.map((x) => [x.status, Number(x.n)]));
  }

  async recentTasks(limit: number): Promise<
    {
      suggestion_id: string;
      crm_id: string;
      crm_url: string | null;
      action: string;
      done_at: Date;
      connection_id: string;
      provider: string;
    }[]
  > {
    return (
      await this.db.query<any>(
        `SELECT o.suggestion_id, o.crm_id, o.crm_url, o.action, o.done_at, o.connection_id, c.provider FROM writeback_outbox o
       JOIN connections c ON c.id = o.connection_id
       WHERE o.status = 'done' AND o.action IN ('create_task','create_draft_email') AND ($1::text IS NULL OR c.tenant_id = $1) ORDER BY o.done_at DESC LIMIT $2`,
        [this.t, limit],
      )
    ).rows;
  }

  /** Suggestions since `since` with their outcomes (the acceptance report, src/feedback/report.ts). */
  async feedbackRows(since: Date): Promise<ReportRow[]> {
    return new FeedbackRepo(this.db).reportRows(since, this.t);
  }

  /** Does this tenant exist (so a foreign or unknown tenant gets the same answer)? */
  async tenantExists(id: string): Promise<boolean> {
    return (await this.db.query('SELECT 1 FROM tenants WHERE id = $1', [id])).rows.length === 1;
  }
}
