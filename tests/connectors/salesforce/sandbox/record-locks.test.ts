import './no-proxy.js';
import type { Connection } from 'jsforce';
import { createSalesforceConnector } from '../../../../connectors/salesforce/index.js';
import type { SalesforceSandbox } from '../../../../connectors/salesforce/sandbox/index.js';
import type { ConnectionContext, TaskWrite } from '../../../../src/core/connector.js';
import { ErrorCode } from '../../../../src/core/errors.js';
import { decideFailure } from '../../../../src/lib/failure-action.js';
import { connect, startSandbox } from './helpers.js';

/**
 * Record locks (BEHAVIOR.md "Limits and errors"): a write that needs a record another transaction holds (the record
 * itself, or the parent a Task points at) fails with 400 UNABLE_TO_LOCK_ROW. The lock is brief, so the write is to be
 * retried, not dropped: the connector reports it as PROVIDER_UNAVAILABLE, which the failure policy retries.
 */
describe('Salesforce record locks: UNABLE_TO_LOCK_ROW', () => {
  let sandbox: SalesforceSandbox;
  let conn: Connection;
  let orgId: string;
  let ctx: ConnectionContext;
  let opp: { Id: string; OwnerId: string };
  beforeAll(async () => {
    sandbox = await startSandbox();
    orgId = sandbox.orgIds()[0]!;
    conn = await connect(sandbox);
    ctx = {
      connectionId: 'locks',
      accountId: orgId,
      apiBase: conn.instanceUrl,
      getAccessToken: async () => conn.accessToken!,
      forceRefresh: async () => conn.accessToken!,
    };
    const o = sandbox.store.list(orgId, 'Opportunity')[0]!;
    opp = { Id: String(o.Id), OwnerId: String(o.OwnerId) };
  });
  afterAll(async () => {
    await sandbox.close();
  });

  const task = (key: string, dealId: string | null): TaskWrite => ({
    subject: `Follow up ${key}`,
    body: 'Reason.',
    dueAt: new Date().toISOString(),
    priority: 'MEDIUM',
    taskType: 'TODO',
    ownerId: opp.OwnerId,
    idempotencyKey: `sug_lock_${key}:task`,
    dealId,
    contactIds: [],
    companyId: null,
  });
  const tasksWithKey = (key: string) =>
    sandbox.store.list(orgId, 'Task').filter((t) => t.Closeloop_Key__c === `sug_lock_${key}:task`);

  it('the sandbox: a Task insert under a locked Opportunity, or an update of a locked record, is 400 UNABLE_TO_LOCK_ROW', async () => {
    const release = sandbox.store.holdRecordLock(orgId, opp.Id);
    try {
      await expect(conn.sobject('Task').create({ Subject: 'x', WhatId: opp.Id })).rejects.toMatchObject({
        errorCode: 'UNABLE_TO_LOCK_ROW',
        message: expect.stringContaining(opp.Id),
      });
      await expect(conn.sobject('Opportunity').update({ Id: opp.Id, Description: 'x' })).rejects.toMatchObject({
        errorCode: 'UNABLE_TO_LOCK_ROW',
      });
      // A Task that needs nothing locked goes through.
      await expect(conn.sobject('Task').create({ Subject: 'free' })).resolves.toMatchObject({ success: true });
    } finally {
      release();
    }
    await expect(conn.sobject('Task').create({ Subject: 'x', WhatId: opp.Id })).resolves.toMatchObject({
      success: true,
    });
  });

  it('createTask: the lock is a retry (PROVIDER_UNAVAILABLE), and the retry after the lock writes exactly one Task', async () => {
    const connector = createSalesforceConnector();
    const release = sandbox.store.holdRecordLock(orgId, opp.Id);
    let err: unknown;
    try {
      err = await connector.createTask(ctx, task('one', opp.Id)).catch((e: unknown) => e);
    } finally {
      release();
    }
    expect(err).toMatchObject({ code: ErrorCode.PROVIDER_UNAVAILABLE });
    expect(decideFailure(err, { attempt: 1, maxAttempts: 5, now: 0 }).action).toBe('retry');
    expect(tasksWithKey('one')).toHaveLength(0);
    await connector.createTask(ctx, task('one', opp.Id));
    expect(tasksWithKey('one')).toHaveLength(1);
  });

  it('createTasks: only the Task under the locked parent is a retry; the others are written', async () => {
    const connector = createSalesforceConnector();
    const release = sandbox.store.holdRecordLock(orgId, opp.Id);
    let results;
    try {
      results = await connector.createTasks!(ctx, [task('a', null), task('b', opp.Id), task('c', null)]);
    } finally {
      release();
    }
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    const failed = results[1]!;
    expect(failed.ok ? null : failed.error).toMatchObject({ code: ErrorCode.PROVIDER_UNAVAILABLE });
    expect(decideFailure(failed.ok ? null : failed.error, { attempt: 1, maxAttempts: 5, now: 0 }).action).toBe('retry');
  });
});
