import { Client } from '@hubspot/api-client';
import { Connection } from 'jsforce';
import { browse } from '../../src/lib/browser-fetch.js';
import { TokenCipher } from '../../src/lib/crypto.js';
import { startHubspotLoop, TEST_KEY, waitFor } from '../helpers/closeloop.js';
import { taskText } from '../helpers/hubspot-fixtures.js';
import { backfilled, installSalesforce, salesRep, startSalesforceLoop } from '../helpers/salesforce.js';

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();
const CUT = 'Hi Riley, finance just told me our budget was cut, so we cannot sign at the current price.';
/** The rep's meeting notes as a transcript: the rep voices the objection, the customer does not. */
const transcript = (rep: string, customer: string) =>
  [
    `${rep}: Thanks for making time. I understand budget is tight this year for a lot of teams, so we can phase the rollout if that helps.`,
    `${customer}: Thanks. The scope looks right; we need the SOC 2 report before we sign.`,
    `${rep}: I will send it over this week.`,
  ].join('\n');

/**
 * A meeting transcript where the rep says "I understand budget is tight" is not the customer raising a budget problem.
 * The customer's own email three days later is: the rep's task quotes that once, not the rep's words as a second time
 * the customer raised it. Read back through the official clients.
 */
describe(`the rep's words in a transcript are not the customer's (${process.env.DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  test('HubSpot: a meeting transcript with the rep named', async () => {
    const { hs, cl, stop } = await startHubspotLoop();
    try {
      const portalId = hs.defaultPortalId;
      hs.store
        .portal(portalId)
        .addOwner({ id: '9001', userId: 7001, email: 'riley@seller.example', firstName: 'Riley', lastName: 'Rep' });
      const carl = hs.store.create(portalId, 'contacts', {
        firstname: 'Carl',
        lastname: 'Gauss',
        email: 'carl@acme.example',
      });
      const deal = hs.store.create(
        portalId,
        'deals',
        {
          dealname: 'Acme expansion',
          dealstage: 'contractsent',
          pipeline: 'default',
          amount: '120000',
          hubspot_owner_id: '9001',
        },
        { associations: [{ toType: 'contacts', toId: carl.id }] },
      );
      const on = [
        { toType: 'deals' as const, toId: deal.id },
        { toType: 'contacts' as const, toId: carl.id },
      ];
      hs.store.create(
        portalId,
        'meetings',
        {
          hs_timestamp: String(Date.now() - 4 * DAY),
          hs_meeting_start_time: iso(Date.now() - 4 * DAY),
          hs_meeting_end_time: iso(Date.now() - 4 * DAY + 3_600_000),
          hs_meeting_title: 'Scope review',
          hs_meeting_outcome: 'COMPLETED',
          hs_meeting_body: transcript('Riley Rep', 'Carl Gauss'),
          hubspot_owner_id: '9001',
        },
        { associations: on },
      );
      hs.store.create(
        portalId,
        'emails',
        {
          hs_timestamp: String(Date.now() - DAY),
          hs_email_direction: 'INCOMING_EMAIL',
          hs_email_subject: 'Re: Scope review',
          hs_email_text: CUT,
        },
        { associations: on },
      );
      expect((await browse(`${cl.url}/install/hubspot`)).status).toBe(200);
      const todos = () =>
        hs.store
          .list(portalId, 'tasks')
          .filter(
            (t) =>
              t.properties.hs_task_type === 'TODO' &&
              hs.store.associations(portalId, { type: 'tasks', id: t.id }, 'deals').some((a) => a.toId === deal.id),
          );
      // The budget task (another, e.g. the next-step one, may be written first).
      const budgetTodo = () => todos().find((t) => /budget concern/.test(String(t.properties.hs_task_subject)));
      const found = await waitFor(() => budgetTodo() ?? null, 45_000, 'budget task');
      const client = new Client({ accessToken: hs.issueTokens(portalId).accessToken, basePath: hs.url });
      const task = await client.crm.objects.tasks.basicApi.getById(found.id, ['hs_task_subject', 'hs_task_body']);
      expect(task!.properties.hs_task_subject).toBe("Answer Carl Gauss's budget concern on Acme expansion");
      const body = taskText(task!.properties.hs_task_body);
      expect(body).toContain('Carl Gauss raised a budget problem on');
      expect(body).not.toMatch(/budget is tight|2 times/);
    } finally {
      await stop();
    }
  }, 120_000);

  test('Salesforce: an event transcript with generic labels', async () => {
    const loop = await startSalesforceLoop();
    try {
      const { sf, cl, orgId } = loop;
      const owner = salesRep(sf, orgId, {
        FirstName: 'Riley',
        LastName: 'Rep',
        Email: 'riley@sellerco.example',
        Alias: 'rrep',
      });
      const account = sf.store.create(orgId, 'Account', { Name: 'Acme Corp' });
      const carl = sf.store.create(orgId, 'Contact', {
        FirstName: 'Carl',
        LastName: 'Gauss',
        Email: 'carl@acme.example',
        AccountId: account,
      });
      const opp = sf.store.create(orgId, 'Opportunity', {
        Name: 'Acme expansion',
        StageName: 'Negotiation/Review',
        CloseDate: '2030-01-31',
        Amount: 120000,
        AccountId: account,
        OwnerId: owner,
      });
      sf.store.create(orgId, 'OpportunityContactRole', { OpportunityId: opp, ContactId: carl, IsPrimary: true });
      sf.store.create(orgId, 'Event', {
        Subject: 'Scope review',
        Description: transcript('Rep', 'Customer'),
        StartDateTime: iso(Date.now() - 4 * DAY),
        EndDateTime: iso(Date.now() - 4 * DAY + 3_600_000),
        WhatId: opp,
        WhoId: carl,
        OwnerId: owner,
      });
      sf.store.create(orgId, 'EmailMessage', {
        Subject: 'Re: Scope review',
        TextBody: CUT,
        Status: '3',
        Incoming: true,
        FromAddress: 'carl@acme.example',
        FromName: 'Carl Gauss',
        MessageDate: iso(Date.now() - DAY),
        RelatedToId: opp,
        ToIds: [carl],
      });
      await installSalesforce(cl);
      const row = await backfilled(cl, orgId, 45_000);
      const conn = new Connection({
        instanceUrl: sf.url,
        accessToken: new TokenCipher(TEST_KEY).decrypt(row.access_token_enc),
        version: '62.0',
      });
      const tasks = () => conn.query<any>(`SELECT Id, Subject, Description FROM Task WHERE WhatId = '${opp}'`);
      // The budget task (another, e.g. the next-step one, may be written first).
      const task = await waitFor(
        async () => (await tasks()).records.find((t) => /budget concern/.test(String(t.Subject))) ?? null,
        45_000,
        'budget task',
      );
      expect(task.Subject).toBe("Answer Carl Gauss's budget concern on Acme expansion");
      expect(task.Description).toContain('Carl Gauss raised a budget problem on');
      expect(task.Description).not.toMatch(/budget is tight|2 times/);
    } finally {
      await loop.stop();
    }
  }, 180_000);
});
