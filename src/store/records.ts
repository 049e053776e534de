import type { Activity, CanonicalRecord, Deal, ObjectKind } from '../core/canonical.js';
import type { Queryable } from './db.js';

export class RecordRepo {
  constructor(private readonly db: Queryable) {}

  /**
   * Upsert canonical records. A row is only replaced by a version at least as new (provider timestamp),
   * so out-of-order webhooks and overlapping polls are harmless. Returns the records that changed.
   */
  async upsertMany(connectionId: string, records: CanonicalRecord[]): Promise<CanonicalRecord[]> {
    if (records.length === 0) return [];
    const changed: CanonicalRecord[] = [];
    // One multi-row statement per call (batches come from one provider page, <= 100-200 rows).
    const values: unknown[] = [];
    const tuples = records.map((r, i) => {
      values.push(connectionId, r.kind, r.externalId, JSON.stringify(r), r.updatedAt, r.archived);
      const b = i * 6;
      return `($${b + 1},$${b + 2},$${b + 3},$${b + 4}::jsonb,$${b + 5}::timestamptz,$${b + 6})`;
    });
    const res = await this.db.query<{ kind: string; external_id: string }>(
      `INSERT INTO records (connection_id, kind, external_id, data, provider_updated_at, archived)
       VALUES ${tuples.join(',')}
       ON CONFLICT (connection_id, kind, external_id) DO UPDATE SET data = EXCLUDED.data, provider_updated_at = EXCLUDED.provider_updated_at,
         archived = EXCLUDED.archived, synced_at = now()
       WHERE records.provider_updated_at <= EXCLUDED.provider_updated_at AND records.data IS DISTINCT FROM EXCLUDED.data
       RETURNING kind, external_id`,
      values,
    );
    const keys = new Set(res.rows.map((r) => `${r.kind}:${r.external_id}`));
    for (const r of records) if (keys.has(`${r.kind}:${r.externalId}`)) changed.push(r);
    return changed;
  }

  async markArchived(connectionId: string, kind: ObjectKind, externalIds: string[]): Promise<number> {
    if (externalIds.length === 0) return 0;
    const r = await this.db.query(
      `UPDATE records SET archived = true, data = jsonb_set(data, '{archived}', 'true'), synced_at = now()
       WHERE connection_id = $1 AND kind = $2 AND external_id = ANY($3::text[]) AND NOT archived`,
      [connectionId, kind, externalIds],
    );
    return r.affectedRows;
  }

  async get<T extends CanonicalRecord = CanonicalRecord>(connectionId: string, kind: ObjectKind, externalId: string): Promise<T | null> {
    const r = await this.db.query<{ data: T }>('SELECT data FROM records WHERE connection_id = $1 AND kind = $2 AND external_id = $3', [connectionId, kind, externalId]);
    return r.rows[0]?.data ?? null;
  }

  async getMany<T extends CanonicalRecord = CanonicalRecord>(connectionId: string, kind: ObjectKind, externalIds: string[]): Promise<T[]> {
    if (externalIds.length === 0) return [];
    const r = await this.db.query<{ data: T }>(
      'SELECT data FROM records WHERE connection_id = $1 AND kind = $2 AND external_id = ANY($3::text[]) AND NOT archived', [connectionId, kind, externalIds]);
    return r.rows.map((x) => x.data);
  }

  /** Live activities associated with a deal, newest first. */
  async activitiesForDeal(connectionId: string, dealId: string): Promise<Activity[]> {
    const r = await this.db.query<{ data: Activity }>(
      `SELECT data FROM records WHERE connection_id = $1 AND kind IN ('email','call','meeting','note','task') AND NOT archived
         AND data -> 'associations' -> 'deals' @> $2::jsonb
       ORDER BY (data->>'occurredAt') DESC`,
      [connectionId, JSON.stringify([dealId])],
    );
    return r.rows.map((x) => x.data);
  }

  async openDeals(connectionId: string): Promise<Deal[]> {
    const r = await this.db.query<{ data: Deal }>(
      `SELECT data FROM records WHERE connection_id = $1 AND kind = 'deal' AND NOT archived AND (data->>'isClosed')::boolean = false`, [connectionId]);
    return r.rows.map((x) => x.data);
  }

  async countsByKind(): Promise<Record<string, number>> {
    const r = await this.db.query<{ kind: string; n: string }>('SELECT kind, count(*)::text AS n FROM records WHERE NOT archived GROUP BY kind');
    return Object.fromEntries(r.rows.map((x) => [x.kind, Number(x.n)]));
  }
}
