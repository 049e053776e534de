import type { CanonicalRecord, Deal, ObjectKind } from '../../../src/core/canonical.js';
import type { Connector, WebhookEvent } from '../../../src/core/connector.js';
import { ProviderUnavailableError } from '../../../src/core/errors.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { createMetrics } from '../../../src/lib/metrics.js';
import type { WorkQueue } from '../../../src/queue/index.js';
import type { Queryable } from '../../../src/store/db.js';
import { processInbox, type SyncDeps } from '../../../src/sync/process-inbox.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';

/**
 * processInbox on its own: batches written with the store, a connector whose fetchByIds answers from a map
 * (and records what it was asked), a queue that records jobs (sent inside or outside a transaction).
 */
const iso = (ms: number) => new Date(ms).toISOString();
const T = Date.UTC(2026, 2, 2, 9, 0, 0);

const deal = (id: string, name: string, updatedAt = T): Deal => ({
  kind: 'deal',
  provider: 'hubspot',
  externalId: id,
  createdAt: iso(T - 86_400_000),
  updatedAt: iso(updatedAt),
  archived: false,
  ownerId: 'o1',
  associations: { contacts: [], companies: [], deals: [] },
  url: null,
  name,
  amount: 1000,
  currency: 'USD',
  stage: 'proposal',
  providerStage: 'presentationscheduled',
  closeDate: null,
  isClosed: false,
  isWon: false,
});
const note = (id: string, dealId: string): CanonicalRecord => ({
  kind: 'note',
  provider: 'hubspot',
  externalId: id,
  createdAt: iso(T),
  updatedAt: iso(T),
  archived: false,
  ownerId: 'o1',
  associations: { contacts: [], companies: [], deals: [dealId] },
  url: null,
  subject: null,
  body: 'Customer asked for a revised quote.',
  occurredAt: iso(T),
  direction: null,
  status: null,
  dueAt: null,
});

function recordingQueue() {
  const jobs: { name: string; data: any; opts?: any; inTx: boolean }[] = [];
  const q = {
    jobs,
    send: async (name: string, data: object, opts?: object) => {
      jobs.push({ name, data, opts, inTx: false });
      return String(jobs.length);
    },
    sendInTx: async (_tx: Queryable, name: string, data: object, opts?: object) => {
      jobs.push({ name, data, opts, inTx: true });
      return String(jobs.length);
    },
    sendMany: async (name: string, many: { data: object; singletonKey?: string }[]) => {
      for (const j of many) jobs.push({ name, data: j.data, opts: { singletonKey: j.singletonKey }, inTx: false });
      return many.length;
    },
  };
  return q as typeof q & WorkQueue;
}

