import { eventKey } from '../../../src/store/inbox.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';
import { migrate } from '../../../src/store/index.js';
import { ROOT } from '../../helpers/db.js';
import path from 'node:path';
import type { Deal, WebhookEvent } from '../../../src/core/index.js';
import { emptyAssociations } from '../../../src/core/index.js';
import { sealWrite } from '../../../src/core/gated-write.js';

const deal = (over: Partial<Deal> = {}): Deal => ({
  kind: 'deal',
  provider: 'hubspot',
  externalId: 'd1',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-02-01T00:00:00.000Z',
  archived: false,
  ownerId: 'o1',
  associations: emptyAssociations(),
  url: null,
  name: 'Big deal',
  amount: 1000,
  currency: 'USD',
  stage: 'negotiation',
  providerStage: 'contractsent',
  closeDate: null,
  isClosed: false,
  isWon: false,
  ...over,
});

describe(`store (${process.env.DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  let t: TestDb;
  let connId: string;
  beforeAll(async () => {
    t = await openTestDb();
    const c = await t.store.connections.upsert({
      id: 'conn1',
      tenantId: 'ten1',
      provider: 'hubspot',
      accountId: '42',
      apiBase: 'http://x',
      displayName: null,
      accessTokenEnc: 'a',
      refreshTokenEnc: 'r',
      tokenExpiresAt: null,
      tokenMetadata: {},
    });
    connId = c.id;
  });
  afterAll(async () => {
    await t.close();
  });

  test('migrations are recorded and a second run applies nothing', async () => {
    expect(await migrate(t.db, path.join(ROOT, 'migrations'))).toEqual([]);
  });

  test('reinstall keeps one connection per account and replaces tokens', async () => {
    const again = await t.store.connections.upsert({
      id: 'other',
      tenantId: 'ten-other',
      provider: 'hubspot',
      accountId: '42',
      apiBase: 'http://x',
      displayName: 'P',
      accessTokenEnc: 'a2',
      refreshTokenEnc: null,
      tokenExpiresAt: null,
      tokenMetadata: {},
    });
    expect(again.id).toBe('conn1');
    expect(again.access_token_enc).toBe('a2');
    expect(again.refresh_token_enc).toBe('r');
    expect((await t.store.connections.byAccount('hubspot', '42'))?.id).toBe('conn1');
  });

  test('inbox: one batch row per delivery; event keys held by the batch that processed them, per account', async () => {
    const ev = (id: string): WebhookEvent => ({
      eventId: id,
      accountId: '42',
      kind: 'deal',
      objectId: 'd1',
      change: 'updated',
      occurredAt: 1,
      raw: {},
    });
    const before = await t.store.inbox.count();
    const first = await t.store.inbox.insertBatch('hubspot', '42', connId, [ev('e1'), ev('e2'), ev('e1')]);
    const second = await t.store.inbox.insertBatch('hubspot', '42', connId, [ev('e2'), ev('e3')]);
    expect(first.accepted).toBe(2);
    expect(second.accepted).toBe(2);
    expect(await t.store.inbox.insertBatch('hubspot', '42', connId, [])).toEqual({ batchId: null, accepted: 0 });
    const ids = [first.batchId!, second.batchId!];
    expect((await t.store.inbox.pending(ids)).map((b) => b.events.map((e) => e.eventId))).toEqual([
      ['e1', 'e2'],
      ['e2', 'e3'],
    ]);
    expect(await t.store.inbox.count()).toEqual({ total: before.total + 4, pending: before.pending + 4 });
    // The worker on the first batch holds its keys; the second batch then finds e2 held elsewhere, not e3.
    const k = (id: string, batchId: string, account = '42') => ({ key: eventKey('hubspot', account, id), batchId });
    expect(await t.store.inbox.holdEventKeys([k('e2', first.batchId!), k('e1', first.batchId!)])).toBe(0);
    await t.store.inbox.markProcessed([first.batchId!]);
    expect([...(await t.store.inbox.eventKeysHeld([k('e2', second.batchId!), k('e3', second.batchId!)]))]).toEqual([
      eventKey('hubspot', '42', 'e2'),
    ]);
    // A key is not "held elsewhere" for the batch that holds it; another account may reuse an event id.
    expect((await t.store.inbox.eventKeysHeld([k('e1', first.batchId!), k('e1', second.batchId!, '43')])).size).toBe(0);
    expect(await t.store.inbox.holdEventKeys([k('e3', second.batchId!), k('e2', second.batchId!)])).toBe(1);
    expect((await t.store.inbox.pending(ids)).map((b) => b.id)).toEqual([second.batchId]);
    expect(await t.store.inbox.count()).toEqual({ total: before.total + 4, pending: before.pending + 2 });
    expect((await t.store.inbox.claim({ limit: 100, perConnection: 100, leaseMs: 60_000 })).map((b) => b.id)).toContain(
      second.batchId,
    );
    await expect(
      t.store.inbox.insertBatch('hubspot', '42', connId, [{ ...ev('e9'), accountId: '43' }]),
    ).rejects.toThrow(/account/);
  });

  test('records: newer version wins, an older or identical one is ignored', async () => {
    expect(await t.store.records.upsertMany(connId, [deal()])).toHaveLength(1);
    expect(await t.store.records.upsertMany(connId, [deal()])).toHaveLength(0);
    expect(
      await t.store.records.upsertMany(connId, [deal({ name: 'stale', updatedAt: '2026-01-15T00:00:00.000Z' })]),
    ).toHaveLength(0);
    expect(
      await t.store.records.upsertMany(connId, [deal({ name: 'newer', updatedAt: '2026-03-01T00:00:00.000Z' })]),
    ).toHaveLength(1);
    expect((await t.store.records.get<Deal>(connId, 'deal', 'd1'))?.name).toBe('newer');
    // The same record twice in one call (a change event listing an id twice): one row, the newest version.
    const twice = await t.store.records.upsertMany(connId, [
      deal({ name: 'newest', updatedAt: '2026-03-03T00:00:00.000Z' }),
      deal({ name: 'in between', updatedAt: '2026-03-02T00:00:00.000Z' }),
    ]);
    expect(twice.map((d) => (d as Deal).name)).toEqual(['newest']);
    expect((await t.store.records.get<Deal>(connId, 'deal', 'd1'))?.name).toBe('newest');
    expect(await t.store.records.markArchived(connId, 'deal', ['d1'])).toBe(1);
    expect(await t.store.records.openDeals(connId)).toHaveLength(0);
  });

  test('a merge repoints associations in place, keeping their order (the first contact is the one addressed)', async () => {
    const associations = { ...emptyAssociations(), contacts: ['c9', 'c2', 'c5', 'c1'] };
    await t.store.records.upsertMany(connId, [deal({ externalId: 'dm1', associations })]);
    expect(await t.store.records.repointAssociations(connId, 'contact', 'c5', 'c0')).toBe(1);
    expect((await t.store.records.get<Deal>(connId, 'deal', 'dm1'))!.associations.contacts).toEqual([
      'c9',
      'c2',
      'c0',
      'c1',
    ]);
    // Merged into one it already had: one entry, at the earlier place.
    await t.store.records.repointAssociations(connId, 'contact', 'c1', 'c2');
    expect((await t.store.records.get<Deal>(connId, 'deal', 'dm1'))!.associations.contacts).toEqual(['c9', 'c2', 'c0']);
  });

  test('activities are found by deal association', async () => {
    await t.store.records.upsertMany(connId, [
      {
        kind: 'email',
        provider: 'hubspot',
        externalId: 'e9',
        createdAt: null,
        updatedAt: '2026-02-01T00:00:00.000Z',
        archived: false,
        ownerId: null,
        associations: { contacts: [], companies: [], deals: ['d2'] },
        url: null,
        subject: 'hi',
        body: 'x',
        occurredAt: '2026-02-01T00:00:00.000Z',
        direction: 'inbound',
        status: null,
        dueAt: null,
      },
    ]);
    expect((await t.store.records.activitiesForDeal(connId, 'd2')).map((a) => a.externalId)).toEqual(['e9']);
    expect(await t.store.records.activitiesForDeal(connId, 'd3')).toEqual([]);
  });

  test('oauth state is single use and expires', async () => {
    await t.store.oauthStates.create({
      state: 's1',
      provider: 'hubspot',
      codeVerifier: 'v',
      ttlMs: 1000,
      now: 1_000_000,
    });
    expect(await t.store.oauthStates.consume('s1', 'salesforce', 1_000_100)).toBeNull();
    expect(await t.store.oauthStates.consume('s1', 'hubspot', 1_000_100)).toEqual({ codeVerifier: 'v' });
    expect(await t.store.oauthStates.consume('s1', 'hubspot', 1_000_100)).toBeNull();
    await t.store.oauthStates.create({
      state: 's2',
      provider: 'hubspot',
      codeVerifier: null,
      ttlMs: 1000,
      now: 1_000_000,
    });
    expect(await t.store.oauthStates.consume('s2', 'hubspot', 1_002_000)).toBeNull();
  });

  test('outbox: one row per idempotency key', async () => {
    await t.db.query(
      `INSERT INTO suggestions (id, tenant_id, connection_id, type, dedupe_key, status, payload) VALUES ('s1','ten1','conn1','budget_risk','k1','allowed','{}')`,
    );
    const a = await t.store.outbox.enqueue({
      suggestionId: 's1',
      connectionId: connId,
      idempotencyKey: 'wb-s1',
      write: sealWrite({ action: 'create_task', payload: {} }),
    });
    const b = await t.store.outbox.enqueue({
      suggestionId: 's1',
      connectionId: connId,
      idempotencyKey: 'wb-s1',
      write: sealWrite({ action: 'create_task', payload: {} }),
    });
    expect(a).not.toBeNull();
    expect(b).toBeNull();
  });

  test('a transaction that throws leaves nothing behind', async () => {
    await expect(
      t.store.tx(async (r) => {
        await r.checkpoints.save(connId, 'objects:deal', { after: '1' });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await t.store.checkpoints.get(connId, 'objects:deal')).toBeNull();
  });
});
