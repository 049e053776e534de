import type { SalesforceSandbox } from '../../connectors/salesforce/sandbox/index.js';
import { TokenCipher } from '../../src/lib/crypto.js';
import type { ConnectionRow } from '../../src/store/index.js';
import { AS_OPERATOR, TEST_KEY } from '../helpers/closeloop.js';
import {
  backfilled,
  installSalesforce,
  startSalesforceLoop,
  subscribed,
  waitFor,
  type SalesforceLoop,
} from '../helpers/salesforce.js';

const ENGINE = process.env.DATABASE_URL ? 'postgres' : 'pglite';
const HOUR = 3_600_000;

/**
 * Salesforce's two traps, through the real jsforce against the sandbox: tokens carry no lifetime, so an expired
 * session shows up as 401 INVALID_SESSION_ID (refresh once, retry); the daily API allowance shows up as 403
 * REQUEST_LIMIT_EXCEEDED (pause the connection, say so in its health, resume once the pause is over).
 */
describe(`Salesforce session expiry and API limits (${ENGINE})`, () => {
  let loop: SalesforceLoop;
  let sf: SalesforceSandbox;
  let orgId: string;
  let conn: ConnectionRow;
  let offset = 0;

  beforeAll(async () => {
    // closeloop's clock can be moved forward, to get past a pause without waiting an hour.
    loop = await startSalesforceLoop({ start: { now: () => Date.now() + offset } });
    ({ sf, orgId } = loop);
    const account = sf.store.create(orgId, 'Account', { Name: 'Umbrella Corp' });
    sf.store.create(orgId, 'Contact', { LastName: 'Wesker', AccountId: account });
    await installSalesforce(loop.cl);
    conn = await backfilled(loop.cl, orgId);
    await subscribed(loop, conn.id);
  }, 180_000);
  afterAll(async () => {
    await loop.stop();
  });

  const poll = () => loop.cl.queue.send('poll', { connectionId: conn.id }, { singletonKey: `poll:${conn.id}` });
  const current = async () => (await loop.cl.store.connections.get(conn.id))!;
  const health = async () =>
    ((await (await fetch(`${loop.cl.url}/admin/connections`, { headers: AS_OPERATOR })).json()) as any[]).find(
      (c) => c.id === conn.id,
    );

  test('an expired session (401 INVALID_SESSION_ID) is refreshed once and the call retried', async () => {
    const before = await current();
    sf.expireSessions();
    sf.store.create(orgId, 'Contact', { LastName: 'Redfield' });
    await poll();
    const after = await waitFor(
      async () => {
        const c = await current();
        return c.last_sync_at && new Date(c.last_sync_at) > new Date(before.last_sync_at!) ? c : null;
      },
      45_000,
      'the poll after the session expired',
    );
    expect(after.status).toBe('active');
    expect(after.access_token_enc).not.toBe(before.access_token_enc);
    // Salesforce does not rotate refresh tokens (unless the app asks): the one we had is kept.
    const cipher = new TokenCipher(TEST_KEY);
    expect(cipher.decrypt(after.refresh_token_enc!)).toBe(cipher.decrypt(before.refresh_token_enc!));
    expect(await loop.cl.store.records.countsByKind()).toMatchObject({ contact: 2 });
    // The change stream re-handshakes with the refreshed token and keeps delivering.
    sf.store.update(orgId, 'Contact', sf.store.list(orgId, 'Contact')[0]!.Id as string, { Title: 'Captain' });
    await waitFor(
      async () =>
        (
          await loop.cl.store.db.query(
            "SELECT 1 FROM records WHERE connection_id = $1 AND data->>'title' = 'Captain'",
            [conn.id],
          )
        ).rows.length > 0,
      45_000,
      'a change event after the refresh',
    );
  }, 120_000);

  test('403 REQUEST_LIMIT_EXCEEDED pauses the connection, visible in /admin/connections; jobs skip it; it resumes after the pause', async () => {
    sf.exhaustAllowance(orgId);
    await poll();
    const paused = await waitFor(
      async () => {
        const c = await current();
        return c.status === 'paused' ? c : null;
      },
      45_000,
      'the pause',
    );
    expect(new Date(paused.paused_until!).getTime()).toBeGreaterThan(Date.now() + 0.9 * HOUR);
    expect(await health()).toMatchObject({
      status: 'paused',
      statusReason: expect.stringContaining('QUOTA_EXHAUSTED'),
      pausedUntil: expect.any(String),
    });
    expect((await health()).statusReason).toContain('REQUEST_LIMIT_EXCEEDED');
    // The change stream is let go while the connection is paused.
    await waitFor(() => loop.cl.changeStreams!.running().length === 0, 45_000, 'the stream to stop');

    // Allowance back (the rolling window moved on), but the pause is not over yet: the poll is skipped.
    sf.resetAllowance(orgId);
    sf.store.create(orgId, 'Contact', { LastName: 'Valentine' });
    await poll();
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await current()).status).toBe('paused');
    expect(await loop.cl.store.records.countsByKind()).toMatchObject({ contact: 2 });

    offset = HOUR + 60_000;
    await poll();
    await waitFor(
      async () => ((await current()).status === 'active' ? true : null),
      45_000,
      'the connection to resume',
    );
    expect(await health()).toMatchObject({ status: 'active', statusReason: null, pausedUntil: null });
    expect(await loop.cl.store.records.countsByKind()).toMatchObject({ contact: 3 });
    await waitFor(() => loop.cl.changeStreams!.running().includes(conn.id), 45_000, 'the stream to come back');
  }, 210_000);
});