describe(`processInbox (${process.env.DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  let t: TestDb;
  let queue: ReturnType<typeof recordingQueue>;
  let crm: Map<string, CanonicalRecord>;
  let asked: { kind: ObjectKind; ids: string[] }[];
  let fetchFails = false;
  let erased: string[];
  const vectorIndex = {
    deleteTenant: async () => {
      throw new Error('not expected');
    },
    deleteByFilter: async (tenantId: string, f: any) => {
      erased.push(`${tenantId}/${f.connectionId}/${f.provider}/${f.kind}/${f.recordId}`);
    },
  };
  const connector = {
    manifest: { id: 'hubspot' },
    fetchByIds: async (_ctx: unknown, kind: ObjectKind, ids: string[]) => {
      asked.push({ kind, ids: [...ids].sort() });
      if (fetchFails) throw new ProviderUnavailableError('HubSpot 502');
      return ids.map((id) => crm.get(`${kind}:${id}`)).filter((r): r is CanonicalRecord => !!r);
    },
  } as unknown as Connector;
  const deps = (): SyncDeps => ({
    store: t.store,
    queue,
    metrics: createMetrics(),
    logger: silentLogger(),
    vault: { context: () => ({}) } as any,
    connectorFor: () => connector,
    vectorIndex,
    subscribers: [],
  });
  let seq = 0;
  const ev = (
    kind: ObjectKind | null,
    objectId: string | null,
    change: WebhookEvent['change'] = 'updated',
  ): WebhookEvent => ({ eventId: `ev${++seq}`, accountId: '42', kind, objectId, change, occurredAt: T, raw: {} });
  const batch = async (events: WebhookEvent[], connectionId: string | null = 'hubspot:42'): Promise<string> =>
    (await t.store.inbox.insertBatch('hubspot', '42', connectionId, events)).batchId!;
  const pendingIds = async (ids: string[]) => (await t.store.inbox.pending(ids)).map((b) => b.id);

  beforeAll(async () => {
    t = await openTestDb();
    await t.store.connections.upsert({
      id: 'hubspot:42',
      tenantId: 't42',
      provider: 'hubspot',
      accountId: '42',
      apiBase: 'x',
      displayName: null,
      accessTokenEnc: 'a',
      refreshTokenEnc: null,
      tokenExpiresAt: null,
      tokenMetadata: {},
    });
    await t.store.connections.markSynced('hubspot:42', { backfillDone: true });
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(async () => {
    queue = recordingQueue();
    crm = new Map();
    asked = [];
    erased = [];
    fetchFails = false;
    await t.store.connections.setStatus('hubspot:42', 'active', null);
  });

  test('fetches the named records once per kind, stores them, queues analysis and indexing, and marks the batches processed', async () => {
    crm.set('deal:d1', deal('d1', 'Acme renewal'));
    crm.set('note:n1', note('n1', 'd1'));
    const b1 = await batch([ev('deal', 'd1'), ev('note', 'n1')]);
    const b2 = await batch([ev('deal', 'd1', 'associated'), ev(null, null, 'other')]);
    await processInbox(deps(), [b1, b2], T);
    expect(asked).toEqual([
      { kind: 'deal', ids: ['d1'] },
      { kind: 'note', ids: ['n1'] },
    ]);
    expect((await t.store.records.get<Deal>('hubspot:42', 'deal', 'd1'))!.name).toBe('Acme renewal');
    expect(await t.store.records.get('hubspot:42', 'note', 'n1')).toMatchObject({
      body: 'Customer asked for a revised quote.',
    });
    expect(queue.jobs).toEqual(
      expect.arrayContaining([
        {
          name: 'index',
          data: { connectionId: 'hubspot:42', records: [{ kind: 'note', externalId: 'n1' }] },
          opts: undefined,
          inTx: true,
        },
      ]),
    );
    // The deal's analysis in the transaction; the queue took it, so nothing is sent after the commit.
    expect(queue.jobs.filter((j) => j.name === 'analyze')).toEqual([
      {
        name: 'analyze',
        data: { connectionId: 'hubspot:42', dealId: 'd1', receivedAt: T },
        opts: { singletonKey: 'hubspot:42:d1' },
        inTx: true,
      },
    ]);
    expect(await pendingIds([b1, b2])).toEqual([]);
  });

  test('processing the same batches again does nothing (already processed)', async () => {
    crm.set('deal:d2', deal('d2', 'Globex'));
    const b = await batch([ev('deal', 'd2')]);
    await processInbox(deps(), [b], T);
    queue = recordingQueue();
    asked = [];
    await processInbox(deps(), [b], T);
    expect(asked).toEqual([]);
    expect(queue.jobs).toEqual([]);
  });

  test('an unchanged record is not analysed again', async () => {
    crm.set('deal:d3', deal('d3', 'Initech'));
    await processInbox(deps(), [await batch([ev('deal', 'd3')])], T);
    queue = recordingQueue();
    await processInbox(deps(), [await batch([ev('deal', 'd3')])], T);
    expect(queue.jobs).toEqual([]);
  });

  test('a deletion the CRM confirms is erased: record gone, index job removes activities, vectors erased after the commit', async () => {
    crm.set('deal:d4', deal('d4', 'Umbrella'));
    crm.set('note:n4', note('n4', 'd4'));
    await processInbox(deps(), [await batch([ev('deal', 'd4'), ev('note', 'n4')])], T);
    queue = recordingQueue();
    asked = [];
    crm.delete('deal:d4');
    crm.delete('note:n4');
    const b = await batch([ev('note', 'n4', 'updated'), ev('note', 'n4', 'deleted'), ev('deal', 'd4', 'deleted')]);
    await processInbox(deps(), [b], T);
    // One read per kind confirms the deletions (the CRM no longer returns them).
    expect(asked).toEqual([
      { kind: 'note', ids: ['n4'] },
      { kind: 'deal', ids: ['d4'] },
    ]);
    expect(await t.store.records.get('hubspot:42', 'deal', 'd4')).toBeNull();
    expect(await t.store.records.get('hubspot:42', 'note', 'n4')).toBeNull();
    // The deal is gone too, so nothing is re-analysed; the deleted note leaves the index (durable job).
    expect(queue.jobs).toEqual([
      {
        name: 'index',
        data: {
          connectionId: 'hubspot:42',
          records: [{ kind: 'note', externalId: 'n4', provider: 'hubspot', removed: true }],
        },
        opts: undefined,
        inTx: true,
      },
    ]);
    expect(erased.sort()).toEqual(['t42/hubspot:42/hubspot/deal/d4', 't42/hubspot:42/hubspot/note/n4']);
    expect(await pendingIds([b])).toEqual([]);
    // A late, older copy of the deleted deal does not bring it back.
    crm.set('deal:d4', deal('d4', 'Umbrella'));
    await processInbox(deps(), [await batch([ev('deal', 'd4')])], T);
    expect(await t.store.records.get('hubspot:42', 'deal', 'd4')).toBeNull();
  });

  test('a deletion delivered after the record was restored (events out of order) erases nothing', async () => {
    crm.set('deal:d15', deal('d15', 'Initech'));
    await processInbox(deps(), [await batch([ev('deal', 'd15')])], T);
    // Deleted, then restored from the recycle bin: the restore's event came first, the deletion's late.
    await processInbox(deps(), [await batch([ev('deal', 'd15', 'deleted')])], T);
    expect(await t.store.records.get('hubspot:42', 'deal', 'd15')).not.toBeNull();
    expect(erased.filter((x) => x.endsWith('/deal/d15'))).toEqual([]);
    // And nothing refuses its later versions (no tombstone).
    crm.set('deal:d15', deal('d15', 'Initech Renewal'));
    await processInbox(deps(), [await batch([ev('deal', 'd15')])], T);
    expect((await t.store.records.get<Deal>('hubspot:42', 'deal', 'd15'))?.name).toBe('Initech Renewal');
  });

  test('a record we hold that the provider no longer returns is treated as deleted', async () => {
    crm.set('deal:d9', deal('d9', 'Stark'));
    await processInbox(deps(), [await batch([ev('deal', 'd9')])], T);
    crm.delete('deal:d9');
    await processInbox(deps(), [await batch([ev('deal', 'd9')])], T);
    expect(await t.store.records.get('hubspot:42', 'deal', 'd9')).toBeNull();
    expect(erased).toEqual(['t42/hubspot:42/hubspot/deal/d9']);
  });

  test('a provider failure leaves the batch pending for the retry and stores nothing', async () => {
    crm.set('deal:d5', deal('d5', 'Hooli'));
    fetchFails = true;
    const b = await batch([ev('deal', 'd5')]);
    await expect(processInbox(deps(), [b], T)).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE' });
    expect(await pendingIds([b])).toEqual([b]);
    expect(await t.store.records.get('hubspot:42', 'deal', 'd5')).toBeNull();
    expect(queue.jobs).toEqual([]);
    fetchFails = false;
    await processInbox(deps(), [b], T);
    expect(await pendingIds([b])).toEqual([]);
  });

  test('a paused connection defers its batches to the end of the pause, without calling the provider', async () => {
    const b = await batch([ev('deal', 'd6')]);
    const until = new Date(Date.now() + 600_000);
    await t.store.connections.setStatus('hubspot:42', 'paused', 'daily quota', until);
    await processInbox(deps(), [b], T);
    expect(asked).toEqual([]);
    expect(queue.jobs).toEqual([]);
    // Released to the end of the pause, no try spent.
    const row = (
      await t.db.query<{ run_after: Date; attempts: number; lease_until: Date | null }>(
        'SELECT run_after, attempts, lease_until FROM webhook_batches WHERE id = $1',
        [b],
      )
    ).rows[0]!;
    // (Compared with the pause's end, not with the clock: a loaded machine may take seconds to get here.)
    expect(new Date(row.run_after).getTime()).toBeGreaterThanOrEqual(until.getTime() - 1_000);
    expect(row).toMatchObject({ attempts: 0, lease_until: null });
    expect(await pendingIds([b])).toEqual([b]);
  });

  describe('dedupe by provider event id', () => {
    const dupes = (m: ReturnType<typeof createMetrics>) =>
      m.webhookEvents.get().then((x) => x.values.find((v) => v.labels.result === 'duplicate')?.value ?? 0);
    const keysOf = async (b: string) =>
      (
        await t.db.query<{ key: string }>('SELECT key FROM webhook_event_ids WHERE batch_id = $1 ORDER BY key', [b])
      ).rows.map((r) => r.key);

    test('a redelivery of processed events is dropped before any CRM read; only its new events are read', async () => {
      crm.set('deal:r1', deal('r1', 'Wayne'));
      crm.set('deal:r2', deal('r2', 'Tyrell'));
      const first = ev('deal', 'r1');
      const b1 = await batch([first]);
      await processInbox(deps(), [b1], T);
      expect(await keysOf(b1)).toEqual([`hubspot:2:42:${first.eventId}`]);
      asked = [];
      queue = recordingQueue();
      const d = deps();
      const b2 = await batch([first]);
      await processInbox(d, [b2], T);
      expect(asked).toEqual([]);
      expect(queue.jobs).toEqual([]);
      expect(await pendingIds([b2])).toEqual([]);
      expect(await dupes(d.metrics)).toBe(1);
      // Partly new: the known event is dropped, the new one read and applied.
      const b3 = await batch([first, ev('deal', 'r2')]);
      await processInbox(d, [b3], T);
      expect(asked).toEqual([{ kind: 'deal', ids: ['r2'] }]);
      expect(await t.store.records.get('hubspot:42', 'deal', 'r2')).not.toBeNull();
      expect(await dupes(d.metrics)).toBe(2);
    });

    test('the same event in two batches claimed together counts once (the older batch keeps it)', async () => {
      crm.set('deal:r3', deal('r3', 'Cyberdyne'));
      const e = ev('deal', 'r3');
      const b1 = await batch([e]);
      const b2 = await batch([e]);
      const d = deps();
      await processInbox(d, [b1, b2], T);
      expect(asked).toEqual([{ kind: 'deal', ids: ['r3'] }]);
      expect(await keysOf(b1)).toHaveLength(1);
      expect(await keysOf(b2)).toEqual([]);
      expect(await dupes(d.metrics)).toBe(1);
      expect(await pendingIds([b1, b2])).toEqual([]);
    });

    test('a redelivery processed side by side with the original: both commit, the keys once', async () => {
      crm.set('deal:r4', deal('r4', 'Soylent'));
      const e = ev('deal', 'r4');
      const [b1, b2] = [await batch([e]), await batch([e])];
      const [d1, d2] = [deps(), deps()];
      await Promise.all([processInbox(d1, [b1], T), processInbox(d2, [b2], T)]);
      expect(await pendingIds([b1, b2])).toEqual([]);
      expect([...(await keysOf(b1)), ...(await keysOf(b2))]).toEqual([`hubspot:2:42:${e.eventId}`]);
      expect((await dupes(d1.metrics)) + (await dupes(d2.metrics))).toBeLessThanOrEqual(1);
      expect((await t.store.records.get<Deal>('hubspot:42', 'deal', 'r4'))!.name).toBe('Soylent');
    });

    test('a batch recorded by the previous release (its keys already held by itself) is processed whole', async () => {
      crm.set('deal:r5', deal('r5', 'Initrode'));
      const e = ev('deal', 'r5');
      const b = await batch([e]);
      await t.db.query('INSERT INTO webhook_event_ids (key, batch_id) VALUES ($1, $2)', [
        `hubspot:2:42:${e.eventId}`,
        b,
      ]);
      await processInbox(deps(), [b], T);
      expect(asked).toEqual([{ kind: 'deal', ids: ['r5'] }]);
      expect(await t.store.records.get('hubspot:42', 'deal', 'r5')).not.toBeNull();
    });
  });

  test('batches whose connection is gone (or was never known) are retired without a provider call', async () => {
    const orphan = await batch([ev('deal', 'd7')], null);
    const gone = await batch([ev('deal', 'd8')], 'hubspot:removed');
    await processInbox(deps(), [orphan, gone], T);
    expect(asked).toEqual([]);
    expect(await pendingIds([orphan, gone])).toEqual([]);
  });
});
