import { ContextIndexer, HashingEmbedder } from '../../../src/context/index.js';
import { switchSpaces } from '../../../src/store/context-spaces.js';
import { contextTableReady, PgVectorStore } from '../../../src/store/pgvector-store.js';
import { indexActivities } from '../../../src/sync/index-activities.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';
import { seedConnection } from '../sources/helpers.js';
import { activity } from './helpers.js';

/**
 * An index built with one embedder is never queried with another: switching the embedder of a tenant re-queues all
 * its live activities for the new space and drops the old space's rows (src/store/context-spaces.ts).
 * PGlite by default; with DATABASE_URL on a server without pgvector the file is skipped.
 */
const probe = await openTestDb();
const ready = await contextTableReady(probe.db);
await probe.close();
const describeIf = ready ? describe : describe.skip;
if (!ready) test.skip('pgvector is not installed on this PostgreSQL server', () => undefined);

describeIf('switching the embedder of a tenant', () => {
  let t: TestDb;
  const oldE = new HashingEmbedder();
  // Another vector space: other dimensions and id, as a change of EMBEDDINGS gives (the fusion is 896 dims).
  const newE = new HashingEmbedder({ dimensions: 256, weights: { word: 1, bigram: 0, char: 1 } });
  const sent: { name: string; data: { connectionId: string; records: { kind: string; externalId: string }[] } }[] = [];
  const queue = {
    sendMany: async (name: string, jobs: { data: object }[]) => {
      for (const j of jobs) sent.push({ name, data: j.data as (typeof sent)[number]['data'] });
      return jobs.length;
    },
  };

  beforeAll(async () => {
    t = await openTestDb();
    await seedConnection(t.store, 'connA', 'tenantA');
    await seedConnection(t.store, 'connB', 'tenantB');
    const acts = (p: string, n: number) =>
      Array.from({ length: n }, (_, i) =>
        activity({ externalId: `${p}${i}`, subject: `Renewal ${p}${i}`, body: `Budget talk number ${i} with ${p}.` }),
      );
    await t.store.records.upsertMany('connA', [...acts('a', 130), activity({ externalId: 'gone', archived: true })]);
    await t.store.records.upsertMany('connB', acts('b', 3));
    const old = new ContextIndexer(oldE, new PgVectorStore(t.db, { dimensions: oldE.dimensions, space: oldE.id }));
    await old.indexActivities({ tenantId: 'tenantA', connectionId: 'connA' }, acts('a', 130));
    await old.indexActivities({ tenantId: 'tenantB', connectionId: 'connB' }, acts('b', 3));
  });
  afterAll(async () => {
    await t.close();
  });

  test('the new space answers nothing before the reindex (no mixed query), everything after it', async () => {
    const newStore = new PgVectorStore(t.db, { dimensions: newE.dimensions, space: newE.id });
    const fresh = new ContextIndexer(newE, newStore);
    expect(await fresh.retrieve('tenantA', 'budget renewal a7')).toEqual([]);

    const r = await switchSpaces(t.db, queue, newE, { pgvector: true });
    expect(r.switched.map((s) => [s.tenantId, s.from, s.activities]).sort()).toEqual([
      ['tenantA', oldE.id, 130],
      ['tenantB', oldE.id, 3],
    ]);
    // 130 live activities of tenant A in jobs of at most 100; the archived one is not queued.
    const aJobs = sent.filter((s) => s.data.connectionId === 'connA');
    expect(aJobs.map((j) => j.data.records.length)).toEqual([100, 30]);
    expect(sent.every((s) => s.name === 'index')).toBe(true);
    expect(aJobs.flatMap((j) => j.data.records.map((x) => x.externalId))).not.toContain('gone');
    // Old space dropped for both tenants.
    const left = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM context_chunks WHERE space = $1', [
      oldE.id,
    ]);
    expect(left.rows[0]!.n).toBe(0);
    const rec = await t.db.query<{ tenant_id: string; space: string; previous_space: string; dims: number }>(
      'SELECT tenant_id, space, previous_space, dims FROM context_spaces ORDER BY tenant_id',
    );
    expect(rec.rows).toEqual([
      { tenant_id: 'tenantA', space: newE.id, previous_space: oldE.id, dims: 256 },
      { tenant_id: 'tenantB', space: newE.id, previous_space: oldE.id, dims: 256 },
    ]);

    // The queued jobs run through the real index path with the new embedder.
    for (const j of sent) await indexActivities(t.store, fresh, j.data.connectionId, j.data.records);
    const hits = await fresh.retrieve('tenantA', 'Renewal a7', { topK: 3 });
    expect(hits[0]?.source.recordId).toBe('a7');
    expect(await newStore.count('tenantA')).toBe(130);
    expect(await newStore.count('tenantB')).toBe(3);

    // Nothing left to switch: a second start queues nothing.
    sent.length = 0;
    const again = await switchSpaces(t.db, queue, newE, { pgvector: true });
    expect(again.switched).toEqual([]);
    expect(sent).toEqual([]);
  });

  test('of several processes switching at once, one queues each tenant', async () => {
    sent.length = 0;
    const results = await Promise.all([1, 2, 3].map(() => switchSpaces(t.db, queue, oldE, { pgvector: true })));
    const switched = results.flatMap((r) => r.switched.map((s) => s.tenantId)).sort();
    expect(switched).toEqual(['tenantA', 'tenantB']);
    expect(sent.reduce((n, s) => n + s.data.records.length, 0)).toBe(133);
    const rows = await t.db.query<{ space: string }>('SELECT DISTINCT space FROM context_chunks');
    expect(rows.rows.every((r) => r.space === oldE.id)).toBe(true);
  });

  test('a tenant indexed only in the current space is recorded without a reindex', async () => {
    sent.length = 0;
    await seedConnection(t.store, 'connC', 'tenantC');
    await t.store.records.upsertMany('connC', [activity({ externalId: 'c1' })]);
    const e = new ContextIndexer(oldE, new PgVectorStore(t.db, { dimensions: oldE.dimensions, space: oldE.id }));
    await e.indexActivities({ tenantId: 'tenantC', connectionId: 'connC' }, [activity({ externalId: 'c1' })]);
    const r = await switchSpaces(t.db, queue, oldE, { pgvector: true });
    expect(r.switched).toEqual([]);
    expect(r.recorded).toBe(1);
    expect(sent).toEqual([]);
  });

  test('a store without a space column (Pinecone) drops the tenant before the reindex is queued', async () => {
    sent.length = 0;
    const order: string[] = [];
    const q = {
      sendMany: async (_n: string, jobs: { data: object }[]) => {
        order.push(`queue ${jobs.length}`);
        return jobs.length;
      },
    };
    const r = await switchSpaces(t.db, q, newE, {
      pgvector: false,
      dropTenant: async (tenantId) => {
        order.push(`drop ${tenantId}`);
      },
    });
    expect(r.switched.map((s) => s.tenantId).sort()).toEqual(['tenantA', 'tenantB', 'tenantC']);
    expect(order.filter((o) => o.startsWith('drop')).length).toBe(3);
    expect(order).toEqual(['drop tenantA', 'queue 2', 'drop tenantB', 'queue 1', 'drop tenantC', 'queue 1']);
  });
});
