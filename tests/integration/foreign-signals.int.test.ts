import { Client } from '@hubspot/api-client';
import { Connection } from 'jsforce';
import { browse } from '../../src/lib/browser-fetch.js';
import { TokenCipher } from '../../src/lib/crypto.js';
import { startHubspotLoop, TEST_KEY, waitFor } from '../helpers/closeloop.js';
import { taskText } from '../helpers/hubspot-fixtures.js';
import { backfilled, installSalesforce, salesRep, startSalesforceLoop } from '../helpers/salesforce.js';

const DAY = 86_400_000;
/** A request without a question mark or "bitte": gratitude for a favour ("I'd be grateful if you could send …"). */
const GERMAN_REQUEST =
  'Hallo Riley, ich wäre Ihnen dankbar, wenn Sie uns die Preisliste für 50 Lizenzen zukommen lassen könnten. Viele Grüße, Hans';
/** The price over the planned envelope, and the incumbent offering to match it (no "budget", no "concurrent"). */
const FRENCH_PRICE_AND_RIVAL =
  "Bonjour Riley, votre tarif dépasse largement l'enveloppe prévue pour ce projet. Notre prestataire actuel nous a proposé de s'aligner sur votre prix. Cordialement, Claire";

/**
 * A customer writing in German or French raises the tasks an English customer would: the request is answered, the
 * price objection gets its budget task with the incumbent's price match quoted beside it. Read back through the
 * official clients.
 */
describe(`customers writing in other languages raise the same tasks (${process.env.DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  test('HubSpot: a German request phrased as a favour gets a task to answer it', async () => {
    const { hs, cl, stop } = await startHubspotLoop();
    try {
      const portalId = hs.defaultPortalId;
      hs.store
        .portal(portalId)
        .addOwner({ id: '9001', userId: 7001, email: 'riley@seller.example', firstName: 'Riley', lastName: 'Rep' });
      const hans = hs.store.create(portalId, 'contacts', {
        firstname: 'Hans',
        lastname: 'Becker',
        email: 'hans@beispiel-gmbh.example',
      });
      const deal = hs.store.create(
        portalId,
        'deals',
        {
          dealname: 'Beispiel Lizenzen',
          dealstage: 'presentationscheduled',
          pipeline: 'default',
          hubspot_owner_id: '9001',
        },
        { associations: [{ toType: 'contacts', toId: hans.id }] },
      );
      hs.store.create(
        portalId,
        'emails',
        {
          hs_timestamp: String(Date.now() - 3 * DAY),
          hs_email_direction: 'INCOMING_EMAIL',
          hs_email_subject: 'Preisliste',
          hs_email_text: GERMAN_REQUEST,
        },
        {
          associations: [
            { toType: 'deals', toId: deal.id },
            { toType: 'contacts', toId: hans.id },
          ],
        },
      );
      expect((await browse(`${cl.url}/install/hubspot`)).status).toBe(200);
      const found = await waitFor(
        () =>
          hs.store
            .list(portalId, 'tasks')
            .find(
              (t) =>
                t.properties.hs_task_type === 'TODO' &&
                /question/.test(String(t.properties.hs_task_subject)) &&
                hs.store.associations(portalId, { type: 'tasks', id: t.id }, 'deals').some((a) => a.toId === deal.id),
            ) ?? null,
        90_000,
        'the task to answer the request',
      );
      const client = new Client({ accessToken: hs.issueTokens(portalId).accessToken, basePath: hs.url });
      const task = await client.crm.objects.tasks.basicApi.getById(found.id, ['hs_task_subject', 'hs_task_body']);
      expect(task.properties.hs_task_subject).toBe("Answer Hans Becker's question on Beispiel Lizenzen");
      const body = taskText(task.properties.hs_task_body);
      expect(body).toContain('die Preisliste für 50 Lizenzen zukommen lassen könnten');
    } finally {
      await stop();
    }
  }, 120_000);

  test('Salesforce: a French price objection gets the budget task, the incumbent matching the price quoted', async () => {
    const loop = await startSalesforceLoop();
    try {
      const { sf, cl, orgId } = loop;
      const owner = salesRep(sf, orgId, {
        FirstName: 'Riley',
        LastName: 'Rep',
        Email: 'riley@sellerco.example',
        Alias: 'rrep',
      });
      const claire = sf.store.create(orgId, 'Contact', {
        FirstName: 'Claire',
        LastName: 'Dubois',
        Email: 'claire@exemple-sa.example',
      });
      const opp = sf.store.create(orgId, 'Opportunity', {
        Name: 'Exemple déploiement',
        StageName: 'Negotiation/Review',
        CloseDate: '2030-01-31',
        Amount: 48000,
        OwnerId: owner,
      });
      sf.store.create(orgId, 'OpportunityContactRole', { OpportunityId: opp, ContactId: claire, IsPrimary: true });
      sf.store.create(orgId, 'EmailMessage', {
        Subject: 'RE: Offre',
        TextBody: FRENCH_PRICE_AND_RIVAL,
        Status: '3',
        Incoming: true,
        FromAddress: 'claire@exemple-sa.example',
        FromName: 'Claire Dubois',
        MessageDate: new Date(Date.now() - DAY).toISOString(),
        RelatedToId: opp,
        ToIds: [claire],
      });
      await installSalesforce(cl);
      const row = await backfilled(cl, orgId, 45_000);
      const conn = new Connection({
        instanceUrl: sf.url,
        accessToken: new TokenCipher(TEST_KEY).decrypt(row.access_token_enc),
        version: '62.0',
      });
      const tasks = () => conn.query<any>(`SELECT Id, Subject, Description FROM Task WHERE WhatId = '${opp}'`);
      const task = await waitFor(
        async () => (await tasks()).records.find((t) => /budget concern/.test(String(t.Subject))) ?? null,
        90_000,
        'budget task',
      );
      expect(task.Subject).toBe("Answer Claire Dubois's budget concern on Exemple déploiement");
      const description = String(task.Description);
      expect(description).toContain("votre tarif dépasse largement l'enveloppe prévue pour ce projet.");
      expect(description).toMatch(
        /The competitor, from [^\n]*: "Notre prestataire actuel nous a proposé de s'aligner sur votre prix\."/,
      );
    } finally {
      await loop.stop();
    }
  }, 180_000);
});
