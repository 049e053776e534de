import './no-proxy.js';
import type { Connection } from 'jsforce';
import { createSalesforceConnector } from '../../../../connectors/salesforce/index.js';
import { SALESFORCE_LIMITS } from '../../../../connectors/salesforce/manifest.js';
import type { SalesforceSandbox } from '../../../../connectors/salesforce/sandbox/index.js';
import type { ConnectionContext } from '../../../../src/core/connector.js';
import { connect, startSandbox } from './helpers.js';

/**
 * "Done" for the Bulk API 2.0 backfill: a 200,000-row first backfill over small result pages (5,000 rows, 40 pages)
 * completes in the sandbox with the process alive, holding at most two results pages at a time.
 */
const ROWS = 200_000;

describe('Salesforce connector: a 200,000-row first backfill over Bulk API 2.0 with small result pages', () => {
  let sandbox: SalesforceSandbox;
  let conn: Connection;
  let orgId: string;
  beforeAll(async () => {
    sandbox = await startSandbox({ seed: 'empty', bulkProcessingMs: 50, bulkDefaultMaxRecords: 5_000 });
    orgId = sandbox.orgIds()[0]!;
    for (let i = 0; i < ROWS; i++) sandbox.store.create(orgId, 'Account', { Name: `Account ${i}` });
    conn = await connect(sandbox);
  }, 600_000);
  afterAll(async () => {
    await sandbox.close();
  });

  it('completes: every row once, the process alive', async () => {
    const ctx: ConnectionContext = {
      connectionId: 'c1',
      accountId: orgId,
      apiBase: conn.instanceUrl,
      getAccessToken: async () => conn.accessToken!,
      forceRefresh: async () => conn.accessToken!,
    };
    const uncaught: unknown[] = [];
    const onUncaught = (e: unknown) => {
      uncaught.push(e);
    };
    process.on('uncaughtException', onUncaught);
    try {
      const seen = new Set<string>();
      let pages = 0;
      const connector = createSalesforceConnector({
        sync: { bulkPollIntervalMs: 20, settleMs: 0, bulkMaxRecords: 50_000 },
      });
      for await (const page of connector.listChanges(ctx, 'company', null)) {
        pages++;
        for (const r of page.records) seen.add(r.externalId);
      }
      expect(seen.size).toBe(ROWS);
      // 40 results pages of 5,000 rows, each cut into ChangePages of at most pageSize (2,000: 3 per results page), plus
      // the final page.
      expect(pages).toBe((ROWS / 5_000) * Math.ceil(5_000 / SALESFORCE_LIMITS.pageSize) + 1);
      expect(uncaught).toEqual([]);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  }, 600_000);
});
