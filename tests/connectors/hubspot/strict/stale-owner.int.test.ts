import { startHubspotSandbox, type HubspotSandbox } from '../../../../connectors/hubspot/sandbox/index.js';
import { createHubspotConnector } from '../../../../connectors/hubspot/index.js';
import { clearOwnerCache } from '../../../../connectors/hubspot/owners.js';
import { visibleText } from '../../../../connectors/kit/html-to-text.js';
import type { ConnectionContext, DraftEmailWrite, TaskWrite } from '../../../../src/core/index.js';

/**
 * HubSpot refuses a write naming a deactivated owner (BEHAVIOR.md "Writing back"). The connector checks owners
 * first, but caches the answer for minutes: a rep deactivated inside that window (or while the owners API cannot
 * answer) must not cost the task. The refused write goes again without the owner, saying so.
 */
describe('HubSpot writes for an owner deactivated after the check', () => {
  let hs: HubspotSandbox;
  let ctx: ConnectionContext;
  let pid: number;
  let dealId: string;
  const connector = createHubspotConnector();
  beforeAll(async () => {
    hs = await startHubspotSandbox({
      clientId: 'owner-app',
      clientSecret: 'owner-secret',
      seed: 'empty',
      webhookTargetUrl: null,
    });
    pid = hs.defaultPortalId;
    const t = hs.issueTokens(pid);
    ctx = {
      connectionId: 'c-owner',
      accountId: String(pid),
      apiBase: hs.url,
      getAccessToken: async () => t.accessToken,
      forceRefresh: async () => t.accessToken,
    };
    dealId = hs.store.create(pid, 'deals', { dealname: 'Owners', pipeline: 'default', dealstage: 'qualifiedtobuy' }).id;
  });
  afterAll(async () => {
    await hs.close();
  });
  beforeEach(() => clearOwnerCache());

  const task = (key: string, ownerId: string): TaskWrite => ({
    subject: `Follow up ${key}`,
    body: 'What happened: the budget was cut.',
    dueAt: '2026-12-08T09:00:00.000Z',
    priority: 'HIGH',
    taskType: 'TODO',
    ownerId,
    idempotencyKey: key,
    dealId,
    contactIds: [],
    companyId: null,
  });
  const get = (id: string) => hs.store.get(pid, 'tasks', id)!.properties;

  test('create, batch create and draft: written unassigned, the body saying so', async () => {
    const owner = hs.store
      .portal(pid)
      .addOwner({ id: '501', userId: 501, email: 'a@example.com', firstName: 'A', lastName: 'Rep' });
    // The check sees an active owner and caches it ...
    const first = await connector.createTask(ctx, task('so-1', owner.id));
    expect(get(first.externalId).hubspot_owner_id).toBe(owner.id);
    // ... then the rep is deactivated within the cache's lifetime.
    hs.store.portal(pid).deactivateOwner(owner.id);
    const one = await connector.createTask(ctx, task('so-2', owner.id));
    expect(get(one.externalId).hubspot_owner_id).toBeUndefined();
    expect(visibleText(get(one.externalId).hs_task_body ?? '')).toMatch(
      /^What happened: the budget was cut\. Not assigned: HubSpot did not accept owner 501/,
    );

    // The same within a batch, and for a draft (an EMAIL task).
    const owner2 = hs.store
      .portal(pid)
      .addOwner({ id: '502', userId: 502, email: 'b@example.com', firstName: 'B', lastName: 'Rep' });
    await connector.createTask(ctx, task('so-3', owner2.id));
    hs.store.portal(pid).deactivateOwner(owner2.id);
    const batch = await connector.createTasks!(ctx, [task('so-4', owner2.id), task('so-5', owner2.id)]);
    expect(batch.every((r) => r.ok)).toBe(true);
    for (const r of batch) if (r.ok) expect(get(r.record.externalId).hubspot_owner_id).toBeUndefined();
    const draft: DraftEmailWrite = {
      subject: 'Budget',
      body: 'Hi, about the budget.',
      toContactIds: [],
      ownerId: owner2.id,
      idempotencyKey: 'so-6',
      dealId,
      companyId: null,
    };
    const d = await connector.createDraftEmail!(ctx, draft);
    expect(get(d.externalId).hubspot_owner_id).toBeUndefined();
  });

  test('an update handing the task to a refused owner keeps its owner and takes the rest of the change', async () => {
    const keep = hs.store
      .portal(pid)
      .addOwner({ id: '601', userId: 601, email: 'k@example.com', firstName: 'K', lastName: 'Rep' });
    const next = hs.store
      .portal(pid)
      .addOwner({ id: '602', userId: 602, email: 'n@example.com', firstName: 'N', lastName: 'Rep' });
    const created = await connector.createTask(ctx, task('so-7', keep.id));
    await connector.createTask(ctx, task('so-8', next.id)); // the check caches `next` as active
    hs.store.portal(pid).deactivateOwner(next.id);
    await expect(
      connector.updateTask!(ctx, created.externalId, { ownerId: next.id, priority: 'LOW', idempotencyKey: 'so-7' }),
    ).resolves.toMatchObject({ state: 'updated' });
    expect(get(created.externalId)).toMatchObject({ hubspot_owner_id: keep.id, hs_task_priority: 'LOW' });
  });
});
