import { startHubspotSandbox, type HubspotSandbox } from '../../../../connectors/hubspot/sandbox/index.js';
import { createHubspotConnector } from '../../../../connectors/hubspot/index.js';
import { clearOwnerCache } from '../../../../connectors/hubspot/owners.js';
import type { ConnectionContext, TaskWrite } from '../../../../src/core/index.js';

/**
 * connector.createTasks against the strict sandbox (limits on): POST /crm/v3/objects/tasks/batch/create with at
 * most 100 inputs, each tagged with its idempotency key as objectWriteTraceId, so one bad input fails alone (207)
 * and every task is matched to its own result; associations are created inline; one call counts once.
 */
describe('HubSpot batch task creates', () => {
  let hs: HubspotSandbox;
  let ctx: ConnectionContext;
  const connector = createHubspotConnector();
  beforeAll(async () => {
    hs = await startHubspotSandbox({
      clientId: 'batch-app',
      clientSecret: 'batch-secret',
      seed: 'empty',
      webhookTargetUrl: null,
    });
    const t = hs.issueTokens(hs.defaultPortalId);
    ctx = {
      connectionId: 'c-batch',
      accountId: String(hs.defaultPortalId),
      apiBase: hs.url,
      getAccessToken: async () => t.accessToken,
      forceRefresh: async () => t.accessToken,
    };
  });
  afterAll(async () => {
    await hs.close();
  });
  beforeEach(() => clearOwnerCache());

  test('150 tasks: two calls (100 + 50), each task its own id and associations; a task naming a missing deal fails alone', async () => {
    const pid = hs.defaultPortalId;
    const owner = hs.store
      .portal(pid)
      .addOwner({ id: '77', userId: 77, email: 'rep@example.com', firstName: 'R', lastName: 'Rep' });
    const deals = Array.from(
      { length: 150 },
      (_, i) =>
        hs.store.create(pid, 'deals', { dealname: `D${i}`, pipeline: 'default', dealstage: 'qualifiedtobuy' }).id,
    );
    const task = (i: number): TaskWrite => ({
      subject: `Follow up ${i}`,
      body: 'Reason: the budget was cut.',
      dueAt: '2026-12-07T09:00:00.000Z',
      priority: 'HIGH',
      taskType: 'TODO',
      ownerId: owner.id,
      idempotencyKey: `wb-s${i}-task`,
      dealId: i === 42 ? '999999999' : deals[i]!,
      contactIds: [],
      companyId: null,
    });
    expect(connector.maxTasksPerCall).toBe(100);
    const before = hs.rateLimitStats();
    const results = await connector.createTasks!(
      ctx,
      Array.from({ length: 150 }, (_, i) => task(i)),
    );
    const after = hs.rateLimitStats();
    expect(
      (after.byRoute?.['POST /crm/v3/objects/tasks/batch/create'] ?? 0) -
        (before.byRoute?.['POST /crm/v3/objects/tasks/batch/create'] ?? 0),
    ).toBe(2);
    // Beyond the two batch calls: the one owner check (cached for the other 149 tasks).
    expect(after.requests - before.requests).toBe(3);
    expect(results).toHaveLength(150);
    // Its one linked record does not exist (BEHAVIOR.md "Linked records can be gone"): nothing to put the task on.
    expect(results[42]).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const ids = results.flatMap((r) => (r.ok ? [r.record.externalId] : []));
    expect(new Set(ids).size).toBe(149);
    for (const i of [0, 99, 100, 149]) {
      const r = results[i]!;
      if (!r.ok) throw new Error(`task ${i} failed`);
      const t = hs.store.get(pid, 'tasks', r.record.externalId)!;
      expect(t.properties.hs_task_subject).toBe(`Follow up ${i}`);
      expect(hs.store.associations(pid, { type: 'tasks', id: t.id }, 'deals').map((a) => a.toId)).toEqual([deals[i]]);
    }
  });

  test('the sandbox refuses more than 100 inputs in one call, as HubSpot does', async () => {
    const res = await fetch(`${hs.url}/crm/v3/objects/tasks/batch/create`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await ctx.getAccessToken()}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        inputs: Array.from({ length: 101 }, (_, i) => ({
          properties: { hs_task_subject: `x${i}`, hs_timestamp: '2026-12-07T09:00:00.000Z' },
          objectWriteTraceId: `t${i}`,
        })),
      }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      category: 'VALIDATION_ERROR',
      message: expect.stringContaining('exceeds the limit of 100'),
    });
  });
});
