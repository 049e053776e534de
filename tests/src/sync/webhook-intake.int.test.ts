import type { Connector, ParsedWebhook, RawWebhookRequest, WebhookEvent } from '../../../src/core/connector.js';
import { ErrorCode, WebhookSignatureError } from '../../../src/core/errors.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { createMetrics } from '../../../src/lib/metrics.js';
import { createStore, type Db } from '../../../src/store/index.js';
import { acceptWebhook } from '../../../src/sync/webhook-intake.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';

/**
 * acceptWebhook on its own: a connector whose parseWebhook returns chosen events (or throws), the real store,
 * counting the statements that reach the inbox tables (one per request), and a wake-up that counts its calls.
 */
const SECRETS = { clientSecret: 'secret', toleranceMs: 300_000 };
let clock = Date.UTC(2026, 2, 2, 9, 0, 0);

type Parse = (req: RawWebhookRequest) => ParsedWebhook;

const connectorWith = (parse: Parse | null): Connector =>
  ({ manifest: { id: 'hubspot' }, ...(parse ? { parseWebhook: parse } : {}) }) as unknown as Connector;

const event = (accountId: string, eventId: string, objectId = eventId): WebhookEvent => ({
  eventId,
  accountId,
  kind: 'deal',
  objectId,
  change: 'updated',
  occurredAt: clock,
  raw: { eventId, objectId },
});

/** Wake-ups the intake sends (after its commit), counted. */
function countingWakeup() {
  const w = {
    calls: 0,
    notify: () => {
      w.calls++;
    },
    subscribe: () => () => {},
    close: async () => {},
  };
  return w;
}

/** The store over a db that counts the statements reaching the inbox tables (and can be told to fail the next one). */
function countingStore(t: TestDb) {
  const c = { inboxStatements: 0, failNext: false };
  const db = {
    ...t.db,
    query: async (sql: string, params?: unknown[]) => {
      // The request path's statement is one INSERT into webhook_batches (src/store/inbox.ts).
      if (/webhook_(batches|event_ids)/.test(sql)) {
        c.inboxStatements++;
        if (c.failNext) {
          c.failNext = false;
          throw new Error('database unavailable');
        }
      }
      return t.db.query(sql, params);
    },
  } as unknown as Db;
  return { c, store: createStore(db) };
}

const counter = async (m: ReturnType<typeof createMetrics>, result: string): Promise<number> =>
  (await m.webhookEvents.get()).values.find((v) => v.labels.result === result && v.labels.crm === 'hubspot')?.value ??
  0;

