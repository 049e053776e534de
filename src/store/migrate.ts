import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db, Queryable, Session } from './db.js';

/** The migrations folder shipped with this code (repo root from src/, dist/migrations from the build). */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations', import.meta.url));

const LOCK_KEY = 727274;
const NO_TRANSACTION = /^\s*--\s*migrate:\s*no-transaction\s*$/m;
/** The only statements a no-transaction migration may hold: each is safe to run again after a crash. */
const CONCURRENT_INDEX =
  /^(CREATE\s+(UNIQUE\s+)?INDEX\s+CONCURRENTLY\s+IF\s+NOT\s+EXISTS|DROP\s+INDEX\s+CONCURRENTLY\s+IF\s+EXISTS)\s/i;

export interface MigrateOptions {
  /** Progress, one line per migration (the CLI prints them). */
  onApplied?: (name: string, ms: number) => void;
  /** How often a process waiting for another one's migration lock retries (ms). */
  lockRetryMs?: number;
}

/**
 * Forward-only migrations: every `NNNN_name.sql` in migrations/ not yet recorded is applied in order, one at a
 * time, under a session advisory lock so concurrent processes never race (the others wait, then find nothing
 * to do). A migration runs in its own transaction together with its schema_migrations row, unless it starts
 * with `-- migrate: no-transaction`: then it may hold only CREATE INDEX CONCURRENTLY IF NOT EXISTS / DROP INDEX
 * CONCURRENTLY IF EXISTS statements, run one by one, so an index on a large live table is built without
 * blocking writes (PostgreSQL refuses CONCURRENTLY inside a transaction block). A concurrent build that failed
 * leaves an INVALID index behind; it is dropped and rebuilt on the next run.
 */
export async function migrate(db: Db, dir: string = MIGRATIONS_DIR, o: MigrateOptions = {}): Promise<string[]> {
  const files = migrationFiles(dir);
  return db.session(async (s) => {
    await takeLock(s, o.lockRetryMs ?? 500);
    try {
      await s.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
      );
      const done = await appliedNames(s);
      const applied: string[] = [];
      for (const f of files) {
        if (done.has(f)) continue;
        const started = Date.now();
        const sql = readFileSync(path.join(dir, f), 'utf8');
        if (NO_TRANSACTION.test(sql)) {
          for (const stmt of splitSql(sql)) await runConcurrent(s, db.engine, f, stmt);
          await s.query('INSERT INTO schema_migrations(name) VALUES ($1)', [f]);
        } else {
          await s.transaction(async (tx) => {
            for (const stmt of splitSql(sql)) await tx.query(stmt);
            await tx.query('INSERT INTO schema_migrations(name) VALUES ($1)', [f]);
          });
        }
        applied.push(f);
        o.onApplied?.(f, Date.now() - started);
      }
      return applied;
    } finally {
      await s.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]);
    }
  });
}

/** Migrations in `dir` not yet applied to the database, in order (all of them on an empty database). */
export async function pendingMigrations(db: Queryable, dir: string = MIGRATIONS_DIR): Promise<string[]> {
  const exists = (await db.query<{ ok: boolean }>("SELECT to_regclass('schema_migrations') IS NOT NULL AS ok")).rows[0]
    ?.ok;
  const done = exists ? await appliedNames(db) : new Set<string>();
  return migrationFiles(dir).filter((f) => !done.has(f));
}

function migrationFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_.+\.sql$/.test(f))
    .sort();
}

async function appliedNames(q: Queryable): Promise<Set<string>> {
  return new Set((await q.query<{ name: string }>('SELECT name FROM schema_migrations')).rows.map((r) => r.name));
}

/**
 * Try-lock in a loop rather than a blocking pg_advisory_lock: a session blocked inside a statement holds a
 * snapshot, and CREATE INDEX CONCURRENTLY in the lock holder waits for every older snapshot, a deadlock.
 */
async function takeLock(s: Session, retryMs: number): Promise<void> {
  for (;;) {
    const got = (await s.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [LOCK_KEY])).rows[0]?.ok;
    if (got) return;
    await new Promise((r) => setTimeout(r, retryMs));
  }
}

async function runConcurrent(s: Session, engine: Db['engine'], file: string, stmt: string): Promise<void> {
  if (!CONCURRENT_INDEX.test(stmt)) {
    throw new Error(
      `${file}: a "-- migrate: no-transaction" migration holds only CREATE INDEX CONCURRENTLY IF NOT EXISTS / DROP INDEX CONCURRENTLY IF EXISTS statements, found: ${stmt.slice(0, 80)}`,
    );
  }
  const create = /^CREATE\s+(?:UNIQUE\s+)?INDEX\s+CONCURRENTLY\s+IF\s+NOT\s+EXISTS\s+("?[\w.]+"?)/i.exec(stmt);
  if (create) {
    const name = create[1]!.replace(/"/g, '');
    const invalid = (
      await s.query<{ ok: boolean }>(
        'SELECT EXISTS (SELECT 1 FROM pg_index i WHERE i.indexrelid = to_regclass($1) AND NOT i.indisvalid) AS ok',
        [name],
      )
    ).rows[0]?.ok;
    if (invalid) await s.query(`DROP INDEX ${engine === 'postgres' ? 'CONCURRENTLY ' : ''}IF EXISTS ${create[1]}`);
  }
  // PGlite is one process with one connection: nothing to keep writing during the build, and no CONCURRENTLY there.
  await s.query(engine === 'postgres' ? stmt : stmt.replace(/\s+CONCURRENTLY\s+/i, ' '));
}

/** Split on semicolons at line ends outside $$-quoted bodies (our migrations keep to that style). */
export function splitSql(sql: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inDollar = false;
  for (const line of sql.split('\n')) {
    if (/^\s*--/.test(line) && !inDollar) continue;
    const n = (line.match(/\$\$/g) ?? []).length;
    if (n % 2 === 1) inDollar = !inDollar;
    cur += line + '\n';
    if (!inDollar && /;\s*$/.test(line)) {
      out.push(cur.trim());
      cur = '';
    }
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}
