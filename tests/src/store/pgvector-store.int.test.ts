import type { Db } from '../../../src/store/db.js';
import { contextTableReady, PgVectorStore } from '../../../src/store/pgvector-store.js';
import type { VectorChunk } from '../../../src/context/types.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';
import { DIM, angle, storeContract } from '../context/store-contract.js';

// PGlite by default, PostgreSQL with DATABASE_URL (.ci/run's second pass); a server without pgvector skips.
const probe = await openTestDb();
const engine = probe.engine;
const ready = await contextTableReady(probe.db);
await probe.close();
const describeIf = ready ? describe : describe.skip;
if (!ready) test.skip('pgvector is not installed on this PostgreSQL server', () => undefined);

/** A fresh database (PGlite in memory, or a throw-away database on the server) for one describe block. */
function useDb(): () => Db {
  let t: TestDb;
  beforeAll(async () => {
    t = await openTestDb();
  });
  afterAll(async () => {
    await t.close();
  });
  return () => t.db;
}

let t1: TestDb;
if (ready) {
  storeContract(
    `PgVectorStore (${engine})`,
    async () => {
      t1 = await openTestDb();
      const store = new PgVectorStore(t1.db, { dimensions: DIM, space: 'test-space' });
      return {
        store,
        reset: async () => {
          await t1.db.query('DELETE FROM context_chunks');
        },
      };
    },
    async () => {
      await t1.close();
    },
  );
}

describeIf('PgVectorStore specifics', () => {
  const get = useDb();
  let db2: Db;
  beforeAll(() => {
    db2 = get();
  });

  test('a small tenant among many rows still fills topK through the HNSW index (iterative scan)', async () => {
    const s = new PgVectorStore(db2, { dimensions: DIM, space: 's' });
    const big = Array.from({ length: 3000 }, (_, i) => ({
      id: `b${i}`,
      values: angle(i % 90),
      metadata: { kind: 'email' },
    }));
    await s.upsert('big', big);
    await s.upsert(
      'small',
      Array.from({ length: 5 }, (_, i) => ({ id: `s${i}`, values: angle(170 + i), metadata: { kind: 'note' } })),
    );
    const plan = await db2.query<Record<string, string>>(
      `EXPLAIN SELECT id FROM context_chunks WHERE tenant_id = 'x' AND space = 's' AND dims = ${DIM} ORDER BY embedding::vector(${DIM}) <=> '${'[' + Array.from(angle(0)).join(',') + ']'}'::vector(${DIM}) LIMIT 5`,
    );
    expect(plan.rows.map((r) => Object.values(r)[0]).join('\n')).toMatch(/context_chunks_ann_384|Index Scan|Bitmap/);
    const m = await s.query('small', angle(0), { topK: 5 });
    expect(m.map((x) => x.id)).toEqual(['s0', 's1', 's2', 's3', 's4']);
    const f = await s.query('big', angle(0), { topK: 10, filter: { kind: 'email' } });
    expect(f).toHaveLength(10);
    expect(f[0]!.score).toBeGreaterThan(0.999);
  });

  test('spaces (embedders) never mix, and dimension mismatches are refused', async () => {
    const a = new PgVectorStore(db2, { dimensions: DIM, space: 'embedder-a' });
    const b = new PgVectorStore(db2, { dimensions: DIM, space: 'embedder-b' });
    await a.upsert('t', [{ id: 'x', values: angle(0), metadata: {} }]);
    expect(await b.query('t', angle(0), { topK: 5 })).toEqual([]);
    expect(await a.count('t')).toBe(1);
    await expect(a.upsert('t', [{ id: 'y', values: new Float32Array(3), metadata: {} }])).rejects.toMatchObject({
      code: 'INVALID_PAYLOAD',
    });
    await expect(a.query('t', new Float32Array(3), { topK: 1 })).rejects.toMatchObject({ code: 'INVALID_PAYLOAD' });
  });

  test('values with quotes and SQL are data, not SQL', async () => {
    const s = new PgVectorStore(db2, { dimensions: DIM, space: 'inj' });
    await s.upsert("t'; DROP TABLE context_chunks; --", [
      { id: "id'x", values: angle(0), metadata: { recordId: "r' OR '1'='1" } },
    ]);
    const m = await s.query("t'; DROP TABLE context_chunks; --", angle(0), {
      topK: 5,
      filter: { recordId: { $in: ["r' OR '1'='1"] } },
    });
    expect(m.map((x) => x.id)).toEqual(["id'x"]);
    expect(await s.query('t', angle(0), { topK: 5, filter: { recordId: "x' OR '1'='1" } })).toEqual([]);
  });

  test('duplicate ids in one call: last one wins', async () => {
    const s = new PgVectorStore(db2, { dimensions: DIM, space: 'dup' });
    await s.upsert('t', [
      { id: 'a', values: angle(0), metadata: { v: 1 } },
      { id: 'a', values: angle(0), metadata: { v: 2 } },
    ]);
    expect((await s.query('t', angle(0), { topK: 5 }))[0]!.metadata).toEqual({ v: 2 });
  });
});

