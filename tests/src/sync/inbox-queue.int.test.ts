import type { CanonicalRecord, ObjectKind } from '../../../src/core/canonical.js';
import type { Connector, WebhookEvent } from '../../../src/core/connector.js';
import { ProviderRejectedError, ProviderUnavailableError } from '../../../src/core/errors.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { createMetrics } from '../../../src/lib/metrics.js';
import type { WorkQueue } from '../../../src/queue/index.js';
import { createWakeup } from '../../../src/store/wakeup.js';
import { startInboxRunner, INBOX_MAX_ATTEMPTS } from '../../../src/sync/inbox-runner.js';
import type { SyncDeps } from '../../../src/sync/process-inbox.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';

/**
 * The inbox as a queue (src/store/inbox.ts claim, src/sync/inbox-runner.ts): claims never overlap, leases run out
 * and are taken over, failures follow the failure policy (retry later, dead-letter, poison isolated), connections
 * are served round-robin, and a redelivered event is dropped by the worker that claims it (dedupe by provider event id).
 */
const engine = process.env.DATABASE_URL ? 'postgres' : 'pglite';

describe(`inbox queue (${engine})`, () => {
  let t: TestDb;
  let seq = 0;
  /** What fetchByIds does per object id: answer, or throw. */
  let behaviour: (id: string) => 'ok' | 'unavailable' | 'rejected' | 'crash' = () => 'ok';
  let asked: string[] = [];
  const connector = {
    manifest: { id: 'hubspot' },
    fetchByIds: async (_ctx: unknown, _kind: ObjectKind, ids: string[]) => {
      asked.push(...ids);
      for (const id of ids) {
        if (behaviour(id) === 'unavailable') throw new ProviderUnavailableError('HubSpot 502');
        if (behaviour(id) === 'rejected') throw new ProviderRejectedError(`bad record ${id}`);
        // An error closeloop does not know (a bug, or a value the database refused).
        if (behaviour(id) === 'crash') throw new Error(`unsupported Unicode escape sequence (${id})`);
      }
      return [] as CanonicalRecord[];
    },
  } as unknown as Connector;
  const noQueue = {
    send: async () => null,
    sendInTx: async () => null,
    sendMany: async () => 0,
  } as unknown as WorkQueue;
  const deps = (): SyncDeps => ({
    store: t.store,
    queue: noQueue,
    metrics: createMetrics(),
    logger: silentLogger(),
    vault: { context: () => ({}) } as any,
    connectorFor: () => connector,
    subscribers: [],
  });
  const ev = (account: string, objectId: string, eventId = `ev${++seq}`): WebhookEvent => ({
    eventId,
    accountId: account,
    kind: 'deal',
    objectId,
    change: 'updated',
    occurredAt: 0,
    raw: {},
  });
  const conns = ['a', 'b', 'c'];
  const batch = async (conn: string, objectId = `o${++seq}`): Promise<string> =>
    (await t.store.inbox.insertBatch('hubspot', `acc-${conn}`, `conn-${conn}`, [ev(`acc-${conn}`, objectId)])).batchId!;
  const row = async (id: string) =>
    (
      await t.db.query<{
        attempts: number;
        run_after: Date | null;
        lease_until: Date | null;
        processed_at: Date | null;
        dead_at: Date | null;
        last_error: string | null;
      }>(
        'SELECT attempts, run_after, lease_until, processed_at, dead_at, last_error FROM webhook_batches WHERE id = $1',
        [id],
      )
    ).rows[0]!;
  const runner = (o: Partial<Parameters<typeof startInboxRunner>[1]> = {}) => {
    const wakeup = createWakeup(t.db, { channel: 'test_inbox', crossProcess: false, listenUrl: null });
    // No loops: the tests drive the runner with drain().
    return startInboxRunner({ ...deps(), wakeup }, { concurrency: 0, random: () => 0.5, ...o });
  };

  beforeAll(async () => {
    t = await openTestDb();
    for (const c of conns) {
      await t.store.connections.upsert({
        id: `conn-${c}`,
        tenantId: `t-${c}`,
        provider: 'hubspot',
        accountId: `acc-${c}`,
        apiBase: 'x',
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
  beforeEach(async () => {
    behaviour = () => 'ok';
    asked = [];
    // Each test sees only its own batches.
    await t.db.query('UPDATE webhook_batches SET processed_at = now() WHERE processed_at IS NULL');
    for (const c of conns) await t.store.connections.setStatus(`conn-${c}`, 'active', null);
  });

  test('claims side by side never take the same batch, and a leased batch is not claimed again', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 12; i++) ids.add(await batch(conns[i % 3]!));
    const claims = await Promise.all(
      Array.from({ length: 6 }, () => t.store.inbox.claim({ limit: 3, perConnection: 2, leaseMs: 60_000 })),
    );
    const got = claims.flat().map((b) => b.id);
    expect(new Set(got).size).toBe(got.length);
    for (const c of claims) {
      expect(c.length).toBeLessThanOrEqual(3);
      for (const conn of conns)
        expect(c.filter((b) => b.connection_id === `conn-${conn}`).length).toBeLessThanOrEqual(2);
    }
    const rest = await t.store.inbox.claim({ limit: 100, perConnection: 100, leaseMs: 60_000 });
    expect(new Set([...got, ...rest.map((b) => b.id)])).toEqual(ids);
    expect(await t.store.inbox.claim({ limit: 100, perConnection: 100, leaseMs: 60_000 })).toEqual([]);
  });

  test('a lease that runs out (the worker was killed) is claimed again, and the lost try counts', async () => {
    const id = await batch('a');
    const [first] = await t.store.inbox.claim({ limit: 1, perConnection: 1, leaseMs: 1 });
    expect(first).toMatchObject({ id, attempts: 0 });
    await new Promise((r) => setTimeout(r, 30));
    const [again] = await t.store.inbox.claim({ limit: 1, perConnection: 1, leaseMs: 60_000 });
    expect(again).toMatchObject({ id, attempts: 1 });
    expect((await row(id)).last_error).toMatch(/lease expired/);
    // A heartbeat keeps a live lease: not claimable.
    await t.store.inbox.extendLease([id], 60_000);
    expect(await t.store.inbox.claim({ limit: 1, perConnection: 1, leaseMs: 60_000 })).toEqual([]);
  });

  test('a batch whose tries were spent by lost leases is dead-lettered, not processed', async () => {
    const id = await batch('a');
    await t.db.query(
      "UPDATE webhook_batches SET attempts = $2, lease_until = now() - interval '1 second' WHERE id = $1",
      [id, INBOX_MAX_ATTEMPTS - 1],
    );
    const r = runner();
    expect(await r.drain()).toBe(1);
    await r.stop();
    expect(asked).toEqual([]);
    expect((await row(id)).dead_at).not.toBeNull();
  });

  test('a transient failure is retried later with backoff, then processed', async () => {
    const id = await batch('a', 'flaky');
    behaviour = () => 'unavailable';
    const r = runner();
    const before = Date.now();
    expect(await r.drain()).toBe(1);
    const failed = await row(id);
    expect(failed).toMatchObject({ attempts: 1, lease_until: null, processed_at: null, dead_at: null });
    expect(failed.last_error).toMatch(/PROVIDER_UNAVAILABLE/);
    expect(new Date(failed.run_after!).getTime()).toBeGreaterThan(before);
    // Not claimable before its time.
    expect(await r.drain()).toBe(0);
    await t.db.query("UPDATE webhook_batches SET run_after = now() - interval '1 second' WHERE id = $1", [id]);
    behaviour = () => 'ok';
    expect(await r.drain()).toBe(1);
    await r.stop();
    expect((await row(id)).processed_at).not.toBeNull();
  });

  test('a poison batch claimed with others is isolated: the others are processed, it is dead-lettered', async () => {
    const good1 = await batch('a', 'g1');
    const poison = await batch('a', 'poison');
    const good2 = await batch('a', 'g2');
    behaviour = (id) => (id === 'poison' ? 'rejected' : 'ok');
    const r = runner({ claimLimit: 4, perConnection: 4 });
    expect(await r.drain()).toBe(3);
    await r.stop();
    expect((await row(good1)).processed_at).not.toBeNull();
    expect((await row(good2)).processed_at).not.toBeNull();
    expect(await row(poison)).toMatchObject({ processed_at: null });
    expect((await row(poison)).dead_at).not.toBeNull();
    expect(await t.store.inbox.countDead()).toBeGreaterThanOrEqual(1);
  });

  test('an error closeloop does not know, in a claim of several: the others are processed at once, it alone is retried', async () => {
    const good1 = await batch('a', 'g1');
    const odd = await batch('a', 'odd');
    const good2 = await batch('a', 'g2');
    behaviour = (id) => (id === 'odd' ? 'crash' : 'ok');
    const r = runner({ claimLimit: 4, perConnection: 4 });
    expect(await r.drain()).toBe(3);
    await r.stop();
    expect((await row(good1)).processed_at).not.toBeNull();
    expect((await row(good2)).processed_at).not.toBeNull();
    expect(await row(odd)).toMatchObject({ processed_at: null, dead_at: null, attempts: 1 });
    expect((await row(odd)).last_error).toMatch(/unsupported Unicode escape sequence/);
  });

  test("a paused connection's batches wait without spending tries; the others go on", async () => {
    const paused = await batch('a');
    const other = await batch('b');
    await t.store.connections.setStatus('conn-a', 'paused', 'quota', new Date(Date.now() + 3_600_000));
    const claimed = await t.store.inbox.claim({ limit: 10, perConnection: 10, leaseMs: 60_000 });
    expect(claimed.map((b) => b.id)).toEqual([other]);
    expect(await row(paused)).toMatchObject({ attempts: 0, lease_until: null });
  });

  test('fairness: a flood on one connection does not starve the others (round-robin)', async () => {
    for (let i = 0; i < 30; i++) await batch('a');
    const b = await batch('b');
    const c = await batch('c');
    const order: string[] = [];
    for (let i = 0; i < 6; i++) {
      const got = await t.store.inbox.claim({ limit: 1, perConnection: 1, leaseMs: 60_000 });
      order.push(got[0]!.connection_id!);
    }
    // Every connection is served within one turn of the others, whatever the backlog.
    expect(new Set(order.slice(0, 3))).toEqual(new Set(['conn-a', 'conn-b', 'conn-c']));
    expect(order.slice(3)).toEqual(['conn-a', 'conn-a', 'conn-a']);
    expect((await row(b)).lease_until).not.toBeNull();
    expect((await row(c)).lease_until).not.toBeNull();
    // A new webhook of b while a still has a backlog: served at b's next turn, ahead of a's older batches.
    const b2 = await batch('b');
    const next = await t.store.inbox.claim({ limit: 1, perConnection: 1, leaseMs: 60_000 });
    expect(next.map((x) => x.id)).toEqual([b2]);
  });

  test('fairness through the runner: batched claims alternate between connections', async () => {
    for (let i = 0; i < 12; i++) await batch('a');
    const b = await batch('b');
    const r = runner({ claimLimit: 4, perConnection: 4 });
    const served: string[] = [];
    const spy = t.store.inbox.claim.bind(t.store.inbox);
    t.store.inbox.claim = async (o) => {
      const got = await spy(o);
      served.push(...got.map((x) => x.id));
      return got;
    };
    try {
      expect(await r.drain()).toBe(13);
    } finally {
      t.store.inbox.claim = spy;
      await r.stop();
    }
    // b's one batch comes in the first or second claim (after at most one turn of a), not after a's 12.
    expect(served.indexOf(b)).toBeLessThan(8);
  });

  test('dedupe by provider event id: five concurrent redeliveries, workers side by side, each event read and held once', async () => {
    const events = [ev('acc-a', 'x1', 'dup-1'), ev('acc-a', 'x2', 'dup-2'), ev('acc-b', 'x3', 'dup-1')];
    const deliveries = await Promise.all(
      Array.from({ length: 5 }, () =>
        t.store.inbox.insertDelivery('hubspot', [
          { accountId: 'acc-a', connectionId: 'conn-a', events: events.slice(0, 2) },
          { accountId: 'acc-b', connectionId: 'conn-b', events: events.slice(2) },
        ]),
      ),
    );
    // Every delivery is recorded (one row per account), nothing is looked up on the request path.
    expect(deliveries.map((d) => d.map((x) => x.accepted))).toEqual(Array.from({ length: 5 }, () => [2, 1]));
    const ids = deliveries.flatMap((d) => d.map((x) => x.batchId!));
    // Two runners drain side by side, one batch per claim: the first batch of each account reads its events, every
    // later one finds their keys held (the same event id under two accounts is two events).
    const [r1, r2] = [runner({ claimLimit: 1, perConnection: 1 }), runner({ claimLimit: 1, perConnection: 1 })];
    try {
      const drained = await Promise.all([r1.drain(), r2.drain()]);
      expect(drained[0] + drained[1]).toBe(10);
    } finally {
      await Promise.all([r1.stop(), r2.stop()]);
    }
    expect(await t.store.inbox.pending(ids)).toEqual([]);
    const held = await t.db.query<{ key: string }>(
      'SELECT key FROM webhook_event_ids WHERE batch_id = ANY($1::bigint[]) ORDER BY key COLLATE "C"',
      [ids],
    );
    expect(held.rows.map((r) => r.key)).toEqual([
      'hubspot:5:acc-a:dup-1',
      'hubspot:5:acc-a:dup-2',
      'hubspot:5:acc-b:dup-1',
    ]);
    // Side by side, a redelivery can be claimed before the first copy commits: then it is read again (never
    // applied twice as a change), so the reads are at least one per record and at most one per delivery.
    expect(new Set(asked)).toEqual(new Set(['x1', 'x2', 'x3']));
    expect(asked.length).toBeLessThanOrEqual(15);
  });

  test('retention: processed batches older than the cut-off go with their event ids; waiting and dead ones stay', async () => {
    const DAY = 86_400_000;
    // Batch ids follow the time they were recorded: the batches of earlier tests are older still.
    await t.db.query("UPDATE webhook_batches SET received_at = now() - interval '9 days'");
    const old = async (state: 'processed' | 'dead' | 'waiting') => {
      const id = await batch('a');
      await t.db.query(
        `UPDATE webhook_batches SET received_at = now() - interval '8 days',
                processed_at = CASE WHEN $2 = 'processed' THEN now() - interval '8 days' END,
                dead_at = CASE WHEN $2 = 'dead' THEN now() END WHERE id = $1`,
        [id, state],
      );
      await t.store.inbox.holdEventKeys([{ key: `test:${id}`, batchId: id }]);
      return id;
    };
    const [p1, p2, dead, waiting] = [
      await old('processed'),
      await old('processed'),
      await old('dead'),
      await old('waiting'),
    ];
    const recent = await batch('a');
    await t.store.inbox.markProcessed([recent]);
    await t.store.inbox.holdEventKeys([{ key: `test:${recent}`, batchId: recent }]);
    const left = async () =>
      (
        await t.db.query<{ id: string }>(
          'SELECT id::text FROM webhook_batches WHERE id = ANY($1::bigint[]) ORDER BY id',
          [[p1, p2, dead, waiting, recent]],
        )
      ).rows.map((r) => r.id);
    const keys = async () =>
      (
        await t.db.query<{ key: string }>("SELECT key FROM webhook_event_ids WHERE key LIKE 'test:%' ORDER BY batch_id")
      ).rows.map((r) => r.key);
    const cutoff = new Date(Date.now() - 7 * DAY);
    // At most `limit` a call, oldest first, until nothing old and processed is left.
    expect(await t.store.inbox.prune(cutoff, 1)).toBe(1);
    while ((await t.store.inbox.prune(cutoff, 1)) > 0);
    expect(await left()).toEqual([dead, waiting, recent]);
    expect(await keys()).toEqual([`test:${dead}`, `test:${waiting}`, `test:${recent}`]);
  });

  test('a wake-up makes an idle loop claim at once, well before its poll', async () => {
    const wakeup = createWakeup(t.db, { channel: 'test_inbox', crossProcess: false, listenUrl: null });
    const r = startInboxRunner({ ...deps(), wakeup }, { concurrency: 1, pollMs: 600_000 });
    await new Promise((res) => setTimeout(res, 100)); // the loop found nothing and sleeps on its 10-minute poll
    const id = await batch('c');
    wakeup.notify();
    // Seconds at most (a loaded machine's), never the poll's ten minutes.
    for (let i = 0; i < 600 && !(await row(id)).processed_at; i++) await new Promise((res) => setTimeout(res, 50));
    await r.stop();
    expect((await row(id)).processed_at).not.toBeNull();
  });
});
