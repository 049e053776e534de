import type { Connector } from '../../../src/core/connector.js';
import { createMetrics } from '../../../src/lib/metrics.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { fairShare } from '../../../src/store/change-streams.js';
import { startChangeStreams, type ChangeStreams } from '../../../src/sync/change-streams.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';

/**
 * CDC lease selection across supervisors (one per worker process): streams spread evenly, rebalance when a
 * supervisor joins, and move to the others when one leaves. The connector's stream is a stub that stays open:
 * what is under test is who subscribes, not the events (tests/integration/salesforce-cdc.int.test.ts).
 */
let t: TestDb;
const CONNS = 7;
const subscribed: string[] = [];
const connector = {
  id: 'streamy',
  manifest: { capabilities: { webhooks: false, changeStream: true }, objectKinds: [] },
  subscribeChanges: async (ctx: { connectionId?: string }) => {
    subscribed.push(String(ctx.connectionId));
    return { close: async () => undefined, closed: new Promise<void>(() => undefined) };
  },
} as unknown as Connector;

beforeAll(async () => {
  t = await openTestDb();
  for (let i = 0; i < CONNS; i++) {
    await t.store.connections.upsert({
      id: `c${i}`,
      tenantId: `t${i}`,
      provider: 'streamy',
      accountId: `a${i}`,
      apiBase: 'http://127.0.0.1:9',
      displayName: null,
      accessTokenEnc: 'x',
      refreshTokenEnc: null,
      tokenExpiresAt: null,
      tokenMetadata: {},
    });
  }
});
afterAll(async () => {
  await t.close();
});

const supervisor = (owner: string): ChangeStreams =>
  startChangeStreams(
    {
      store: t.store,
      queue: {} as never,
      metrics: createMetrics(),
      logger: silentLogger(),
      now: Date.now,
      vault: { context: (c: { id: string }) => ({ connectionId: c.id }) } as never,
      connectorFor: () => connector,
      subscribers: [],
    },
    { owner, leaseMs: 30_000, tickMs: 3_600_000 },
  );

/** Tick every supervisor a few rounds (release, then acquire, settles in two). */
async function settle(ss: ChangeStreams[]): Promise<void> {
  for (let round = 0; round < 3; round++) for (const s of ss) await s.tick();
}

test('fairShare splits evenly, rounding up so every stream has a holder', () => {
  expect([
    fairShare(7, 1),
    fairShare(7, 2),
    fairShare(7, 3),
    fairShare(6, 3),
    fairShare(0, 3),
    fairShare(3, 0),
  ]).toEqual([7, 4, 3, 2, 0, 3]);
});

test('streams spread over supervisors, rebalance when one joins, and move when one leaves', async () => {
  const a = supervisor('A');
  await settle([a]);
  expect(a.running()).toHaveLength(CONNS);

  const b = supervisor('B');
  await settle([a, b]);
  expect([a.running().length, b.running().length].sort()).toEqual([3, 4]);

  const c = supervisor('C');
  await settle([a, b, c]);
  const counts = [a, b, c].map((s) => s.running().length);
  expect(counts.every((n) => n <= fairShare(CONNS, 3))).toBe(true);
  // Every stream has exactly one holder.
  const held = [a, b, c].flatMap((s) => s.running()).sort();
  expect(held).toEqual([...Array(CONNS).keys()].map((i) => `c${i}`).sort());
  const rows = await Promise.all(held.map((id) => t.store.changeStreams.get(id)));
  expect(new Set(rows.map((r) => r?.lease_owner)).size).toBe(3);

  // B stops cleanly: its leases are released and it leaves the membership; A and C take its streams.
  await b.stop();
  await settle([a, c]);
  expect([a.running().length, c.running().length].sort()).toEqual([3, 4]);
  expect([...a.running(), ...c.running()].sort()).toEqual(held);
  await a.stop();
  await c.stop();
});
