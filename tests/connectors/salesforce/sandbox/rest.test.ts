import './no-proxy.js';
import type { Connection } from 'jsforce';
import type { SalesforceSandbox } from '../../../../connectors/salesforce/sandbox/index.js';
import { connect, startSandbox } from './helpers.js';

interface ContactRow {
  Id: string;
  LastName: string;
  Email: string | null;
  Account: { Name: string } | null;
}

describe('Salesforce sandbox: REST sObjects, SOQL, collections, limits (through jsforce)', () => {
  let sandbox: SalesforceSandbox;
  let conn: Connection;
  let orgId: string;
  beforeAll(async () => {
    sandbox = await startSandbox();
    orgId = sandbox.orgIds()[0]!;
    conn = await connect(sandbox);
  });
  afterAll(() => sandbox.close());

  it('pages with autoFetch using the batchSize header, with one-segment nextRecordsUrl', async () => {
    const emptyOrg = sandbox.createOrg({ seed: 'empty' });
    const accountId = sandbox.store.create(emptyOrg, 'Account', { Name: 'Paging Inc' });
    for (let i = 0; i < 450; i++)
      sandbox.store.create(emptyOrg, 'Contact', { LastName: `Row${String(i).padStart(3, '0')}`, AccountId: accountId });
    const c = await connect(sandbox, { loginHint: emptyOrg });

    const firstPage = await c.request<{ totalSize: number; done: boolean; nextRecordsUrl: string; records: unknown[] }>(
      {
        method: 'GET',
        url: `/services/data/v62.0/query?q=${encodeURIComponent('SELECT Id FROM Contact')}`,
        headers: { 'Sforce-Query-Options': 'batchSize=200' },
      },
    );
    expect(firstPage).toMatchObject({ totalSize: 450, done: false });
    expect(firstPage.records).toHaveLength(200);
    expect(firstPage.nextRecordsUrl).toMatch(/^\/services\/data\/v62\.0\/query\/01g[A-Za-z0-9]+-200$/);

    const usedBefore = c.limitInfo?.apiUsage?.used ?? 0;
    const all = await c.query<ContactRow>('SELECT Id, LastName, Account.Name FROM Contact ORDER BY LastName DESC', {
      autoFetch: true,
      maxFetch: 1000,
      headers: { 'Sforce-Query-Options': 'batchSize=200' },
    });
    expect(all.totalSize).toBe(450);
    expect(all.records).toHaveLength(450);
    expect(all.records[0]!.LastName).toBe('Row449');
    expect(all.records[449]!.Account?.Name).toBe('Paging Inc');
    expect((c.limitInfo?.apiUsage?.used ?? 0) - usedBefore).toBe(3);
  });

  it('returns relationship fields nested with attributes, and polymorphic What/Who', async () => {
    const res = await conn.query<Record<string, any>>(
      "SELECT Id, Name, StageName, Account.Name, Owner.Name FROM Opportunity WHERE StageName IN ('Negotiation/Review', 'Closed Won') AND Amount >= 100000",
    );
    expect(res.records).toHaveLength(1);
    const opp = res.records[0]!;
    expect(opp.Name).toBe('Acme Corp - Platform Expansion');
    expect(opp.Account).toEqual({
      attributes: { type: 'Account', url: expect.stringMatching(/^\/services\/data\/v62\.0\/sobjects\/Account\/001/) },
      Name: 'Acme Corp',
    });
    expect(opp.Owner.Name).toBe('Maya Chen');

    const tasks = await conn.query<Record<string, any>>(
      `SELECT Subject, What.Type, What.Name, Who.Name FROM Task WHERE WhatId = '${opp.Id}' AND (Status = 'Completed' OR Priority = 'High') ORDER BY Subject`,
    );
    expect(tasks.records.map((t) => t.Subject)).toEqual(['Call: pricing discussion', 'Follow up on redlines']);
    expect(tasks.records[0]!.What).toMatchObject({
      attributes: { type: 'Name' },
      Type: 'Opportunity',
      Name: 'Acme Corp - Platform Expansion',
    });
  });

  it('reports malformed queries and unknown fields the way the API does', async () => {
    await expect(conn.query('SELECT Id FROM Contact WHERE')).rejects.toMatchObject({ errorCode: 'MALFORMED_QUERY' });
    await expect(
      conn.query("SELECT Id FROM Contact WHERE LastName = 'a' AND Email = 'b' OR Title = 'c'"),
    ).rejects.toMatchObject({ errorCode: 'MALFORMED_QUERY' });
    await expect(conn.query('SELECT Idd FROM Contact')).rejects.toMatchObject({
      errorCode: 'INVALID_FIELD',
      message: expect.stringContaining("No such column 'Idd' on entity 'Contact'"),
    });
    await expect(conn.query('SELECT Id FROM Nope')).rejects.toMatchObject({ errorCode: 'INVALID_TYPE' });
  });

  it('counts with COUNT() and filters datetimes written unquoted', async () => {
    const res = await conn.query('SELECT COUNT() FROM Contact WHERE CreatedDate < 2100-01-01T00:00:00Z');
    expect(res.totalSize).toBeGreaterThan(10);
    expect(res.records).toEqual([]);
  });

  it('creates, reads with ?fields=, updates (204) and deletes (204) records', async () => {
    const account = (await conn.sobject('Account').find({ Name: 'Acme Corp' }, ['Id']))[0] as { Id: string };
    const created = await conn
      .sobject('Contact')
      .create({ FirstName: 'Alan', LastName: 'Turing', Email: 'alan@acme.example', AccountId: account.Id });
    expect(created).toMatchObject({ success: true, errors: [] });
    const id = (created as { id: string }).id;
    expect(id).toMatch(/^003[A-Za-z0-9]{15}$/);

    const fetched = await conn.sobject('Contact').retrieve(id);
    expect(fetched).toMatchObject({ Id: id, Name: 'Alan Turing', IsDeleted: false, OwnerId: conn.userInfo?.id });
    const narrow = await conn.request<Record<string, unknown>>(`/sobjects/Contact/${id}?fields=LastName,Email`);
    expect(Object.keys(narrow).sort()).toEqual(['Email', 'LastName', 'attributes']);

    await conn.sobject('Contact').update({ Id: id, Title: 'Mathematician' });
    const after = sandbox.store.get(orgId, 'Contact', id)!;
    expect(after.Title).toBe('Mathematician');
    expect(after.SystemModstamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000\+0000$/);

    await conn.sobject('Contact').destroy(id);
    await expect(conn.sobject('Contact').retrieve(id)).rejects.toMatchObject({ errorCode: 'NOT_FOUND' });
    const all = await conn.query(`SELECT Id, IsDeleted FROM Contact WHERE Id = '${id}'`, { scanAll: true });
    expect(all.records).toMatchObject([{ Id: id, IsDeleted: true }]);
  });

  it('validates writes: required fields, restricted picklists, unknown fields', async () => {
    await expect(conn.sobject('Opportunity').create({ Name: 'x', CloseDate: '2025-06-01' })).rejects.toMatchObject({
      errorCode: 'REQUIRED_FIELD_MISSING',
    });
    await expect(
      conn.sobject('Opportunity').create({ Name: 'x', CloseDate: '2025-06-01', StageName: 'Won-ish' }),
    ).rejects.toMatchObject({ errorCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST' });
    await expect(conn.sobject('Task').create({ Subject: 'x', Colour__c: 'red' })).rejects.toMatchObject({
      errorCode: 'INVALID_FIELD',
    });
  });

  it('describes objects with picklist values', async () => {
    const d = await conn.sobject('Opportunity').describe();
    const stage = d.fields.find((f) => f.name === 'StageName')!;
    expect(stage.picklistValues?.map((p) => p.value)).toEqual([
      'Prospecting',
      'Qualification',
      'Needs Analysis',
      'Value Proposition',
      'Id. Decision Makers',
      'Perception Analysis',
      'Proposal/Price Quote',
      'Negotiation/Review',
      'Closed Won',
      'Closed Lost',
    ]);
    const task = await conn.sobject('Task').describe();
    expect(task.fields.find((f) => f.name === 'Status')?.picklistValues?.find((p) => p.defaultValue)?.value).toBe(
      'Not Started',
    );
  });

  it('runs sObject Collections with per-record statusCode errors (HTTP 200) and allOrNone rollback', async () => {
    // Task.Subject is not required (the platform allows a Task without one): both Tasks are created.
    const results = await conn.sobject('Task').create([{ Subject: 'A' }, { Status: 'Not Started' }]);
    expect(results.map((r) => r.success)).toEqual([true, true]);
    const accounts = await conn.sobject('Account').create([{ Name: 'A' }, { Website: 'https://nameless.example' }]);
    expect(accounts[0]).toMatchObject({ success: true, errors: [] });
    expect(accounts[1]).toEqual({
      success: false,
      errors: [
        { statusCode: 'REQUIRED_FIELD_MISSING', message: 'Required fields are missing: [Name]', fields: ['Name'] },
      ],
    });

    const before = sandbox.store.list(orgId, 'Account').length;
    const rolled = await conn
      .sobject('Account')
      .create([{ Name: 'B' }, { Website: 'https://x.example' }], { allOrNone: true });
    expect(rolled[0]).toMatchObject({ success: false, errors: [{ statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK' }] });
    expect(sandbox.store.list(orgId, 'Account')).toHaveLength(before);

    const id = (results[0] as { id: string }).id;
    const updated = await conn.sobject('Task').update([{ Id: id, Status: 'Completed' }]);
    expect(updated[0]).toMatchObject({ id, success: true });
    expect(sandbox.store.get(orgId, 'Task', id)?.IsClosed).toBe(true);
    const fetched = await conn.sobject('Task').retrieve([id]);
    expect(fetched[0]).toMatchObject({ Id: id, Status: 'Completed' });
    const deleted = await conn.sobject('Task').destroy([id, '00T000000000000AAA']);
    expect(deleted[0]).toMatchObject({ id, success: true });
    expect(deleted[1]).toMatchObject({ success: false });
  });

  it('keeps EmailMessage drafts editable and sent messages read-only; ToIds create EmailMessageRelation rows', async () => {
    const opp = (await conn.query<{ Id: string }>("SELECT Id FROM Opportunity WHERE Name = 'Globex - Analytics Suite'"))
      .records[0]!;
    const grace = (await conn.query<{ Id: string }>("SELECT Id FROM Contact WHERE Email = 'grace@globex.example'"))
      .records[0]!;
    const draft = await conn.sobject('EmailMessage').create({
      Subject: 'Value comparison',
      TextBody: 'Hi Grace',
      Status: '5',
      Incoming: false,
      FromAddress: 'jbrooks@sellerco.example',
      ToIds: [grace.Id],
      RelatedToId: opp.Id,
    });
    const draftId = (draft as { id: string }).id;
    expect(draftId).toMatch(/^02s/);
    const rels = await conn.query<{ RelationId: string; RelationType: string }>(
      `SELECT RelationId, RelationType FROM EmailMessageRelation WHERE EmailMessageId = '${draftId}' ORDER BY RelationType DESC`,
    );
    expect(rels.records.map((r) => [r.RelationType, r.RelationId])).toEqual([
      ['ToAddress', grace.Id],
      ['FromAddress', expect.stringMatching(/^005/)],
    ]);

    await conn.sobject('EmailMessage').update({ Id: draftId, Subject: 'Value comparison (v2)' });
    await conn.sobject('EmailMessage').update({ Id: draftId, Status: '3' });
    await expect(conn.sobject('EmailMessage').update({ Id: draftId, Subject: 'too late' })).rejects.toMatchObject({
      errorCode: 'INSUFFICIENT_ACCESS_OR_READONLY',
    });
  });

  it('serves getUpdated and getDeleted within the 30-day window', async () => {
    let t = Date.UTC(2025, 4, 1, 12, 0, 0);
    const sb = await startSandbox({ now: () => t, seed: 'empty' });
    try {
      const c = await connect(sb);
      const org = sb.orgIds()[0]!;
      const start = new Date(t - 60_000);
      const a = sb.store.create(org, 'Contact', { LastName: 'Updated' });
      const b = sb.store.create(org, 'Contact', { LastName: 'Deleted' });
      t += 60_000;
      sb.store.delete(org, 'Contact', b);
      t += 120_000;
      const updated = await c.sobject('Contact').updated(start, new Date(t));
      expect(updated.ids).toEqual([a]);
      expect(updated.latestDateCovered).toBe('2025-05-01T12:03:00.000+0000');
      const deleted = await c.sobject('Contact').deleted(start, new Date(t));
      expect(deleted.deletedRecords).toEqual([{ id: b, deletedDate: '2025-05-01T12:01:00.000+0000' }]);
      expect(deleted.earliestDateAvailable).toBeDefined();
      await expect(c.sobject('Contact').updated(new Date(t - 31 * 86_400_000), new Date(t))).rejects.toMatchObject({
        errorCode: 'INVALID_REPLICATION_DATE',
      });
    } finally {
      await sb.close();
    }
  });

  it('reports Sforce-Limit-Info into conn.limitInfo and answers 403 REQUEST_LIMIT_EXCEEDED once the allowance is spent', async () => {
    const sb = await startSandbox({ dailyApiAllowance: 3, seed: 'empty' });
    try {
      const c = await connect(sb);
      await c.query('SELECT Id FROM Account');
      expect(c.limitInfo?.apiUsage).toEqual({ used: 1, limit: 3 });
      await c.query('SELECT Id FROM Account');
      await c.query('SELECT Id FROM Account');
      await expect(c.query('SELECT Id FROM Account')).rejects.toMatchObject({
        errorCode: 'REQUEST_LIMIT_EXCEEDED',
        message: 'TotalRequests Limit exceeded.',
      });
      // /limits is an API call like the others: refused too once the allowance is spent.
      await expect(c.request('/limits')).rejects.toMatchObject({ errorCode: 'REQUEST_LIMIT_EXCEEDED' });
      sb.resetAllowance();
      const limits = await c.request<{ DailyApiRequests: { Max: number; Remaining: number } }>('/limits');
      expect(limits.DailyApiRequests).toEqual({ Max: 3, Remaining: 2 });
      sb.resetAllowance();
      await c.query('SELECT Id FROM Account');
      expect(c.limitInfo?.apiUsage).toEqual({ used: 1, limit: 3 });
    } finally {
      await sb.close();
    }
  });
});
