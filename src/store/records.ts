import type { Activity, CanonicalRecord, Deal, ObjectKind } from '../core/canonical.js';
import type { Queryable } from './db.js';
import { storableJson } from '../lib/storable.js';

export class RecordRepo {
  constructor(private readonly db: Queryable) {}

  /**
   * Upsert canonical records. A row is only replaced by a version at least as new (provider timestamp),
   * so out-of-order webhooks and overlapping polls are harmless. Returns the records that changed.
   */
  async upsertMany(connectionId: string, records: CanonicalRecord[]): Promise<CanonicalRecord[]> {
    if (records.length === 0) return [];
    const changed: CanonicalRecord[] = [];
    // One multi-row statement per call (batches come from one provider page, <= 100-200 rows), its rows in key order:
    // two writers of the same records then lock them in the same order and wait instead of deadlocking.
    const values: unknown[] = [];
    // One row per record: a statement naming a key twice cannot update it twice ("cannot affect row a second time");
    // the newest version of a record named twice (a change event listing an id twice) is the one written.
    const newest = new Map<string, CanonicalRecord>();
    for (const r of records) {
      const k = `${r.kind}:${r.externalId}`;
      const seen = newest.get(k);
      if (!seen || Date.parse(r.updatedAt) >= Date.parse(seen.updatedAt)) newest.set(k, r);
    }
    const ordered = [...newest.values()].sort((a, b) =>
      a.kind !== b.kind
        ? a.kind < b.kind
          ? -1
          : 1
        : a.externalId < b.externalId
          ? -1
          : a.externalId > b.externalId
            ? 1
            : 0,
    );
    const tuples = ordered.map((r, i) => {
      values.push(connectionId, r.kind, r.externalId, storableJson(r), r.updatedAt, r.archived);
      const b = i * 6;
      return `($${b + 1}::text,$${b + 2}::text,$${b + 3}::text,$${b + 4}::jsonb,$${b + 5}::timestamptz,$${b + 6}::boolean)`;
    });
    // A version older than a deletion we applied (record_tombstones) is a stale read: it does not bring the record
    // back.
    const res = await this.db.query<{ kind: string; external_id: string }>(
      `INSERT INTO records (connection_id, kind, external_id, data, provider_updated_at, archived)
       SELECT v.* FROM (VALUES ${tuples.join(',')}) AS v(connection_id, kind, external_id, data, provider_updated_at, archived)
        WHERE NOT EXISTS (SELECT 1 FROM record_tombstones t WHERE t.connection_id = v.connection_id AND t.kind = v.kind
                            AND t.external_id = v.external_id AND t.deleted_at > v.provider_updated_at)
       ON CONFLICT (connection_id, kind, external_id) DO UPDATE SET data = EXCLUDED.data, provider_updated_at = EXCLUDED.provider_updated_at,
         archived = EXCLUDED.archived, synced_at = now()
       WHERE records.provider_updated_at <= EXCLUDED.provider_updated_at AND records.data IS DISTINCT FROM EXCLUDED.data
       RETURNING kind, external_id`,
      values,
    );
    if (res.rows.length) {
      // Back after a deletion (restored, or re-created by a source): the marker has done its job.
      await this.db.query(
        `DELETE FROM record_tombstones t USING unnest($2::text[], $3::text[]) AS k(kind, external_id)
          WHERE t.connection_id = $1 AND t.kind = k.kind AND t.external_id = k.external_id`,
        [connectionId, res.rows.map((r) => r.kind), res.rows.map((r) => r.external_id)],
      );
    }
    const keys = new Set(res.rows.map((r) => `${r.kind}:${r.external_id}`));
    for (const r of newest.values()) if (keys.has(`${r.kind}:${r.externalId}`)) changed.push(r);
    return changed;
  }

