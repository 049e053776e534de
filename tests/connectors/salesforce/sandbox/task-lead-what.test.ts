import './no-proxy.js';
import type { Connection } from 'jsforce';
import { createSalesforceConnector } from '../../../../connectors/salesforce/index.js';
import type { SalesforceSandbox } from '../../../../connectors/salesforce/sandbox/index.js';
import type { ConnectionContext, TaskWrite } from '../../../../src/core/connector.js';
import { connect, startSandbox } from './helpers.js';

/**
 * A Task whose WhoId is a Lead cannot have a WhatId (BEHAVIOR.md "Write-back"): Salesforce refuses the pair with
 * FIELD_INTEGRITY_EXCEPTION. A deal's task naming a lead (an email on the opportunity from a lead) must still land.
 */
describe('Salesforce tasks: a lead cannot be named on a task related to a record', () => {
  let sandbox: SalesforceSandbox;
  let conn: Connection;
  let orgId: string;
  let ctx: ConnectionContext;
  let oppId: string;
  let leadId: string;
  let contactId: string;
  beforeAll(async () => {
    sandbox = await startSandbox();
    orgId = sandbox.orgIds()[0]!;
    conn = await connect(sandbox);
    ctx = {
      connectionId: 'lead-what',
      accountId: orgId,
      apiBase: conn.instanceUrl,
      getAccessToken: async () => conn.accessToken!,
      forceRefresh: async () => conn.accessToken!,
    };
    oppId = String(sandbox.store.list(orgId, 'Opportunity')[0]!.Id);
    leadId = String(sandbox.store.list(orgId, 'Lead').find((l) => l.IsConverted !== true)!.Id);
    contactId = String(sandbox.store.list(orgId, 'Contact')[0]!.Id);
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('the sandbox: WhoId = a lead with a WhatId is 400 FIELD_INTEGRITY_EXCEPTION, on create and on update', async () => {
    await expect(conn.sobject('Task').create({ Subject: 'x', WhoId: leadId, WhatId: oppId })).rejects.toMatchObject({
      errorCode: 'FIELD_INTEGRITY_EXCEPTION',
    });
    const alone = (await conn.sobject('Task').create({ Subject: 'lead only', WhoId: leadId })) as { id: string };
    await expect(conn.sobject('Task').update({ Id: alone.id, WhatId: oppId })).rejects.toMatchObject({
      errorCode: 'FIELD_INTEGRITY_EXCEPTION',
    });
    await expect(
      conn.sobject('Task').create({ Subject: 'contact', WhoId: contactId, WhatId: oppId }),
    ).resolves.toMatchObject({ success: true });
  });

  const task = (key: string, contactIds: string[], dealId: string | null): TaskWrite => ({
    subject: `Follow up ${key}`,
    body: 'Reason.',
    dueAt: new Date().toISOString(),
    priority: 'MEDIUM',
    taskType: 'TODO',
    ownerId: null,
    idempotencyKey: `sug_lw_${key}:task`,
    dealId,
    contactIds,
    companyId: null,
  });
  const written = (key: string) =>
    sandbox.store.list(orgId, 'Task').filter((t) => t.Closeloop_Key__c === `sug_lw_${key}:task`);

  it("the connector writes a deal's task that names a lead: on the deal, naming the first contact or no one", async () => {
    const connector = createSalesforceConnector();
    await connector.createTask(ctx, task('one', [leadId], oppId));
    const results = await connector.createTasks!(ctx, [
      task('two', [leadId, contactId], oppId),
      task('three', [leadId], null),
    ]);
    expect(results.map((r) => r.ok)).toEqual([true, true]);
    expect(written('one').map((t) => [t.WhatId, t.WhoId ?? null])).toEqual([[oppId, null]]);
    expect(written('two').map((t) => [t.WhatId, t.WhoId])).toEqual([[oppId, contactId]]);
    // Not related to a record: the lead is named.
    expect(written('three').map((t) => [t.WhatId ?? null, t.WhoId])).toEqual([[null, leadId]]);
  });
});
