import { startFakePinecone, type FakePinecone } from '../../fakes/pinecone/server.js';
import { PineconeVectorStore, type PineconeStoreOptions } from '../../../src/context/pinecone-store.js';
import { ErrorCode } from '../../../src/core/errors.js';
import { DIM, angle, storeContract } from './store-contract.js';

let fake: FakePinecone;
const mk = (o: Partial<PineconeStoreOptions> = {}) =>
  new PineconeVectorStore({
    apiKey: 'pc-test',
    indexName: 'crm-idx',
    indexHost: fake.url,
    retry: { baseMs: 1, capMs: 5 },
    sleep: async () => undefined,
    ...o,
  });

storeContract(
  'PineconeVectorStore (real client -> local fake)',
  async () => {
    fake = await startFakePinecone({ apiKey: 'pc-test', dimension: DIM });
    return { store: mk(), reset: async () => fake.reset() };
  },
  async () => {
    await fake.close();
  },
);

describe('PineconeVectorStore against the fake', () => {
  let f: FakePinecone;
  const store = (o: Partial<PineconeStoreOptions> = {}) =>
    new PineconeVectorStore({
      apiKey: 'pc-test',
      indexName: 'crm-idx',
      indexHost: f.url,
      retry: { baseMs: 1, capMs: 5 },
      sleep: async () => undefined,
      ...o,
    });
  beforeAll(async () => {
    f = await startFakePinecone({ apiKey: 'pc-test', dimension: DIM });
  });
  afterAll(async () => {
    await f.close();
  });
  beforeEach(() => f.reset());

  test('one namespace per tenant; the client sends Api-Key and the API version', async () => {
    const s = store();
    await s.upsert('acme', [{ id: 'a', values: angle(0), metadata: { kind: 'email' } }]);
    await s.upsert('globex', [{ id: 'a', values: angle(0), metadata: { kind: 'email' } }]);
    expect(f.namespaceNames().sort()).toEqual(['tenant-acme', 'tenant-globex']);
    expect(f.requests.every((r) => r.apiVersion === '2026-07' && r.status === 200)).toBe(true);
  });

  test('resolves the data-plane host through describe_index (host returned WITH http://)', async () => {
    // own fake and key: the client caches hosts per (apiKey, index) for the whole process
    const f2 = await startFakePinecone({ apiKey: 'pc-describe', dimension: DIM });
    try {
      const s = new PineconeVectorStore({ apiKey: 'pc-describe', indexName: 'crm-idx', controllerHostUrl: f2.url });
      await s.upsert('t', [{ id: 'a', values: angle(0), metadata: {} }]);
      expect(f2.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /indexes/crm-idx', 'POST /vectors/upsert']);
    } finally {
      await f2.close();
    }
  });

  test('a wrong API key is AUTH_REVOKED', async () => {
    const s = store({ apiKey: 'wrong' });
    await expect(s.query('t', angle(0), { topK: 1 })).rejects.toMatchObject({
      code: ErrorCode.AUTH_REVOKED,
      status: 401,
    });
  });

  test('splits upserts by count: 2,500 records -> 1,000 + 1,000 + 500', async () => {
    const s = store({ concurrency: 1 });
    await s.upsert(
      't',
      Array.from({ length: 2500 }, (_, i) => ({ id: `v${i}`, values: angle(i % 360), metadata: { n: i } })),
    );
    const ups = f.requests.filter((r) => r.path === '/vectors/upsert');
    expect(ups.map((r) => r.vectors)).toEqual([1000, 1000, 500]);
    expect(f.namespaceSize('tenant-t')).toBe(2500);
  });

  test('splits upserts by size: each request stays under 2 MB', async () => {
    const s = store();
    const text = 'x'.repeat(30_000);
    await s.upsert(
      't',
      Array.from({ length: 200 }, (_, i) => ({ id: `v${i}`, values: angle(i), metadata: { n: i }, text })),
    );
    const ups = f.requests.filter((r) => r.path === '/vectors/upsert');
    expect(ups.length).toBeGreaterThanOrEqual(4);
    expect(ups.every((r) => r.status === 200 && r.bytes <= 1_900_000)).toBe(true);
    expect(ups.reduce((n, r) => n + r.vectors!, 0)).toBe(200);
    expect(f.namespaceSize('tenant-t')).toBe(200);
  });

  test('the fake itself refuses > 1,000 vectors and > 2 MB with an rpcStatus body (what the planner avoids)', async () => {
    const s = store({ maxRecordsPerUpsert: 1000 });
    const raw = async (body: unknown) =>
      fetch(`${f.url}/vectors/upsert`, {
        method: 'POST',
        headers: { 'Api-Key': 'pc-test', 'X-Pinecone-Api-Version': '2026-04', 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const many = await raw({
      namespace: 'n',
      vectors: Array.from({ length: 1001 }, (_, i) => ({ id: `v${i}`, values: Array.from(angle(0)) })),
    });
    expect(many.status).toBe(400);
    expect(await many.json()).toMatchObject({ code: 3, message: expect.stringContaining('1000'), details: [] });
    const big = await raw({
      namespace: 'n',
      vectors: Array.from({ length: 60 }, (_, i) => ({
        id: `v${i}`,
        values: Array.from(angle(0)),
        metadata: { t: 'y'.repeat(39_000) },
      })),
    });
    expect(big.status).toBe(400);
    expect(((await big.json()) as { message: string }).message).toMatch(/exceeds the maximum supported size of 2MB/);
    const noVersion = await fetch(`${f.url}/query`, { method: 'POST', headers: { 'Api-Key': 'pc-test' }, body: '{}' });
    expect(noVersion.status).toBe(400);
    void s;
  });

  test('chunk text over the 40 KB metadata limit is truncated, not rejected', async () => {
    const s = store();
    const text = 'é'.repeat(50_000); // 2 bytes each in UTF-8
    await s.upsert('t', [{ id: 'big', values: angle(0), metadata: { kind: 'email' }, text }]);
    const [m] = await s.query('t', angle(0), { topK: 1 });
    expect(m!.text!.length).toBeGreaterThan(15_000);
    expect(
      Buffer.byteLength(JSON.stringify({ ...m!.metadata, text: m!.text, textTruncated: true })),
    ).toBeLessThanOrEqual(40_960);
    expect(text.startsWith(m!.text!)).toBe(true);
    expect(m!.metadata).toEqual({ kind: 'email' });
  });

  test('deletes by ids in calls of at most 1,000', async () => {
    const s = store();
    await s.upsert(
      't',
      Array.from({ length: 2100 }, (_, i) => ({ id: `v${i}`, values: angle(i % 360), metadata: {} })),
    );
    f.requests.length = 0;
    await s.deleteByIds(
      't',
      Array.from({ length: 2100 }, (_, i) => `v${i}`),
    );
    expect(f.requests.map((r) => r.vectors)).toEqual([1000, 1000, 100]);
    expect(f.namespaceSize('tenant-t')).toBe(0);
  });

  test('429: retried with backoff until it passes', async () => {
    const retries: number[] = [];
    const s = store({ onRetry: (i) => retries.push(i.attempt) });
    await s.upsert('t', [{ id: 'a', values: angle(0), metadata: {} }]);
    f.inject({ count: 3, ops: ['query'], retryAfterSeconds: 0 });
    const m = await s.query('t', angle(0), { topK: 1 });
    expect(m.map((x) => x.id)).toEqual(['a']);
    expect(retries).toEqual([1, 2, 3]);
    expect(f.requests.filter((r) => r.path === '/query').map((r) => r.status)).toEqual([429, 429, 429, 200]);
    f.inject({ count: 2, ops: ['upsert'] });
    await s.upsert('t', [{ id: 'b', values: angle(0), metadata: {} }]);
    expect(f.namespaceSize('tenant-t')).toBe(2);
  });

  test('429: gives up after maxAttempts with RATE_LIMITED', async () => {
    const s = store({ retry: { maxAttempts: 3, baseMs: 1, capMs: 2 } });
    f.inject({ count: 10, ops: ['query'] });
    await expect(s.query('t', angle(0), { topK: 1 })).rejects.toMatchObject({
      code: ErrorCode.RATE_LIMITED,
      status: 429,
      provider: 'pinecone',
    });
    expect(f.requests.filter((r) => r.path === '/query')).toHaveLength(3);
  });

  test('backoff honours Retry-After through the real sleep', async () => {
    const waits: number[] = [];
    const s = store({
      sleep: async (ms) => {
        waits.push(ms);
      },
      retry: { baseMs: 1, capMs: 10_000 },
    });
    f.inject({ count: 1, ops: ['query'], retryAfterSeconds: 2 });
    await s.query('t', angle(0), { topK: 1 });
    expect(waits[0]).toBeGreaterThan(1500);
  });

  test('5xx is retried by the client itself, then surfaces as PROVIDER_UNAVAILABLE', async () => {
    const s = store({ clientMaxRetries: 1 });
    f.inject({ count: 5, status: 503, ops: ['query'] });
    await expect(s.query('t', angle(0), { topK: 1 })).rejects.toMatchObject({ code: ErrorCode.PROVIDER_UNAVAILABLE });
    expect(f.requests.filter((r) => r.path === '/query')).toHaveLength(2);
  }, 10_000);
});
