import type { Queryable } from './db.js';

export interface OutboxRow {
  id: string; suggestion_id: string; connection_id: string; action: 'create_task' | 'create_draft_email'; idempotency_key: string;
  payload: any; status: 'pending' | 'done' | 'failed'; attempts: number; last_error: string | null; crm_id: string | null; crm_url: string | null;
  created_at: Date; done_at: Date | null;
}

export class OutboxRepo {
  constructor(private readonly db: Queryable) {}

  /** Queue a write once: the idempotency key is unique, a second insert is a no-op. Returns the row id. */
  async enqueue(o: { suggestionId: string; connectionId: string; action: OutboxRow['action']; idempotencyKey: string; payload: unknown }): Promise<string | null> {
    const r = await this.db.query<{ id: string }>(
      `INSERT INTO writeback_outbox (suggestion_id, connection_id, action, idempotency_key, payload) VALUES ($1,$2,$3,$4,$5::jsonb)
       ON CONFLICT (idempotency_key) DO NOTHING RETURNING id::text`,
      [o.suggestionId, o.connectionId, o.action, o.idempotencyKey, JSON.stringify(o.payload)],
    );
    return r.rows[0]?.id ?? null;
  }

  async get(id: string): Promise<OutboxRow | null> {
    return (await this.db.query<OutboxRow>('SELECT *, id::text AS id FROM writeback_outbox WHERE id = $1', [id])).rows[0] ?? null;
  }

  async pending(limit = 100): Promise<OutboxRow[]> {
    return (await this.db.query<OutboxRow>("SELECT *, id::text AS id FROM writeback_outbox WHERE status = 'pending' ORDER BY id LIMIT $1", [limit])).rows;
  }

  async markAttempt(id: string, error: string | null): Promise<void> {
    await this.db.query('UPDATE writeback_outbox SET attempts = attempts + 1, last_error = $2 WHERE id = $1', [id, error]);
  }

  async markDone(id: string, crmId: string, crmUrl: string | null): Promise<void> {
    await this.db.query("UPDATE writeback_outbox SET status = 'done', crm_id = $2, crm_url = $3, done_at = now() WHERE id = $1", [id, crmId, crmUrl]);
  }

  async markFailed(id: string, error: string): Promise<void> {
    await this.db.query("UPDATE writeback_outbox SET status = 'failed', last_error = $2 WHERE id = $1", [id, error]);
  }

  async recentDone(limit = 20): Promise<{ suggestion_id: string; crm_id: string; crm_url: string | null; action: string; done_at: Date; connection_id: string }[]> {
    return (await this.db.query<any>("SELECT suggestion_id, crm_id, crm_url, action, done_at, connection_id FROM writeback_outbox WHERE status = 'done' ORDER BY done_at DESC LIMIT $1", [limit])).rows;
  }

  async countByStatus(): Promise<Record<string, number>> {
    const r = await this.db.query<{ status: string; n: string }>('SELECT status, count(*)::text AS n FROM writeback_outbox GROUP BY status');
    return Object.fromEntries(r.rows.map((x) => [x.status, Number(x.n)]));
  }
}