  /** The deals each of these stored records is associated with now (before a change is applied). */
  async dealsOf(connectionId: string, refs: { kind: string; externalId: string }[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (refs.length === 0) return out;
    const r = await this.db.query<{ kind: string; external_id: string; deals: unknown }>(
      `SELECT r.kind, r.external_id, r.data -> 'associations' -> 'deals' AS deals
         FROM records r JOIN unnest($2::text[], $3::text[]) AS k(kind, external_id)
           ON r.kind = k.kind AND r.external_id = k.external_id
        WHERE r.connection_id = $1`,
      [connectionId, refs.map((x) => x.kind), refs.map((x) => x.externalId)],
    );
    for (const row of r.rows)
      out.set(
        `${row.kind}:${row.external_id}`,
        Array.isArray(row.deals) ? row.deals.filter((d): d is string => typeof d === 'string') : [],
      );
    return out;
  }

  /**
   * Live deals that name one of these contacts among their own associations (a Salesforce opportunity's contact roles:
   * the contact record itself names no opportunity).
   */
  async dealsNaming(connectionId: string, contactIds: string[]): Promise<string[]> {
    if (contactIds.length === 0) return [];
    const r = await this.db.query<{ external_id: string }>(
      `SELECT external_id FROM records
        WHERE connection_id = $1 AND kind = 'deal' AND NOT archived
          AND (data -> 'associations' -> 'contacts') ?| $2::text[]`,
      [connectionId, contactIds],
    );
    return r.rows.map((x) => x.external_id);
  }

  /** Marks a deletion (ids and time only) so a version older than `deletedAt` is refused; see migrations/0231. */
  async tombstone(connectionId: string, kind: ObjectKind, externalId: string, deletedAt: Date): Promise<void> {
    await this.db.query(
      `INSERT INTO record_tombstones (connection_id, kind, external_id, deleted_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (connection_id, kind, external_id) DO UPDATE SET deleted_at = GREATEST(record_tombstones.deleted_at, EXCLUDED.deleted_at)`,
      [connectionId, kind, externalId, deletedAt],
    );
  }

  /** When the record was deleted (its tombstone), or null. */
  async deletedAt(connectionId: string, kind: ObjectKind, externalId: string): Promise<Date | null> {
    const r = await this.db.query<{ deleted_at: Date }>(
      'SELECT deleted_at FROM record_tombstones WHERE connection_id = $1 AND kind = $2 AND external_id = $3',
      [connectionId, kind, externalId],
    );
    return r.rows[0] ? new Date(r.rows[0].deleted_at) : null;
  }

  async sweepTombstones(olderThan: Date): Promise<number> {
    return (await this.db.query('DELETE FROM record_tombstones WHERE created_at < $1', [olderThan])).affectedRows;
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

  async get<T extends CanonicalRecord = CanonicalRecord>(
    connectionId: string,
    kind: ObjectKind,
    externalId: string,
  ): Promise<T | null> {
    const r = await this.db.query<{ data: T }>(
      'SELECT data FROM records WHERE connection_id = $1 AND kind = $2 AND external_id = $3',
      [connectionId, kind, externalId],
    );
    return r.rows[0]?.data ?? null;
  }

  async getMany<T extends CanonicalRecord = CanonicalRecord>(
    connectionId: string,
    kind: ObjectKind,
    externalIds: string[],
  ): Promise<T[]> {
    if (externalIds.length === 0) return [];
    const r = await this.db.query<{ data: T }>(
      'SELECT data FROM records WHERE connection_id = $1 AND kind = $2 AND external_id = ANY($3::text[]) AND NOT archived',
      [connectionId, kind, externalIds],
    );
    return r.rows.map((x) => x.data);
  }

  /**
   * A merge at the source: every record associated with `fromId` (a contact, company or deal merged away) is now
   * associated with `toId`, the survivor, as the CRM moved the associations. Returns how many records changed.
   */
  async repointAssociations(
    connectionId: string,
    kind: 'contact' | 'company' | 'deal',
    fromId: string,
    toId: string,
  ): Promise<number> {
    const field = ({ contact: 'contacts', company: 'companies', deal: 'deals' } as const)[kind];
    const r = await this.db.query(
      // In the list's own order (a deal's contacts are ordered: the first is the one a suggestion addresses); the
      // survivor takes the first place of the two when the record already had it.
      `UPDATE records SET data = jsonb_set(data, ARRAY['associations', $4::text],
              (SELECT coalesce(jsonb_agg(x ORDER BY o), '[]'::jsonb)
                 FROM (SELECT x, min(o) AS o
                         FROM (SELECT CASE WHEN v = $2::text THEN $3::text ELSE v END AS x, o
                                 FROM jsonb_array_elements_text(data -> 'associations' -> $4::text)
                                      WITH ORDINALITY AS t(v, o)) AS s
                        GROUP BY x) AS d))
        WHERE connection_id = $1 AND data -> 'associations' -> $4::text @> $5::jsonb`,
      [connectionId, fromId, toId, field, storableJson([fromId])],
    );
    return r.affectedRows ?? 0;
  }

  /** Live activities associated with a deal, newest first. */
  async activitiesForDeal(connectionId: string, dealId: string): Promise<Activity[]> {
    const r = await this.db.query<{ data: Activity }>(
      `SELECT data FROM records WHERE connection_id = $1 AND kind IN ('email','call','meeting','note','task') AND NOT archived
         AND data -> 'associations' -> 'deals' @> $2::jsonb
       ORDER BY (data->>'occurredAt') DESC`,
      [connectionId, storableJson([dealId])],
    );
    return r.rows.map((x) => x.data);
  }

  async openDeals(connectionId: string): Promise<Deal[]> {
    const r = await this.db.query<{ data: Deal }>(
      `SELECT data FROM records WHERE connection_id = $1 AND kind = 'deal' AND NOT archived AND (data->>'isClosed')::boolean = false`,
      [connectionId],
    );
    return r.rows.map((x) => x.data);
  }

  /**
   * Live records of a kind that came from the connection's own provider (not ingest or Slack items stored under it).
   */
  async countLive(connectionId: string, kind: ObjectKind, provider: string): Promise<number> {
    const r = await this.db.query<{ n: string }>(
      "SELECT count(*)::text AS n FROM records WHERE connection_id = $1 AND kind = $2 AND NOT archived AND data ->> 'provider' = $3",
      [connectionId, kind, provider],
    );
    return Number(r.rows[0]?.n ?? 0);
  }

  async liveIds(connectionId: string, kind: ObjectKind, provider: string): Promise<string[]> {
    const r = await this.db.query<{ external_id: string }>(
      "SELECT external_id FROM records WHERE connection_id = $1 AND kind = $2 AND NOT archived AND data ->> 'provider' = $3",
      [connectionId, kind, provider],
    );
    return r.rows.map((x) => x.external_id);
  }

  async countsByKind(): Promise<Record<string, number>> {
    const r = await this.db.query<{ kind: string; n: string }>(
      'SELECT kind, count(*)::text AS n FROM records WHERE NOT archived GROUP BY kind',
    );
    return Object.fromEntries(r.rows.map((x) => [x.kind, Number(x.n)]));
  }
}
