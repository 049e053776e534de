import './no-proxy.js';
import type { Connection } from 'jsforce';
import { createSalesforceConnector } from '../../../../connectors/salesforce/index.js';
import type { SalesforceSandbox } from '../../../../connectors/salesforce/sandbox/index.js';
import type { ConnectionContext, TaskWrite } from '../../../../src/core/connector.js';
import { connect, startSandbox } from './helpers.js';

/** `Closeloop_Key__c` (Text 255, External ID, Unique) on Task and EmailMessage, as the install docs ask admins to create it. */
describe('Salesforce sandbox: the Closeloop_Key__c idempotency field', () => {
  let sandbox: SalesforceSandbox;
  let conn: Connection;
  let orgId: string;
  beforeAll(async () => {
    sandbox = await startSandbox();
    orgId = sandbox.orgIds()[0]!;
    conn = await connect(sandbox);
  });
  afterAll(async () => { await sandbox.close(); });

  it('is described as a custom, unique External ID on Task and EmailMessage', async () => {
    for (const type of ['Task', 'EmailMessage']) {
      const field = (await conn.sobject(type).describe()).fields.find((f) => f.name === 'Closeloop_Key__c');
      expect(field).toMatchObject({ type: 'string', length: 255, custom: true, externalId: true, unique: true, filterable: true });
    }
  });

  it('filters in SOQL (with \\\' escapes) and refuses a second record with the same value: 400 DUPLICATE_VALUE', async () => {
    const first = (await conn.sobject('Task').create({ Subject: 'one', Closeloop_Key__c: "sug'1:task" })) as { id: string };
    const found = await conn.query("SELECT Id FROM Task WHERE Closeloop_Key__c = 'sug\\'1:task' LIMIT 1");
    expect(found.records.map((r) => r.Id)).toEqual([first.id]);
    await expect(conn.sobject('Task').create({ Subject: 'two', Closeloop_Key__c: "SUG'1:TASK" })).rejects.toMatchObject({
      errorCode: 'DUPLICATE_VALUE', message: expect.stringContaining(first.id),
    });
    const other = (await conn.sobject('Task').create({ Subject: 'three', Closeloop_Key__c: 'sug2:task' })) as { id: string };
    await expect(conn.sobject('Task').update({ Id: other.id, Closeloop_Key__c: "sug'1:task" })).rejects.toMatchObject({ errorCode: 'DUPLICATE_VALUE' });
    expect((await conn.query('SELECT COUNT() FROM Task WHERE TaskSubtype != \'Call\'')).totalSize).toBe(sandbox.store.list(orgId, 'Task').filter((t) => t.TaskSubtype !== 'Call').length);
  });

  it('lets the real connector write once: a retry and a racing worker both end on the first Task', async () => {
    const ctx: ConnectionContext = {
      connectionId: 'c1', accountId: orgId, apiBase: conn.instanceUrl,
      getAccessToken: async () => conn.accessToken!, forceRefresh: async () => conn.accessToken!,
    };
    const opp = sandbox.store.list(orgId, 'Opportunity')[0]!;
    const task: TaskWrite = {
      subject: 'Follow up', body: 'Reason.\nEvidence: "quote" (email 02s)', dueAt: new Date().toISOString(), priority: 'MEDIUM', taskType: 'TODO',
      ownerId: String(opp.OwnerId), idempotencyKey: 'sug_race:task', dealId: String(opp.Id), contactIds: [], companyId: null,
    };
    const connector = createSalesforceConnector();
    const [a, b] = await Promise.all([connector.createTask(ctx, task), connector.createTask(ctx, task)]);
    const again = await connector.createTask(ctx, task);
    expect(new Set([a.externalId, b.externalId, again.externalId]).size).toBe(1);
    expect(again.alreadyExisted).toBe(true);
    expect(sandbox.store.list(orgId, 'Task').filter((t) => t.Closeloop_Key__c === 'sug_race:task')).toHaveLength(1);
  });
});
