import type { Activity } from '../../../src/core/index.js';
import { createMetrics } from '../../../src/lib/metrics.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { createWorkQueue, type QueueName, type WorkQueue } from '../../../src/queue/index.js';
import { applyChanges, finishChanges } from '../../../src/sync/apply-changes.js';
import type { Logger } from '../../../src/lib/logger.js';
import type { ChangesApplied, ChangeSubscriber } from '../../../src/sync/change-events.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';

/**
 * One direction of flow: the change step announces what it applied to the subscribers the composition root hands
 * it (feedback in src/main.ts), inside its transaction; it calls no subscriber of its own.
 */
const note = (id: string): Activity => ({
  kind: 'note',
  provider: 'hubspot',
  externalId: id,
  createdAt: '2026-03-01T09:00:00.000Z',
  updatedAt: '2026-03-01T09:00:00.000Z',
  archived: false,
  ownerId: 'u1',
  url: null,
  associations: { contacts: [], companies: [], deals: ['d1'] },
  subject: null,
  body: `note ${id}`,
  occurredAt: '2026-03-01T09:00:00.000Z',
  direction: null,
  status: null,
  dueAt: null,
});

function memoryQueue() {
  const sent: { name: QueueName; data: any }[] = [];
  const q = {
    sent,
    sendInTx: async (_tx: unknown, name: QueueName, data: object) => {
      sent.push({ name, data });
      return String(sent.length);
    },
  };
  return q as typeof q & WorkQueue;
}

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
  await t.store.connections.upsert({
    id: 'c1',
    tenantId: 't1',
    provider: 'hubspot',
    accountId: 'a1',
    apiBase: 'http://x',
    displayName: null,
    accessTokenEnc: 'a',
    refreshTokenEnc: null,
    tokenExpiresAt: null,
    tokenMetadata: {},
  });
  await t.store.connections.markSynced('c1', { backfillDone: true });
});
afterAll(async () => {
  await t.close();
});

test('every subscriber hears the changed records and the deleted activities never stored, once per page', async () => {
  const heard: ChangesApplied[][] = [[], []];
  const subscribers: ChangeSubscriber[] = [
    async (_r, _tx, e) => {
      heard[0]!.push(e);
    },
    async (_r, _tx, e) => {
      heard[1]!.push(e);
    },
  ];
  const conn = (await t.store.connections.get('c1'))!;
  await applyChanges({ store: t.store, queue: memoryQueue(), metrics: createMetrics(), subscribers }, conn, {
    records: [note('n1')],
    deleted: [{ kind: 'note', externalId: 'never-seen' }],
    source: 'poll',
    analyze: false,
    receivedAt: 123,
  });
  for (const h of heard) {
    expect(h).toHaveLength(1);
    expect(h[0]!.changed.map((x) => x.externalId)).toEqual(['n1']);
    expect(h[0]!.unseenDeletions).toEqual([{ kind: 'note', externalId: 'never-seen' }]);
    expect(h[0]!).toMatchObject({ conn: { id: 'c1' }, receivedAt: 123 });
  }
  // The same page again changes nothing: subscribers hear an empty change list.
  await applyChanges({ store: t.store, queue: memoryQueue(), metrics: createMetrics(), subscribers }, conn, {
    records: [note('n1')],
    deleted: [],
    source: 'poll',
    analyze: false,
  });
  expect(heard[0]![1]!.changed).toEqual([]);
});

test("a subscriber's failure rolls the page back with it (it runs in the change step's transaction)", async () => {
  const conn = (await t.store.connections.get('c1'))!;
  const failing: ChangeSubscriber = async () => {
    throw new Error('subscriber broke');
  };
  await expect(
    applyChanges({ store: t.store, queue: memoryQueue(), metrics: createMetrics(), subscribers: [failing] }, conn, {
      records: [note('n2')],
      deleted: [],
      source: 'poll',
      analyze: false,
    }),
  ).rejects.toThrow('subscriber broke');
  expect(await t.store.records.get('c1', 'note', 'n2')).toBeNull();
});

