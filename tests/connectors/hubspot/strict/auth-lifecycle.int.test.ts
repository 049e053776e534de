/**
 * Issue 11 item 5 end to end (token vault + connector + queue): a 401 on a live token is fixed by one forced refresh
 * and the poll goes on; after the portal uninstalls the app the refresh is refused (invalid_grant) and the connection
 * is marked needs_reconnect once, so work for it stops.
 */
import { browse } from '../../../../src/lib/browser-fetch.js';
import { AS_OPERATOR, startHubspotLoop, waitFor } from '../../../helpers/closeloop.js';

describe(`HubSpot auth lifecycle (${process.env.DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  test('401 → one refresh and the poll succeeds; uninstall → needs_reconnect', async () => {
    const { hs, cl, stop } = await startHubspotLoop();
    try {
      const portalId = hs.defaultPortalId;
      expect((await browse(`${cl.url}/install/hubspot`)).status).toBe(200);
      const conn = (await cl.store.connections.byAccount('hubspot', String(portalId)))!;
      await waitFor(async () => (await cl.store.connections.get(conn.id))?.backfill_done_at, 60_000, 'backfill');
      const poll = () => cl.queue.send('poll', { connectionId: conn.id }, { singletonKey: `poll:${conn.id}` });

      // HubSpot invalidates the stored access token before its expiry.
      const before = (await cl.store.connections.get(conn.id))!;
      expect(hs.invalidateAccessTokens(portalId)).toBeGreaterThan(0);
      await poll();
      await waitFor(
        async () => (await cl.store.connections.get(conn.id))!.access_token_enc !== before.access_token_enc,
        60_000,
        'a refreshed token',
      );
      await waitFor(
        async () => {
          const c = (await cl.store.connections.get(conn.id))!;
          return (
            c.last_sync_at !== null &&
            c.last_sync_at !== before.last_sync_at &&
            String(c.last_sync_at) !== String(before.last_sync_at)
          );
        },
        60_000,
        'the poll to finish',
      );
      expect((await cl.store.connections.get(conn.id))!.status).toBe('active');

      // The admin uninstalls the app in HubSpot: every token of the install stops working.
      hs.uninstall(portalId);
      await poll();
      const row = await waitFor(
        async () => {
          const c = await cl.store.connections.get(conn.id);
          return c?.status === 'needs_reconnect' ? c : null;
        },
        60_000,
        'needs_reconnect',
      );
      // The last failing call names the reason (a refused refresh, or the 401 a concurrent call saw first).
      expect(row.status_reason).toMatch(/AUTH_(REVOKED|EXPIRED)/);
      // Work for it stops: a later poll does not call HubSpot. (Calls already under way when it was marked, such as a
      // concurrent job's, finish first: counted from once the count has stood still for a while.)
      let seen = JSON.stringify(hs.rateLimitStats());
      await waitFor(
        async () => {
          await new Promise((r) => setTimeout(r, 1_000));
          const now = JSON.stringify(hs.rateLimitStats());
          const still = now === seen;
          seen = now;
          return still;
        },
        30_000,
        'the calls under way to finish',
      );
      const calls = hs.rateLimitStats();
      await poll();
      await new Promise((r) => setTimeout(r, 2_000));
      expect(hs.rateLimitStats()).toEqual(calls);
      const admin = (await (await fetch(`${cl.url}/admin/connections`, { headers: AS_OPERATOR })).json()) as any[];
      expect(admin.find((c) => c.id === conn.id)).toMatchObject({ status: 'needs_reconnect' });
    } finally {
      await stop();
    }
  }, 330_000);
});
