import type { Queryable } from './db.js';

/** Throws when the database does not answer (readiness checks). */
export async function pingDatabase(db: Queryable): Promise<void> {
  await db.query('SELECT 1');
}
