/**
 * Issue 11 item 7 end to end: a merge in HubSpot (webhook `contact.merge`) erases the merged-away contact in closeloop
 * like a deletion, and the activities that were on it follow the survivor, as HubSpot moves them.
 */
import { browse } from '../../../../src/lib/browser-fetch.js';
import { startHubspotLoop, waitFor } from '../../../helpers/closeloop.js';

describe(`HubSpot merge through the loop (${process.env.DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  test('merged id erased, its note now on the survivor', async () => {
    const { hs, cl, stop } = await startHubspotLoop();
    try {
      const portalId = hs.defaultPortalId;
      const old = Date.now() - 3_600_000;
      const survivor = hs.store.create(
        portalId,
        'contacts',
        { firstname: 'Mia', lastname: 'Merge', email: 'mia@example.com' },
        { at: old },
      );
      const twin = hs.store.create(
        portalId,
        'contacts',
        { firstname: 'Mia', lastname: 'Merge', email: 'mia.m@example.com' },
        { at: old },
      );
      const note = hs.store.create(
        portalId,
        'notes',
        { hs_timestamp: String(old), hs_note_body: 'Met Mia at the fair.' },
        { at: old, associations: [{ toType: 'contacts', toId: twin.id }] },
      );
      expect((await browse(`${cl.url}/install/hubspot`)).status).toBe(200);
      const conn = (await cl.store.connections.byAccount('hubspot', String(portalId)))!;
      await waitFor(async () => (await cl.store.connections.get(conn.id))?.backfill_done_at, 60_000, 'backfill');
      expect((await cl.store.records.get(conn.id, 'note', note.id))?.associations.contacts).toEqual([twin.id]);

      hs.store.merge(portalId, 'contacts', survivor.id, twin.id);
      await hs.flushWebhooks();
      await waitFor(
        async () => (await cl.store.records.get(conn.id, 'contact', twin.id)) === null,
        60_000,
        'the merged contact erased',
      );
      expect((await cl.store.records.get(conn.id, 'note', note.id))?.associations.contacts).toEqual([survivor.id]);
      expect(await cl.store.records.get(conn.id, 'contact', survivor.id)).not.toBeNull();
    } finally {
      await stop();
    }
  }, 180_000);
});
