import './no-proxy.js';
import type { Connection } from 'jsforce';
import { createSalesforceConnector } from '../../../../connectors/salesforce/index.js';
import type { SalesforceSandbox } from '../../../../connectors/salesforce/sandbox/index.js';
import type { ChangePage, ConnectionContext } from '../../../../src/core/connector.js';
import { ErrorCode } from '../../../../src/core/errors.js';
import { connect, startSandbox } from './helpers.js';

/**
 * Field-level security on reads (BEHAVIOR.md "Field-level security"): a field the connected user cannot see does not
 * exist for that user's queries: SOQL and Bulk API queries naming it fail whole with INVALID_FIELD "No such column".
 * The sandbox enforces it for the API user; the connector reads on without the hidden field instead of stopping
 * every read of the object.
 */
describe('Salesforce field-level security on reads', () => {
  let sandbox: SalesforceSandbox;
  let conn: Connection;
  let orgId: string;
  let n = 0;
  const ctx = (): ConnectionContext => ({
    // A fresh connection id per test: the connector remembers hidden fields per connection.
    connectionId: `fls-${++n}`,
    accountId: orgId,
    apiBase: conn.instanceUrl,
    getAccessToken: async () => conn.accessToken!,
    forceRefresh: async () => conn.accessToken!,
  });
  const connector = (over: Record<string, unknown> = {}) =>
    createSalesforceConnector({
      sync: { settleMs: 0, bulkPollInitialMs: 10, bulkPollIntervalMs: 20, ...over },
    });
  const collect = async (it: AsyncIterable<ChangePage>) => {
    const pages: ChangePage[] = [];
    for await (const p of it) pages.push(p);
    return pages.flatMap((p) => p.records);
  };

  beforeAll(async () => {
    sandbox = await startSandbox({ seed: 'empty', bulkProcessingMs: 20 });
    orgId = sandbox.orgIds()[0]!;
    for (let i = 0; i < 12; i++) {
      sandbox.store.create(orgId, 'Opportunity', {
        Name: `FLS deal ${i}`,
        StageName: 'Prospecting',
        CloseDate: '2030-01-31',
        Amount: 1000 + i,
      });
    }
    conn = await connect(sandbox);
  });
  afterEach(() => {
    sandbox.store.setFieldAccess(orgId, 'Opportunity', 'Amount', 'editable');
    sandbox.store.setFieldAccess(orgId, 'Opportunity', 'SystemModstamp', 'editable');
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('the sandbox: a hidden field is "No such column" in SELECT, WHERE and Bulk API jobs, for the API user only', async () => {
    sandbox.store.setFieldAccess(orgId, 'Opportunity', 'Amount', 'absent');
    const noSuchColumn = {
      errorCode: 'INVALID_FIELD',
      message: expect.stringMatching(/No such column 'Amount' on entity 'Opportunity'/),
    };
    await expect(conn.query('SELECT Id, Amount FROM Opportunity')).rejects.toMatchObject(noSuchColumn);
    await expect(conn.query('SELECT Id FROM Opportunity WHERE Amount > 5')).rejects.toMatchObject(noSuchColumn);
    await expect(
      conn.request({
        method: 'POST',
        url: '/services/data/v62.0/jobs/query',
        body: JSON.stringify({ operation: 'query', query: 'SELECT Id, Amount FROM Opportunity' }),
        headers: { 'Content-Type': 'application/json' },
      }),
    ).rejects.toMatchObject({ message: expect.stringMatching(/No such column 'Amount'/) });
    // Other fields read as before; the test's own view of the org is not the API user's.
    expect((await conn.query('SELECT Id, Name FROM Opportunity')).totalSize).toBe(12);
    expect(sandbox.store.query(orgId, 'SELECT Amount FROM Opportunity')[0]!.Amount).toEqual(expect.any(Number));
  });

  it('the connector reads every deal without a hidden Amount (null), through REST pages and by id', async () => {
    sandbox.store.setFieldAccess(orgId, 'Opportunity', 'Amount', 'absent');
    const c = ctx();
    const records = await collect(connector({ pageSize: 5 }).listChanges(c, 'deal', null));
    expect(records).toHaveLength(12);
    expect(records.every((r) => r.kind === 'deal' && r.amount === null)).toBe(true);
    const byId = await connector().fetchByIds(c, 'deal', [records[0]!.externalId]);
    expect(byId).toHaveLength(1);
    expect(byId[0]).toMatchObject({ name: expect.stringMatching(/^FLS deal/), amount: null });
  });

  it('the connector reads a Bulk API backfill without the hidden field too', async () => {
    sandbox.store.setFieldAccess(orgId, 'Opportunity', 'Amount', 'absent');
    const records = await collect(connector({ bulkThreshold: 5, pageSize: 50 }).listChanges(ctx(), 'deal', null));
    expect(records).toHaveLength(12);
    expect(records.every((r) => r.kind === 'deal' && r.amount === null)).toBe(true);
  });

  it('a visible field still reads (the amounts are there when access is granted)', async () => {
    const records = await collect(connector().listChanges(ctx(), 'deal', null));
    expect(records.map((r) => (r as { amount: number | null }).amount).sort()).toEqual(
      Array.from({ length: 12 }, (_, i) => 1000 + i),
    );
  });

  it('a field no read can do without (SystemModstamp) is a PERMISSION_MISSING naming the field and the fix', async () => {
    sandbox.store.setFieldAccess(orgId, 'Opportunity', 'SystemModstamp', 'absent');
    await expect(collect(connector().listChanges(ctx(), 'deal', null))).rejects.toMatchObject({
      code: ErrorCode.PERMISSION_MISSING,
      message: expect.stringMatching(/cannot see Opportunity\.SystemModstamp \(field-level security\)/),
    });
  });
});
