import type { Db } from '../../../src/store/db.js';
import { ContextIndexer } from '../../../src/context/indexer.js';
import { HashingEmbedder } from '../../../src/context/hashing-embedder.js';
import { PgVectorStore } from '../../../src/store/pgvector-store.js';
import { PineconeVectorStore } from '../../../src/context/pinecone-store.js';
import type { VectorStore } from '../../../src/context/types.js';
import { startFakePinecone, type FakePinecone } from '../../fakes/pinecone/server.js';
import { activity, memoryDb, prose } from './helpers.js';

const ctx = { tenantId: 'acme', connectionId: 'conn-1' };
let db: Db;
let fake: FakePinecone;
const embedder = new HashingEmbedder();
const stores: Record<string, () => VectorStore> = {
  pgvector: () => new PgVectorStore(db, { dimensions: embedder.dimensions, space: embedder.id }),
  pinecone: () =>
    new PineconeVectorStore({ apiKey: 'k', indexName: 'crm-idx', indexHost: fake.url, sleep: async () => undefined }),
};

beforeAll(async () => {
  db = await memoryDb();
  fake = await startFakePinecone({ apiKey: 'k', dimension: 384 });
});
afterAll(async () => {
  await db.close();
  await fake.close();
});
beforeEach(async () => {
  await db.query('DELETE FROM context_chunks');
  fake.reset();
});

describe.each(Object.keys(stores))('ContextIndexer on %s', (name) => {
  const make = () => new ContextIndexer(embedder, stores[name]!());

  test('index then retrieve: text, score and source', async () => {
    const ix = make();
    await ix.indexActivities(ctx, [
      activity({
        externalId: 'e1',
        subject: 'Security review',
        body: 'Their IT team sent a SOC 2 questionnaire and wants the audit report.',
      }),
      activity({
        externalId: 'e2',
        subject: 'Lunch',
        body: 'Booked a table for Friday lunch with the champion.',
        associations: { contacts: [], companies: [], deals: ['d9'] },
      }),
      activity({
        externalId: 'c1',
        kind: 'call',
        provider: 'salesforce',
        subject: null,
        body: 'Discussed pricing tiers and a multi-year discount.',
        url: null,
      }),
    ]);
    const r = await ix.retrieve('acme', 'SOC 2 security questionnaire', { topK: 2 });
    expect(r[0]!.source).toEqual({
      provider: 'hubspot',
      kind: 'email',
      recordId: 'e1',
      url: 'https://app.hubspot.com/x/e1',
      occurredAt: expect.any(Number),
    });
    expect(r[0]!.text).toContain('SOC 2 questionnaire');
    expect(r[0]!.score).toBeGreaterThan(r[1]!.score);
    const byDeal = await ix.retrieve('acme', 'lunch', { topK: 5, filter: { dealIds: 'd9' } });
    expect(byDeal.map((x) => x.source.recordId)).toEqual(['e2']);
    const calls = await ix.retrieve('acme', 'pricing', { topK: 5, filter: { provider: 'salesforce', kind: 'call' } });
    expect(calls.map((x) => x.id)).toEqual(['salesforce:call:c1:0']);
  });

  test('re-indexing a shorter version replaces chunks and drops the stale tail', async () => {
    const ix = make();
    const long = activity({ externalId: 'e1', body: prose(1600) });
    expect((await ix.indexActivity(ctx, long)).chunks).toBeGreaterThan(2);
    await ix.indexActivity(ctx, { ...long, body: 'Short now: CANARYSHORT' });
    const r = await ix.retrieve('acme', 'CANARYSHORT pricing', { topK: 50 });
    expect(r.map((x) => x.id)).toEqual(['hubspot:email:e1:0']);
    expect(r[0]!.text).toContain('CANARYSHORT');
  });

  test("a batch re-index (one delete for many records) drops each record's stale tail and archived records, and no other record", async () => {
    const ix = make();
    const many = Array.from({ length: 130 }, (_, i) =>
      activity({ externalId: `m${i}`, body: i % 2 ? prose(1200, i) : `short ${i}` }),
    );
    await ix.indexActivities(ctx, many);
    const before = await ix.retrieve('acme', 'pricing renewal', { topK: 1000 });
    expect(before.filter((x) => x.source.recordId === 'm1').length).toBeGreaterThan(1);
    // m1 and m101 shrink to one chunk, m3 is archived; the rest are written again unchanged.
    const next = many.map((a) =>
      a.externalId === 'm1' || a.externalId === 'm101'
        ? { ...a, body: 'now short' }
        : a.externalId === 'm3'
          ? { ...a, archived: true }
          : a,
    );
    await ix.indexActivities(ctx, next);
    const after = await ix.retrieve('acme', 'pricing renewal short', { topK: 1000 });
    const chunksOf = (id: string, xs: typeof after) =>
      xs
        .filter((x) => x.source.recordId === id)
        .map((x) => x.id)
        .sort();
    expect(chunksOf('m1', after)).toEqual(['hubspot:email:m1:0']);
    expect(chunksOf('m101', after)).toEqual(['hubspot:email:m101:0']);
    expect(chunksOf('m3', after)).toEqual([]);
    expect(chunksOf('m5', after)).toEqual(chunksOf('m5', before));
    expect(after).toHaveLength(
      before.length -
        chunksOf('m1', before).length -
        chunksOf('m101', before).length -
        chunksOf('m3', before).length +
        2,
    );
  });

  test("settle() folds a bulk-loaded batch into the store's index (pgvector) and changes no result", async () => {
    const ix = make();
    await ix.indexActivities(
      ctx,
      Array.from({ length: 60 }, (_, i) =>
        activity({ externalId: `s${i}`, body: `settle canary ${i} ${prose(30, i)}` }),
      ),
    );
    const before = (await ix.retrieve('acme', 'settle canary 7', { topK: 5 })).map((x) => x.id);
    const r = await ix.settle(Date.now() + 30_000);
    expect(r.pending).toBe(0);
    if (name === 'pgvector') expect(r.settled).toBe(60);
    expect((await ix.retrieve('acme', 'settle canary 7', { topK: 5 })).map((x) => x.id)).toEqual(before);
  });

  test('removeRecord deletes every chunk of that record only; archived records are removed on index', async () => {
    const ix = make();
    await ix.indexActivities(ctx, [activity({ externalId: 'e1', body: prose(1200) }), activity({ externalId: 'e2' })]);
    await ix.removeRecord('acme', { provider: 'hubspot', kind: 'email', externalId: 'e1' });
    expect((await ix.retrieve('acme', 'pricing renewal', { topK: 50 })).map((x) => x.source.recordId)).toEqual(['e2']);
    await ix.indexActivity(ctx, activity({ externalId: 'e2', archived: true }));
    expect(await ix.retrieve('acme', 'pricing', { topK: 50 })).toEqual([]);
  });
});
