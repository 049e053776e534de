// lint-as: src/sync/lint-fixture.ts
// expect: no-restricted-syntax: SQL lives only in src/store
// expect: no-restricted-syntax: SQL lives only in src/store
// expect: no-restricted-syntax: SQL lives only in src/store
// expect: no-restricted-syntax: SQL lives only in src/store
// expect: 'pg' import is restricted from being used. SQL lives only in src/store
// expect: '@electric-sql/pglite' import is restricted from being used. SQL lives only in src/store
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';

type Q = { query(sql: string, params?: unknown[]): Promise<unknown> };
export async function leak(db: Q, id: string, table: string): Promise<void> {
  await db.query('SELECT * FROM records WHERE id = $1', [id]);
  await db.query(`
    DELETE FROM ${table} WHERE id = $1`, [id]);
  await db.query("insert into inbox (id) values ($1)", [id]);
  await db.query("SELECT to_regclass('context_chunks') IS NOT NULL AS ok");
  // Prose that merely starts with "select" or "update" is not SQL:
  const notes = ['select the deal to update it', 'Update the owner set by the rep', 'with the rep as (a) owner'];
  void notes;
}
export const clients = [pg, PGlite];
