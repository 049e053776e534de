import type { Queryable } from './db.js';
import { storableJson, storableText } from '../lib/storable.js';

export interface QuarantineRow {
  id: string;
  provider: string;
  account_id: string | null;
  connection_id: string | null;
  reason: string;
  payload: unknown;
  received_at: Date;
  created_at: Date;
}

/** Webhook events kept aside because they failed validation (dead letters of the intake path). */
export class WebhookQuarantineRepo {
  constructor(private readonly db: Queryable) {}

  async add(
    rows: {
      provider: string;
      accountId: string | null;
      connectionId: string | null;
      reason: string;
      payload: unknown;
      receivedAt: number;
    }[],
  ): Promise<void> {
    // One statement for the whole delivery (at most MAX_DELIVERY_EVENTS rows of 6 parameters).
    if (rows.length === 0) return;
    const params: unknown[] = [];
    const tuples = rows.map((r) => {
      params.push(
        r.provider,
        r.accountId === null ? null : storableText(r.accountId),
        r.connectionId,
        storableText(r.reason),
        storableJson(r.payload ?? null),
        new Date(r.receivedAt),
      );
      const b = params.length - 6;
      return `($${b + 1},$${b + 2},$${b + 3},$${b + 4},$${b + 5}::jsonb,$${b + 6}::timestamptz)`;
    });
    await this.db.query(
      `INSERT INTO webhook_quarantine (provider, account_id, connection_id, reason, payload, received_at) VALUES ${tuples.join(',')}`,
      params,
    );
  }

  async list(o: { provider?: string; connectionId?: string; limit?: number } = {}): Promise<QuarantineRow[]> {
    const r = await this.db.query<QuarantineRow>(
      `SELECT q.*, q.id::text AS id FROM webhook_quarantine q
        WHERE ($1::text IS NULL OR provider = $1) AND ($2::text IS NULL OR connection_id = $2)
        ORDER BY q.id DESC LIMIT $3`,
      [o.provider ?? null, o.connectionId ?? null, o.limit ?? 50],
    );
    return r.rows;
  }

  /** Count per connection (null key: events whose account is not installed or unreadable). */
  async countByConnection(): Promise<Record<string, number>> {
    const r = await this.db.query<{ connection_id: string | null; n: string }>(
      'SELECT connection_id, count(*)::text AS n FROM webhook_quarantine GROUP BY connection_id',
    );
    return Object.fromEntries(r.rows.map((x) => [x.connection_id ?? '', Number(x.n)]));
  }
}