test('a deal analysis that started while the change was committing runs again after it (no lost re-analysis)', async () => {
  const q = createWorkQueue(t.db, t.url, { logger: silentLogger() });
  await q.start();
  try {
    const conn = (await t.store.connections.get('c1'))!;
    const waiting = async (db: Pick<typeof t.db, 'query'> = t.db) =>
      (
        await db.query<{ id: string; data: { dealId: string } }>(
          "SELECT id, data FROM pgboss.job WHERE name = 'analyze' AND singleton_key = 'c1:d1' AND state = 'created'",
        )
      ).rows;
    // An earlier change on the deal left its analysis waiting.
    await q.send('analyze', { connectionId: 'c1', dealId: 'd1', receivedAt: null }, { singletonKey: 'c1:d1' });
    const [earlier] = await waiting();
    expect(earlier).toBeDefined();
    const applied = await applyChanges(
      { store: t.store, queue: q, metrics: createMetrics(), subscribers: [] },
      conn,
      { records: [note('n3')], deleted: [], source: 'webhook', analyze: true, receivedAt: 456 },
      async (_r, tx) => {
        // The send inside the transaction was dropped (one job per deal may wait) ...
        expect((await waiting(tx)).map((j) => j.id)).toEqual([earlier!.id]);
        // ... and a worker takes the waiting job before the commit: it reads the deal without this note.
        await tx.query(`UPDATE pgboss.job SET state = 'active', started_on = now() WHERE id = $1`, [earlier!.id]);
      },
    );
    // After the commit the deal's analysis is queued again, behind the running one.
    expect(applied.resend).toEqual(['d1']);
    const after = await waiting();
    expect(after).toHaveLength(1);
    expect(after[0]!.id).not.toBe(earlier!.id);
    expect(after[0]!.data).toEqual({ connectionId: 'c1', dealId: 'd1', receivedAt: 456 });
  } finally {
    await q.stop();
  }
});

test('the analyses sent again after the commit cannot fail the committed change (logged instead)', async () => {
  const warned: string[] = [];
  const queue = { sendMany: async () => Promise.reject(new Error('database went away')) } as unknown as WorkQueue;
  const logger = { warn: (_o: object, msg: string) => warned.push(msg) } as unknown as Logger;
  await expect(
    finishChanges({ queue, logger }, 'c1', {
      changed: [],
      erased: [],
      analyzed: ['d1'],
      resend: ['d1'],
      receivedAt: null,
    }),
  ).resolves.toBeUndefined();
  expect(warned).toEqual([
    'analysis not sent again after the commit (the job waiting before it may not see the change)',
  ]);
});

test('an analysis the queue took in the transaction is not sent again', async () => {
  const q = createWorkQueue(t.db, t.url, { logger: silentLogger() });
  await q.start();
  try {
    const conn = (await t.store.connections.get('c1'))!;
    await t.db.query("DELETE FROM pgboss.job WHERE name = 'analyze'");
    const applied = await applyChanges({ store: t.store, queue: q, metrics: createMetrics(), subscribers: [] }, conn, {
      records: [note('n4')],
      deleted: [],
      source: 'webhook',
      analyze: true,
    });
    expect(applied.analyzed).toEqual(['d1']);
    expect(applied.resend).toEqual([]);
    const jobs = await t.db.query("SELECT 1 FROM pgboss.job WHERE name = 'analyze' AND singleton_key = 'c1:d1'");
    expect(jobs.rows).toHaveLength(1);
  } finally {
    await q.stop();
  }
});

test('while the first backfill runs, live changes are stored but analysed only by the scan that ends it', async () => {
  await t.store.connections.upsert({
    id: 'c2',
    tenantId: 't2',
    provider: 'hubspot',
    accountId: 'a2',
    apiBase: 'http://x',
    displayName: null,
    accessTokenEnc: 'a',
    refreshTokenEnc: null,
    tokenExpiresAt: null,
    tokenMetadata: {},
  });
  const conn = (await t.store.connections.get('c2'))!;
  expect(conn.backfill_done_at).toBeNull();
  const queue = memoryQueue();
  const deps = { store: t.store, queue, metrics: createMetrics(), subscribers: [] };
  // A change event replayed from before the install (the customer's email) arrives while the backfill still has the
  // rep's answer to store: stored, not analysed.
  let finished = false;
  let finishing: Promise<void> | null = null;
  const pending = await applyChanges(
    deps,
    conn,
    { records: [note('b1')], deleted: [], source: 'stream', analyze: true },
    async () => {
      // The backfill finishing now waits for this commit: its closing scan reads the deal with this note stored.
      finishing = t.store.connections.markSynced('c2', { backfillDone: true }).then(() => {
        finished = true;
      });
      await new Promise((r) => setTimeout(r, 200));
      expect(finished).toBe(false);
    },
  );
  await finishing;
  expect(finished).toBe(true);
  expect(pending).toMatchObject({ analyzed: [], resend: [] });
  expect(queue.sent.filter((j) => j.name === 'analyze')).toEqual([]);
  expect(await t.store.records.get('c2', 'note', 'b1')).not.toBeNull();
  // Once the backfill is done, a change is analysed at once.
  const after = await applyChanges(deps, conn, {
    records: [{ ...note('b2') }],
    deleted: [],
    source: 'stream',
    analyze: true,
  });
  expect(after.analyzed).toEqual(['d1']);
  expect(queue.sent.filter((j) => j.name === 'analyze').map((j) => j.data.dealId)).toEqual(['d1']);
});
