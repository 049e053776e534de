import './no-proxy.js';
import { connect, startSandbox } from './helpers.js';

/** The sandbox's per-kind breakdown of API requests (`apiCalls`), which bench/crm-budget.ts prints. */
describe('Salesforce sandbox: API requests by kind', () => {
  it('names each request by what it is, counts refused ones apart, and answers for a time span', async () => {
    const sandbox = await startSandbox({ seed: 'empty', dailyApiAllowance: 6 });
    try {
      const org = sandbox.orgIds()[0]!;
      sandbox.store.history(org, 'Account', { Name: 'Old' });
      const conn = await connect(sandbox);
      const t0 = Date.now();
      await conn.query('SELECT COUNT() FROM Account');
      await conn.query("SELECT Id, (SELECT Id FROM Contacts) FROM Account WHERE Name = 'Old'");
      await conn.sobject('Task').describe();
      await conn.request({
        method: 'POST',
        url: '/services/data/v62.0/composite/sobjects',
        body: JSON.stringify({ allOrNone: false, records: [{ attributes: { type: 'Task' }, Subject: 'x' }] }),
        headers: { 'content-type': 'application/json' },
      });
      await conn.request('/services/data/v62.0/limits');
      await conn.sobject('Account').retrieve(sandbox.store.list(org, 'Account')[0]!.Id as string);
      await expect(conn.query('SELECT Id FROM Account')).rejects.toMatchObject({ errorCode: 'REQUEST_LIMIT_EXCEEDED' });
      expect(sandbox.apiCalls(org)).toEqual({
        'query Account COUNT()': 1,
        'query Account': 1,
        'describe Task': 1,
        'collections POST': 1,
        'GET /limits': 1,
        'GET /sobjects/Account/{id}': 1,
        refused: 1,
      });
      expect(sandbox.apiUsage(org).used).toBe(6);
      expect(sandbox.apiCalls(org, { from: t0 - 60_000, to: t0 - 1 })).toEqual({});
      // History is not an API request and publishes no change event: the one event is the Task created above.
      expect(sandbox.store.latestReplayId(org)).toBe(1);
    } finally {
      await sandbox.close();
    }
  });
});
