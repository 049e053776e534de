import './no-proxy.js';
import type { Connection } from 'jsforce';
import { createSalesforceConnector } from '../../../../connectors/salesforce/index.js';
import type { SalesforceSandbox } from '../../../../connectors/salesforce/sandbox/index.js';
import type { ConnectionContext, DraftEmailWrite, TaskWrite } from '../../../../src/core/connector.js';
import { connect, startSandbox } from './helpers.js';

/**
 * `Closeloop_Key__c` (Text 255, External ID, Unique) on Task and EmailMessage, as the install docs ask admins to create
 * it.
 */
describe('Salesforce sandbox: the Closeloop_Key__c idempotency field', () => {
  let sandbox: SalesforceSandbox;
  let conn: Connection;
  let orgId: string;
  beforeAll(async () => {
    sandbox = await startSandbox();
    orgId = sandbox.orgIds()[0]!;
    conn = await connect(sandbox);
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('is described as a custom, unique External ID on Task and EmailMessage', async () => {
    for (const type of ['Task', 'EmailMessage']) {
      const field = (await conn.sobject(type).describe()).fields.find((f) => f.name === 'Closeloop_Key__c');
      expect(field).toMatchObject({
        type: 'string',
        length: 255,
        custom: true,
        externalId: true,
        unique: true,
        filterable: true,
      });
    }
  });

  it("filters in SOQL (with \\' escapes) and refuses a second record with the same value: 400 DUPLICATE_VALUE", async () => {
    const first = (await conn.sobject('Task').create({ Subject: 'one', Closeloop_Key__c: "sug'1:task" })) as {
      id: string;
    };
    const found = await conn.query("SELECT Id FROM Task WHERE Closeloop_Key__c = 'sug\\'1:task' LIMIT 1");
    expect(found.records.map((r) => r.Id)).toEqual([first.id]);
    await expect(conn.sobject('Task').create({ Subject: 'two', Closeloop_Key__c: "SUG'1:TASK" })).rejects.toMatchObject(
      {
        errorCode: 'DUPLICATE_VALUE',
        message: expect.stringContaining(first.id),
      },
    );
    const other = (await conn.sobject('Task').create({ Subject: 'three', Closeloop_Key__c: 'sug2:task' })) as {
      id: string;
    };
    await expect(conn.sobject('Task').update({ Id: other.id, Closeloop_Key__c: "sug'1:task" })).rejects.toMatchObject({
      errorCode: 'DUPLICATE_VALUE',
    });
    expect((await conn.query("SELECT COUNT() FROM Task WHERE TaskSubtype != 'Call'")).totalSize).toBe(
      sandbox.store.list(orgId, 'Task').filter((t) => t.TaskSubtype !== 'Call').length,
    );
  });

  it('lets the real connector write once: a retry and a racing worker both end on the first Task', async () => {
    const ctx: ConnectionContext = {
      connectionId: 'c1',
      accountId: orgId,
      apiBase: conn.instanceUrl,
      getAccessToken: async () => conn.accessToken!,
      forceRefresh: async () => conn.accessToken!,
    };
    const opp = sandbox.store.list(orgId, 'Opportunity')[0]!;
    const task: TaskWrite = {
      subject: 'Follow up',
      body: 'Reason.\nEvidence: "quote" (email 02s)',
      dueAt: new Date().toISOString(),
      priority: 'MEDIUM',
      taskType: 'TODO',
      ownerId: String(opp.OwnerId),
      idempotencyKey: 'sug_race:task',
      dealId: String(opp.Id),
      contactIds: [],
      companyId: null,
    };
    const connector = createSalesforceConnector();
    const [a, b] = await Promise.all([connector.createTask(ctx, task), connector.createTask(ctx, task)]);
    const again = await connector.createTask(ctx, task);
    expect(new Set([a.externalId, b.externalId, again.externalId]).size).toBe(1);
    expect(again.alreadyExisted).toBe(true);
    expect(sandbox.store.list(orgId, 'Task').filter((t) => t.Closeloop_Key__c === 'sug_race:task')).toHaveLength(1);
  });

  it('createTasks: one sObject collection call per 200 Tasks, per-record results, a key already written returned as existing (no duplicate)', async () => {
    const ctx: ConnectionContext = {
      connectionId: 'c1',
      accountId: orgId,
      apiBase: conn.instanceUrl,
      getAccessToken: async () => conn.accessToken!,
      forceRefresh: async () => conn.accessToken!,
    };
    const opp = sandbox.store.list(orgId, 'Opportunity')[0]!;
    const task = (i: number, over: Partial<TaskWrite> = {}): TaskWrite => ({
      subject: `Batch ${i}`,
      body: 'Reason.',
      dueAt: new Date().toISOString(),
      priority: 'MEDIUM',
      taskType: 'TODO',
      ownerId: String(opp.OwnerId),
      idempotencyKey: `sug_batch_${i}:task`,
      dealId: String(opp.Id),
      contactIds: [],
      companyId: null,
      ...over,
    });
    const connector = createSalesforceConnector();
    expect(connector.maxTasksPerCall).toBe(200);
    const first = await connector.createTask(ctx, task(0));
    const usage = () => sandbox.apiUsage(orgId).used;
    const before = usage();
    // 201 tasks: 0 exists already, 7 names an owner that is not a user (refused alone), the rest are new.
    const tasks = Array.from({ length: 201 }, (_, i) => task(i, i === 7 ? { ownerId: '005000000000000AAA' } : {}));
    const results = await connector.createTasks!(ctx, tasks);
    // Two collection calls (200 + 1) and one lookup for the duplicate key.
    expect(usage() - before).toBe(3);
    expect(results).toHaveLength(201);
    expect(results[0]).toEqual({
      ok: true,
      record: expect.objectContaining({ externalId: first.externalId, alreadyExisted: true }),
    });
    expect(results[7]).toMatchObject({ ok: false, error: { code: 'PROVIDER_REJECTED' } });
    expect(results.filter((r) => r.ok)).toHaveLength(200);
    for (let i = 0; i < 201; i++) {
      expect(
        sandbox.store.list(orgId, 'Task').filter((t) => t.Closeloop_Key__c === `sug_batch_${i}:task`),
      ).toHaveLength(i === 7 ? 0 : 1);
    }
    // The whole call again (a retry after a lost answer): nothing new, every task found by its key.
    const again = await connector.createTasks!(ctx, tasks.slice(0, 5));
    expect(again.every((r) => r.ok && r.record.alreadyExisted)).toBe(true);
    expect(
      sandbox.store.list(orgId, 'Task').filter((t) => String(t.Closeloop_Key__c ?? '').startsWith('sug_batch_')),
    ).toHaveLength(200);
  });

  it('createDraftEmails: draft EmailMessages in one collection call, one bad draft refused alone, a retried call finds every draft by its key (no duplicate)', async () => {
    const ctx: ConnectionContext = {
      connectionId: 'c1',
      accountId: orgId,
      apiBase: conn.instanceUrl,
      getAccessToken: async () => conn.accessToken!,
      forceRefresh: async () => conn.accessToken!,
    };
    const opp = sandbox.store.list(orgId, 'Opportunity')[0]!;
    const contact = sandbox.store.list(orgId, 'Contact')[0]!;
    const draft = (i: number, over: Partial<DraftEmailWrite> = {}): DraftEmailWrite => ({
      subject: `Draft ${i}`,
      body: 'Hello,\nthe figures you asked for.',
      toContactIds: [String(contact.Id)],
      dealId: String(opp.Id),
      companyId: null,
      ownerId: null,
      idempotencyKey: `sug_drafts_${i}:draft`,
      ...over,
    });
    const connector = createSalesforceConnector();
    expect(connector.maxDraftsPerCall).toBe(200);
    const first = await connector.createDraftEmail(ctx, draft(0));
    const before = sandbox.apiUsage(orgId).used;
    // 0 exists already; 3 relates to an Opportunity that does not exist and nothing else (refused alone: nothing to
    // put it on, BEHAVIOR.md "Linked records can be gone"); the rest are new.
    const drafts = Array.from({ length: 6 }, (_, i) =>
      draft(i, i === 3 ? { dealId: '006000000000000AAA', toContactIds: [] } : {}),
    );
    const results = await connector.createDraftEmails!(ctx, drafts);
    // One collection call and one lookup for the duplicate key.
    expect(sandbox.apiUsage(orgId).used - before).toBe(2);
    expect(results[0]).toEqual({
      ok: true,
      record: expect.objectContaining({ externalId: first.externalId, alreadyExisted: true }),
    });
    expect(results[3]).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(results.filter((r) => r.ok)).toHaveLength(5);
    const mine = () =>
      sandbox.store
        .list(orgId, 'EmailMessage')
        .filter((m) => String(m.Closeloop_Key__c ?? '').startsWith('sug_drafts_'));
    expect(mine()).toHaveLength(5);
    // Drafts (Status 5), never sent, with their recipient relation.
    for (const m of mine()) expect(m.Status).toBe('5');
    const id1 = (results[1] as { ok: true; record: { externalId: string } }).record.externalId;
    expect(
      sandbox.store
        .list(orgId, 'EmailMessageRelation')
        .some((r) => r.EmailMessageId === id1 && r.RelationId === contact.Id),
    ).toBe(true);
    // The whole call again (a retry after a lost answer): nothing new, every draft found by its key.
    const again = await connector.createDraftEmails!(
      ctx,
      drafts.filter((_, i) => i !== 3),
    );
    expect(again.every((r) => r.ok && r.record.alreadyExisted)).toBe(true);
    expect(again.map((r) => r.ok && r.record.externalId)).toEqual(
      results.filter((r) => r.ok).map((r) => r.ok && r.record.externalId),
    );
    expect(mine()).toHaveLength(5);
  });
});
