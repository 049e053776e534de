import type { Checkpoint } from '../core/connector.js';
import type { Queryable } from './db.js';
import { storableJson } from '../lib/storable.js';

export class CheckpointRepo {
  constructor(private readonly db: Queryable) {}
  async get(connectionId: string, stream: string): Promise<Checkpoint | null> {
    const r = await this.db.query<{ checkpoint: Checkpoint }>(
      'SELECT checkpoint FROM sync_checkpoints WHERE connection_id = $1 AND stream = $2',
      [connectionId, stream],
    );
    return r.rows[0]?.checkpoint ?? null;
  }
  async save(connectionId: string, stream: string, cp: Checkpoint): Promise<void> {
    await this.db.query(
      `INSERT INTO sync_checkpoints(connection_id, stream, checkpoint) VALUES ($1,$2,$3)
       ON CONFLICT (connection_id, stream) DO UPDATE SET checkpoint = EXCLUDED.checkpoint, updated_at = now()`,
      [connectionId, stream, storableJson(cp)],
    );
  }
  async clear(connectionId: string, stream: string): Promise<void> {
    await this.db.query('DELETE FROM sync_checkpoints WHERE connection_id = $1 AND stream = $2', [
      connectionId,
      stream,
    ]);
  }
}
