import type { Queryable } from './db.js';

/**
 * The SQL behind erasure (src/privacy/erase.ts). Tenant erasure does not keep a hand-written list of
 * tables: it finds every table of the schema with a `tenant_id` or `connection_id` column (so a table a
 * later migration adds is covered the day it lands) and deletes children before parents. The few tables
 * keyed otherwise are listed in SPECIAL_TABLES; tests/src/privacy/erase.int.test.ts fails when a
 * migration adds a table that is neither.
 */
export const SPECIAL_TABLES: Record<string, string> = {
  tenants: 'the tenant row itself (deleted last)',
  oauth_states: 'tenant_hint',
  slack_channels: "team_id of the tenant's slack_teams",
  slack_events: "team_id of the tenant's slack_teams",
  webhook_event_ids: "key prefix (provider, account_id) of the tenant's connections",
  schema_migrations: 'no tenant data',
  rate_limits: 'no tenant data (route group and client address, one-minute windows)',
  oauth_state_uses: 'no tenant data (random nonces of used OAuth states, expiring)',
  schedule_ticks: 'no tenant data (cluster-wide schedule ticks: name, time, claiming process)',
  rate_buckets: 'no tenant data (token-bucket counters keyed by provider account and app, refilled continuously)',
  change_stream_members: 'no tenant data (live CDC supervisors: process id and heartbeat)',
};

export interface TenantEraseReport {
  tenantId: string;
  connections: string[];
  deleted: Record<string, number>;
}
export interface RecordEraseReport {
  suggestions: number;
  /** Tasks and drafts in the CRM queued to be closed or withdrawn because what they were based on is gone. */
  retracted: number;
  auditRows: number;
  records: number;
  inbox: number;
  chunks: number;
}

const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;

export class EraseRepo {
  constructor(private readonly db: Queryable) {}

  async tenantOfConnection(connectionId: string): Promise<{ tenantId: string; provider: string } | null> {
    const r = await this.db.query<{ tenant_id: string; provider: string }>(
      'SELECT tenant_id, provider FROM connections WHERE id = $1',
      [connectionId],
    );
    return r.rows[0] ? { tenantId: r.rows[0].tenant_id, provider: r.rows[0].provider } : null;
  }

  /** The source systems a stored record came from (records fed by ingest sources carry their own `provider`). */
  async providersOfRecord(connectionId: string, kind: string, externalId: string): Promise<string[]> {
    const r = await this.db.query<{ provider: string | null }>(
      "SELECT data ->> 'provider' AS provider FROM records WHERE connection_id = $1 AND kind = $2 AND external_id = $3",
      [connectionId, kind, externalId],
    );
    return r.rows.map((x) => x.provider).filter((p): p is string => !!p);
  }

  async tenantExists(tenantId: string): Promise<boolean> {
    const r = await this.db.query(
      'SELECT 1 FROM tenants WHERE id = $1 UNION ALL SELECT 1 FROM connections WHERE tenant_id = $1 LIMIT 1',
      [tenantId],
    );
    return r.rows.length > 0;
  }

  /** Tables of the current schema with a tenant_id or connection_id column, children before parents. */
  async scopedTables(): Promise<{ table: string; tenantId: boolean; connectionId: boolean }[]> {
    const cols = await this.db.query<{ table_name: string; column_name: string }>(
      `SELECT c.table_name, c.column_name FROM information_schema.columns c
         JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
        WHERE c.table_schema = current_schema() AND c.column_name IN ('tenant_id', 'connection_id')`,
    );
    const byTable = new Map<string, { tenantId: boolean; connectionId: boolean }>();
    for (const r of cols.rows) {
      const e = byTable.get(r.table_name) ?? { tenantId: false, connectionId: false };
      if (r.column_name === 'tenant_id') e.tenantId = true;
      else e.connectionId = true;
      byTable.set(r.table_name, e);
    }
    byTable.delete('connections');
    const fks = await this.db.query<{ child: string; parent: string }>(
      `SELECT cl.relname AS child, pl.relname AS parent FROM pg_constraint k
         JOIN pg_class cl ON cl.oid = k.conrelid JOIN pg_class pl ON pl.oid = k.confrelid
         JOIN pg_namespace n ON n.oid = cl.relnamespace
        WHERE k.contype = 'f' AND n.nspname = current_schema()`,
    );
    // Children first: a table is emitted once every table referencing it has been.
    const names = [...byTable.keys()].sort();
    const out: string[] = [];
    const visit = (t: string, path: Set<string>) => {
      if (out.includes(t) || path.has(t)) return;
      path.add(t);
      for (const fk of fks.rows) if (fk.parent === t && fk.child !== t && byTable.has(fk.child)) visit(fk.child, path);
      out.push(t);
    };
    for (const t of names) visit(t, new Set());
    return out.map((table) => ({ table, ...byTable.get(table)! }));
  }

