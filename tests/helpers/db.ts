import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createStore, migrate, openDb, type Db, type Store } from '../../src/store/index.js';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');

/**
 * Database tests run on PGlite (in memory) by default and on a PostgreSQL server when DATABASE_URL is set
 * (each test file gets its own throw-away database there).
 */
export interface TestDb {
  db: Db;
  store: Store;
  url: string | null;
  engine: 'pglite' | 'postgres';
  close(): Promise<void>;
}

export async function openTestDb(): Promise<TestDb> {
  const base = process.env.DATABASE_URL;
  if (!base) {
    const db = await openDb({ dataDir: 'memory://' });
    await migrate(db, path.join(ROOT, 'migrations'));
    return { db, store: createStore(db), url: null, engine: 'pglite', close: () => db.close() };
  }
  const fresh = await freshDatabase(base);
  const url = fresh.url;
  const db = await openDb({ databaseUrl: url });
  await db.query('CREATE EXTENSION IF NOT EXISTS vector').catch(() => undefined);
  await migrate(db, path.join(ROOT, 'migrations'));
  return {
    db,
    store: createStore(db),
    url,
    engine: 'postgres',
    async close() {
      await db.close();
      await fresh.drop();
    },
  };
}

/** A throw-away database on the PostgreSQL server at `base`. */
export async function freshDatabase(base: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `cl_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(base);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      const a = new pg.Client({ connectionString: base });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}
