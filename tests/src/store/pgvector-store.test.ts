import type { Db } from '../../../src/store/db.js';
import { PgVectorStore } from '../../../src/store/pgvector-store.js';
import { memoryDb } from '../context/helpers.js';
import { DIM, angle, storeContract } from '../context/store-contract.js';

let db: Db;
storeContract('PgVectorStore (PGlite)', async () => {
  db = await memoryDb();
  const store = new PgVectorStore(db, { dimensions: DIM, space: 'test-space' });
  return { store, reset: async () => { await db.query('DELETE FROM context_chunks'); } };
}, async () => { await db.close(); });

describe('PgVectorStore specifics', () => {
  let db2: Db;
  beforeAll(async () => { db2 = await memoryDb(); });
  afterAll(async () => { await db2.close(); });

  test('a small tenant among many rows still fills topK through the HNSW index (iterative scan)', async () => {
    const s = new PgVectorStore(db2, { dimensions: DIM, space: 's' });
    const big = Array.from({ length: 3000 }, (_, i) => ({ id: `b${i}`, values: angle(i % 90), metadata: { kind: 'email' } }));
    await s.upsert('big', big);
    await s.upsert('small', Array.from({ length: 5 }, (_, i) => ({ id: `s${i}`, values: angle(170 + i), metadata: { kind: 'note' } })));
    const plan = await db2.query<Record<string, string>>(
      `EXPLAIN SELECT id FROM context_chunks WHERE tenant_id = 'x' AND space = 's' AND dims = ${DIM} ORDER BY embedding::vector(${DIM}) <=> '${'[' + Array.from(angle(0)).join(',') + ']'}'::vector(${DIM}) LIMIT 5`);
    expect(plan.rows.map((r) => Object.values(r)[0]).join('\n')).toMatch(/context_chunks_hnsw_384|Index Scan|Bitmap/);
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
    await expect(a.upsert('t', [{ id: 'y', values: new Float32Array(3), metadata: {} }])).rejects.toMatchObject({ code: 'INVALID_PAYLOAD' });
    await expect(a.query('t', new Float32Array(3), { topK: 1 })).rejects.toMatchObject({ code: 'INVALID_PAYLOAD' });
  });

  test('values with quotes and SQL are data, not SQL', async () => {
    const s = new PgVectorStore(db2, { dimensions: DIM, space: 'inj' });
    await s.upsert("t'; DROP TABLE context_chunks; --", [{ id: "id'x", values: angle(0), metadata: { recordId: "r' OR '1'='1" } }]);
    const m = await s.query("t'; DROP TABLE context_chunks; --", angle(0), { topK: 5, filter: { recordId: { $in: ["r' OR '1'='1"] } } });
    expect(m.map((x) => x.id)).toEqual(["id'x"]);
    expect(await s.query('t', angle(0), { topK: 5, filter: { recordId: "x' OR '1'='1" } })).toEqual([]);
  });

  test('duplicate ids in one call: last one wins', async () => {
    const s = new PgVectorStore(db2, { dimensions: DIM, space: 'dup' });
    await s.upsert('t', [{ id: 'a', values: angle(0), metadata: { v: 1 } }, { id: 'a', values: angle(0), metadata: { v: 2 } }]);
    expect((await s.query('t', angle(0), { topK: 5 }))[0]!.metadata).toEqual({ v: 2 });
  });
});
