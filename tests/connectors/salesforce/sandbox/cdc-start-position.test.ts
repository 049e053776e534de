import './no-proxy.js';
import type { Connection } from 'jsforce';
import { createSalesforceConnector } from '../../../../connectors/salesforce/index.js';
import type { SalesforceSandbox } from '../../../../connectors/salesforce/sandbox/index.js';
import type { Connector, ConnectionContext } from '../../../../src/core/connector.js';
import { ProviderUnavailableError } from '../../../../src/core/errors.js';
import { silentLogger } from '../../../../src/lib/logger.js';
import { createMetrics } from '../../../../src/lib/metrics.js';
import type { WorkQueue } from '../../../../src/queue/index.js';
import { startChangeStreams } from '../../../../src/sync/change-streams.js';
import { openTestDb, type TestDb } from '../../../helpers/db.js';
import { connect, startSandbox, waitFor } from './helpers.js';

/**
 * A CDC subscription that fails before it stores its first event must not skip what happened meanwhile (issue 12
 * item 7: under a limit error six EmailMessages arrived only through the next poll). The stream's starting position
 * is stored before the first subscribe; every re-subscribe replays from it.
 */
describe('Salesforce CDC: the starting position is stored at subscribe, so a failed first subscribe skips nothing', () => {
  let sandbox: SalesforceSandbox;
  let conn: Connection;
  let orgId: string;
  let t: TestDb;
  beforeAll(async () => {
    sandbox = await startSandbox({ seed: 'empty' });
    orgId = sandbox.orgIds()[0]!;
    conn = await connect(sandbox);
    t = await openTestDb();
    await t.store.connections.upsert({
      id: 'sf1',
      tenantId: 't1',
      provider: 'salesforce',
      accountId: orgId,
      apiBase: conn.instanceUrl,
      displayName: null,
      accessTokenEnc: 'x',
      refreshTokenEnc: null,
      tokenExpiresAt: null,
      tokenMetadata: {},
    });
  }, 60_000);
  afterAll(async () => {
    await t.close();
    await sandbox.close();
  });

  it('six EmailMessages created while the first subscribe fails all arrive through the stream after it re-subscribes', async () => {
    const ctx: ConnectionContext = {
      connectionId: 'sf1',
      accountId: orgId,
      apiBase: conn.instanceUrl,
      getAccessToken: async () => conn.accessToken!,
      forceRefresh: async () => conn.accessToken!,
    };
    const real = createSalesforceConnector({ sync: { settleMs: 0 } });
    const created: string[] = [];
    let attempts = 0;
    const positions: (string | null)[] = [];
    const connector: Connector = {
      ...real,
      subscribeChanges: async (c, replayFrom, onEvent) => {
        attempts++;
        positions.push(replayFrom);
        if (attempts === 1) {
          // The org keeps working while our first subscribe fails (here: a limit error before any event was stored).
          for (let i = 0; i < 6; i++) {
            created.push(
              sandbox.store.create(orgId, 'EmailMessage', {
                Subject: `Pricing question ${i}`,
                Status: '0',
                Incoming: true,
                MessageDate: new Date().toISOString(),
                TextBody: `Body ${i}`,
              }),
            );
          }
          throw new ProviderUnavailableError('REQUEST_LIMIT_EXCEEDED: ConcurrentPerOrgLongTxn');
        }
        return real.subscribeChanges!(c, replayFrom, onEvent);
      },
    };
    const queue = {
      sendInTx: async () => null,
      send: async () => null,
      sendMany: async () => 0,
    } as unknown as WorkQueue;
    const streams = startChangeStreams(
      {
        store: t.store,
        queue,
        metrics: createMetrics(),
        logger: silentLogger(),
        vault: { context: () => ctx } as any,
        connectorFor: () => connector,
        subscribers: [],
        now: () => Date.now(),
      },
      { owner: 'w1', tickMs: 100, retryDelayMs: 100, leaseMs: 5_000 },
    );
    try {
      await waitFor(() => attempts >= 2, 20_000, 'the re-subscribe');
      // Both subscribes used the same stored starting point: none of them began at "new events only".
      expect(positions[0]).toMatch(/^-2@\d+$/);
      expect(positions[1]).toBe(positions[0]);
      await (async () => {
        const end = Date.now() + 30_000;
        for (;;) {
          const got = await t.store.records.getMany('sf1', 'email', created);
          if (got.length === created.length) return;
          if (Date.now() > end) throw new Error(`only ${got.length} of ${created.length} emails arrived`);
          await new Promise((r) => setTimeout(r, 100));
        }
      })();
      // The stored position has moved on to a real replay id.
      const row = (
        await t.db.query<{ replay_position: string }>(
          'SELECT replay_position FROM change_streams WHERE connection_id = $1',
          ['sf1'],
        )
      ).rows[0]!;
      expect(row.replay_position).toMatch(/^\d+@\d+$/);
    } finally {
      await streams.stop();
    }
  }, 90_000);

  it('events committed before the stored start are not replayed (the start is a floor, not "everything retained")', async () => {
    const old = sandbox.store.create(orgId, 'EmailMessage', {
      Subject: 'Old',
      Status: '0',
      Incoming: true,
      MessageDate: new Date().toISOString(),
      TextBody: 'old',
    });
    const ctx: ConnectionContext = {
      connectionId: 'sf1',
      accountId: orgId,
      apiBase: conn.instanceUrl,
      getAccessToken: async () => conn.accessToken!,
      forceRefresh: async () => conn.accessToken!,
    };
    const real = createSalesforceConnector({ sync: { settleMs: 0 } });
    const seen: string[] = [];
    // A start 10 minutes in the future of the org's clock: the event above lies before it (beyond the skew margin).
    const handle = await real.subscribeChanges!(ctx, real.changeStreamStart!(Date.now() + 10 * 60_000), async (e) => {
      seen.push(...e.events.map((x) => String(x.objectId)));
    });
    try {
      await new Promise((r) => setTimeout(r, 1_000));
      expect(seen).not.toContain(old);
    } finally {
      await handle.close();
    }
  }, 60_000);
});
