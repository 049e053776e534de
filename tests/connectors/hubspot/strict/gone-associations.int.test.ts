import { startHubspotSandbox, type HubspotSandbox } from '../../../../connectors/hubspot/sandbox/index.js';
import { createHubspotConnector } from '../../../../connectors/hubspot/index.js';
import { visibleText } from '../../../../connectors/kit/html-to-text.js';
import type { ConnectionContext, DraftEmailWrite, TaskWrite } from '../../../../src/core/index.js';

/**
 * HubSpot refuses a whole create when one of its inline associations names a record that is gone: deleted, or merged
 * into another record (the merged id is archived) since the suggestion was made, which is routine when reps clean up
 * duplicate contacts (BEHAVIOR.md "Writing back"). The task must still reach the rep, linked to what is left.
 */
describe('HubSpot writes linked to records deleted or merged away since the suggestion', () => {
  let hs: HubspotSandbox;
  let ctx: ConnectionContext;
  let pid: number;
  const connector = createHubspotConnector();
  beforeAll(async () => {
    hs = await startHubspotSandbox({
      clientId: 'gone-app',
      clientSecret: 'gone-secret',
      seed: 'empty',
      webhookTargetUrl: null,
    });
    pid = hs.defaultPortalId;
    const t = hs.issueTokens(pid);
    ctx = {
      connectionId: 'c-gone',
      accountId: String(pid),
      apiBase: hs.url,
      getAccessToken: async () => t.accessToken,
      forceRefresh: async () => t.accessToken,
    };
  });
  afterAll(async () => {
    await hs.close();
  });

  let n = 0;
  /** A deal with three contacts: the first survives, the second is deleted, the third merged into the first. */
  function world() {
    n++;
    const deal = hs.store.create(pid, 'deals', {
      dealname: `Deal ${n}`,
      pipeline: 'default',
      dealstage: 'qualifiedtobuy',
    });
    const kept = hs.store.create(pid, 'contacts', { email: `kept${n}@gone.example` });
    const deleted = hs.store.create(pid, 'contacts', { email: `deleted${n}@gone.example` });
    const merged = hs.store.create(pid, 'contacts', { email: `merged${n}@gone.example` });
    hs.store.archive(pid, 'contacts', deleted.id);
    hs.store.merge(pid, 'contacts', kept.id, merged.id);
    return { deal: deal.id, kept: kept.id, deleted: deleted.id, merged: merged.id };
  }
  const task = (key: string, w: ReturnType<typeof world>, over: Partial<TaskWrite> = {}): TaskWrite => ({
    subject: `Follow up ${key}`,
    body: 'What happened: the budget was cut.',
    dueAt: '2026-12-08T09:00:00.000Z',
    priority: 'HIGH',
    taskType: 'TODO',
    ownerId: null,
    idempotencyKey: key,
    dealId: w.deal,
    contactIds: [w.kept, w.deleted, w.merged],
    companyId: null,
    ...over,
  });
  const contactsOf = (taskId: string) =>
    hs.store.associations(pid, { type: 'tasks', id: taskId }, 'contacts').map((a) => a.toId);
  const dealsOf = (taskId: string) =>
    hs.store.associations(pid, { type: 'tasks', id: taskId }, 'deals').map((a) => a.toId);
  const bodyOf = (taskId: string) => visibleText(hs.store.get(pid, 'tasks', taskId)!.properties.hs_task_body ?? '');

  test('a single task is written linked to what is left, its body naming the records that are gone', async () => {
    const w = world();
    const created = await connector.createTask(ctx, task('ga-1', w));
    expect(dealsOf(created.externalId)).toEqual([w.deal]);
    expect(contactsOf(created.externalId)).toEqual([w.kept]);
    expect(bodyOf(created.externalId)).toBe(
      `What happened: the budget was cut. Not linked: HubSpot contact ${w.deleted}, contact ${w.merged} no longer exist (deleted or merged).`,
    );
  });

  test('a draft (an EMAIL task) likewise', async () => {
    const w = world();
    const draft: DraftEmailWrite = {
      subject: 'Budget',
      body: 'Hi, about the budget.',
      toContactIds: [w.merged],
      ownerId: null,
      idempotencyKey: 'ga-2',
      dealId: w.deal,
      companyId: null,
    };
    const created = await connector.createDraftEmail!(ctx, draft);
    expect(dealsOf(created.externalId)).toEqual([w.deal]);
    expect(contactsOf(created.externalId)).toEqual([]);
    expect(bodyOf(created.externalId)).toMatch(
      /Not linked: HubSpot contact \d+ no longer exists \(deleted or merged\)\.$/,
    );
  });

  test('a task whose every record is gone is NOT_FOUND (a clear failure, no orphan task)', async () => {
    const w = world();
    const before = hs.store.list(pid, 'tasks').length;
    await expect(
      connector.createTask(ctx, task('ga-3', w, { dealId: null, contactIds: [w.deleted, w.merged] })),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(hs.store.list(pid, 'tasks').length).toBe(before);
  });

  test('a batch: each input keeps its own result, the refused ones written linked to what is left', async () => {
    const w = world();
    const w2 = world();
    const results = await connector.createTasks!(ctx, [
      task('ga-4', w),
      task('ga-5', w2, { contactIds: [w2.kept] }),
      task('ga-6', w2, { dealId: null, contactIds: [w2.deleted] }),
    ]);
    expect(results.map((r) => (r.ok ? 'ok' : (r.error as { code?: string }).code))).toEqual(['ok', 'ok', 'NOT_FOUND']);
    const [a, b] = results.map((r) => (r.ok ? r.record.externalId : ''));
    expect(contactsOf(a!)).toEqual([w.kept]);
    expect(contactsOf(b!)).toEqual([w2.kept]);
    expect(bodyOf(a!)).toMatch(/Not linked: HubSpot contact/);
    expect(bodyOf(b!)).not.toMatch(/Not linked/);
  });

  test('a batch HubSpot refuses whole (no input could be written) goes again without the gone records', async () => {
    const w = world();
    const results = await connector.createDraftEmails!(
      ctx,
      ['ga-7', 'ga-8'].map((key) => ({
        subject: `Budget ${key}`,
        body: 'Hi, about the budget.',
        toContactIds: [w.deleted],
        ownerId: null,
        idempotencyKey: key,
        dealId: w.deal,
        companyId: null,
      })),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    for (const r of results) if (r.ok) expect(dealsOf(r.record.externalId)).toEqual([w.deal]);
  });
});
