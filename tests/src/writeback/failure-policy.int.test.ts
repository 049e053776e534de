import type { Connector } from '../../../src/core/index.js';
import {
  AuthRevokedError,
  ProviderRejectedError,
  QuotaExhaustedError,
  RateLimitedError,
} from '../../../src/core/index.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { createMetrics } from '../../../src/lib/metrics.js';
import { processOutbox, type WritebackDeps } from '../../../src/writeback/process-outbox.js';
import { sweepOutbox } from '../../../src/jobs/cron.js';
import type { WorkQueue } from '../../../src/queue/index.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';
import { sealWrite } from '../../../src/core/gated-write.js';

const T0 = Date.UTC(2026, 2, 2, 9, 0, 0);

/** A queue that records what is sent (the policy is judged by what it asks the queue to do). */
function recordingQueue() {
  const sent: { name: string; data: any; opts: any }[] = [];
  const q = {
    sent,
    send: async (name: string, data: object, opts?: object) => {
      sent.push({ name, data, opts });
      return String(sent.length);
    },
  };
  return q as typeof q & WorkQueue;
}

describe(`write-back failure policy (${process.env.DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  let t: TestDb;
  let now = T0;
  let behaviour: () => Promise<{ externalId: string; url: string | null; alreadyExisted: boolean }>;
  let calls = 0;
  const connector = {
    manifest: { id: 'hubspot' },
    createTask: async () => {
      calls++;
      return behaviour();
    },
    createDraftEmail: async () => {
      calls++;
      return behaviour();
    },
  } as unknown as Connector;
  let requeued: { id: string; at: Date }[] = [];
  const deps = (): WritebackDeps => ({
    store: t.store,
    metrics: createMetrics(),
    logger: silentLogger(),
    vault: { context: () => ({}) } as any,
    connectorFor: () => connector,
    now: () => now,
    requeue: async (id, at) => {
      requeued.push({ id, at });
    },
    maxAttempts: 3,
  });
  let seq = 0;
  const newRow = async (): Promise<string> => {
    seq++;
    await t.db.query(
      `INSERT INTO suggestions (id, tenant_id, connection_id, type, dedupe_key, status, payload) VALUES ($1, 't', 'c', 'x', $1, 'allowed', '{}')`,
      [`s${seq}`],
    );
    return (await t.store.outbox.enqueue({
      suggestionId: `s${seq}`,
      connectionId: 'c',
      idempotencyKey: `k${seq}`,
      write: sealWrite({ action: 'create_task', payload: { subject: 'x' } }),
    }))!;
  };

  beforeAll(async () => {
    t = await openTestDb();
    await t.store.connections.upsert({
      id: 'c',
      tenantId: 't',
      provider: 'hubspot',
      accountId: '1',
      apiBase: 'x',
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
  beforeEach(async () => {
    now = T0;
    calls = 0;
    requeued = [];
    await t.store.connections.setStatus('c', 'active', null);
    await t.db.query("UPDATE writeback_outbox SET status = 'done' WHERE status = 'pending'"); // each test sees only its own rows
  });

  test("a rate-limited write is queued again at the provider's Retry-After time", async () => {
    const id = await newRow();
    behaviour = async () => {
      throw new RateLimitedError('429', { retryAt: T0 + 7_000 });
    };
    expect(await processOutbox(deps(), id, null)).toBe('retry');
    expect(requeued).toEqual([{ id, at: new Date(T0 + 7_000) }]);
    const row = (await t.store.outbox.get(id))!;
    expect(row).toMatchObject({ status: 'pending', attempts: 1, parked_reason: null });
    expect(new Date(row.next_attempt_at!).getTime()).toBe(T0 + 7_000);
  });

  test('attempts are bounded: the last transient failure fails the row', async () => {
    const id = await newRow();
    behaviour = async () => {
      throw new RateLimitedError('429');
    };
    for (let i = 0; i < 2; i++) expect(await processOutbox(deps(), id, null)).toBe('retry');
    expect(await processOutbox(deps(), id, null)).toBe('failed');
    expect((await t.store.outbox.get(id))!.status).toBe('failed');
  });

  test('a rejected write fails at once, without retry', async () => {
    const id = await newRow();
    behaviour = async () => {
      throw new ProviderRejectedError('INVALID_FIELD');
    };
    expect(await processOutbox(deps(), id, null)).toBe('failed');
    expect(requeued).toEqual([]);
  });

  test('quota exhausted pauses the connection, parks its rows without spending attempts, and the sweep resumes them when the pause ends', async () => {
    const first = await newRow();
    const second = await newRow();
    behaviour = async () => {
      throw new QuotaExhaustedError('REQUEST_LIMIT_EXCEEDED: TotalRequests', { retryAt: T0 + 3_600_000 });
    };
    expect(await processOutbox(deps(), first, null)).toBe('paused');
    const conn = (await t.store.connections.get('c'))!;
    expect(conn.status).toBe('paused');
    expect(new Date(conn.paused_until!).getTime()).toBe(T0 + 3_600_000);
    // The next row is not even attempted while paused.
    calls = 0;
    expect(await processOutbox(deps(), second, null)).toBe('paused');
    expect(calls).toBe(0);
    expect((await t.store.outbox.get(second))!).toMatchObject({
      attempts: 0,
      status: 'pending',
      parked_reason: expect.stringContaining('paused until'),
    });

    const q = recordingQueue();
    const d = { store: t.store, queue: q, logger: silentLogger(), now: () => now };
    expect(await sweepOutbox(d)).toBe(0); // still paused
    now = T0 + 3_600_000 + 1;
    expect(await sweepOutbox(d)).toBe(2);
    expect(q.sent.map((s) => s.data.outboxId).sort()).toEqual([first, second].sort());
    expect(await sweepOutbox(d)).toBe(0); // claimed once
    behaviour = async () => ({ externalId: 'T1', url: null, alreadyExisted: false });
    for (const id of [first, second]) expect(await processOutbox(deps(), id, null)).toBe('written');
  });

  test('auth revoked marks the connection for reconnection; a reinstall resumes the parked rows', async () => {
    const id = await newRow();
    behaviour = async () => {
      throw new AuthRevokedError('invalid_grant');
    };
    expect(await processOutbox(deps(), id, null)).toBe('paused');
    expect((await t.store.connections.get('c'))!.status).toBe('needs_reconnect');
    expect((await t.store.outbox.get(id))!.status).toBe('pending');
    const q = recordingQueue();
    const d = { store: t.store, queue: q, logger: silentLogger(), now: () => now };
    expect(await sweepOutbox(d)).toBe(0);
    // The admin installs again: ConnectionRepo.upsert reactivates the connection.
    await t.store.connections.upsert({
      id: 'c',
      tenantId: 't',
      provider: 'hubspot',
      accountId: '1',
      apiBase: 'x',
      displayName: null,
      accessTokenEnc: 'b',
      refreshTokenEnc: null,
      tokenExpiresAt: null,
      tokenMetadata: {},
    });
    expect(await sweepOutbox(d)).toBeGreaterThanOrEqual(1);
    expect(q.sent.map((s) => s.data.outboxId)).toContain(id);
  });

  test('an incomplete setup (install check) parks write-backs without attempting them; a clean check lets the sweep resume them', async () => {
    const id = await newRow();
    await t.store.connections.setSetupIssues('c', ['Task.Closeloop_Key__c is missing: deploy deploy/salesforce']);
    expect(await processOutbox(deps(), id, null)).toBe('paused');
    expect(calls).toBe(0);
    expect((await t.store.outbox.get(id))!).toMatchObject({
      attempts: 0,
      parked_reason: expect.stringContaining('Task.Closeloop_Key__c is missing'),
    });
    const q = recordingQueue();
    const d = { store: t.store, queue: q, logger: silentLogger(), now: () => now };
    expect(await sweepOutbox(d)).toBe(0);
    await t.store.connections.setSetupIssues('c', []);
    expect(await sweepOutbox(d)).toBe(1);
    expect(q.sent[0]!.data.outboxId).toBe(id);
  });

  test('a pending row whose job was lost is requeued by the sweep after the grace period', async () => {
    const id = await newRow();
    const q = recordingQueue();
    const d = { store: t.store, queue: q, logger: silentLogger(), now: () => now };
    now = Date.now();
    expect(await sweepOutbox(d)).toBe(0);
    now = Date.now() + 16 * 60_000;
    expect(await sweepOutbox(d)).toBe(1);
    expect(q.sent[0]!.data.outboxId).toBe(id);
  });
});