describeIf('PgVectorStore bulk loads (pending rows, settled later)', () => {
  const get = useDb();
  let db3: Db;
  beforeAll(() => {
    db3 = get();
  });
  const pendingOf = async (tenant: string) =>
    (
      await db3.query<{ n: number }>('SELECT count(*)::int AS n FROM context_chunks WHERE tenant_id = $1 AND pending', [
        tenant,
      ])
    ).rows[0]!.n;

  test('a large call is a bulk load: stored and queryable at once, exact; settle() moves it into the graph; re-indexing is idempotent', async () => {
    const s = new PgVectorStore(db3, { dimensions: DIM, space: 'bulk', bulkRows: 10 });
    const chunks = Array.from({ length: 120 }, (_, i) => ({
      id: `c${i}`,
      values: angle(i * 0.5),
      metadata: { kind: i % 2 ? 'call' : 'email', n: i },
      text: `chunk ${i}`,
    }));
    await s.upsert('t', chunks);
    expect(await pendingOf('t')).toBe(120);
    const before = await s.query('t', angle(0), { topK: 5 });
    expect(before.map((m) => m.id)).toEqual(['c0', 'c1', 'c2', 'c3', 'c4']);
    expect(before[0]).toMatchObject({ text: 'chunk 0', metadata: { kind: 'email', n: 0 } });
    expect((await s.query('t', angle(0), { topK: 3, filter: { kind: 'call' } })).map((m) => m.id)).toEqual([
      'c1',
      'c3',
      'c5',
    ]);

    // The same chunks again (a re-index), one of them changed: still 120 rows, the change applied.
    await s.upsert(
      't',
      chunks.map((c) => (c.id === 'c7' ? { ...c, text: 'chunk 7 edited' } : c)),
    );
    expect(await s.count('t')).toBe(120);
    expect(await s.settle({ batch: 50 })).toEqual({ settled: 120, pending: 0 });
    expect(await pendingOf('t')).toBe(0);
    expect((await s.query('t', angle(0), { topK: 5 })).map((m) => m.id)).toEqual(['c0', 'c1', 'c2', 'c3', 'c4']);
    expect((await s.query('t', angle(3.5), { topK: 1 }))[0]).toMatchObject({ id: 'c7', text: 'chunk 7 edited' });
    await s.upsert('t', chunks);
    expect(await s.count('t')).toBe(120);
  });

  test('settled and pending rows of one tenant are ranked together; a small write clears the flag of its row', async () => {
    const s = new PgVectorStore(db3, { dimensions: DIM, space: 'mix', bulkRows: 10 });
    await s.upsert(
      'm',
      Array.from({ length: 20 }, (_, i) => ({ id: `old${i}`, values: angle(2 * i + 1), metadata: {} })),
    );
    await s.settle();
    await s.upsert(
      'm',
      Array.from({ length: 20 }, (_, i) => ({ id: `new${i}`, values: angle(2 * i), metadata: {} })),
    );
    expect((await s.query('m', angle(0), { topK: 4 })).map((m) => m.id)).toEqual(['new0', 'old0', 'new1', 'old1']);
    await s.upsert('m', [{ id: 'new0', values: angle(90), metadata: { moved: true } }]);
    expect(
      (
        await db3.query<{ pending: boolean }>(
          "SELECT pending FROM context_chunks WHERE tenant_id = 'm' AND id = 'new0'",
        )
      ).rows[0]!.pending,
    ).toBe(false);
    expect((await s.query('m', angle(0), { topK: 2 })).map((m) => m.id)).toEqual(['old0', 'new1']);
  });

  test('text, ids and metadata with quotes, newlines, unicode and no text survive the binary load', async () => {
    const s = new PgVectorStore(db3, { dimensions: DIM, space: 'odd', bulkRows: 2 });
    const odd: VectorChunk[] = [
      {
        id: 'it\'s "quoted"\n',
        values: angle(0),
        metadata: { subject: 'Zoë — naïve «ok» 日本 🚀', list: ['a,b', '}{'] },
        text: 'line1\nline2\t\\ \u0001',
      },
      { id: 'no-text', values: angle(1), metadata: { flag: true, x: 1.5 } },
    ];
    await s.upsert('o', odd);
    const got = await s.query('o', angle(0), { topK: 2 });
    expect(got).toEqual([
      { id: odd[0]!.id, score: expect.closeTo(1, 5), metadata: odd[0]!.metadata, text: odd[0]!.text },
      { id: 'no-text', score: expect.any(Number), metadata: { flag: true, x: 1.5 } },
    ]);
    const stored = (
      await db3.query<{ v: string }>(
        "SELECT embedding::text AS v FROM context_chunks WHERE tenant_id = 'o' AND id = 'no-text'",
      )
    ).rows[0]!.v;
    expect(new Float32Array(JSON.parse(stored) as number[])).toEqual(angle(1)); // float32 exact
  });

  test('deletes reach pending rows: nothing is left to find before or after settle', async () => {
    const s = new PgVectorStore(db3, { dimensions: DIM, space: 'del', bulkRows: 5 });
    await s.upsert(
      'd',
      Array.from({ length: 30 }, (_, i) => ({
        id: `r${i % 3}:${i}`,
        values: angle(i),
        metadata: { recordId: `r${i % 3}` },
      })),
    );
    await s.deleteByFilter('d', { recordId: 'r1' });
    await s.deleteByIds('d', ['r0:0']);
    expect(await s.count('d')).toBe(19);
    await s.settle();
    const ids = (await s.query('d', angle(0), { topK: 50 })).map((m) => m.id);
    expect(ids).toHaveLength(19);
    expect(ids.filter((id) => id.startsWith('r1:') || id === 'r0:0')).toEqual([]);
    await s.deleteTenant('d');
    expect((await db3.query("SELECT 1 FROM context_chunks WHERE tenant_id = 'd'")).rows).toEqual([]);
  });

  test('a selective filter (or a small tenant) gets topK even when the graph scan gives up before reaching its rows', async () => {
    const s = new PgVectorStore(db3, { dimensions: DIM, space: 'share', bulkRows: 100_000, maxScanTuples: 50 });
    // 1,500 common rows near the query and 15 rare ones far from it, in one tenant, and a range filter the planner
    // cannot serve from an index, so it scans the graph: the iterative scan meets common rows first and, limited to 50
    // tuples here, stops before any rare one.
    for (let i = 0; i < 1500; i += 500)
      await s.upsert(
        'large',
        Array.from({ length: 500 }, (_, k) => ({
          id: `l${i + k}`,
          values: angle(((i + k) % 60) / 2),
          metadata: { kind: 'common', n: 0 },
        })),
      );
    await s.upsert(
      'large',
      Array.from({ length: 15 }, (_, i) => ({ id: `r${i}`, values: angle(100 + i), metadata: { kind: 'rare', n: 1 } })),
    );
    await s.upsert(
      'small',
      Array.from({ length: 15 }, (_, i) => ({ id: `s${i}`, values: angle(100 + i), metadata: {} })),
    );
    await s.analyze();
    const ten = (p: string) => Array.from({ length: 10 }, (_, i) => `${p}${i}`);
    expect((await s.query('large', angle(0), { topK: 10, filter: { n: { $gt: 0 } } })).map((m) => m.id)).toEqual(
      ten('r'),
    );
    expect(await s.query('large', angle(0), { topK: 20, filter: { n: { $gt: 0 } } })).toHaveLength(15);
    expect((await s.query('small', angle(0), { topK: 10 })).map((m) => m.id)).toEqual(ten('s'));
    expect(await s.query('large', angle(0), { topK: 10 })).toHaveLength(10);
  });
});

