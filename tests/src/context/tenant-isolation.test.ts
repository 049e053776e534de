import type { Db } from '../../../src/store/db.js';
import { ContextIndexer } from '../../../src/context/indexer.js';
import { HashingEmbedder } from '../../../src/context/hashing-embedder.js';
import { PgVectorStore } from '../../../src/store/pgvector-store.js';
import { PineconeVectorStore } from '../../../src/context/pinecone-store.js';
import type { Filter, VectorStore } from '../../../src/context/types.js';
import { startFakePinecone, type FakePinecone } from '../../fakes/pinecone/server.js';
import { activity, memoryDb } from './helpers.js';

/**
 * Two tenants hold the SAME records (same provider, kinds, ids, deals, connection ids) except for a canary
 * word in the text. Whatever tenant A asks, through any store and any filter, B's canary never comes back.
 */
const A = 'tenant-a';
const B = 'tenant-b';
const CANARY_A = 'zebracanaryalpha';
const CANARY_B = 'zebracanarybravo';

const records = (canary: string) => [
  activity({ externalId: 'e1', subject: 'Pricing', body: `Revised quote ${canary} for the renewal.` }),
  activity({
    externalId: 'e2',
    kind: 'call',
    subject: null,
    body: `Call about security review ${canary}.`,
    associations: { contacts: ['51'], companies: [], deals: ['d2'] },
  }),
  activity({
    externalId: 'n1',
    kind: 'note',
    provider: 'salesforce',
    subject: 'Note',
    body: `Champion left ${canary}.`,
    occurredAt: '2026-02-01T00:00:00Z',
  }),
];

const values = ['e1', 'e2', 'n1', 'hubspot', 'salesforce', 'email', 'call', 'note', 'conn-shared', 'd1', 'd2', B, A];
const fields = ['recordId', 'provider', 'kind', 'connectionId', 'dealIds'];
function filters(): Filter[] {
  const out: Filter[] = [{}];
  for (const f of fields) {
    for (const v of values) {
      out.push({ [f]: v }, { [f]: { $ne: v } }, { [f]: { $in: [v, B] } }, { [f]: { $nin: [v] } });
    }
    out.push({ [f]: { $exists: true } }, { [f]: { $exists: false } });
  }
  out.push(
    { occurredAt: { $gt: 0 } },
    { occurredAt: { $lt: 2_000_000_000 } },
    { $or: [{ provider: 'hubspot' }, { provider: 'salesforce' }] },
    { $and: [{ kind: { $in: ['email', 'call', 'note'] } }, { occurredAt: { $gt: 0 } }] },
    { $or: [{ recordId: { $exists: true } }, { recordId: { $exists: false } }] },
  );
  return out;
}
/** Attempts to name tenant B inside the filter: all must be refused outright. */
const smuggled: Filter[] = [
  { tenantId: B } as Filter,
  { tenantId: { $in: [A, B] } } as Filter,
  { $or: [{ kind: 'email' }, { tenantId: B }] } as Filter,
  { $and: [{ $or: [{ tenantId: { $ne: A } }] }] } as Filter,
];

let db: Db;
let fake: FakePinecone;
const embedder = new HashingEmbedder();
const makers: Record<string, () => VectorStore> = {
  pgvector: () => new PgVectorStore(db, { dimensions: embedder.dimensions, space: embedder.id }),
  pinecone: () =>
    new PineconeVectorStore({ apiKey: 'k', indexName: 'crm-idx', indexHost: fake.url, sleep: async () => undefined }),
};

beforeAll(async () => {
  db = await memoryDb();
  fake = await startFakePinecone({ apiKey: 'k', dimension: 384 });
  for (const make of Object.values(makers)) {
    const ix = new ContextIndexer(embedder, make());
    await ix.indexActivities({ tenantId: A, connectionId: 'conn-shared' }, records(CANARY_A));
    await ix.indexActivities({ tenantId: B, connectionId: 'conn-shared' }, records(CANARY_B));
  }
});
afterAll(async () => {
  await db.close();
  await fake.close();
});

describe.each(Object.keys(makers))('tenant isolation on %s', (name) => {
  const ix = () => new ContextIndexer(embedder, makers[name]!());

  test('every filter combination: A never sees B', async () => {
    const i = ix();
    let seenA = 0;
    const fs = filters();
    for (const q of [`${CANARY_B} quote security champion`, CANARY_A]) {
      for (const f of fs) {
        const r = await i.retrieve(A, q, { topK: 50, ...(Object.keys(f).length ? { filter: f } : {}) });
        for (const x of r) {
          expect(x.text).not.toContain(CANARY_B);
          if (x.text.includes(CANARY_A)) seenA++;
        }
      }
    }
    expect(fs.length).toBeGreaterThan(250);
    expect(seenA).toBeGreaterThan(50); // the filters do return A's data, so the test is not vacuous
  });

  test('naming tenant B inside the filter is refused', async () => {
    for (const f of smuggled)
      await expect(ix().retrieve(A, CANARY_B, { topK: 50, filter: f })).rejects.toMatchObject({
        code: 'INVALID_PAYLOAD',
      });
    await expect(makers[name]!().deleteByFilter(A, { tenantId: B } as Filter)).rejects.toMatchObject({
      code: 'INVALID_PAYLOAD',
    });
  });

  test("A's deletes never touch B", async () => {
    const s = makers[name]!();
    await s.deleteByIds(A, ['hubspot:email:e1:0']);
    await s.deleteByFilter(A, { provider: 'salesforce' });
    const b = await ix().retrieve(B, CANARY_B, { topK: 50 });
    expect(b).toHaveLength(3);
    expect(b.every((x) => x.text.includes(CANARY_B))).toBe(true);
  });
});
