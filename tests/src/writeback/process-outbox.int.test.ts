import { throwIfGivenUp, type Connector, type DraftEmailWrite, type TaskWrite } from '../../../src/core/connector.js';
import { ProviderRejectedError } from '../../../src/core/errors.js';
import { sealWrite, type WriteAction } from '../../../src/core/gated-write.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { createMetrics } from '../../../src/lib/metrics.js';
import { processOutbox, type WritebackDeps } from '../../../src/writeback/process-outbox.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';

/**
 * processOutbox on its own, the paths that write (failures and their policy are in failure-policy.int.test.ts):
 * a connector that records every call and answers with a CRM id, the real store.
 */
const T0 = Date.UTC(2026, 2, 2, 9, 0, 0);

describe(`processOutbox (${process.env.DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  let t: TestDb;
  let calls: { method: 'createTask' | 'createDraftEmail'; write: TaskWrite | DraftEmailWrite }[];
  let alreadyExisted: boolean;
  const answer = (write: TaskWrite | DraftEmailWrite) => ({
    externalId: `crm-${write.idempotencyKey}`,
    url: `https://app.example/${write.idempotencyKey}`,
    alreadyExisted,
  });
  const connector = {
    manifest: { id: 'hubspot' },
    createTask: async (_ctx: unknown, write: TaskWrite) => {
      calls.push({ method: 'createTask', write });
      return answer(write);
    },
    createDraftEmail: async (_ctx: unknown, write: DraftEmailWrite) => {
      calls.push({ method: 'createDraftEmail', write });
      return answer(write);
    },
  } as unknown as Connector;
  let metrics: ReturnType<typeof createMetrics>;
  const deps = (): WritebackDeps => ({
    store: t.store,
    metrics,
    logger: silentLogger(),
    vault: { context: () => ({}) } as any,
    connectorFor: () => connector,
    now: () => T0 + 4_000,
    requeue: async () => {
      throw new Error('no retry expected here');
    },
  });
  let seq = 0;
  const newRow = async (
    action: WriteAction,
    payload: Record<string, unknown>,
  ): Promise<{ id: string; suggestionId: string; key: string }> => {
    seq++;
    const suggestionId = `s${seq}`;
    await t.db.query(
      `INSERT INTO suggestions (id, tenant_id, connection_id, type, dedupe_key, status, payload) VALUES ($1, 't', 'c', 'x', $1, 'allowed', '{}')`,
      [suggestionId],
    );
    const key = `key-${seq}`;
    const id = (await t.store.outbox.enqueue({
      suggestionId,
      connectionId: 'c',
      idempotencyKey: key,
      write: sealWrite({ action, payload }),
    }))!;
    return { id, suggestionId, key };
  };
  const suggestionStatus = async (id: string) =>
    (await t.db.query<{ status: string }>('SELECT status FROM suggestions WHERE id = $1', [id])).rows[0]!.status;
  const writebacks = async (kind: string) =>
    (await metrics.writebacks.get()).values.find((v) => v.labels.kind === kind && v.labels.crm === 'hubspot')?.value ??
    0;
  const latencyCount = async () =>
    (await metrics.webhookToTask.get()).values.find((v) => v.metricName === 'closeloop_webhook_to_task_seconds_count')
      ?.value ?? 0;

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
  beforeEach(() => {
    calls = [];
    alreadyExisted = false;
    metrics = createMetrics();
  });

  test('a task is written once with its idempotency key; the row keeps the CRM id and the suggestion is "written"', async () => {
    const row = await newRow('create_task', {
      subject: 'Follow up with Ada',
      body: 'She asked for a revised quote.',
      dealId: 'd1',
      dueAt: '2026-03-04T09:00:00.000Z',
    });
    expect(await processOutbox(deps(), row.id, T0)).toBe('written');
    expect(calls).toEqual([
      {
        method: 'createTask',
        write: {
          subject: 'Follow up with Ada',
          body: 'She asked for a revised quote.',
          dealId: 'd1',
          dueAt: '2026-03-04T09:00:00.000Z',
          idempotencyKey: row.key,
          mayExist: false,
        },
      },
    ]);
    expect(await t.store.outbox.get(row.id)).toMatchObject({
      status: 'done',
      crm_id: `crm-${row.key}`,
      crm_url: `https://app.example/${row.key}`,
    });
    expect(await suggestionStatus(row.suggestionId)).toBe('written');
    expect(await writebacks('task')).toBe(1);
    expect(await latencyCount()).toBe(1);
  });

  test('a done row is never written again', async () => {
    const row = await newRow('create_task', { subject: 'x' });
    await processOutbox(deps(), row.id, null);
    calls = [];
    expect(await processOutbox(deps(), row.id, null)).toBe('already_done');
    expect(calls).toEqual([]);
  });

  test("a row another worker wrote between this attempt's read and its claim is not written again", async () => {
    const row = await newRow('create_task', { subject: 'raced' });
    // This attempt reads the row pending; before it claims it, another worker's batch writes it and lets go.
    const outbox = Object.create(t.store.outbox) as typeof t.store.outbox;
    outbox.get = async (id: string) => {
      const seen = await t.store.outbox.get(id);
      await t.store.outbox.markDone(id, 'crm-by-the-other-worker', null);
      return seen;
    };
    expect(await processOutbox({ ...deps(), store: { ...t.store, outbox } }, row.id, null)).toBe('already_done');
    expect(calls).toEqual([]);
    expect(await t.store.outbox.get(row.id)).toMatchObject({ crm_id: 'crm-by-the-other-worker', claim_token: null });
  });

  test('a row whose call another attempt started after this one read it is looked up, not sent blind', async () => {
    const row = await newRow('create_task', { subject: 'started elsewhere' });
    // Read before the other attempt marked it sending; that attempt died in its call long enough ago to look now.
    const outbox = Object.create(t.store.outbox) as typeof t.store.outbox;
    outbox.get = async (id: string) => {
      const seen = await t.store.outbox.get(id);
      await t.store.outbox.markSending(id, new Date(T0 + 4_000 - 120_000));
      return seen;
    };
    alreadyExisted = true;
    expect(await processOutbox({ ...deps(), store: { ...t.store, outbox } }, row.id, null)).toBe('written');
    expect(calls.map((c) => c.write.mayExist)).toEqual([true]);
  });

  test("a setup try that never reached the CRM (another attempt held the row) leaves the connection's next try due", async () => {
    const row = await newRow('create_task', { subject: 'probe held' });
    // The org refused a write; its try is due now.
    await t.store.connections.recordWriteIssue('c', 'A validation rule refused the task.', new Date(T0));
    try {
      await t.store.outbox.claim(row.id, 'someone-else', new Date(T0 + 60_000), new Date(T0));
      const requeued: Date[] = [];
      const waiting = { ...deps(), requeue: async (_id: string, at: Date) => void requeued.push(at) };
      expect(await processOutbox(waiting, row.id, null)).toBe('retry');
      expect(calls).toEqual([]);
      const conn = await t.store.connections.get('c');
      // Not pushed 15 minutes out by a try that asked the CRM nothing.
      expect(conn!.write_probe_at).toBeNull();
      expect(conn!.write_issues).toHaveLength(1);
    } finally {
      await t.store.connections.clearWriteIssues('c');
    }
  });

  test('a draft email goes to createDraftEmail without our own copy of the text (draftText stays with us)', async () => {
    const row = await newRow('create_draft_email', {
      subject: 'Revised quote',
      body: 'Hi Ada,',
      to: ['ada@acme.example'],
      draftText: 'Hi Ada,',
    });
    expect(await processOutbox(deps(), row.id, null)).toBe('written');
    expect(calls).toHaveLength(1);
    expect(calls[0]!.method).toBe('createDraftEmail');
    expect(calls[0]!.write).toEqual({
      subject: 'Revised quote',
      body: 'Hi Ada,',
      to: ['ada@acme.example'],
      idempotencyKey: row.key,
      mayExist: false,
    });
    expect(await writebacks('draft_email')).toBe(1);
    expect(await latencyCount()).toBe(0);
  });

  test('an attempt that started but was never recorded waits for the CRM to settle, then looks for its record first', async () => {
    const row = await newRow('create_task', { subject: 'x' });
    // A worker died between the CRM call and markDone, 30 s ago: its call could have been sent until its deadline
    // (30 s after the start), and the CRM's search shows a new record only later, so nothing is tried yet.
    await t.store.outbox.markSending(row.id, new Date(T0 + 4_000 - 30_000));
    const requeued: Date[] = [];
    const waiting = { ...deps(), requeue: async (_id: string, at: Date) => void requeued.push(at) };
    expect(await processOutbox(waiting, row.id, null)).toBe('retry');
    expect(calls).toEqual([]);
    expect(requeued.map((d) => d.getTime())).toEqual([T0 + 4_000 - 30_000 + 30_000 + 60_000]);
    // Two minutes after that start it looks, finds the record and keeps it.
    await t.store.outbox.markSending(row.id, new Date(T0 + 4_000 - 120_000));
    alreadyExisted = true;
    alreadyExisted = true;
    expect(await processOutbox(deps(), row.id, null)).toBe('written');
    expect(calls[0]!.write).toMatchObject({ idempotencyKey: row.key, mayExist: true });
    // Found, not created: the row is done but nothing new was written, so the write-back counter does not move.
    expect(await t.store.outbox.get(row.id)).toMatchObject({ status: 'done', crm_id: `crm-${row.key}` });
    expect(await writebacks('task')).toBe(0);
  });

  test('a create given up at its deadline sends nothing it had not sent yet, and the row is in doubt', async () => {
    const row = await newRow('create_task', { subject: 'slow budget' });
    let sentLate = false;
    const waitsForBudget = {
      manifest: { id: 'hubspot' },
      // Waits for the shared rate budget past the deadline, then checks the context's signal as the clients do.
      createTask: async (ctx: { signal?: AbortSignal }) => {
        await new Promise((r) => setTimeout(r, 120));
        throwIfGivenUp(ctx, 'POST /crm/v3/objects/tasks', 'hubspot');
        sentLate = true;
        return { externalId: 'late', url: null };
      },
    } as unknown as Connector;
    const failing = {
      ...deps(),
      connectorFor: () => waitsForBudget,
      callTimeoutMs: 40,
      requeue: async () => undefined,
    };
    expect(await processOutbox(failing, row.id, null)).toBe('retry');
    await new Promise((r) => setTimeout(r, 200));
    expect(sentLate).toBe(false);
    expect(await t.store.outbox.get(row.id)).toMatchObject({ status: 'pending', in_doubt_since: expect.any(Date) });
  });

  test('a first create refused outright (4xx) needs no lookup and no wait next time', async () => {
    const row = await newRow('create_task', { subject: 'refused' });
    const refusing = {
      manifest: { id: 'hubspot' },
      createTask: async () => {
        throw new ProviderRejectedError('HubSpot refused this task (VALIDATION_ERROR)', { provider: 'hubspot' });
      },
    } as unknown as Connector;
    await processOutbox(
      { ...deps(), connectorFor: () => refusing, maxAttempts: 8, requeue: async () => undefined },
      row.id,
      null,
    );
    expect(await t.store.outbox.get(row.id)).toMatchObject({ send_started_at: null, in_doubt_since: null });
  });

  test('an unknown row is skipped; a failed row stays failed', async () => {
    expect(await processOutbox(deps(), '999999', null)).toBe('skipped');
    const row = await newRow('create_task', { subject: 'x' });
    await t.store.outbox.markFailed(row.id, 'PROVIDER_REJECTED: INVALID_FIELD');
    expect(await processOutbox(deps(), row.id, null)).toBe('failed');
    expect(calls).toEqual([]);
  });

  test('a connection that needs reconnecting parks the row without spending an attempt or calling the CRM', async () => {
    const row = await newRow('create_task', { subject: 'x' });
    await t.store.connections.setStatus('c', 'needs_reconnect', 'refresh token revoked');
    try {
      expect(await processOutbox(deps(), row.id, null)).toBe('paused');
      expect(calls).toEqual([]);
      expect(await t.store.outbox.get(row.id)).toMatchObject({
        status: 'pending',
        attempts: 0,
        parked_reason: 'connection needs_reconnect',
      });
    } finally {
      await t.store.connections.setStatus('c', 'active', null);
    }
  });
});
