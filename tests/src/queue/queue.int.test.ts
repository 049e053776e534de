import { openTestDb, type TestDb } from '../../helpers/db.js';
import { createWorkQueue, type WorkQueue } from '../../../src/queue/index.js';
import { silentLogger } from '../../../src/lib/logger.js';

const waitFor = async (fn: () => boolean | Promise<boolean>, ms = 15000) => {
  const end = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error('timeout');
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe(`work queue (${process.env.DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  let t: TestDb;
  let q: WorkQueue;
  beforeAll(async () => {
    t = await openTestDb();
    q = createWorkQueue(t.db, t.url, { logger: silentLogger(), pollingIntervalSeconds: 0.5 });
    await q.start();
  });
  afterAll(async () => { await q.stop(); await t.close(); });

  test('a job sent inside a transaction exists only if the transaction commits', async () => {
    const seen: string[] = [];
    await q.work<{ tag: string }>('writeback', { concurrency: 1 }, async (jobs) => { for (const j of jobs) seen.push(j.data.tag); });
    await expect(t.store.tx(async (_r, tx) => {
      await q.sendInTx(tx, 'writeback', { tag: 'rolled-back' });
      throw new Error('abort');
    })).rejects.toThrow('abort');
    await t.store.tx(async (_r, tx) => { await q.sendInTx(tx, 'writeback', { tag: 'committed' }); });
    await waitFor(() => seen.includes('committed'));
    await new Promise((r) => setTimeout(r, 1200));
    expect(seen).toEqual(['committed']);
  });

  test('a failing job is retried', async () => {
    let calls = 0;
    await q.work<{ n: number }>('index', { concurrency: 1 }, async () => {
      calls++;
      if (calls === 1) throw new Error('transient');
    });
    await q.send('index', { n: 1 }, { retryLimit: 3 });
    await waitFor(() => calls >= 2, 20000);
    expect(calls).toBe(2);
  });

  test('singleton keys coalesce duplicate pending jobs', async () => {
    const a = await q.send('backfill', { connectionId: 'x' }, { singletonKey: 'backfill:x' });
    const b = await q.send('backfill', { connectionId: 'x' }, { singletonKey: 'backfill:x' });
    expect(a).not.toBeNull();
    expect(b).toBeNull();
  });
});

test('keyed queues refuse jobs without a key', () => {
  const q = createWorkQueue({ engine: 'postgres' } as any, 'postgres://unused', { logger: silentLogger() });
  expect(() => q.send('analyze', {})).toThrow('singletonKey');
});
