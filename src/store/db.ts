import { existsSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import pg from 'pg';
import { ResourceInUseError } from '../core/errors.js';

/**
 * One SQL dialect (PostgreSQL) on two engines: PGlite (embedded, file-backed, single process)
 * or a PostgreSQL server through a pg Pool. Only src/store writes SQL.
 */
export interface QueryResult<R> {
  rows: R[];
  affectedRows: number;
}

export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<R>>;
  /**
   * `COPY ... FROM '/dev/blob'` fed with `data` (PGlite only: there a binary COPY skips the text parsing that
   * dominates bulk inserts of vectors). Absent on PostgreSQL, where callers use multi-row statements.
   */
  copyFrom?(sql: string, data: Uint8Array): Promise<void>;
}

export interface Db extends Queryable {
  readonly engine: 'pglite' | 'postgres';
  /** The underlying PGlite instance (embedded engine only; the queue adapter needs it). */
  readonly raw?: unknown;
  /** Run parameterless, possibly multi-statement SQL (migrations). Returns every statement's result. */
  exec(sql: string): Promise<QueryResult<Record<string, unknown>>[]>;
  /** Run fn inside one transaction on one connection; commits on success, rolls back on throw. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Run fn on one dedicated connection (session-level advisory locks, statements that cannot run inside a
   * transaction block, such as CREATE INDEX CONCURRENTLY). PGlite has a single connection: the session is it.
   */
  session<T>(fn: (s: Session) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** One connection: autocommit statements, or a transaction on that same connection. */
export interface Session extends Queryable {
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
}

export interface DbOptions {
  /** postgres://... ; when absent, PGlite under dataDir. */
  databaseUrl?: string | null;
  /** Folder for the PGlite data; `memory://` for an in-memory database (tests). */
  dataDir?: string;
  poolSize?: number;
}

export async function openDb(opts: DbOptions): Promise<Db> {
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl, opts.poolSize ?? 10);
  return openPglite(opts.dataDir ?? 'memory://');
}

/**
 * PGlite is one process's database: a second process opening the same folder corrupts it. A lock file with the
 * holder's pid guards it; a lock left by a process that no longer runs is taken over.
 */
function lockDataDir(dir: string): () => void {
  const file = path.join(dir, 'closeloop.pid');
  const holder = existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) : NaN;
  if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isRunning(holder)) {
    throw new ResourceInUseError(
      `The embedded database in ${path.dirname(dir)} is in use by another closeloop process (pid ${holder}). ` +
        'Stop it first (Ctrl-C in its terminal), or run closeloop on PostgreSQL (DATABASE_URL) so several processes can share it.',
    );
  }
  writeFileSync(file, String(process.pid));
  return () => {
    try {
      if (readFileSync(file, 'utf8').trim() === String(process.pid)) unlinkSync(file);
    } catch {
      /* already gone */
    }
  };
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function openPglite(dataDir: string): Promise<Db> {
  let dir = dataDir;
  let unlock = () => {};
  if (!dataDir.startsWith('memory://')) {
    dir = path.resolve(dataDir, 'pglite');
    mkdirSync(dir, { recursive: true });
    unlock = lockDataDir(dir);
  }
  let lite: PGlite;
  try {
    lite = await PGlite.create({ dataDir: dir, extensions: { vector } });
  } catch (e) {
    unlock();
    throw e;
  }
  const q = async <R>(runner: { query: PGlite['query'] }, sql: string, params?: unknown[]): Promise<QueryResult<R>> => {
    const r = await runner.query<R>(sql, params as any[]);
    return { rows: r.rows, affectedRows: r.affectedRows ?? 0 };
  };
  const copy = (runner: { query: PGlite['query'] }) => async (sql: string, data: Uint8Array) => {
    await runner.query(sql, [], { blob: new Blob([data as Uint8Array<ArrayBuffer>]) });
  };
  return {
    engine: 'pglite',
    raw: lite,
    query: (sql, params) => q(lite, sql, params),
    copyFrom: copy(lite),
    exec: async (sql) =>
      (await lite.exec(sql)).map((r) => ({
        rows: r.rows as Record<string, unknown>[],
        affectedRows: r.affectedRows ?? 0,
      })),
    // PGlite has one connection: transaction() holds it exclusively, so other callers (pg-boss) wait.
    transaction: (fn) =>
      lite.transaction((tx) => fn({ query: (sql, params) => q(tx as any, sql, params), copyFrom: copy(tx as any) })),
    session: (fn) =>
      fn({
        query: (sql, params) => q(lite, sql, params),
        copyFrom: copy(lite),
        transaction: (tfn) =>
          lite.transaction((tx) =>
            tfn({ query: (sql, params) => q(tx as any, sql, params), copyFrom: copy(tx as any) }),
          ),
      }),
    close: async () => {
      try {
        await lite.close();
      } finally {
        unlock();
      }
    },
  };
}

async function openPostgres(url: string, max: number): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max });
  pool.on('error', () => {
    /* idle client errors surface on the next query */
  });
  const wrap = <R>(r: pg.QueryResult<any>): QueryResult<R> => ({ rows: r.rows as R[], affectedRows: r.rowCount ?? 0 });
  return {
    engine: 'postgres',
    query: async (sql, params) => wrap(await pool.query(sql, params as any[])),
    exec: async (sql) => {
      const r = (await pool.query(sql)) as unknown as pg.QueryResult<any> | pg.QueryResult<any>[];
      return (Array.isArray(r) ? r : [r]).map((x) => wrap(x));
    },
    transaction: async (fn) => {
      const client = await pool.connect();
      try {
        return await inTransaction(client, fn);
      } finally {
        client.release();
      }
    },
    session: async (fn) => {
      const client = await pool.connect();
      let broken = false;
      try {
        return await fn({
          query: async (sql, params) => wrap(await client.query(sql, params as any[])),
          transaction: (tfn) => inTransaction(client, tfn),
        });
      } catch (e) {
        broken = true;
        throw e;
      } finally {
        // A failed session may hold session state (locks, settings): close the connection instead of pooling it.
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };

  async function inTransaction<T>(client: pg.PoolClient, fn: (tx: Queryable) => Promise<T>): Promise<T> {
    await client.query('BEGIN');
    try {
      const out = await fn({ query: async (sql, params) => wrap(await client.query(sql, params as any[])) });
      await client.query('COMMIT');
      return out;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    }
  }
}
