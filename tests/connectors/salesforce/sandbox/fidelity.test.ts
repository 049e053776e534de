import './no-proxy.js';
import type { Connection } from 'jsforce';
import type { SalesforceSandbox } from '../../../../connectors/salesforce/sandbox/index.js';
import { connect, startSandbox } from './helpers.js';

/** Issue 12 item 5: the sandbox closer to Salesforce (each behaviour cited in connectors/salesforce/BEHAVIOR.md). */
describe('Salesforce sandbox: upsert by external id, /limits, identity URLs, describe, Task.Subject', () => {
  let sandbox: SalesforceSandbox;
  let conn: Connection;
  let orgId: string;
  beforeAll(async () => {
    sandbox = await startSandbox({ seed: 'empty' });
    orgId = sandbox.orgIds()[0]!;
    conn = await connect(sandbox);
  });
  afterAll(async () => {
    await sandbox.close();
  });

  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${sandbox.url}/services/data/v62.0${path}`, {
      ...init,
      headers: {
        Authorization: `Bearer ${conn.accessToken}`,
        'Content-Type': 'application/json',
        ...(init.headers ?? {}),
      },
    });

  test('PATCH /sobjects/{type}/{externalIdField}/{value}: 201 created, then 200 updated, the same record (also through jsforce upsert)', async () => {
    const first = await api('/sobjects/Task/Closeloop_Key__c/sug-1:task', {
      method: 'PATCH',
      body: JSON.stringify({ Subject: 'Call back' }),
    });
    expect(first.status).toBe(201);
    const created = (await first.json()) as { id: string };
    expect(created).toMatchObject({ success: true, created: true, id: expect.stringMatching(/^00T/) });
    const second = await api('/sobjects/Task/Closeloop_Key__c/SUG-1:TASK', {
      method: 'PATCH',
      body: JSON.stringify({ Subject: 'Call back today' }),
    });
    expect(second.status).toBe(200);
    expect(await second.json()).toMatchObject({ id: created.id, created: false });
    expect(sandbox.store.get(orgId, 'Task', created.id)).toMatchObject({
      Subject: 'Call back today',
      Closeloop_Key__c: 'sug-1:task',
    });
    const viaJsforce = (await conn
      .sobject('Task')
      .upsert({ Closeloop_Key__c: 'sug-2:task', Subject: 'x' }, 'Closeloop_Key__c')) as {
      id: string;
      created: boolean;
    };
    expect(viaJsforce).toMatchObject({ created: true });
  });

  test('upsert on a field that is not an External ID → 404 NOT_FOUND; a body contradicting the URL value → 400', async () => {
    const notExternal = await api('/sobjects/Task/Subject/x', { method: 'PATCH', body: JSON.stringify({}) });
    expect(notExternal.status).toBe(404);
    expect(((await notExternal.json()) as unknown[])[0]).toMatchObject({ errorCode: 'NOT_FOUND' });
    const contradicting = await api('/sobjects/Task/Closeloop_Key__c/k-3', {
      method: 'PATCH',
      body: JSON.stringify({ Closeloop_Key__c: 'other' }),
    });
    expect(contradicting.status).toBe(400);
  });

  test('GET /limits is complete and counted against the daily allowance like every call', async () => {
    const before = Number(/api-usage=(\d+)/.exec((await api('/limits')).headers.get('sforce-limit-info')!)![1]);
    const res = await api('/limits');
    const used = Number(/api-usage=(\d+)/.exec(res.headers.get('sforce-limit-info')!)![1]);
    expect(used).toBe(before + 1);
    const limits = (await res.json()) as Record<string, { Max: number; Remaining: number }>;
    for (const k of [
      'DailyApiRequests',
      'DailyBulkV2QueryJobs',
      'DailyDeliveredPlatformEvents',
      'DailyStreamingApiEvents',
      'DataStorageMB',
      'FileStorageMB',
      'SingleEmail',
      'MassEmail',
      'HourlyPublishedPlatformEvents',
    ]) {
      expect(limits[k]).toEqual({ Max: expect.any(Number), Remaining: expect.any(Number) });
    }
    expect(limits.DailyApiRequests!.Max - limits.DailyApiRequests!.Remaining).toBe(used);
  });

  test('every REST URL of the identity response resolves', async () => {
    const identity = (await (
      await fetch(conn.instanceUrl.replace(/\/$/, '') + new URL((await conn.identity()).id).pathname, {
        headers: { Authorization: `Bearer ${conn.accessToken}` },
      })
    ).json()) as { urls: Record<string, string> };
    for (const name of ['rest', 'sobjects', 'query', 'recent', 'profile']) {
      const url = identity.urls[name]!.replace('{version}', '62.0');
      const res = await fetch(
        name === 'query' ? `${url}?q=${encodeURIComponent('SELECT Id FROM Account LIMIT 1')}` : url,
        { headers: { Authorization: `Bearer ${conn.accessToken}` } },
      );
      expect({ name, status: res.status }).toEqual({ name, status: 200 });
    }
    // search answers like the platform does without a search term.
    const search = await fetch(identity.urls.search!, { headers: { Authorization: `Bearer ${conn.accessToken}` } });
    expect(search.status).toBe(400);
  });

  test('describe lists the child relationships the connector reads; Task.Subject is not required', async () => {
    const opp = await conn.sobject('Opportunity').describe();
    expect(opp.childRelationships.map((c) => c.relationshipName)).toEqual(
      expect.arrayContaining(['OpportunityContactRoles', 'Tasks', 'Emails']),
    );
    const task = (await conn.sobject('Task').create({ Description: 'no subject' })) as { id: string; success: boolean };
    expect(task.success).toBe(true);
    const subject = (await conn.sobject('Task').describe()).fields.find((f) => f.name === 'Subject')!;
    expect(subject.nillable).toBe(true);
  });

  test('EmailMessage.Subject holds 3,000 characters (the field reference), not the 255 of a plain text field', async () => {
    const subject = (await conn.sobject('EmailMessage').describe()).fields.find((f) => f.name === 'Subject')!;
    expect(subject.length).toBe(3000);
    const long = `Re: ${'renewal terms '.repeat(300)}`.slice(0, 3000);
    const ok = await api('/sobjects/EmailMessage', {
      method: 'POST',
      body: JSON.stringify({ Subject: long, Status: '3', Incoming: true, TextBody: 'Long subject line.' }),
    });
    expect(ok.status).toBe(201);
    const tooLong = await api('/sobjects/EmailMessage', {
      method: 'POST',
      body: JSON.stringify({ Subject: `${long}x`, Status: '3', Incoming: true, TextBody: 'Too long.' }),
    });
    expect(tooLong.status).toBe(400);
    expect(((await tooLong.json()) as { errorCode: string }[])[0]!.errorCode).toBe('STRING_TOO_LONG');
  });
});
