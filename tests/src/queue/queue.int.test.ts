import { openTestDb, type TestDb } from '../../helpers/db.js';
import { createWorkQueue, type WorkQueue } from '../../../src/queue/index.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { logContextFields } from '../../../src/lib/log-context.js';

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
  afterAll(async () => {
    await q.stop();
    await t.close();
  });

  test('a job sent inside a transaction exists only if the transaction commits', async () => {
    const seen: string[] = [];
    await q.work<{ tag: string }>('writeback', { concurrency: 1 }, async (jobs) => {
      for (const j of jobs) seen.push(j.data.tag);
    });
    await expect(
      t.store.tx(async (_r, tx) => {
        await q.sendInTx(tx, 'writeback', { tag: 'rolled-back' });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    await t.store.tx(async (_r, tx) => {
      await q.sendInTx(tx, 'writeback', { tag: 'committed' });
    });
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

  test('sendMany queues a scan in multi-row INSERTs, skips keys already waiting, and the backlog drains in bursts', async () => {
    const keys = Array.from({ length: 700 }, (_, i) => `scan:${i}`);
    // 700 jobs in two statements (SEND_MANY_CHUNK = 500), the first key twice: one of them is queued.
    const queued = await q.sendMany(
      'analyze',
      [...keys, keys[0]!].map((k) => ({ data: { k }, singletonKey: k })),
    );
    expect(queued).toBe(700);
    expect(await q.sendMany('analyze', [{ data: { k: keys[1] }, singletonKey: keys[1] }])).toBe(0);
    const waiting = await t.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'analyze' AND state = 'created'",
    );
    expect(waiting.rows[0]!.n).toBe(700);
    await expect(q.sendMany('analyze', [{ data: {} }])).rejects.toThrow('singletonKey');

    // One wake-up for the whole backlog: workers that get a full batch fetch again at once instead of waiting for
    // the backstop poll (2 s) between batches: 700 jobs would take minutes that way, not this wait's bound.
    const seen = new Set<string>();
    const ids: [string, unknown][] = [];
    await q.work<{ k: string }>('analyze', { concurrency: 2, batchSize: 2 }, async (jobs) => {
      for (const j of jobs) seen.add(j.data.k);
      // Every log line a handler writes names its queue and jobs (src/lib/log-context.ts).
      ids.push([jobs.map((j) => j.id).join(','), logContextFields()]);
    });
    await waitFor(() => seen.size === 700, 60_000);
    for (const [jobIds, fields] of ids) {
      const list = jobIds.split(',');
      expect(fields).toMatchObject(
        list.length === 1 ? { queue: 'analyze', jobId: list[0] } : { queue: 'analyze', jobIds: list },
      );
    }
  }, 90_000);

  test('index jobs (slow local-model embedding) carry a 6 h expiry kept alive by heartbeat; others the 60 s expiry', async () => {
    await q.send('index', { tag: 'hb-send' });
    await q.sendMany('index', [{ data: { tag: 'hb-many' } }]);
    await t.store.tx(async (_r, tx) => {
      await q.sendInTx(tx, 'index', { tag: 'hb-tx' });
      await q.sendInTx(tx, 'writeback', { tag: 'hb-writeback' });
    });
    const rows = await t.db.query<{ tag: string; expire: number; heartbeat: number | null }>(
      `SELECT data->>'tag' AS tag, expire_seconds AS expire, heartbeat_seconds AS heartbeat FROM pgboss.job
        WHERE data->>'tag' LIKE 'hb-%' ORDER BY 1`,
    );
    expect(rows.rows).toEqual([
      { tag: 'hb-many', expire: 21600, heartbeat: 30 },
      { tag: 'hb-send', expire: 21600, heartbeat: 30 },
      { tag: 'hb-tx', expire: 21600, heartbeat: 30 },
      { tag: 'hb-writeback', expire: 60, heartbeat: null },
    ]);
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

describe(`work queue: jobs queued while every worker is busy (${process.env.DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  let t: TestDb;
  let q: WorkQueue;
  beforeAll(async () => {
    t = await openTestDb();
    // A backstop poll far longer than the test: only a wake-up gets a job started in time.
    q = createWorkQueue(t.db, t.url, { logger: silentLogger(), pollingIntervalSeconds: 60 });
    await q.start();
  });
  afterAll(async () => {
    await q.stop();
    await t.close();
  });

  test('run one after another as the worker frees up, not one per backstop poll', async () => {
    const seen: number[] = [];
    let release!: () => void;
    const busy = new Promise<void>((r) => (release = r));
    await q.work<{ n: number }>('writeback', { concurrency: 1 }, async (jobs) => {
      for (const j of jobs) {
        if (j.data.n === 0) await busy;
        seen.push(j.data.n);
      }
    });
    await q.send('writeback', { n: 0 });
    await waitFor(async () => (await q.depth!()).writeback.active === 1, 20_000);
    // Three more while the only worker is busy: their wake-ups arrive while it works.
    for (const n of [1, 2, 3]) await q.send('writeback', { n });
    release();
    await waitFor(() => seen.length === 4, 20_000);
    expect([...seen].sort()).toEqual([0, 1, 2, 3]);
  }, 30_000);
});
