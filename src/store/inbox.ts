import type { WebhookEvent } from '../core/connector.js';
import type { Queryable } from './db.js';

export interface InboxRow { id: string; provider: string; account_id: string; event_id: string; connection_id: string | null; payload: WebhookEvent; received_at: Date }

export class InboxRepo {
  constructor(private readonly db: Queryable) {}

  /**
   * Records events once: a redelivered event id is ignored. Returns the ids of the rows actually inserted.
   * One statement whatever the batch size (arrays, not one placeholder per value).
   */
  async insertMany(provider: string, connectionId: string | null, events: WebhookEvent[]): Promise<string[]> {
    if (events.length === 0) return [];
    const r = await this.db.query<{ id: string }>(
      `INSERT INTO webhook_inbox (provider, account_id, event_id, connection_id, payload)
       SELECT $1, e.account_id, e.event_id, $2, e.payload
       FROM unnest($3::text[], $4::text[], $5::jsonb[]) AS e(account_id, event_id, payload)
       ON CONFLICT (provider, account_id, event_id) DO NOTHING RETURNING id::text`,
      [provider, connectionId, events.map((e) => e.accountId), events.map((e) => e.eventId), events.map((e) => JSON.stringify(e))],
    );
    return r.rows.map((x) => x.id);
  }

  async pending(ids: string[]): Promise<InboxRow[]> {
    const r = await this.db.query<InboxRow>(
      'SELECT id::text, provider, account_id, event_id, connection_id, payload, received_at FROM webhook_inbox WHERE id = ANY($1::bigint[]) AND processed_at IS NULL ORDER BY id',
      [ids],
    );
    return r.rows;
  }

  /** Rows left unprocessed (e.g. enqueue lost in a crash before commit cannot happen, but a job may have died): for the sweeper. */
  async stale(olderThanMs: number, now: number, limit = 500): Promise<string[]> {
    const r = await this.db.query<{ id: string }>(
      'SELECT id::text FROM webhook_inbox WHERE processed_at IS NULL AND received_at < $1 ORDER BY id LIMIT $2', [new Date(now - olderThanMs), limit]);
    return r.rows.map((x) => x.id);
  }

  async markProcessed(ids: string[]): Promise<void> {
    if (ids.length) await this.db.query('UPDATE webhook_inbox SET processed_at = now() WHERE id = ANY($1::bigint[])', [ids]);
  }

  async count(): Promise<{ total: number; pending: number }> {
    const r = await this.db.query<{ total: string; pending: string }>(
      "SELECT count(*)::text AS total, count(*) FILTER (WHERE processed_at IS NULL)::text AS pending FROM webhook_inbox");
    return { total: Number(r.rows[0]?.total ?? 0), pending: Number(r.rows[0]?.pending ?? 0) };
  }
}
