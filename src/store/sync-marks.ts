import type { Queryable } from './db.js';

/**
 * Seconds between two writes of one connection's mark: concurrent change steps of a connection rarely meet on its row.
 */
export const SYNC_MARK_EVERY_SECONDS = 5;

export interface SyncLagRow {
  connectionId: string;
  provider: string;
  lagSeconds: number;
}

/** The sync-lag source: when each connection last applied a change (migrations/0350), and its last poll. */
export class SyncMarkRepo {
  constructor(private readonly db: Queryable) {}

  /**
   * The change step applied something for this connection now. A plain conditional UPDATE (no lock on a row
   * marked in the last few seconds), then an insert for a connection with no mark yet.
   */
  async noteChange(connectionId: string): Promise<void> {
    await this.db.query(
      `WITH moved AS (
         UPDATE connection_sync_marks SET last_change_at = now()
          WHERE connection_id = $1 AND last_change_at < now() - make_interval(secs => $2) RETURNING 1)
       INSERT INTO connection_sync_marks (connection_id, last_change_at)
       SELECT $1, now() WHERE NOT EXISTS (SELECT 1 FROM moved) AND NOT EXISTS (SELECT 1 FROM connection_sync_marks WHERE connection_id = $1)
       ON CONFLICT (connection_id) DO NOTHING`,
      [connectionId, SYNC_MARK_EVERY_SECONDS],
    );
  }

  /** Lag of every connection that has synced at all and is not failed: now minus its newest change or poll. */
  async lag(): Promise<SyncLagRow[]> {
    const r = await this.db.query<{ id: string; provider: string; lag: number }>(
      `SELECT c.id, c.provider, extract(epoch FROM now() - greatest(c.last_sync_at, m.last_change_at))::float8 AS lag
         FROM connections c LEFT JOIN connection_sync_marks m ON m.connection_id = c.id
        WHERE c.status <> 'failed' AND (c.last_sync_at IS NOT NULL OR m.last_change_at IS NOT NULL)`,
    );
    return r.rows.map((x) => ({ connectionId: x.id, provider: x.provider, lagSeconds: Math.max(0, Number(x.lag)) }));
  }
}
