import type { BatchItemResult, Connector, DraftEmailWrite, TaskWrite } from '../../../src/core/connector.js';
import { ProviderRejectedError, ProviderUnavailableError, RateLimitedError } from '../../../src/core/errors.js';
import { sealWrite, type WriteAction } from '../../../src/core/gated-write.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { createMetrics } from '../../../src/lib/metrics.js';
import { processOutbox, type WritebackDeps } from '../../../src/writeback/process-outbox.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';

/**
 * Task creates written in one batch call (connector.createTasks): which rows join a batch, and every row keeping
 * the single write's guarantees (CRM id recorded per row, its own failure by the policy, a started batch making
 * the next attempt look first). A connector that records its calls and answers per task as told.
 */
const T0 = Date.UTC(2026, 2, 2, 9, 0, 0);

describe(`batched task writes (${process.env.DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  let t: TestDb;
  let batches: TaskWrite[][];
  let singles: TaskWrite[];
  let answerFor: (w: TaskWrite) => BatchItemResult;
  let wholeCall: Error | null;
  let requeued: { id: string; at: number }[];
  let now: number;
  const connector = {
    manifest: { id: 'hubspot' },
    maxTasksPerCall: 4,
    createTask: async (_ctx: unknown, w: TaskWrite) => {
      singles.push(w);
      return { externalId: `one-${w.idempotencyKey}`, url: null, alreadyExisted: w.mayExist === true };
    },
    createTasks: async (_ctx: unknown, ws: TaskWrite[]) => {
      batches.push(ws);
      if (wholeCall) throw wholeCall;
      return ws.map((w) => answerFor(w));
    },
    createDraftEmail: async () => {
      throw new Error('not in these tests');
    },
  } as unknown as Connector;
  const deps = (): WritebackDeps => ({
    store: t.store,
    metrics: createMetrics(),
    logger: silentLogger(),
    vault: { context: () => ({}) } as any,
    connectorFor: () => connector,
    now: () => now,
    requeue: async (id, at) => {
      requeued.push({ id, at: at.getTime() });
    },
  });
  let seq = 0;
  const newRow = async (
    action: WriteAction = 'create_task',
    conn = 'c',
  ): Promise<{ id: string; key: string; suggestionId: string }> => {
    seq++;
    const suggestionId = `b${seq}`;
    await t.db.query(
      `INSERT INTO suggestions (id, tenant_id, connection_id, type, dedupe_key, status, payload) VALUES ($1, 't', $2, 'x', $1, 'allowed', '{}')`,
      [suggestionId, conn],
    );
    const key = `bk-${seq}`;
    const id = (await t.store.outbox.enqueue({
      suggestionId,
      connectionId: conn,
      idempotencyKey: key,
      write: sealWrite({
        action,
        payload: {
          subject: `Task ${seq}`,
          body: 'b',
          dealId: `d${seq}`,
          ...(action === 'create_draft_email' ? { draftText: 'b' } : {}),
        },
      }),
      receivedAt: now - 500,
    }))!;
    return { id, key, suggestionId };
  };
  const row = (id: string) => t.store.outbox.get(id);
  /** Every pending row of these tests out of the way, so each test sees only its own. */
  const clear = () => t.db.query("UPDATE writeback_outbox SET status = 'skipped' WHERE status = 'pending'");

  beforeAll(async () => {
    t = await openTestDb();
    for (const id of ['c', 'c2']) {
      await t.store.connections.upsert({
        id,
        tenantId: 't',
        provider: 'hubspot',
        accountId: id,
        apiBase: 'x',
        displayName: null,
        accessTokenEnc: 'a',
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
    batches = [];
    singles = [];
    requeued = [];
    wholeCall = null;
    now = T0 + (seq + 1) * 100_000;
    answerFor = (w) => ({ ok: true, record: { externalId: `crm-${w.idempotencyKey}`, url: null } });
    await clear();
  });

  test('one call carries the due task creates of the connection (up to the batch size); each row records its own CRM id', async () => {
    const rows = [];
    for (let i = 0; i < 5; i++) rows.push(await newRow());
    const draft = await newRow('create_draft_email');
    const other = await newRow('create_task', 'c2');
    const started = await newRow();
    await t.store.outbox.markSending(started.id); // an earlier attempt started: it needs its lookup, not a batch
    const later = await newRow();
    await t.store.outbox.scheduleRetry(later.id, new Date(now + 60_000));

    expect(await processOutbox(deps(), rows[0]!.id, null)).toBe('written');
    expect(batches.map((b) => b.map((w) => w.idempotencyKey))).toEqual([rows.slice(0, 4).map((r) => r.key)]);
    expect(batches[0]!.every((w) => w.mayExist === false)).toBe(true);
    for (const r of rows.slice(0, 4))
      expect(await row(r.id)).toMatchObject({ status: 'done', crm_id: `crm-${r.key}`, claim_token: null });
    for (const r of [rows[4]!, draft, other, started, later])
      expect(await row(r.id)).toMatchObject({
        status: 'pending',
        send_started_at: r === started ? expect.anything() : null,
      });
    // The other rows' own jobs find them written; the fifth goes in the next batch.
    expect(await processOutbox(deps(), rows[1]!.id, null)).toBe('already_done');
    expect(await processOutbox(deps(), rows[4]!.id, null)).toBe('written');
    expect(batches).toHaveLength(2);
    // webhook-to-task is measured from each row's own receipt time.
    expect(await row(rows[2]!.id)).toMatchObject({ received_at: new Date(now - 500) });
  });

  test('a partial failure is handled per row by the failure policy', async () => {
    const [ok, bad, limited, unsure] = [await newRow(), await newRow(), await newRow(), await newRow()];
    answerFor = (w) =>
      w.idempotencyKey === bad.key
        ? {
            ok: false,
            error: new ProviderRejectedError('VALIDATION_ERROR: bad owner', { provider: 'hubspot', status: 400 }),
          }
        : w.idempotencyKey === limited.key
          ? {
              ok: false,
              error: new RateLimitedError('slow down', { provider: 'hubspot', status: 429, retryAt: now + 10_000 }),
            }
          : w.idempotencyKey === unsure.key
            ? { ok: false, error: new ProviderUnavailableError('not accounted for', { provider: 'hubspot' }) }
            : { ok: true, record: { externalId: `crm-${w.idempotencyKey}`, url: null } };
    expect(await processOutbox(deps(), ok.id, null)).toBe('written');
    expect(await row(ok.id)).toMatchObject({ status: 'done', crm_id: `crm-${ok.key}` });
    expect(await row(bad.id)).toMatchObject({ status: 'failed', attempts: 1 });
    expect((await t.db.query('SELECT status FROM suggestions WHERE id = $1', [bad.suggestionId])).rows[0]).toEqual({
      status: 'write_failed',
    });
    expect(await row(limited.id)).toMatchObject({
      status: 'pending',
      attempts: 1,
      in_doubt_since: null,
      next_attempt_at: new Date(now + 10_000),
    });
    expect(await row(unsure.id)).toMatchObject({ status: 'pending', attempts: 1, in_doubt_since: expect.any(Date) });
    expect(requeued.map((r) => r.id).sort()).toEqual([limited.id, unsure.id].sort());
  });

  test('a failed call fails every row of it; a batch that started and was not recorded makes the next attempt look first (no duplicate)', async () => {
    const [a, b] = [await newRow(), await newRow()];
    wholeCall = new RateLimitedError('ten_secondly_rolling', {
      provider: 'hubspot',
      status: 429,
      retryAt: now + 10_000,
    });
    expect(await processOutbox(deps(), a.id, null)).toBe('retry');
    // Refused outright: nothing was written, so the rows stay batchable (no lookup needed).
    for (const r of [a, b])
      expect(await row(r.id)).toMatchObject({
        status: 'pending',
        attempts: 1,
        next_attempt_at: new Date(now + 10_000),
        send_started_at: null,
        in_doubt_since: null,
      });

    // Now the call goes out and no answer comes back (a crash or a timeout after the CRM may have written them).
    wholeCall = new ProviderUnavailableError('socket hang up', { provider: 'hubspot' });
    now += 10_000;
    expect(await processOutbox(deps(), a.id, null)).toBe('retry');
    for (const r of [a, b])
      expect(await row(r.id)).toMatchObject({
        status: 'pending',
        send_started_at: expect.any(Date),
        in_doubt_since: expect.any(Date),
      });
    // After the settle time each row goes alone, through the lookup (mayExist), never in a batch again.
    wholeCall = null;
    now += 120_000;
    batches = [];
    expect(await processOutbox(deps(), a.id, null)).toBe('written');
    expect(await processOutbox(deps(), b.id, null)).toBe('written');
    expect(batches).toEqual([]);
    expect(singles.map((w) => [w.idempotencyKey, w.mayExist])).toEqual([
      [a.key, true],
      [b.key, true],
    ]);
  });

  test('a row another attempt holds is not taken into a batch', async () => {
    const [a, b] = [await newRow(), await newRow()];
    expect(await t.store.outbox.claim(b.id, 'someone-else', new Date(now + 15_000), new Date(now))).toMatchObject({
      ok: true,
    });
    expect(await processOutbox(deps(), a.id, null)).toBe('written');
    expect(batches.map((x) => x.map((w) => w.idempotencyKey))).toEqual([[a.key]]);
    expect(await row(b.id)).toMatchObject({ status: 'pending', claim_token: 'someone-else' });
  });

  test('drafts go out in their own batch (createDraftEmails), never mixed with tasks; payload without our draft copy', async () => {
    const drafts: DraftEmailWrite[][] = [];
    const both = {
      ...connector,
      maxDraftsPerCall: 3,
      createDraftEmails: async (_ctx: unknown, ws: DraftEmailWrite[]) => {
        drafts.push(ws);
        return ws.map((w) => ({ ok: true, record: { externalId: `crm-${w.idempotencyKey}`, url: null } }));
      },
    } as unknown as Connector;
    const d = (): WritebackDeps => ({ ...deps(), connectorFor: () => both });
    const [t1, d1, t2, d2, d3, d4] = [
      await newRow(),
      await newRow('create_draft_email'),
      await newRow(),
      await newRow('create_draft_email'),
      await newRow('create_draft_email'),
      await newRow('create_draft_email'),
    ];
    expect(await processOutbox(d(), d1.id, null)).toBe('written');
    expect(drafts.map((b) => b.map((w) => w.idempotencyKey))).toEqual([[d1.key, d2.key, d3.key]]);
    expect(drafts[0]!.every((w) => w.mayExist === false && !('draftText' in w))).toBe(true);
    expect(batches).toEqual([]);
    expect(await processOutbox(d(), t1.id, null)).toBe('written');
    expect(batches.map((b) => b.map((w) => w.idempotencyKey))).toEqual([[t1.key, t2.key]]);
    expect(await processOutbox(d(), d4.id, null)).toBe('written');
    expect(drafts).toHaveLength(2);
    for (const r of [d1, d2, d3, d4, t1, t2])
      expect(await row(r.id)).toMatchObject({ status: 'done', crm_id: `crm-${r.key}` });
  });
});
