import './no-proxy.js';
import { parse } from 'csv-parse/sync';
import type { SalesforceSandbox } from '../../../../connectors/salesforce/sandbox/index.js';
import { connect, startSandbox } from './helpers.js';

describe('Salesforce sandbox: Bulk API 2.0 query jobs', () => {
  let sandbox: SalesforceSandbox;
  let orgId: string;
  beforeAll(async () => {
    sandbox = await startSandbox({ seed: 'empty', bulkProcessingMs: 120 });
    orgId = sandbox.orgIds()[0]!;
    const accountId = sandbox.store.create(orgId, 'Account', { Name: 'Bulk "Quoted", Ltd' });
    for (let i = 0; i < 2500; i++)
      sandbox.store.create(orgId, 'Contact', {
        LastName: `Bulk${i}`,
        AccountId: i % 2 === 0 ? accountId : null,
        Email: i % 3 === 0 ? null : `b${i}@example.com`,
      });
  });
  afterAll(() => sandbox.close());

  // jsforce 3.10.26 pipes every results page into one stream and ends it after the first page ("write after end"),
  // so conn.bulk2.query only works when the first page holds everything (the sandbox default maxRecords is 50000).
  it('returns more than 2000 rows through conn.bulk2.query', async () => {
    const conn = await connect(sandbox);
    conn.bulk2.pollInterval = 40;
    const stream = await conn.bulk2.query('SELECT Id, LastName, Email, Account.Name FROM Contact ORDER BY LastName');
    const rows: Array<Record<string, unknown>> = [];
    for await (const r of stream as AsyncIterable<Record<string, unknown>>) rows.push(r);
    expect(rows).toHaveLength(2500);
    const first = rows.find((r) => r.LastName === 'Bulk0')!;
    expect(first['Account.Name']).toBe('Bulk "Quoted", Ltd');
  });

  it('walks states, pages results with maxRecords and locator, and marks the end with "null"', async () => {
    const conn = await connect(sandbox);
    const job = await conn.request<{ id: string; state: string; object: string }>({
      method: 'POST',
      url: '/services/data/v62.0/jobs/query',
      body: JSON.stringify({ operation: 'query', query: 'SELECT Id, LastName FROM Contact', contentType: 'CSV' }),
      headers: { 'Content-Type': 'application/json' },
    });
    expect(job).toMatchObject({ state: 'UploadComplete', object: 'Contact' });
    expect(job.id).toMatch(/^750/);
    const seen = new Set<string>();
    for (;;) {
      const info = await conn.request<{ state: string; numberRecordsProcessed: number }>(`/jobs/query/${job.id}`);
      seen.add(info.state);
      if (info.state === 'JobComplete') {
        expect(info.numberRecordsProcessed).toBe(2500);
        break;
      }
      await new Promise((r) => setTimeout(r, 30));
    }
    expect(seen.has('JobComplete')).toBe(true);

    const headers = { Authorization: `Bearer ${conn.accessToken}` };
    const base = `${sandbox.url}/services/data/v62.0/jobs/query/${job.id}/results?maxRecords=2000`;
    const page1 = await fetch(base, { headers });
    expect(page1.headers.get('sforce-numberofrecords')).toBe('2000');
    const locator = page1.headers.get('sforce-locator')!;
    expect(locator).not.toBe('null');
    const rows1 = parse(await page1.text(), { columns: true }) as unknown[];
    expect(rows1).toHaveLength(2000);
    const page2 = await fetch(`${base}&locator=${locator}`, { headers });
    expect(page2.headers.get('sforce-locator')).toBe('null');
    expect(page2.headers.get('sforce-numberofrecords')).toBe('500');

    const del = await fetch(`${sandbox.url}/services/data/v62.0/jobs/query/${job.id}`, { method: 'DELETE', headers });
    expect(del.status).toBe(204);
  });

  it('rejects invalid SOQL at job creation', async () => {
    const conn = await connect(sandbox);
    await expect(conn.bulk2.query('SELECT Nope FROM Contact')).rejects.toMatchObject({ errorCode: 'INVALID_FIELD' });
  });
});
