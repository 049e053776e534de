import './no-proxy.js';
import type { Connection } from 'jsforce';
import { createSalesforceConnector } from '../../../../connectors/salesforce/index.js';
import type { SalesforceSandbox } from '../../../../connectors/salesforce/sandbox/index.js';
import type { ConnectionContext, TaskWrite } from '../../../../src/core/connector.js';
import { connect, startSandbox } from './helpers.js';

/**
 * A record cannot be created for a deactivated user (BEHAVIOR.md "Write-back"): Salesforce answers
 * INACTIVE_OWNER_OR_USER. The owner a suggestion was sealed with can be deactivated before its write goes out (a
 * write parked through a quota pause, a cached owner lookup): the task must still land, unassigned and saying so.
 */
describe('Salesforce tasks for a deactivated owner', () => {
  let sandbox: SalesforceSandbox;
  let conn: Connection;
  let orgId: string;
  let ctx: ConnectionContext;
  let oppId: string;
  let gone: string;
  let active: string;
  let admin: string;
  beforeAll(async () => {
    sandbox = await startSandbox();
    orgId = sandbox.orgIds()[0]!;
    conn = await connect(sandbox);
    ctx = {
      connectionId: 'inactive-owner',
      accountId: orgId,
      apiBase: conn.instanceUrl,
      getAccessToken: async () => conn.accessToken!,
      forceRefresh: async () => conn.accessToken!,
    };
    oppId = String(sandbox.store.list(orgId, 'Opportunity')[0]!.Id);
    admin = sandbox.store.adminUserId(orgId);
    const others = sandbox.store.users(orgId).filter((u) => u.Id !== admin);
    gone = String(others[0]!.Id);
    active = String(others[1]!.Id);
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('the sandbox: a Task created for, or handed to, an inactive user is 400 INACTIVE_OWNER_OR_USER', async () => {
    const before = (await conn.sobject('Task').create({ Subject: 'earlier', OwnerId: gone })) as { id: string };
    sandbox.store.update(orgId, 'User', gone, { IsActive: false });
    try {
      await expect(conn.sobject('Task').create({ Subject: 'x', OwnerId: gone })).rejects.toMatchObject({
        errorCode: 'INACTIVE_OWNER_OR_USER',
      });
      const mine = (await conn.sobject('Task').create({ Subject: 'y', OwnerId: active })) as { id: string };
      await expect(conn.sobject('Task').update({ Id: mine.id, OwnerId: gone })).rejects.toMatchObject({
        errorCode: 'INACTIVE_OWNER_OR_USER',
      });
      // A record the user already owns can still be edited.
      await expect(conn.sobject('Task').update({ Id: before.id, Subject: 'edited' })).resolves.toMatchObject({
        success: true,
      });
    } finally {
      sandbox.store.update(orgId, 'User', gone, { IsActive: true });
    }
  });

  const task = (key: string, ownerId: string): TaskWrite => ({
    subject: `Follow up ${key}`,
    body: 'What happened: the budget was cut.',
    dueAt: new Date().toISOString(),
    priority: 'HIGH',
    taskType: 'TODO',
    ownerId,
    idempotencyKey: `sug_io_${key}:task`,
    dealId: oppId,
    contactIds: [],
    companyId: null,
  });
  const written = (key: string) =>
    sandbox.store.list(orgId, 'Task').filter((t) => t.Closeloop_Key__c === `sug_io_${key}:task`);

  it('the connector writes the task unassigned, saying so, in single and batch creates', async () => {
    sandbox.store.update(orgId, 'User', gone, { IsActive: false });
    try {
      const connector = createSalesforceConnector();
      await connector.createTask(ctx, task('one', gone));
      const results = await connector.createTasks!(ctx, [task('two', active), task('three', gone)]);
      expect(results.map((r) => r.ok)).toEqual([true, true]);
      for (const key of ['one', 'three']) {
        const [t, ...more] = written(key);
        expect(more).toEqual([]);
        expect(t!.OwnerId).toBe(admin);
        expect(String(t!.Description)).toMatch(
          new RegExp(
            `^Not assigned: Salesforce user ${gone} is inactive\\. Please assign this task\\.\\n\\nWhat happened`,
          ),
        );
      }
      expect(written('two').map((t) => [t.OwnerId, t.Description])).toEqual([
        [active, 'What happened: the budget was cut.'],
      ]);
      // Handing a task to the deactivated user: the task keeps its owner and still takes the rest of the change.
      const id = String(written('two')[0]!.Id);
      await expect(
        connector.updateTask!(ctx, id, { ownerId: gone, priority: 'LOW', idempotencyKey: 'sug_io_two:task' }),
      ).resolves.toMatchObject({ state: 'updated' });
      expect(sandbox.store.get(orgId, 'Task', id)).toMatchObject({ OwnerId: active, Priority: 'Low' });
    } finally {
      sandbox.store.update(orgId, 'User', gone, { IsActive: true });
    }
  });
});