  /** Every table of the current schema (for the erasure tests and the CLI's report). */
  async allTables(): Promise<string[]> {
    const r = await this.db.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name",
    );
    return r.rows.map((x) => x.table_name);
  }

  private async exists(table: string): Promise<boolean> {
    const r = await this.db.query<{ ok: boolean }>('SELECT to_regclass($1) IS NOT NULL AS ok', [table]);
    return r.rows[0]?.ok === true;
  }

  /** Delete every row of a tenant, in every table. Run inside one transaction. */
  async eraseTenant(tenantId: string): Promise<TenantEraseReport> {
    const connections = (
      await this.db.query<{ id: string }>('SELECT id FROM connections WHERE tenant_id = $1 ORDER BY id', [tenantId])
    ).rows.map((r) => r.id);
    const deleted: Record<string, number> = {};
    const count = (t: string, n: number) => {
      deleted[t] = (deleted[t] ?? 0) + n;
    };

    if ((await this.exists('slack_events')) && (await this.exists('slack_teams'))) {
      count(
        'slack_events',
        (
          await this.db.query(
            'DELETE FROM slack_events WHERE team_id IN (SELECT team_id FROM slack_teams WHERE connection_id = ANY($1::text[]))',
            [connections],
          )
        ).affectedRows,
      );
    }
    if ((await this.exists('slack_channels')) && (await this.exists('slack_teams'))) {
      count(
        'slack_channels',
        (
          await this.db.query(
            'DELETE FROM slack_channels WHERE team_id IN (SELECT team_id FROM slack_teams WHERE connection_id = ANY($1::text[]))',
            [connections],
          )
        ).affectedRows,
      );
    }
    // The inbox's event ids carry only (provider, account_id); so may a batch stored without its connection.
    count(
      'webhook_event_ids',
      (
        await this.db.query(
          `DELETE FROM webhook_event_ids w USING connections c
        WHERE c.tenant_id = $1 AND starts_with(w.key, c.provider || ':' || length(c.account_id) || ':' || c.account_id || ':')`,
          [tenantId],
        )
      ).affectedRows,
    );
    count(
      'webhook_batches',
      (
        await this.db.query(
          `DELETE FROM webhook_batches w USING connections c WHERE c.tenant_id = $1 AND w.provider = c.provider AND w.account_id = c.account_id`,
          [tenantId],
        )
      ).affectedRows,
    );
    for (const t of await this.scopedTables()) {
      const where = [t.tenantId ? 'tenant_id = $1' : null, t.connectionId ? 'connection_id = ANY($2::text[])' : null]
        .filter(Boolean)
        .join(' OR ');
      const params = t.tenantId && t.connectionId ? [tenantId, connections] : t.tenantId ? [tenantId] : [connections];
      const sql = `DELETE FROM ${ident(t.table)} WHERE ${t.tenantId ? where : where.replace('$2', '$1')}`;
      count(t.table, (await this.db.query(sql, params)).affectedRows);
    }
    count(
      'oauth_states',
      (await this.db.query('DELETE FROM oauth_states WHERE tenant_hint = $1', [tenantId])).affectedRows,
    );
    count('jobs', await this.eraseJobs(connections, tenantId));
    count(
      'connections',
      (await this.db.query('DELETE FROM connections WHERE tenant_id = $1', [tenantId])).affectedRows,
    );
    count('tenants', (await this.db.query('DELETE FROM tenants WHERE id = $1', [tenantId])).affectedRows);
    return { tenantId, connections, deleted };
  }

  /** Queued and archived pg-boss jobs about the tenant's connections (job data carries record ids). */
  private async eraseJobs(connections: string[], tenantId: string): Promise<number> {
    let n = 0;
    for (const table of ['pgboss.job', 'pgboss.archive']) {
      if (!(await this.exists(table))) continue;
      n += (
        await this.db.query(
          `DELETE FROM ${table} WHERE data ->> 'connectionId' = ANY($1::text[]) OR data ->> 'tenantId' = $2`,
          [connections, tenantId],
        )
      ).affectedRows;
    }
    return n;
  }

  /** Suggestions about one record: attached to it, addressed to it, or quoting it as evidence. */
  async suggestionsAbout(connectionId: string, kind: string, externalId: string): Promise<string[]> {
    const r = await this.db.query<{ id: string }>(
      `SELECT id FROM suggestions WHERE connection_id = $1 AND (
         ($2 = 'deal' AND deal_id = $3)
         OR ($2 = 'contact' AND ((payload -> 'contactIds') ? $3 OR coalesce(payload -> 'draft' -> 'toContactIds', '[]'::jsonb) ? $3))
         OR ($2 = 'company' AND payload ->> 'companyId' = $3)
         OR (payload -> 'evidence') @> jsonb_build_array(jsonb_build_object('externalId', $3::text)))
       ORDER BY id`,
      [connectionId, kind, externalId],
    );
    return r.rows.map((x) => x.id);
  }

  /**
   * Before the suggestions go (their outbox rows go with them): each task or draft they wrote into the CRM that
   * closeloop has not closed or withdrawn yet gets a retraction, an outbox row without a suggestion that closes the
   * task (or withdraws the draft) whose CRM id it holds, in closeloop's own fixed words, so nothing stays open in the
   * CRM quoting what was deleted (src/writeback/process-outbox.ts). No text of the erased record is kept. Returns the
   * retraction rows' ids (their jobs are queued by the caller; the outbox sweep resumes any that were not).
   */
  async retractWritten(
    suggestionIds: string[],
    text: { reason: string; subject: string; body: string },
  ): Promise<string[]> {
    if (suggestionIds.length === 0) return [];
    const r = await this.db.query<{ id: string }>(
      `INSERT INTO writeback_outbox (suggestion_id, connection_id, action, idempotency_key, payload, target_crm_id)
       SELECT NULL, o.connection_id, x.action, 'retract-' || o.idempotency_key,
              CASE WHEN x.action = 'close_task'
                   THEN jsonb_build_object('reason', $2::text, 'subject', $3::text, 'body', $4::text)
                   ELSE jsonb_build_object('reason', $2::text) END,
              o.crm_id
         FROM writeback_outbox o
        CROSS JOIN LATERAL (SELECT CASE o.action WHEN 'create_task' THEN 'close_task' ELSE 'withdraw_draft' END AS action) x
        WHERE o.suggestion_id = ANY($1::text[]) AND o.action IN ('create_task', 'create_draft_email')
          AND o.status = 'done' AND o.crm_id IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM writeback_outbox c
                           WHERE c.suggestion_id = o.suggestion_id AND c.action = x.action AND c.status = 'done')
        ORDER BY o.id
       ON CONFLICT (idempotency_key) DO NOTHING
       RETURNING id::text`,
      [suggestionIds, text.reason, text.subject, text.body],
    );
    return r.rows.map((x) => x.id);
  }

  /**
   * Inbox events about one record leave their batches (a batch left empty goes). Their event ids are kept in
   * webhook_event_ids (held by the batch they leave, as a worker would have): provider ids, no record data, so a
   * redelivery of an erased event is still ignored. Returns the events removed.
   */
  private async eraseInboxEvents(connectionId: string, kind: string, externalId: string): Promise<number> {
    const r = await this.db.query<{ n: number }>(
      `WITH ev AS MATERIALIZED (
         SELECT b.id, b.provider, b.account_id, t.e, t.n,
                coalesce(t.e ->> 'objectId' = $3 AND coalesce(t.e ->> 'kind', $2) = $2, false) AS about
           FROM webhook_batches b
           CROSS JOIN LATERAL json_array_elements(b.events) WITH ORDINALITY AS t(e, n)
          -- The text test only skips batches that cannot mention the id (events are stored as json text).
          WHERE b.connection_id = $1 AND strpos(b.events::text, $3) > 0
       ), hit AS (
         SELECT id,
                count(*) FILTER (WHERE about) AS removed,
                json_agg(e ORDER BY n) FILTER (WHERE NOT about) AS keep,
                count(*) FILTER (WHERE NOT about) AS kept
           FROM ev GROUP BY id
       ), held AS (
         INSERT INTO webhook_event_ids (key, batch_id)
         SELECT provider || ':' || length(account_id) || ':' || account_id || ':' || (e ->> 'eventId'), id
           FROM ev WHERE about AND e ->> 'eventId' IS NOT NULL
         ON CONFLICT DO NOTHING
       ), upd AS (
         UPDATE webhook_batches b SET events = hit.keep, event_count = hit.kept FROM hit WHERE b.id = hit.id AND hit.removed > 0 AND hit.kept > 0 RETURNING 1
       ), del AS (
         DELETE FROM webhook_batches b USING hit WHERE b.id = hit.id AND hit.kept = 0 RETURNING 1
       )
       SELECT coalesce(sum(removed), 0)::int AS n FROM hit`,
      [connectionId, kind, externalId],
    );
    return Number(r.rows[0]?.n ?? 0);
  }

  /**
   * The record, its suggestions (and their outbox rows), its inbox events and its pgvector chunks. Audit rows:
   * AuditRepo.deleteMentioning.
   */
  async eraseRecord(o: {
    tenantId: string;
    connectionId: string;
    kind: string;
    externalId: string;
    suggestionIds: string[];
    providers: string[];
  }): Promise<Omit<RecordEraseReport, 'auditRows' | 'retracted'>> {
    const suggestions = (await this.db.query('DELETE FROM suggestions WHERE id = ANY($1::text[])', [o.suggestionIds]))
      .affectedRows;
    const records = (
      await this.db.query('DELETE FROM records WHERE connection_id = $1 AND kind = $2 AND external_id = $3', [
        o.connectionId,
        o.kind,
        o.externalId,
      ])
    ).affectedRows;
    const inbox = await this.eraseInboxEvents(o.connectionId, o.kind, o.externalId);
    let chunks = 0;
    if (await this.exists('context_chunks')) {
      chunks = (
        await this.db.query(
          `DELETE FROM context_chunks WHERE tenant_id = $1 AND metadata ->> 'kind' = $2 AND metadata ->> 'recordId' = $3
           AND metadata ->> 'provider' = ANY($4::text[]) AND metadata ->> 'connectionId' = $5`,
          [o.tenantId, o.kind, o.externalId, o.providers, o.connectionId],
        )
      ).affectedRows;
    }
    return { suggestions, records, inbox, chunks };
  }
}