describeIf('PgVectorStore rebuild (a mostly pending table folded by one index build)', () => {
  const get = useDb();
  test('settle({ rebuild }) builds the graph over every pending row; a lost graph index is built again', async () => {
    const db4 = get();
    const s = new PgVectorStore(db4, { dimensions: DIM, space: 'rb', bulkRows: 10 });
    await s.upsert(
      't',
      Array.from({ length: 300 }, (_, i) => ({ id: `c${i}`, values: angle(i * 0.3), metadata: {} })),
    );
    expect(await s.settle({ rebuild: true })).toEqual({ settled: 300, pending: 0 });
    const idx = await db4.query<{ def: string }>(
      "SELECT indexdef AS def FROM pg_indexes WHERE indexname = 'context_chunks_ann_384'",
    );
    expect(idx.rows[0]!.def).toMatch(/hnsw.*WHERE.*dims = 384.*NOT pending/);
    expect((await s.query('t', angle(0), { topK: 3 })).map((m) => m.id)).toEqual(['c0', 'c1', 'c2']);
    // A small bulk load into a mostly settled table is settled row by row, the graph kept.
    await s.upsert(
      't',
      Array.from({ length: 20 }, (_, i) => ({ id: `n${i}`, values: angle(200 + i), metadata: {} })),
    );
    expect(await s.settle({ rebuild: true, batch: 7 })).toEqual({ settled: 20, pending: 0 });
    // A crash between drop and build: the next settle builds the index again.
    await db4.query('DROP INDEX context_chunks_ann_384');
    await s.settle();
    expect((await db4.query("SELECT 1 FROM pg_indexes WHERE indexname = 'context_chunks_ann_384'")).rows).toHaveLength(
      1,
    );
    expect(await s.count('t')).toBe(320);
  });
});

