import { browse } from '../../src/lib/browser-fetch.js';
import type { HubspotSandbox } from '../../connectors/hubspot/sandbox/index.js';
import { startHubspotLoop, waitFor } from '../helpers/closeloop.js';
import { taskText } from '../helpers/hubspot-fixtures.js';
import {
  backfilled,
  installSalesforce,
  salesRep,
  startSalesforceLoop,
  type SalesforceLoop,
} from '../helpers/salesforce.js';

const DAY = 86_400_000;
const NOTES = 'RILEY NOTES: spoke to Carla on the phone, CFO decides on 15 Jan; do not discount before then.';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const count = (hay: string, needle: string) => hay.split(needle).length - 1;

/**
 * A rep edits closeloop's task (subject, priority, due date, status, own notes in the body); the customer writes again
 * on the same concern. closeloop adds the new evidence below the rep's text and leaves the rep's fields as they are.
 */
describe(`closeloop keeps the rep's edits to its task (${process.env.DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  describe('Salesforce', () => {
    let loop: SalesforceLoop;
    beforeAll(async () => {
      loop = await startSalesforceLoop({ env: { STALE_DEAL_DAYS: '14' } });
    }, 60000);
    afterAll(async () => {
      await loop.stop();
    });

    test('a second budget email: Subject, Priority, due date, Status and the notes stay; the update is appended once', async () => {
      const { sf, orgId } = loop;
      const rep = salesRep(sf, orgId, {
        FirstName: 'Riley',
        LastName: 'Rep',
        Email: 'riley@sellerco.example',
        Alias: 'rrep',
      });
      const acct = sf.store.create(orgId, 'Account', { Name: 'Umbrella Corp', Website: 'https://umbrella.example' });
      const carla = sf.store.create(orgId, 'Contact', {
        FirstName: 'Carla',
        LastName: 'Chief',
        Email: 'carla@umbrella.example',
        AccountId: acct,
      });
      const opp = sf.store.create(orgId, 'Opportunity', {
        Name: 'Umbrella renewal',
        StageName: 'Negotiation/Review',
        CloseDate: '2027-01-31',
        Amount: 48000,
        AccountId: acct,
        OwnerId: rep,
      });
      sf.store.create(orgId, 'OpportunityContactRole', { OpportunityId: opp, ContactId: carla, IsPrimary: true });
      const email = (text: string, at: number) =>
        sf.store.create(orgId, 'EmailMessage', {
          Subject: 'Re: renewal',
          TextBody: text,
          Status: '0',
          Incoming: true,
          FromAddress: 'carla@umbrella.example',
          FromName: 'Carla Chief',
          MessageDate: new Date(at).toISOString(),
          RelatedToId: opp,
          ToIds: [carla],
        });
      email(
        'Hi Riley, finance just cut our budget for next year, so we cannot sign at the current price.',
        Date.now() - 2 * DAY,
      );
      await installSalesforce(loop.cl);
      await backfilled(loop.cl, orgId, 120_000);
      const ours = () => sf.store.list(orgId, 'Task').filter((t) => t.WhatId === opp && t.Closeloop_Key__c);
      const t0 = await waitFor(() => ours()[0] ?? null, 60000, 'the budget task');
      const description0 = String(t0.Description);
      sf.store.update(
        orgId,
        'Task',
        t0.Id as string,
        {
          Description: `${description0}\n\n${NOTES}`,
          Priority: 'Low',
          ActivityDate: '2027-01-15',
          Subject: 'Wait for CFO decision 15 Jan (Umbrella)',
          Status: 'In Progress',
        },
        { userId: rep },
      );
      await sleep(2000);
      email('Hi Riley, just to confirm: the budget freeze also applies to the add-on seats.', Date.now());
      const t1 = await waitFor(
        () => {
          const t = ours()[0];
          return t && String(t.Description).includes('Updated by closeloop on') ? t : null;
        },
        60000,
        'the update appended',
      );
      await sleep(2000);
      const t2 = ours()[0]!;
      expect(ours()).toHaveLength(1);
      expect(t2).toMatchObject({
        Subject: 'Wait for CFO decision 15 Jan (Umbrella)',
        Priority: 'Low',
        ActivityDate: '2027-01-15',
        Status: 'In Progress',
      });
      const d = String(t2.Description);
      expect(d).toBe(String(t1.Description));
      // The rep's text first, exactly as left; closeloop's update below it, once, with the new quote.
      expect(d.startsWith(`${description0}\n\n${NOTES}\n\n`)).toBe(true);
      expect(count(d, NOTES)).toBe(1);
      expect(count(d, 'Updated by closeloop on')).toBe(1);
      expect(d.slice(d.indexOf('Updated by closeloop on'))).toMatch(/budget freeze also applies to the add-on seats/);
    }, 300_000);
  });

  describe('HubSpot', () => {
    let hs: HubspotSandbox;
    let stop: () => Promise<void>;
    let cl: Awaited<ReturnType<typeof startHubspotLoop>>['cl'];
    beforeAll(async () => {
      ({ hs, cl, stop } = await startHubspotLoop());
    }, 60000);
    afterAll(async () => {
      await stop();
    });

    test('a second budget email: subject, priority and the notes stay; the update is appended once', async () => {
      const portalId = hs.defaultPortalId;
      hs.store.portal(portalId).addOwner({
        id: '9001',
        userId: 7001,
        email: 'riley@seller.example',
        firstName: 'Riley',
        lastName: 'Rep',
      });
      const globex = hs.store.create(portalId, 'companies', { name: 'Globex', domain: 'globex.example' });
      const hank = hs.store.create(
        portalId,
        'contacts',
        { firstname: 'Hank', lastname: 'Scorpio', email: 'hank@globex.example' },
        { associations: [{ toType: 'companies', toId: globex.id }] },
      );
      const deal = hs.store.create(
        portalId,
        'deals',
        {
          dealname: 'Globex renewal',
          dealstage: 'contractsent',
          pipeline: 'default',
          amount: '48000',
          hubspot_owner_id: '9001',
        },
        {
          associations: [
            { toType: 'companies', toId: globex.id },
            { toType: 'contacts', toId: hank.id },
          ],
        },
      );
      const budgetEmail = (text: string) =>
        hs.store.create(
          portalId,
          'emails',
          {
            hs_timestamp: String(Date.now()),
            hs_email_direction: 'INCOMING_EMAIL',
            hs_email_subject: 'Re: Order form',
            hs_email_text: text,
          },
          {
            associations: [
              { toType: 'deals', toId: deal.id },
              { toType: 'contacts', toId: hank.id },
            ],
          },
        );
      expect((await browse(`${cl.url}/install/hubspot`)).status).toBe(200);
      await waitFor(
        async () => (await cl.store.connections.byAccount('hubspot', String(portalId)))?.backfill_done_at,
        30000,
        'backfill',
      );
      const todo = () =>
        hs.store
          .list(portalId, 'tasks')
          .filter((t) =>
            hs.store.associations(portalId, { type: 'tasks', id: t.id }, 'deals').some((a) => a.toId === deal.id),
          )
          .find((t) => t.properties.hs_task_type === 'TODO');
      budgetEmail('Hi Riley, finance cut our budget for this quarter, so we cannot sign at the current price.');
      await hs.flushWebhooks();
      const t0 = await waitFor(() => todo() ?? null, 45000, 'the budget task');
      const body0 = t0.properties.hs_task_body ?? '';
      hs.store.update(
        portalId,
        'tasks',
        t0.id,
        {
          hs_task_subject: 'Wait for CFO decision 15 Jan (Globex)',
          hs_task_priority: 'LOW',
          hs_task_body: `${body0}<p>${NOTES}</p>`,
        },
        { userId: 7001 },
      );
      await hs.flushWebhooks();
      await sleep(1500);
      budgetEmail('Hi Riley, just to confirm: the budget freeze also applies to the add-on seats.');
      await hs.flushWebhooks();
      await waitFor(
        () => taskText(todo()?.properties.hs_task_body).includes('Updated by closeloop on') || null,
        45000,
        'the update appended',
      );
      await sleep(2000);
      const t1 = todo()!;
      expect(t1.properties.hs_task_subject).toBe('Wait for CFO decision 15 Jan (Globex)');
      expect(t1.properties.hs_task_priority).toBe('LOW');
      const body = t1.properties.hs_task_body ?? '';
      expect(body.startsWith(`${body0}<p>${NOTES}</p>`)).toBe(true);
      const text = taskText(body);
      expect(count(text, NOTES)).toBe(1);
      expect(count(text, 'Updated by closeloop on')).toBe(1);
      expect(text.slice(text.indexOf('Updated by closeloop on'))).toMatch(
        /budget freeze also applies to the add-on seats/,
      );
    }, 180000);
  });
});