describe(`acceptWebhook (${process.env.DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  let t: TestDb;
  let queue: ReturnType<typeof countingWakeup>;
  let metrics: ReturnType<typeof createMetrics>;
  let counted: ReturnType<typeof countingStore>;
  const deps = () => ({ store: counted.store, wakeup: queue, metrics, logger: silentLogger() });
  const req = (): RawWebhookRequest => ({
    method: 'POST',
    url: 'https://closeloop.example/webhooks/hubspot',
    headers: {},
    rawBody: Buffer.from('[]'),
    receivedAt: (clock += 60_000),
  });
  const batchesOf = async (accountId: string) =>
    (
      await t.db.query<{ id: string; connection_id: string; events: WebhookEvent[] }>(
        'SELECT id::text, connection_id, events FROM webhook_batches WHERE account_id = $1 ORDER BY id',
        [accountId],
      )
    ).rows;
  let n = 0;
  /** A fresh installed account per test (intake caches known accounts for a few seconds). */
  const install = async (
    status: 'active' | 'failed' = 'active',
  ): Promise<{ accountId: string; connectionId: string }> => {
    n++;
    const accountId = `${1000 + n}`;
    const connectionId = `hubspot:${accountId}`;
    await t.store.connections.upsert({
      id: connectionId,
      tenantId: `t${n}`,
      provider: 'hubspot',
      accountId,
      apiBase: 'x',
      displayName: null,
      accessTokenEnc: 'a',
      refreshTokenEnc: null,
      tokenExpiresAt: null,
      tokenMetadata: {},
    });
    if (status !== 'active') await t.store.connections.setStatus(connectionId, status, 'test');
    return { accountId, connectionId };
  };

  beforeAll(async () => {
    t = await openTestDb();
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(() => {
    queue = countingWakeup();
    metrics = createMetrics();
    counted = countingStore(t);
  });

  test('events are recorded per account in one batch each, by one statement, and the workers are woken once', async () => {
    const a = await install();
    const b = await install();
    const events = [event(a.accountId, 'e1'), event(b.accountId, 'e2'), event(a.accountId, 'e3')];
    const r = await acceptWebhook(
      deps(),
      connectorWith(() => ({ events })),
      req(),
      SECRETS,
    );
    expect(r).toMatchObject({ accepted: 3, unknownAccounts: [] });
    const [ba] = await batchesOf(a.accountId);
    const [bb] = await batchesOf(b.accountId);
    expect(ba!.connection_id).toBe(a.connectionId);
    expect(ba!.events.map((e) => e.eventId)).toEqual(['e1', 'e3']);
    expect(bb!.events.map((e) => e.eventId)).toEqual(['e2']);
    expect(counted.c.inboxStatements).toBe(1);
    expect(queue.calls).toBe(1);
    expect(await counter(metrics, 'accepted')).toBe(3);
  });

  test('a redelivery is recorded like any delivery: one statement, nothing looked up (the worker drops what it knows)', async () => {
    const a = await install();
    const events = [event(a.accountId, 'd1'), event(a.accountId, 'd2')];
    await acceptWebhook(
      deps(),
      connectorWith(() => ({ events })),
      req(),
      SECRETS,
    );
    const again = await acceptWebhook(
      deps(),
      connectorWith(() => ({ events: [...events, event(a.accountId, 'd1')] })),
      req(),
      SECRETS,
    );
    // An id repeated inside one delivery counts once; across deliveries the claiming worker decides
    // (tests/src/sync/process-inbox.int.test.ts).
    expect(again).toMatchObject({ accepted: 2 });
    expect((await batchesOf(a.accountId)).map((b) => b.events.map((e) => e.eventId))).toEqual([
      ['d1', 'd2'],
      ['d1', 'd2'],
    ]);
    expect(counted.c.inboxStatements).toBe(2);
    expect(queue.calls).toBe(2);
    expect(await counter(metrics, 'accepted')).toBe(4);
  });

  test('a request only for accounts that are not installed is refused (no acknowledgement) and stores nothing', async () => {
    const failed = await install('failed');
    const err = await acceptWebhook(
      deps(),
      connectorWith(() => ({ events: [event('999999', 'u1'), event(failed.accountId, 'u2')] })),
      req(),
      SECRETS,
    ).catch((e) => e);
    expect(err.code).toBe(ErrorCode.UNKNOWN_ACCOUNT);
    expect(err.status).toBe(404);
    expect(await batchesOf('999999')).toEqual([]);
    expect(await batchesOf(failed.accountId)).toEqual([]);
    expect(queue.calls).toBe(0);
    expect(await counter(metrics, 'unknown_account')).toBe(2);
  });

  test("a mixed request keeps the installed account's events and names the others", async () => {
    const a = await install();
    const r = await acceptWebhook(
      deps(),
      connectorWith(() => ({ events: [event(a.accountId, 'm1'), event('888888', 'm2')] })),
      req(),
      SECRETS,
    );
    expect(r).toMatchObject({ accepted: 1, unknownAccounts: ['888888'] });
    expect(await counter(metrics, 'unknown_account')).toBe(1);
    expect(queue.calls).toBe(1);
  });

  test('an invalid signature (thrown by parseWebhook, before anything is read) stores nothing', async () => {
    const a = await install();
    const bad = connectorWith(() => {
      throw new WebhookSignatureError('bad v3 signature');
    });
    await expect(acceptWebhook(deps(), bad, req(), SECRETS)).rejects.toMatchObject({
      code: ErrorCode.WEBHOOK_SIGNATURE_INVALID,
      status: 401,
    });
    expect(await batchesOf(a.accountId)).toEqual([]);
    expect(queue.calls).toBe(0);
  });

  test('parseWebhook receives the request, the secrets and the request time as "now"', async () => {
    const a = await install();
    const calls: unknown[][] = [];
    const spy = {
      manifest: { id: 'hubspot' },
      parseWebhook: (...args: unknown[]) => {
        calls.push(args);
        return { events: [event(a.accountId, 's1')] };
      },
    } as unknown as Connector;
    const request = req();
    await acceptWebhook(deps(), spy, request, SECRETS);
    expect(calls).toHaveLength(1);
    expect(calls[0]![0]).toBe(request);
    expect(calls[0]![1]).toEqual({ ...SECRETS, now: request.receivedAt });
  });

  test("when the statement fails nothing is kept and no worker is woken, so the provider's retry is not a duplicate", async () => {
    const a = await install();
    const events = [event(a.accountId, 'q1')];
    counted.c.failNext = true;
    await expect(
      acceptWebhook(
        deps(),
        connectorWith(() => ({ events })),
        req(),
        SECRETS,
      ),
    ).rejects.toThrow('database unavailable');
    expect(await batchesOf(a.accountId)).toEqual([]);
    expect(queue.calls).toBe(0);
    const retried = await acceptWebhook(
      deps(),
      connectorWith(() => ({ events })),
      req(),
      SECRETS,
    );
    expect(retried).toMatchObject({ accepted: 1 });
    expect(queue.calls).toBe(1);
  });

  test("the connector's response (a Salesforce Ack) is passed back; an empty delivery is accepted with nothing to do", async () => {
    const response = { status: 200, contentType: 'text/xml', body: '<Ack>true</Ack>' };
    const r = await acceptWebhook(
      deps(),
      connectorWith(() => ({ events: [], response })),
      req(),
      SECRETS,
    );
    expect(r).toEqual({ accepted: 0, quarantined: 0, unknownAccounts: [], response });
    expect(queue.calls).toBe(0);
  });

  test('a connector without webhooks refuses the request', async () => {
    await expect(acceptWebhook(deps(), connectorWith(null), req(), SECRETS)).rejects.toMatchObject({
      code: ErrorCode.UNKNOWN_ACCOUNT,
    });
  });

  test('an event naming another API host than its installed account (a forged Outbound Message) is refused and stores nothing', async () => {
    n++;
    const accountId = `00Dxx00000${String(n).padStart(5, '0')}`;
    await t.store.connections.upsert({
      id: `sf:${accountId}`,
      tenantId: `t${n}`,
      provider: 'hubspot',
      accountId,
      apiBase: 'https://acme.my.salesforce.com',
      displayName: null,
      accessTokenEnc: 'a',
      refreshTokenEnc: null,
      tokenExpiresAt: null,
      tokenMetadata: {},
    });
    const forged = { ...event(accountId, 'n1'), originHost: 'attacker.example' };
    await expect(
      acceptWebhook(
        deps(),
        connectorWith(() => ({ events: [forged] })),
        req(),
        SECRETS,
      ),
    ).rejects.toMatchObject({ code: ErrorCode.UNKNOWN_ACCOUNT });
    expect(await batchesOf(accountId)).toEqual([]);
    const genuine = { ...event(accountId, 'n2'), originHost: 'acme.my.salesforce.com' };
    expect(
      await acceptWebhook(
        deps(),
        connectorWith(() => ({ events: [genuine] })),
        req(),
        SECRETS,
      ),
    ).toMatchObject({ accepted: 1 });
    // A malformed unsigned notification is quarantined only for the install on the host it names.
    const rejectedFrom = (originHost: string) =>
      acceptWebhook(
        deps(),
        connectorWith(() => ({
          events: [],
          rejected: [{ accountId, reason: 'bad notification', raw: { Id: 'x' }, originHost }],
        })),
        req(),
        SECRETS,
      );
    const quarantined = async () =>
      (await t.store.webhookQuarantine.list({ provider: 'hubspot' })).filter((q) => q.account_id === accountId).length;
    const before = await quarantined();
    expect(await rejectedFrom('attacker.example')).toMatchObject({ quarantined: 0 });
    expect(await rejectedFrom('acme.my.salesforce.com')).toMatchObject({ quarantined: 1 });
    expect(await quarantined()).toBe(before + 1);
  });
});
