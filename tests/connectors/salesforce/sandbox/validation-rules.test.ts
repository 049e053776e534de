import './no-proxy.js';
import type { Connection } from 'jsforce';
import { createSalesforceConnector } from '../../../../connectors/salesforce/index.js';
import type { SalesforceSandbox } from '../../../../connectors/salesforce/sandbox/index.js';
import { asSetupProblem } from '../../../../connectors/salesforce/writeback.js';
import type { ConnectionContext, TaskWrite } from '../../../../src/core/connector.js';
import { ProviderRejectedError, SetupRequiredError } from '../../../../src/core/errors.js';
import { decideFailure } from '../../../../src/lib/failure-action.js';
import { connect, startSandbox } from './helpers.js';

const RULE = 'Tasks need a Type for the sales dashboard';

/**
 * Org validation rules (BEHAVIOR.md "Org validation rules"): the sandbox refuses a save the rule's condition matches
 * with 400 FIELD_CUSTOM_VALIDATION_EXCEPTION and the admin's message, single and in collections; the connector reads
 * such a refusal, and other org-setup refusals, as SetupRequiredError (the policy's `setup`: parked, shown to RevOps),
 * while a refusal about the record closeloop sent stays a plain rejection.
 */
describe('Salesforce org validation rules', () => {
  let sandbox: SalesforceSandbox;
  let conn: Connection;
  let orgId: string;
  let ctx: ConnectionContext;
  let oppId: string;
  beforeAll(async () => {
    sandbox = await startSandbox();
    orgId = sandbox.orgIds()[0]!;
    conn = await connect(sandbox);
    ctx = {
      connectionId: 'validation-rules',
      accountId: orgId,
      apiBase: conn.instanceUrl,
      getAccessToken: async () => conn.accessToken!,
      forceRefresh: async () => conn.accessToken!,
    };
    oppId = String(sandbox.store.list(orgId, 'Opportunity')[0]!.Id);
  });
  afterAll(async () => {
    await sandbox.close();
  });

  const task = (key: string): TaskWrite => ({
    subject: `Follow up ${key}`,
    body: 'What happened: the budget was cut.',
    dueAt: new Date().toISOString(),
    priority: 'HIGH',
    taskType: 'TODO',
    ownerId: null,
    idempotencyKey: `sug_vr_${key}:task`,
    dealId: oppId,
    contactIds: [],
    companyId: null,
  });

  it('the sandbox: a rule refuses creates and updates it matches, with its message and error field, until deactivated', async () => {
    const drop = sandbox.store.addValidationRule(orgId, 'Task', (t) => t.Priority === 'High', RULE, {
      field: 'Priority',
    });
    try {
      await expect(conn.sobject('Task').create({ Subject: 'x', Priority: 'High' })).rejects.toMatchObject({
        errorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
        message: RULE,
        data: { fields: ['Priority'] },
      });
      const ok = (await conn.sobject('Task').create({ Subject: 'y', Priority: 'Low' })) as { id: string };
      await expect(conn.sobject('Task').update({ Id: ok.id, Priority: 'High' })).rejects.toMatchObject({
        errorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
      });
      // Another object is not concerned.
      await expect(conn.sobject('Account').create({ Name: 'Acme' })).resolves.toMatchObject({ success: true });
    } finally {
      drop();
    }
    await expect(conn.sobject('Task').create({ Subject: 'z', Priority: 'High' })).resolves.toMatchObject({
      success: true,
    });
  });

  it('the connector: a refused task is SetupRequiredError naming the rule message, single, in a batch and on update', async () => {
    const connector = createSalesforceConnector();
    const drop = sandbox.store.addValidationRule(orgId, 'Task', (t) => t.Priority === 'High', RULE);
    try {
      const err = await connector.createTask(ctx, task('one')).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(SetupRequiredError);
      expect((err as SetupRequiredError).issue).toMatch(
        /^A validation rule on Task refuses closeloop's tasks: "Tasks need a Type for the sales dashboard"\./,
      );
      const action = decideFailure(err, { attempt: 1, maxAttempts: 8, now: 0 });
      expect(action).toMatchObject({ action: 'setup', issue: (err as SetupRequiredError).issue });

      const results = await connector.createTasks!(ctx, [task('two'), { ...task('three'), priority: 'LOW' }]);
      expect(results[0]).toMatchObject({ ok: false });
      expect(!results[0]!.ok && results[0]!.error).toBeInstanceOf(SetupRequiredError);
      expect(results[1]).toMatchObject({ ok: true });

      const id = results[1]!.ok ? results[1]!.record.externalId : '';
      await expect(
        connector.updateTask!(ctx, id, { priority: 'HIGH', idempotencyKey: 'sug_vr_three:task' }),
      ).rejects.toBeInstanceOf(SetupRequiredError);
    } finally {
      drop();
    }
    expect(sandbox.store.list(orgId, 'Task').filter((t) => t.Closeloop_Key__c === 'sug_vr_one:task')).toEqual([]);
  });

  const refusal = (errorCode: string, message: string, fields: string[]) =>
    new ProviderRejectedError(`POST /sobjects/Task: ${errorCode}: ${message}`, {
      provider: 'salesforce',
      cause: Object.assign(new Error(message), { errorCode, data: { message, errorCode, fields } }),
    });

  it('an org-required field closeloop does not fill is a setup issue; one it sends is not', () => {
    const sent = { Subject: 'x', Description: 'y' };
    const custom = asSetupProblem(
      refusal('REQUIRED_FIELD_MISSING', 'Required fields are missing: [Region__c]', ['Region__c']),
      'Task',
      sent,
    );
    expect(custom).toBeInstanceOf(SetupRequiredError);
    expect((custom as SetupRequiredError).issue).toMatch(/^Task\.Region__c is required in this org/);
    // Without `fields`, the names in the message.
    expect(
      asSetupProblem(refusal('REQUIRED_FIELD_MISSING', 'Required fields are missing: [Region__c]', []), 'Task', sent),
    ).toBeInstanceOf(SetupRequiredError);
    const ours = refusal('REQUIRED_FIELD_MISSING', 'Required fields are missing: [Subject]', ['Subject']);
    expect(asSetupProblem(ours, 'Task', sent)).toBe(ours);
  });

  it('an integrity refusal about a lookup closeloop set stays a rejection; one about the org is a setup issue', () => {
    const lookup = refusal('FIELD_INTEGRITY_EXCEPTION', 'Related To ID: id value of incorrect type', ['WhatId']);
    expect(asSetupProblem(lookup, 'Task', {})).toBe(lookup);
    const org = asSetupProblem(
      refusal('FIELD_INTEGRITY_EXCEPTION', 'Tasks for this record type need an approved region', []),
      'EmailMessage',
      {},
    );
    expect(org).toBeInstanceOf(SetupRequiredError);
    expect((org as SetupRequiredError).issue).toContain("closeloop's draft emails");
    // Anything else is left as it is.
    const other = refusal('STRING_TOO_LONG', 'Subject: data value too large', ['Subject']);
    expect(asSetupProblem(other, 'Task', {})).toBe(other);
  });
});