describeIf('PgVectorStore rebuild of a large dimension (IVFFlat on PGlite, HNSW on PostgreSQL)', () => {
  const get = useDb();
  const am = async (db: Db) =>
    (
      await db.query<{ def: string }>(
        "SELECT indexdef AS def FROM pg_indexes WHERE indexname = 'context_chunks_ann_384'",
      )
    ).rows[0]!.def;
  test('from ivfMinRows rows PGlite builds IVFFlat (lists by rows), searched like the graph; outgrown, it is rebuilt', async () => {
    const db5 = get();
    const o = { dimensions: DIM, space: 'ivf', bulkRows: 10, ivfMinRows: 200, ivfRowsPerList: 10 };
    const s = new PgVectorStore(db5, o);
    // 400 rows of a large tenant on the half circle 0-180 degrees (a bulk load), 5 of a small one at 270 degrees.
    await s.upsert(
      'large',
      Array.from({ length: 400 }, (_, i) => ({ id: `c${i}`, values: angle(i * 0.45), metadata: { n: i % 2 } })),
    );
    await s.upsert(
      'small',
      Array.from({ length: 5 }, (_, i) => ({ id: `s${i}`, values: angle(270 + i), metadata: {} })),
    );
    expect(await s.settle({ rebuild: true })).toEqual({ settled: 400, pending: 0 });
    if (engine === 'pglite') expect(await am(db5)).toMatch(/ivfflat.*lists='?41'?.*WHERE.*dims = 384.*NOT pending/);
    else expect(await am(db5)).toMatch(/hnsw/);
    expect((await s.query('large', angle(0), { topK: 3 })).map((m) => m.id)).toEqual(['c0', 'c1', 'c2']);
    expect((await s.query('large', angle(90), { topK: 2, filter: { n: 1 } })).map((m) => m.id)).toEqual([
      'c199',
      'c201',
    ]);
    // The small tenant's rows sit in lists far from the query: the iterative scan probes on until it has them.
    expect((await s.query('small', angle(0), { topK: 10 })).map((m) => m.id).sort()).toEqual([
      's0',
      's1',
      's2',
      's3',
      's4',
    ]);
    // Near-real-time writes go straight into the index and are found at once.
    await s.upsert('large', [{ id: 'new', values: angle(0.1), metadata: {} }]);
    expect((await s.query('large', angle(0.1), { topK: 1 })).map((m) => m.id)).toEqual(['new']);
    // Grown, nine rows a call straight into the index, past four times the rows its lists were made for: built again
    // with more lists, though nothing is pending.
    const more = Array.from({ length: 1300 }, (_, i) => ({ id: `g${i}`, values: angle(181 + i / 100), metadata: {} }));
    for (let i = 0; i < more.length; i += 9) await s.upsert('large', more.slice(i, i + 9));
    expect(await s.pendingCount()).toBe(0);
    if (engine === 'pglite') expect(await am(db5)).toMatch(/lists='?41'?/);
    await s.settle({ rebuild: true });
    if (engine === 'pglite') expect(await am(db5)).toMatch(/lists='?171'?/);
    expect((await s.query('large', angle(185.5), { topK: 1 })).map((m) => m.id)).toEqual(['g450']);
  });
});
