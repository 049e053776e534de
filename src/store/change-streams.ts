import type { Queryable } from './db.js';

export interface ChangeStreamRow {
  connection_id: string;
  replay_position: string | null;
  position_updated_at: Date | null;
  lease_owner: string | null;
  lease_expires_at: Date;
  last_error: string | null;
}

/**
 * Durable change-stream state: the replay position (saved with the records it covers) and the lease that keeps
 * one subscriber per connection across processes. Lease times come from the database clock, so processes on
 * machines with skewed clocks still agree.
 */
export class ChangeStreamRepo {
  constructor(private readonly db: Queryable) {}

  async get(connectionId: string): Promise<ChangeStreamRow | null> {
    return (
      (await this.db.query<ChangeStreamRow>('SELECT * FROM change_streams WHERE connection_id = $1', [connectionId]))
        .rows[0] ?? null
    );
  }

  /**
   * Membership for fair lease selection: record that `owner` is alive, forget members silent for longer than
   * `ttlMs` (crashed), and return how many are alive, this one included. Database clock, like the leases.
   */
  async heartbeat(owner: string, ttlMs: number): Promise<number> {
    await this.db.query(
      'INSERT INTO change_stream_members (owner) VALUES ($1) ON CONFLICT (owner) DO UPDATE SET heartbeat_at = now()',
      [owner],
    );
    await this.db.query(
      'DELETE FROM change_stream_members WHERE heartbeat_at < now() - make_interval(secs => $1::double precision / 1000)',
      [ttlMs],
    );
    const r = await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM change_stream_members');
    return Math.max(1, r.rows[0]?.n ?? 1);
  }

  /** A clean stop: leave the membership at once, so the others' fair share grows without waiting for the TTL. */
  async leave(owner: string): Promise<void> {
    await this.db.query('DELETE FROM change_stream_members WHERE owner = $1', [owner]);
  }

  /**
   * Take the lease when it is free or expired (or already ours). Returns the row, or null when another process holds
   * it.
   */
  async acquire(connectionId: string, owner: string, ttlMs: number): Promise<ChangeStreamRow | null> {
    await this.db.query(
      'INSERT INTO change_streams (connection_id) VALUES ($1) ON CONFLICT (connection_id) DO NOTHING',
      [connectionId],
    );
    const r = await this.db.query<ChangeStreamRow>(
      `UPDATE change_streams SET lease_owner = $2, lease_expires_at = now() + make_interval(secs => $3::double precision / 1000), updated_at = now()
       WHERE connection_id = $1 AND (lease_expires_at < now() OR lease_owner = $2)
       RETURNING *`,
      [connectionId, owner, ttlMs],
    );
    return r.rows[0] ?? null;
  }

  /** Extend our lease. False when it was lost (expired and taken by another process): stop subscribing. */
  async renew(connectionId: string, owner: string, ttlMs: number): Promise<boolean> {
    const r = await this.db.query(
      `UPDATE change_streams SET lease_expires_at = now() + make_interval(secs => $3::double precision / 1000), updated_at = now()
       WHERE connection_id = $1 AND lease_owner = $2 RETURNING connection_id`,
      [connectionId, owner, ttlMs],
    );
    return r.rows.length === 1;
  }

  /** Give the lease back (clean stop), optionally noting why the stream stopped. */
  async release(connectionId: string, owner: string, lastError: string | null = null): Promise<void> {
    await this.db.query(
      `UPDATE change_streams SET lease_owner = NULL, lease_expires_at = '-infinity', last_error = COALESCE($3, last_error), updated_at = now()
       WHERE connection_id = $1 AND lease_owner = $2`,
      [connectionId, owner, lastError],
    );
  }

  /**
   * Store the position after an event, fenced by the lease: false (nothing written) when `owner` no longer holds
   * it; the caller then rolls its transaction back so the event's records are not stored twice by two subscribers.
   */
  async savePosition(connectionId: string, owner: string, position: string | null): Promise<boolean> {
    const r = await this.db.query(
      `UPDATE change_streams SET replay_position = $3, position_updated_at = now(), last_error = NULL, updated_at = now()
       WHERE connection_id = $1 AND lease_owner = $2 AND lease_expires_at >= now() RETURNING connection_id`,
      [connectionId, owner, position],
    );
    return r.rows.length === 1;
  }
}

/** How many streams one of `members` live supervisors may hold: an even split, rounded up so all are covered. */
export function fairShare(streams: number, members: number): number {
  return Math.ceil(streams / Math.max(1, members));
}
