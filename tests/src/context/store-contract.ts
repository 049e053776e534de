import { ErrorCode } from '../../../src/core/errors.js';
import type { Filter, Metadata, VectorChunk, VectorStore } from '../../../src/context/types.js';

export const DIM = 384;

/** Unit vector at angle `deg` in the first two dimensions: cosine to `angle(0)` is cos(deg). */
export function angle(deg: number, dim = DIM): Float32Array {
  const v = new Float32Array(dim);
  v[0] = Math.cos((deg * Math.PI) / 180);
  v[1] = Math.sin((deg * Math.PI) / 180);
  return v;
}

const META: Metadata[] = [
  { kind: 'email', provider: 'hubspot', recordId: 'r0', connectionId: 'conn-a', dealIds: ['d1'], occurredAt: 1000 },
  {
    kind: 'call',
    provider: 'hubspot',
    recordId: 'r0',
    connectionId: 'conn-a',
    dealIds: ['d1', 'd2'],
    occurredAt: 1100,
  },
  { kind: 'email', provider: 'hubspot', recordId: 'r1', connectionId: 'conn-a', dealIds: ['d2'], occurredAt: 1200 },
  { kind: 'call', provider: 'hubspot', recordId: 'r1', connectionId: 'conn-a', occurredAt: 1300 },
  { kind: 'email', provider: 'salesforce', recordId: 'r2', connectionId: 'conn-b', dealIds: ['d3'], occurredAt: 1400 },
  { kind: 'call', provider: 'salesforce', recordId: 'r2', connectionId: 'conn-b', dealIds: ['d1'], occurredAt: 1500 },
];
/** Six chunks c0..c5 at 0°, 10°, ... 50°: a query at 0° ranks them in id order. */
export const sixChunks = (tag = ''): VectorChunk[] =>
  META.map((m, i) => ({ id: `c${i}`, values: angle(i * 10), metadata: { ...m }, text: `chunk ${i}${tag}` }));

export const FILTER_CASES: [string, Filter, string[]][] = [
  ['implicit $eq', { kind: 'email' }, ['c0', 'c2', 'c4']],
  ['$ne', { kind: { $ne: 'email' } }, ['c1', 'c3', 'c5']],
  ['$in', { provider: { $in: ['salesforce'] } }, ['c4', 'c5']],
  ['$nin', { provider: { $nin: ['salesforce'] } }, ['c0', 'c1', 'c2', 'c3']],
  ['$eq on a list field', { dealIds: 'd1' }, ['c0', 'c1', 'c5']],
  ['$in on a list field', { dealIds: { $in: ['d2', 'd3'] } }, ['c1', 'c2', 'c4']],
  ['$nin on a list field (missing field matches)', { dealIds: { $nin: ['d1'] } }, ['c2', 'c3', 'c4']],
  ['$ne on a list field', { dealIds: { $ne: 'd2' } }, ['c0', 'c3', 'c4', 'c5']],
  ['$exists false', { dealIds: { $exists: false } }, ['c3']],
  ['$gt', { occurredAt: { $gt: 1200 } }, ['c3', 'c4', 'c5']],
  ['$lt', { occurredAt: { $lt: 1200 } }, ['c0', 'c1']],
  ['$gte + $lte', { occurredAt: { $gte: 1200, $lte: 1300 } }, ['c2', 'c3']],
  ['$gt on a string field matches nothing', { kind: { $gt: 1 } }, []],
  ['$and', { $and: [{ kind: 'email' }, { occurredAt: { $gt: 1000 } }] }, ['c2', 'c4']],
  ['$or', { $or: [{ recordId: 'r0' }, { provider: 'salesforce' }] }, ['c0', 'c1', 'c4', 'c5']],
  ['several keys = AND', { kind: 'email', provider: 'hubspot' }, ['c0', 'c2']],
  ['connectionId', { connectionId: 'conn-b' }, ['c4', 'c5']],
  ['no match', { recordId: 'nope' }, []],
];

export const BAD_FILTERS: [string, unknown][] = [
  ['tenantId', { tenantId: 't2' }],
  ['tenantId inside $or', { $or: [{ kind: 'email' }, { tenantId: { $in: ['t2'] } }] }],
  ['unknown operator', { kind: { $regex: '.*' } }],
  ['injection in a field name', { "kind' OR 1=1 --": 'x' }],
  ['null value', { kind: null }],
  ['empty $and', { $and: [] }],
];

export interface StoreHarness {
  store: VectorStore;
  reset(): Promise<void>;
}

