import './no-proxy.js';
import type { Connection } from 'jsforce';
import { createSalesforceConnector } from '../../../../connectors/salesforce/index.js';
import type { SalesforceSandbox } from '../../../../connectors/salesforce/sandbox/index.js';
import type { ChangePage, ConnectionContext } from '../../../../src/core/connector.js';
import { ErrorCode } from '../../../../src/core/errors.js';
import { connect, startSandbox } from './helpers.js';

/**
 * The connector's first backfill over Bulk API 2.0 against a sandbox that pages results like Salesforce: small pages
 * (it picks the page size; maxRecords is an upper bound), `Sforce-Locator` until the string "null". jsforce 3.10's
 * bulk2.query would throw ERR_STREAM_WRITE_AFTER_END out of a stream here and kill the process.
 */
describe('Salesforce connector: Bulk API 2.0 backfill over several result pages', () => {
  let sandbox: SalesforceSandbox;
  let conn: Connection;
  let orgId: string;
  let ctx: ConnectionContext;
  const results: string[] = [];
  beforeAll(async () => {
    sandbox = await startSandbox({
      seed: 'empty',
      bulkProcessingMs: 50,
      bulkDefaultMaxRecords: 120,
      logger: (m) => {
        if (/jobs\/query\/\w+\/results/.test(m)) results.push(m);
      },
    });
    orgId = sandbox.orgIds()[0]!;
    for (let i = 0; i < 350; i++) sandbox.store.create(orgId, 'Account', { Name: `Bulk Account ${i}` });
    conn = await connect(sandbox);
    ctx = {
      connectionId: 'c1',
      accountId: orgId,
      apiBase: conn.instanceUrl,
      getAccessToken: async () => conn.accessToken!,
      forceRefresh: async () => conn.accessToken!,
    };
  });
  afterAll(async () => {
    await sandbox.close();
  });

  const connector = () =>
    createSalesforceConnector({
      sync: { bulkThreshold: 10, pageSize: 50, bulkPollIntervalMs: 20, bulkMaxRecords: 1000, settleMs: 0 },
    });

  it('reads every result page through the locator (350 rows in pages of at most 120: 3 pages)', async () => {
    const pages: ChangePage[] = [];
    for await (const p of connector().listChanges(ctx, 'company', null)) pages.push(p);
    const ids = pages.flatMap((p) => p.records.map((r) => r.externalId));
    expect(ids).toHaveLength(350);
    expect(new Set(ids).size).toBe(350);
    // 120 + 120 + 110 rows, each split into ChangePages of at most 50.
    expect(pages.filter((p) => p.records.length > 0).every((p) => p.records.length <= 50)).toBe(true);
    // The finished job was read, not left behind half-read; and the process is alive to say so.
    expect(process.exitCode ?? 0).toBe(0);
  });

  it('a results page that fails fails the job with a typed error (a rejected promise), and the process lives on', async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (e: unknown) => {
      uncaught.push(e);
    };
    process.on('uncaughtException', onUncaught);
    try {
      // jsforce retries a 5xx GET a few times by itself: the download keeps failing past its retries.
      sandbox.failBulkResultsAfter(1, 500, 20);
      const pages: ChangePage[] = [];
      const run = (async () => {
        for await (const p of connector().listChanges(ctx, 'company', null)) pages.push(p);
      })();
      await expect(run).rejects.toMatchObject({ code: ErrorCode.PROVIDER_UNAVAILABLE });
      // The first page arrived before the failure; the job then failed as a whole.
      expect(pages.flatMap((p) => p.records)).toHaveLength(120);
      await new Promise((r) => setTimeout(r, 50));
      expect(uncaught).toEqual([]);
      sandbox.failBulkResultsAfter(Number.MAX_SAFE_INTEGER);
      // And the next run reads everything.
      const again: ChangePage[] = [];
      for await (const p of connector().listChanges(ctx, 'company', null)) again.push(p);
      expect(again.flatMap((p) => p.records)).toHaveLength(350);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  }, 120_000);

  it('results must be read with the API version that created the job: 409 otherwise', async () => {
    const job = await conn.request<{ id: string }>({
      method: 'POST',
      url: '/services/data/v62.0/jobs/query',
      body: JSON.stringify({ operation: 'query', query: 'SELECT Id FROM Account' }),
      headers: { 'Content-Type': 'application/json' },
    });
    for (;;) {
      const info = await conn.request<{ state: string }>(`/services/data/v62.0/jobs/query/${job.id}`);
      if (info.state === 'JobComplete') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const res = await fetch(`${sandbox.url}/services/data/v61.0/jobs/query/${job.id}/results`, {
      headers: { Authorization: `Bearer ${conn.accessToken}` },
    });
    expect(res.status).toBe(409);
  });
});
