import { Client } from '@hubspot/api-client';
import { browse } from '../../src/lib/browser-fetch.js';
import { startHubspotLoop, waitFor } from '../helpers/closeloop.js';
import { hubspotFixtures } from '../helpers/hubspot-fixtures.js';

const DAY = 86_400_000;

/**
 * The rep deletes closeloop's task before closeloop has read the task's own creation (webhooks can lag, or the
 * creation event is read after the deletion and finds the task gone): the deletion names a task closeloop never
 * stored, so nothing says which deal it was on. The draft written with it must still be withdrawn, not left one click
 * from being sent with nothing pointing to it.
 */
describe(`a task deleted before closeloop saw it created (${process.env.DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  test('HubSpot: its draft is withdrawn and the deletion recorded', async () => {
    const { hs, cl, stop } = await startHubspotLoop();
    try {
      const portalId = hs.defaultPortalId;
      hs.store.portal(portalId).addOwner({
        id: '9001',
        userId: 7001,
        email: 'morgan@vendorly.example',
        firstName: 'Morgan',
        lastName: 'Reyes',
      });
      const fx = hubspotFixtures(hs, portalId, '9001', () => Date.now());
      const contact = fx.contact('Ines', 'Duarte', 'ines@tagus.example');
      const deal = fx.deal('Tagus fleet', 'contractsent', [contact]);
      fx.email(
        deal,
        contact,
        2 * DAY,
        'INCOMING_EMAIL',
        'Re: Contract',
        'Morgan, our budget was cut this quarter, so we cannot sign the contract at this price.',
      );
      // No webhooks while closeloop backfills and writes: it never hears of its own task's creation.
      hs.setWebhookTarget(null);
      expect((await browse(`${cl.url}/install/hubspot`)).status).toBe(200);
      const pair = await waitFor(
        () => {
          const t = fx.tasksOn(deal);
          const todo = t.find((x) => x.properties.hs_task_type === 'TODO');
          const draft = t.find((x) => x.properties.hs_task_type === 'EMAIL');
          return todo && draft ? { todo, draft } : null;
        },
        60_000,
        'the task and its draft',
      );
      const conn = (await cl.store.connections.byAccount('hubspot', String(portalId)))!;
      const suggestionId = await waitFor(
        async () =>
          (
            await cl.store.db.query<{ suggestion_id: string }>(
              "SELECT suggestion_id FROM writeback_outbox WHERE crm_id = $1 AND action = 'create_task' AND status = 'done'",
              [pair.todo.id],
            )
          ).rows[0]?.suggestion_id,
        30_000,
        'the task recorded as written',
      );
      expect(await cl.store.records.get(conn.id, 'task', pair.todo.id)).toBeNull();

      hs.setWebhookTarget(`${cl.url}/webhooks/hubspot`);
      const client = new Client({ accessToken: hs.issueTokens(portalId).accessToken, basePath: hs.url });
      await client.crm.objects.tasks.basicApi.archive(pair.todo.id);
      await hs.flushWebhooks();
      await waitFor(
        async () => (await cl.store.feedback.outcomesFor(suggestionId)).some((o) => o.outcome === 'task_deleted'),
        45_000,
        'the deletion recorded',
      );
      await waitFor(
        () => fx.tasksOn(deal).find((x) => x.id === pair.draft.id)?.properties.hs_task_status === 'COMPLETED' || null,
        45_000,
        'the draft withdrawn',
      );
      const after = await client.crm.objects.tasks.basicApi.getById(pair.draft.id, ['hs_task_subject']);
      expect(after.properties.hs_task_subject).toMatch(/^Withdrawn draft: The task this draft belonged to was deleted/);
    } finally {
      await stop();
    }
  }, 240_000);
});
