import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SalesforceSandbox } from '../../connectors/salesforce/sandbox/index.js';
import { silentLogger } from '../../src/lib/logger.js';
import { createMetrics } from '../../src/lib/metrics.js';
import { startChangeStreams } from '../../src/sync/change-streams.js';
import type { ConnectionRow } from '../../src/store/index.js';
import {
  backfilled,
  installSalesforce,
  startSalesforceLoop,
  subscribed,
  waitFor,
  type SalesforceLoop,
} from '../helpers/salesforce.js';

const HOUR = 3_600_000;
const ENGINE = process.env.DATABASE_URL ? 'postgres' : 'pglite';

/**
 * Change Data Capture through the real jsforce streaming client against the sandbox's CometD endpoint: events are
 * stored with their replay position in one transaction; closeloop stopped, changes made, closeloop started again on
 * the same database: the missed events arrive from the stored replay id, nothing lost or doubled. A position the
 * platform no longer has (older than 72 h, or refused) turns into a full resync and a subscription from "new only".
 */
describe(`Salesforce Change Data Capture (${ENGINE})`, () => {
  let loop: SalesforceLoop;
  let sf: SalesforceSandbox;
  let orgId: string;
  let conn: ConnectionRow;
  let dataDir: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'cl-sf-cdc-'));
    loop = await startSalesforceLoop({ dataDir });
    ({ sf, orgId } = loop);
    const account = sf.store.create(orgId, 'Account', { Name: 'Initech' });
    const contact = sf.store.create(orgId, 'Contact', {
      FirstName: 'Bill',
      LastName: 'Lumbergh',
      Email: 'bill@initech.example',
      AccountId: account,
    });
    const leaving = sf.store.create(orgId, 'Contact', { FirstName: 'Milton', LastName: 'Waddams', AccountId: account });
    const opp = sf.store.create(orgId, 'Opportunity', {
      Name: 'Initech printer rollout',
      StageName: 'Negotiation/Review',
      CloseDate: '2030-06-30',
      Amount: 20000,
      AccountId: account,
    });
    sf.store.create(orgId, 'OpportunityContactRole', { OpportunityId: opp, ContactId: contact, IsPrimary: true });
    Object.assign(ids, { account, contact, leaving, opp });
    await installSalesforce(loop.cl);
    conn = await backfilled(loop.cl, orgId);
    await subscribed(loop, conn.id);
  }, 180_000);
  afterAll(async () => {
    await loop.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const position = async () => (await loop.cl.store.changeStreams.get(conn.id))?.replay_position ?? null;
  const replayOf = (p: string | null) => (p === null ? null : Number(p.split('@')[0]));
  const budgetTasks = () =>
    sf.store.list(orgId, 'Task').filter((t) => t.WhatId === ids.opp && String(t.Description).includes('budget'));

  test('a change made in Salesforce arrives as a change event; the replay position is stored with the record', async () => {
    sf.store.update(orgId, 'Opportunity', ids.opp!, { Amount: 25000 });
    const deal = await waitFor(
      async () => {
        const d = await loop.cl.store.records.get<any>(conn.id, 'deal', ids.opp!);
        return d?.amount === 25000 ? d : null;
      },
      45_000,
      'the amount change',
    );
    expect(deal.stage).toBe('negotiation');
    await waitFor(async () => replayOf(await position()) === sf.store.latestReplayId(orgId), 45_000, 'position stored');
    // One subscriber per connection: a second supervisor on the same database does not get the lease.
    const other = startChangeStreams(
      {
        store: loop.cl.store,
        queue: loop.cl.queue,
        metrics: createMetrics(),
        logger: silentLogger(),
        vault: null as never,
        connectorFor: () => {
          throw new Error('must not subscribe');
        },
        subscribers: [],
        now: Date.now,
      },
      { owner: 'other-process', tickMs: 50 },
    );
    await other.tick();
    expect(other.running()).toEqual([]);
    await other.stop();
    expect(loop.cl.changeStreams!.running()).toEqual([conn.id]);
  }, 120_000);

  test('closeloop stopped, changes made, started again: the missed events are delivered from the stored replay id, once', async () => {
    const before = await position();
    // A clean stop stores the event in hand and releases the lease, so the restarted process takes it at once.
    await loop.cl.stop();

    sf.store.update(orgId, 'Contact', ids.contact!, { Title: 'Division VP' });
    const email = sf.store.create(orgId, 'EmailMessage', {
      Subject: 'Re: printer rollout',
      Status: '0',
      Incoming: true,
      MessageDate: new Date().toISOString(),
      RelatedToId: ids.opp,
      ToIds: [ids.contact!],
      TextBody: 'Bill here. Corporate froze our budget this quarter, so we cannot sign at this price.',
    });
    sf.store.delete(orgId, 'Contact', ids.leaving!);
    const latest = sf.store.latestReplayId(orgId);
    expect(latest - replayOf(before)!).toBeGreaterThanOrEqual(3);

    await loop.restart();
    await waitFor(
      async () => {
        const c = await loop.cl.store.records.get<any>(conn.id, 'contact', ids.contact!);
        const e = await loop.cl.store.records.get<any>(conn.id, 'email', email);
        // A CDC deletion is erased like every other source's (src/sync/apply-changes.ts): only its tombstone remains.
        const gone = await loop.cl.store.records.get<any>(conn.id, 'contact', ids.leaving!);
        const tombstone = await loop.cl.store.records.deletedAt(conn.id, 'contact', ids.leaving!);
        return c?.title === 'Division VP' && e && !gone && tombstone ? true : null;
      },
      45_000,
      'the missed changes',
    );
    await waitFor(() => budgetTasks().length > 0, 45_000, 'the budget task');
    await waitFor(async () => replayOf(await position())! >= latest, 45_000, 'position caught up');
    // Our own Task comes back as a change event too (changeOrigin client=closeloop): synced (its event is published
    // after the write and read when the stream gets to it: waited for), never suggested on.
    const written = budgetTasks()[0]!;
    expect(
      await waitFor(
        () => loop.cl.store.records.get<any>(conn.id, 'task', String(written.Id)),
        30_000,
        'our own Task synced from its change event',
      ),
    ).toMatchObject({ externalId: written.Id });
    await new Promise((r) => setTimeout(r, 1_000));
    expect(budgetTasks()).toHaveLength(1);
    const suggestions = await loop.cl.store.db.query(
      "SELECT 1 FROM suggestions WHERE connection_id = $1 AND type = 'budget_risk'",
      [conn.id],
    );
    expect(suggestions.rows).toHaveLength(1);
  }, 210_000);

  test('a stored replay id older than the 72-hour retention runs a full resync and subscribes from new events only', async () => {
    // Stop this process's streams (the lease is released), age the stored position, then restart on the same database.
    await loop.cl.changeStreams!.stop();
    const stale = `${sf.store.latestReplayId(orgId)}@${Date.now() - 73 * HOUR}`;
    await loop.cl.store.db.query('UPDATE change_streams SET replay_position = $2 WHERE connection_id = $1', [
      conn.id,
      stale,
    ]);
    const syncedBefore = new Date((await loop.cl.store.connections.get(conn.id))!.last_sync_at!).getTime();
    await loop.cl.stop();
    // Made while nobody listened, and only reachable through the resync (the stream restarts from new events).
    sf.store.update(orgId, 'Account', ids.account!, { Website: 'https://initech.example' });
    await loop.restart();
    await waitFor(
      async () => {
        const c = await loop.cl.store.connections.get(conn.id);
        return c?.last_sync_at && new Date(c.last_sync_at).getTime() > syncedBefore ? c : null;
      },
      45_000,
      'the resync backfill',
    );
    expect((await loop.cl.store.records.get<any>(conn.id, 'company', ids.account!))?.domain).toBe('initech.example');
    await subscribed(loop, conn.id);
    sf.store.update(orgId, 'Opportunity', ids.opp!, { Amount: 27000 });
    await waitFor(
      async () => (await loop.cl.store.records.get<any>(conn.id, 'deal', ids.opp!))?.amount === 27000,
      45_000,
      'a new event after the resync',
    );
    await waitFor(
      async () => replayOf(await position()) === sf.store.latestReplayId(orgId),
      45_000,
      'position after the resync',
    );
  }, 210_000);

  test('a replay id the platform refuses also resyncs', async () => {
    await loop.cl.changeStreams!.stop();
    // Newer than anything the org published: the sandbox refuses it as the platform refuses a purged one.
    await loop.cl.store.db.query('UPDATE change_streams SET replay_position = $2 WHERE connection_id = $1', [
      conn.id,
      '999999',
    ]);
    await loop.cl.stop();
    await loop.restart();
    await subscribed(loop, conn.id);
    sf.store.update(orgId, 'Opportunity', ids.opp!, { Amount: 31000 });
    await waitFor(
      async () => (await loop.cl.store.records.get<any>(conn.id, 'deal', ids.opp!))?.amount === 31000,
      45_000,
      'events after the refused replay id',
    );
    // The restarted stream began at a stored start position (src/sync/change-streams.ts); the events of the last
    // minutes (clock-skew margin) are replayed in order before the new one, so the position catches up to the newest.
    await waitFor(
      async () =>
        replayOf((await loop.cl.store.changeStreams.get(conn.id))!.replay_position) === sf.store.latestReplayId(orgId),
      45_000,
      'position after the refused replay id',
    );
  }, 180_000);
});
