import type { Activity } from '../../../src/core/index.js';
import { createMetrics } from '../../../src/lib/metrics.js';
import type { QueueName, WorkQueue } from '../../../src/queue/index.js';
import { applyChanges } from '../../../src/sync/apply-changes.js';
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
