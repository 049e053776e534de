import { browse } from '../../../src/lib/browser-fetch.js';
import { startHubspotLoop, waitFor } from '../../helpers/closeloop.js';

type Loop = Awaited<ReturnType<typeof startHubspotLoop>>;

/**
 * Issue 13 item 4: a HubSpot create that answers after the write-back job's lease expired must not become two
 * tasks. The sandbox holds the create (a slow provider: the task lands late, then the answer), so a second attempt's
 * lookup finds nothing while the first call is in flight; the queue meanwhile retries the expired job. Read back
 * through the sandbox: exactly one task per write.
 */
describe(`slow CRM writes (${process.env.DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  let loop: Loop;
  let portalId: number;
  let dealId: string;
  let n = 0;
  beforeAll(async () => {
    // Job lease 2 s (supervised every second); every CRM call gives up after 10 s.
    loop = await startHubspotLoop({
      queueExpireSeconds: 2,
      superviseIntervalSeconds: 1,
      env: { CRM_CALL_TIMEOUT_MS: '10000' },
    });
    portalId = loop.hs.defaultPortalId;
    dealId = loop.hs.store.create(portalId, 'deals', {
      dealname: 'Slow deal',
      dealstage: 'contractsent',
      pipeline: 'default',
      amount: '1000',
    }).id;
    const res = await browse(`${loop.cl.url}/install/hubspot`);
    expect(res.status).toBe(200);
    await waitFor(async () => (await loop.cl.store.connections.list())[0]?.backfill_done_at, 30_000, 'backfill');
  }, 90_000);
  afterAll(async () => {
    await loop?.stop();
  });

  /** A suggestion with one queued task write, as src/suggest/process-suggestion.ts makes them; returns the outbox id. */
  async function queueTask(subject: string): Promise<string> {
    const [conn] = await loop.cl.store.connections.list();
    const id = `sug-slow-${++n}`;
    await loop.cl.store.db.query(
      `INSERT INTO suggestions (id, tenant_id, connection_id, type, dedupe_key, deal_id, status, payload)
      VALUES ($1, $2, $3, 'stale_deal', $1, $4, 'allowed', '{}'::jsonb)`,
      [id, conn!.tenant_id, conn!.id, dealId],
    );
    // Straight into the outbox (what the output gate seals is not under test here).
    const payload = {
      subject,
      body: 'Follow up on the slow deal.',
      dueAt: new Date(Date.now() + 86_400_000).toISOString(),
      priority: 'MEDIUM',
      ownerId: null,
      taskType: 'TODO',
      dealId,
      contactIds: [],
      companyId: null,
    };
    const outboxId = (
      await loop.cl.store.db.query<{ id: string }>(
        `INSERT INTO writeback_outbox (suggestion_id, connection_id, action, idempotency_key, payload) VALUES ($1, $2, 'create_task', $3, $4::jsonb) RETURNING id::text`,
        [id, conn!.id, `wb-${id}`, JSON.stringify(payload)],
      )
    ).rows[0]!.id;
    await loop.cl.queue.send('writeback', { outboxId, receivedAt: null });
    return outboxId!;
  }
  const tasksNamed = (subject: string) =>
    loop.hs.store.list(portalId, 'tasks').filter((t) => t.properties.hs_task_subject === subject);

  test('a create answered after the lease expired (but within the call timeout) makes exactly one task', async () => {
    // A fresh task goes out in a batch create (connector.createTasks); a retry after doubt takes the single create.
    loop.hs.answerSlowly({
      method: 'POST',
      path: /^\/crm\/v3\/objects\/tasks(\/batch\/create)?$/,
      ms: 8_000,
      times: 1,
    });
    const outboxId = await queueTask('Slow answer, inside the timeout');
    // The queue retries the job while the first call is in flight (the lease is 2 s): the claim holds it off.
    await waitFor(
      async () =>
        Number(
          (
            await loop.cl.store.db.query<{ n: string }>(
              "SELECT count(*)::text AS n FROM pgboss.job WHERE name = 'writeback' AND data->>'outboxId' = $1 AND (retry_count > 0 OR start_after > created_on)",
              [outboxId],
            )
          ).rows[0]!.n,
        ) > 0,
      30_000,
      'a second attempt',
    );
    const done = await waitFor(
      async () => {
        const r = await loop.cl.store.outbox.get(outboxId);
        return r?.status === 'done' ? r : null;
      },
      45_000,
      'the write recorded',
    );
    await new Promise((r) => setTimeout(r, 4_000));
    const tasks = tasksNamed('Slow answer, inside the timeout');
    expect(tasks).toHaveLength(1);
    expect(done.crm_id).toBe(tasks[0]!.id);
  }, 120_000);

  test('a create held past the call timeout is in doubt, resolved by lookup: exactly one task', async () => {
    loop.hs.answerSlowly({
      method: 'POST',
      path: /^\/crm\/v3\/objects\/tasks(\/batch\/create)?$/,
      ms: 13_000,
      times: 1,
    });
    const outboxId = await queueTask('Held past the timeout');
    const done = await waitFor(
      async () => {
        const r = await loop.cl.store.outbox.get(outboxId);
        return r?.status === 'done' ? r : null;
      },
      80_000,
      'the write recorded',
    );
    expect(done.in_doubt_since).not.toBeNull();
    await new Promise((r) => setTimeout(r, 2_000));
    const tasks = tasksNamed('Held past the timeout');
    expect(tasks).toHaveLength(1);
    expect(done.crm_id).toBe(tasks[0]!.id);
  }, 120_000);
});
