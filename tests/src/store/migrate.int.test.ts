import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrate, pendingMigrations, openDb, type Db } from '../../../src/store/index.js';
import { splitSql } from '../../../src/store/migrate.js';
import { ROOT, freshDatabase } from '../../helpers/db.js';

const pgUrl = process.env.DATABASE_URL;
const dirWith = (files: Record<string, string>): string => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cl-mig-'));
  for (const [n, sql] of Object.entries(files)) writeFileSync(path.join(dir, n), sql);
  return dir;
};

async function open(): Promise<{ db: Db; url: string | null; close(): Promise<void> }> {
  if (!pgUrl) {
    const db = await openDb({ dataDir: 'memory://' });
    return { db, url: null, close: () => db.close() };
  }
  const fresh = await freshDatabase(pgUrl);
  const db = await openDb({ databaseUrl: fresh.url, poolSize: 4 });
  return {
    db,
    url: fresh.url,
    async close() {
      await db.close();
      await fresh.drop();
    },
  };
}

const BASE = {
  '0001_items.sql':
    "CREATE TABLE items (id serial PRIMARY KEY, sku text NOT NULL);\nINSERT INTO items (sku) SELECT 'sku-' || g FROM generate_series(1, 500) g;\n",
};

describe('migrate', () => {
  let t: Awaited<ReturnType<typeof open>>;
  beforeEach(async () => {
    t = await open();
  });
  afterEach(async () => {
    await t.close();
  });

  it('applies each migration once, in order, and reports what is pending', async () => {
    const dir = dirWith({ ...BASE, '0002_more.sql': 'ALTER TABLE items ADD COLUMN qty integer NOT NULL DEFAULT 0;\n' });
    expect(await pendingMigrations(t.db, dir)).toEqual(['0001_items.sql', '0002_more.sql']);
    const seen: string[] = [];
    expect(await migrate(t.db, dir, { onApplied: (n) => seen.push(n) })).toEqual(['0001_items.sql', '0002_more.sql']);
    expect(seen).toEqual(['0001_items.sql', '0002_more.sql']);
    expect(await pendingMigrations(t.db, dir)).toEqual([]);
    expect(await migrate(t.db, dir)).toEqual([]);
  });

  it('a failing migration rolls back alone: the ones before it stay applied', async () => {
    const dir = dirWith({
      ...BASE,
      '0002_bad.sql': 'ALTER TABLE items ADD COLUMN a integer;\nALTER TABLE nope ADD COLUMN b integer;\n',
    });
    await expect(migrate(t.db, dir)).rejects.toThrow(/nope/);
    expect(await pendingMigrations(t.db, dir)).toEqual(['0002_bad.sql']);
    const cols = await t.db.query<{ column_name: string }>(
      "SELECT column_name FROM information_schema.columns WHERE table_name = 'items' ORDER BY 1",
    );
    expect(cols.rows.map((r) => r.column_name)).toEqual(['id', 'sku']);
  });

  it('builds the indexes of a no-transaction migration outside any transaction', async () => {
    const dir = dirWith({
      ...BASE,
      '0002_idx.sql': '-- migrate: no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS items_sku ON items (sku);\n',
    });
    expect(await migrate(t.db, dir)).toEqual(['0001_items.sql', '0002_idx.sql']);
    const idx = await t.db.query<{ valid: boolean }>(
      "SELECT i.indisvalid AS valid FROM pg_index i WHERE i.indexrelid = to_regclass('items_sku')",
    );
    expect(idx.rows).toEqual([{ valid: true }]);
  });

  it('refuses anything but concurrent index statements in a no-transaction migration', async () => {
    const dir = dirWith({
      ...BASE,
      '0002_mixed.sql': '-- migrate: no-transaction\nALTER TABLE items ADD COLUMN x integer;\n',
    });
    await expect(migrate(t.db, dir)).rejects.toThrow(/holds only CREATE INDEX CONCURRENTLY/);
    expect(await pendingMigrations(t.db, dir)).toEqual(['0002_mixed.sql']);
  });

  (pgUrl ? it : it.skip)(
    'PostgreSQL: a concurrent build that failed leaves an INVALID index, rebuilt on the next run',
    async () => {
      const dir = dirWith({
        ...BASE,
        '0002_uniq.sql':
          '-- migrate: no-transaction\nCREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS items_sku_uniq ON items (sku);\n',
      });
      await migrate(t.db, dirWith(BASE));
      await t.db.query("INSERT INTO items (sku) VALUES ('sku-1')");
      await expect(migrate(t.db, dir)).rejects.toThrow(/could not create unique index/);
      const invalid = await t.db.query<{ valid: boolean }>(
        "SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = to_regclass('items_sku_uniq')",
      );
      expect(invalid.rows).toEqual([{ valid: false }]);
      await t.db.query("DELETE FROM items WHERE sku = 'sku-1' AND id > 500");
      expect(await migrate(t.db, dir)).toEqual(['0002_uniq.sql']);
      const valid = await t.db.query<{ valid: boolean }>(
        "SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = to_regclass('items_sku_uniq')",
      );
      expect(valid.rows).toEqual([{ valid: true }]);
    },
  );

  (pgUrl ? it : it.skip)('PostgreSQL: processes migrating at once apply each migration exactly once', async () => {
    const dir = dirWith({
      ...BASE,
      '0002_idx.sql': '-- migrate: no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS items_sku ON items (sku);\n',
      '0003_more.sql': 'ALTER TABLE items ADD COLUMN qty integer;\n',
    });
    const others = await Promise.all([1, 2].map(() => openDb({ databaseUrl: t.url!, poolSize: 2 })));
    try {
      const results = await Promise.all([t.db, ...others].map((db) => migrate(db, dir, { lockRetryMs: 20 })));
      expect(results.flat().sort()).toEqual(['0001_items.sql', '0002_idx.sql', '0003_more.sql']);
      expect((await t.db.query('SELECT count(*)::int AS n FROM items')).rows[0]).toEqual({ n: 500 });
    } finally {
      await Promise.all(others.map((db) => db.close()));
    }
  });
});

/**
 * New migrations must not block a live table: an index on a table an earlier migration created is built in a
 * `-- migrate: no-transaction` migration with CREATE INDEX CONCURRENTLY. Migrations before 0250 predate the rule.
 */
test('indexes on existing tables are built concurrently (migrations from 0250 on)', () => {
  const dir = path.join(ROOT, 'migrations');
  const problems: string[] = [];
  for (const f of readdirSync(dir).filter((n) => /^\d{4}_.+\.sql$/.test(n) && Number(n.slice(0, 4)) >= 250)) {
    const sql = readFileSync(path.join(dir, f), 'utf8');
    const created = new Set(
      [...sql.matchAll(/CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?([\w.]+)/gi)].map((m) => m[1]!.toLowerCase()),
    );
    for (const stmt of splitSql(sql)) {
      const m =
        /^CREATE\s+(?:UNIQUE\s+)?INDEX\s+(CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?[\w."]+\s+ON\s+(?:ONLY\s+)?([\w.]+)/i.exec(
          stmt,
        );
      if (m && !created.has(m[2]!.toLowerCase()) && !m[1]) problems.push(`${f}: ${stmt.slice(0, 60)}`);
    }
  }
  expect(problems).toEqual([]);
});