export function storeContract(name: string, make: () => Promise<StoreHarness>, teardown: () => Promise<void>): void {
  describe(`${name}: VectorStore contract`, () => {
    let h: StoreHarness;
    beforeAll(async () => {
      h = await make();
    });
    afterAll(teardown);
    beforeEach(async () => {
      await h.reset();
      await h.store.upsert('t1', sixChunks());
    });

    test('query ranks by cosine similarity and returns metadata and text', async () => {
      const m = await h.store.query('t1', angle(0), { topK: 10 });
      expect(m.map((x) => x.id)).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'c5']);
      expect(m[0]!.score).toBeCloseTo(1, 4);
      expect(m[1]!.score).toBeCloseTo(Math.cos(Math.PI / 18), 4);
      expect(m[0]!.metadata).toMatchObject({ kind: 'email', dealIds: ['d1'], occurredAt: 1000 });
      expect(m[0]!.text).toBe('chunk 0');
      expect((await h.store.query('t1', angle(50), { topK: 2 })).map((x) => x.id)).toEqual(['c5', 'c4']);
    });

    test.each(FILTER_CASES)('filter: %s', async (_n, filter, want) => {
      const m = await h.store.query('t1', angle(0), { topK: 10, filter });
      expect(m.map((x) => x.id)).toEqual(want);
    });

    test.each(BAD_FILTERS)('rejects filter: %s', async (_n, filter) => {
      await expect(h.store.query('t1', angle(0), { topK: 5, filter: filter as Filter })).rejects.toMatchObject({
        code: ErrorCode.INVALID_PAYLOAD,
      });
      await expect(h.store.deleteByFilter('t1', filter as Filter)).rejects.toMatchObject({
        code: ErrorCode.INVALID_PAYLOAD,
      });
    });

    test('upsert replaces by id', async () => {
      await h.store.upsert('t1', [{ id: 'c0', values: angle(90), metadata: { kind: 'note' }, text: 'replaced' }]);
      const m = await h.store.query('t1', angle(0), { topK: 10 });
      expect(m.map((x) => x.id)).toEqual(['c1', 'c2', 'c3', 'c4', 'c5', 'c0']);
      expect(m[5]!.metadata).toEqual({ kind: 'note' });
      expect(m[5]!.text).toBe('replaced');
    });

    test('deleteByIds, deleteByFilter, deleteTenant', async () => {
      await h.store.upsert('t2', sixChunks(' of t2'));
      await h.store.deleteByIds('t1', ['c0', 'c1', 'missing']);
      expect((await h.store.query('t1', angle(0), { topK: 10 })).map((x) => x.id)).toEqual(['c2', 'c3', 'c4', 'c5']);
      await h.store.deleteByFilter('t1', { provider: 'salesforce' });
      expect((await h.store.query('t1', angle(0), { topK: 10 })).map((x) => x.id)).toEqual(['c2', 'c3']);
      await h.store.deleteTenant('t1');
      expect(await h.store.query('t1', angle(0), { topK: 10 })).toEqual([]);
      // the other tenant is untouched by all of it
      expect(await h.store.query('t2', angle(0), { topK: 10 })).toHaveLength(6);
      // deleting what is not there is fine
      await h.store.deleteTenant('t1');
      await h.store.deleteByFilter('t-never', { kind: 'email' });
      await h.store.deleteByIds('t-never', ['x']);
    });

    test('tenants are isolated even with identical ids and metadata', async () => {
      await h.store.upsert('t2', sixChunks(' of t2'));
      const a = await h.store.query('t1', angle(0), { topK: 100 });
      expect(a).toHaveLength(6);
      expect(a.every((x) => !x.text!.includes('t2'))).toBe(true);
      await h.store.deleteByIds('t2', ['c0']);
      expect(await h.store.query('t1', angle(0), { topK: 100 })).toHaveLength(6);
    });

    test('rejects bad input before any I/O', async () => {
      await expect(h.store.query('', angle(0), { topK: 5 })).rejects.toMatchObject({ code: ErrorCode.INVALID_PAYLOAD });
      await expect(h.store.query('t1', angle(0), { topK: 0 })).rejects.toMatchObject({
        code: ErrorCode.INVALID_PAYLOAD,
      });
      await expect(
        h.store.upsert('t1', [{ id: 'x', values: angle(0), metadata: { bad: null as any } }]),
      ).rejects.toMatchObject({ code: ErrorCode.INVALID_PAYLOAD });
    });
  });
}
