import './no-proxy.js';
import type { Connection } from 'jsforce';
import { createSalesforceConnector } from '../../../../connectors/salesforce/index.js';
import type { SalesforceSandbox } from '../../../../connectors/salesforce/sandbox/index.js';
import type { ConnectionContext, DraftEmailWrite, TaskWrite } from '../../../../src/core/connector.js';
import { connect, startSandbox } from './helpers.js';

/**
 * A write naming a record that is gone (deleted, or merged away: the losing records of a merge are deleted) is
 * refused whole with 400 INVALID_CROSS_REFERENCE_KEY naming the lookup (BEHAVIOR.md "Write-back"). A write-back goes
 * out minutes to hours after its suggestion, so the task must still reach the rep, linked to what is left.
 */
describe('Salesforce writes linked to records deleted since the suggestion', () => {
  let sandbox: SalesforceSandbox;
  let conn: Connection;
  let orgId: string;
  let ctx: ConnectionContext;
  let oppId: string;
  let gone: string;
  let kept: string;
  const connector = createSalesforceConnector();
  beforeAll(async () => {
    sandbox = await startSandbox();
    orgId = sandbox.orgIds()[0]!;
    conn = await connect(sandbox);
    ctx = {
      connectionId: 'gone-links',
      accountId: orgId,
      apiBase: conn.instanceUrl,
      getAccessToken: async () => conn.accessToken!,
      forceRefresh: async () => conn.accessToken!,
    };
    oppId = String(sandbox.store.list(orgId, 'Opportunity')[0]!.Id);
    const contacts = sandbox.store.list(orgId, 'Contact');
    gone = String(contacts[0]!.Id);
    kept = String(contacts[1]!.Id);
    sandbox.store.delete(orgId, 'Contact', gone);
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('the sandbox: a Task naming a deleted contact is refused whole, naming WhoId; alone in a collection', async () => {
    await expect(conn.sobject('Task').create({ Subject: 'x', WhoId: gone, WhatId: oppId })).rejects.toMatchObject({
      errorCode: 'INVALID_CROSS_REFERENCE_KEY',
      data: { fields: ['WhoId'] },
    });
    const res = (await conn.request({
      method: 'POST',
      url: '/services/data/v62.0/composite/sobjects',
      body: JSON.stringify({
        allOrNone: false,
        records: [
          { attributes: { type: 'Task' }, Subject: 'a', WhoId: gone },
          { attributes: { type: 'Task' }, Subject: 'b', WhoId: kept },
        ],
      }),
      headers: { 'content-type': 'application/json' },
    })) as { success: boolean; errors: { statusCode: string; fields: string[] }[] }[];
    expect(res.map((r) => r.success)).toEqual([false, true]);
    expect(res[0]!.errors).toEqual([
      expect.objectContaining({ statusCode: 'INVALID_CROSS_REFERENCE_KEY', fields: ['WhoId'] }),
    ]);
  });

  const task = (key: string, over: Partial<TaskWrite> = {}): TaskWrite => ({
    subject: `Follow up ${key}`,
    body: 'What happened: the budget was cut.',
    dueAt: new Date().toISOString(),
    priority: 'HIGH',
    taskType: 'TODO',
    ownerId: null,
    idempotencyKey: `sug_gl_${key}:task`,
    dealId: oppId,
    contactIds: [gone],
    companyId: null,
    ...over,
  });
  const taskOf = (id: string) => sandbox.store.get(orgId, 'Task', id)!;

  it('the connector writes the task on the deal without the contact, saying so, single and batch', async () => {
    const one = await connector.createTask(ctx, task('1'));
    expect(taskOf(one.externalId)).toMatchObject({ WhatId: oppId, WhoId: null });
    expect(String(taskOf(one.externalId).Description)).toBe(
      `Not linked: Salesforce record ${gone} no longer exists (deleted or merged).\n\nWhat happened: the budget was cut.`,
    );
    const batch = await connector.createTasks!(ctx, [task('2'), task('3', { contactIds: [kept] })]);
    expect(batch.every((r) => r.ok)).toBe(true);
    const [a, b] = batch.map((r) => (r.ok ? taskOf(r.record.externalId) : null));
    expect(a).toMatchObject({ WhatId: oppId, WhoId: null });
    expect(b).toMatchObject({ WhatId: oppId, WhoId: kept });
    expect(String(b!.Description)).not.toMatch(/Not linked/);
  });

  it('a task whose every record is gone is NOT_FOUND, single and batch (no orphan task)', async () => {
    const before = sandbox.store.list(orgId, 'Task').length;
    await expect(connector.createTask(ctx, task('4', { dealId: null }))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const batch = await connector.createTasks!(ctx, [task('5', { dealId: null }), task('6')]);
    expect(batch.map((r) => (r.ok ? 'ok' : (r.error as { code?: string }).code))).toEqual(['NOT_FOUND', 'ok']);
    expect(sandbox.store.list(orgId, 'Task').length).toBe(before + 1);
  });

  it('a draft whose deal is gone is written to its recipients, its body untouched', async () => {
    const deal = String(sandbox.store.list(orgId, 'Opportunity')[1]!.Id);
    sandbox.store.delete(orgId, 'Opportunity', deal);
    const draft: DraftEmailWrite = {
      subject: 'Budget',
      body: 'Hi, about the budget.',
      toContactIds: [kept],
      ownerId: null,
      idempotencyKey: 'sug_gl_7:draft',
      dealId: deal,
      companyId: null,
    };
    const created = await connector.createDraftEmail!(ctx, draft);
    const row = sandbox.store.get(orgId, 'EmailMessage', created.externalId)!;
    expect(row).toMatchObject({ RelatedToId: null, TextBody: 'Hi, about the budget.' });
  });
});
