import { Client } from '@hubspot/api-client';
import { Connection } from 'jsforce';
import { browse } from '../../src/lib/browser-fetch.js';
import { TokenCipher } from '../../src/lib/crypto.js';
import { startHubspotLoop, TEST_KEY, waitFor } from '../helpers/closeloop.js';
import { taskText } from '../helpers/hubspot-fixtures.js';
import { backfilled, installSalesforce, salesRep, startSalesforceLoop } from '../helpers/salesforce.js';

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();
const QUESTIONS = [
  'Hi Carl, a few questions before we finalise:',
  '1. Is the budget for the full rollout approved?',
  '2. When do you plan to sign?',
  '',
  'Thanks,',
  'Riley',
].join('\n');
/** Outlook: one line on top, the rep's email below its headers, the customer's answers typed in between. */
const ANSWERED = [
  'Hi Riley, see my answers below in red.',
  '',
  '________________________________',
  'From: Riley Rep <riley@seller.example>',
  'Sent: Monday, November 30, 2026 9:00 AM',
  'To: Carl Gauss <carl@acme.example>',
  'Subject: Questions',
  '',
  'Hi Carl, a few questions before we finalise:',
  '1. Is the budget for the full rollout approved?',
  'No, our budget was cut by 30%, so we can only fund half of the seats this year.',
  '2. When do you plan to sign?',
  'Not before the new fiscal year.',
  '',
  'Thanks,',
  'Riley',
].join('\n');

/**
 * "See my answers below in red": the customer's objection is inside the rep's quoted email. Before, only the line on
 * top was read, and the rep got nothing; now the answers are read (not the rep's own questions), read back through
 * the official clients.
 */
describe(`answers inline in the rep's quoted email are read (${process.env.DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  test('HubSpot', async () => {
    const { hs, cl, stop } = await startHubspotLoop();
    try {
      const pid = hs.defaultPortalId;
      hs.store
        .portal(pid)
        .addOwner({ id: '9001', userId: 7001, email: 'riley@seller.example', firstName: 'Riley', lastName: 'Rep' });
      const carl = hs.store.create(pid, 'contacts', {
        firstname: 'Carl',
        lastname: 'Gauss',
        email: 'carl@acme.example',
      });
      const deal = hs.store.create(
        pid,
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
      const email = (days: number, direction: string, subject: string, text: string) =>
        hs.store.create(
          pid,
          'emails',
          {
            hs_timestamp: String(Date.now() - days * DAY),
            hs_email_direction: direction,
            hs_email_subject: subject,
            hs_email_text: text,
          },
          { associations: on },
        );
      email(7, 'EMAIL', 'Questions', QUESTIONS);
      email(1, 'INCOMING_EMAIL', 'RE: Questions', ANSWERED);
      expect((await browse(`${cl.url}/install/hubspot`)).status).toBe(200);
      const todos = () =>
        hs.store
          .list(pid, 'tasks')
          .filter(
            (t) =>
              t.properties.hs_task_type === 'TODO' &&
              hs.store.associations(pid, { type: 'tasks', id: t.id }, 'deals').some((a) => a.toId === deal.id),
          );
      // The budget task (another, e.g. one to answer a question, may be written first).
      const found = await waitFor(
        () => todos().find((t) => /budget concern/.test(String(t.properties.hs_task_subject))) ?? null,
        45_000,
        'budget task',
      );
      const client = new Client({ accessToken: hs.issueTokens(pid).accessToken, basePath: hs.url });
      const task = await client.crm.objects.tasks.basicApi.getById(found.id, ['hs_task_subject', 'hs_task_body']);
      expect(task.properties.hs_task_subject).toBe("Answer Carl Gauss's budget concern on Acme expansion");
      const body = taskText(task.properties.hs_task_body);
      expect(body).toMatch(/Quote from Carl Gauss's email of .*: ".*our budget was cut by 30%/);
      expect(body).not.toContain('Is the budget for the full rollout approved');
    } finally {
      await stop();
    }
  }, 120_000);

  test('Salesforce', async () => {
    const loop = await startSalesforceLoop();
    try {
      const { sf, cl, orgId } = loop;
      const owner = salesRep(sf, orgId, {
        FirstName: 'Riley',
        LastName: 'Rep',
        Email: 'riley@seller.example',
        Alias: 'rrep',
      });
      const carl = sf.store.create(orgId, 'Contact', {
        FirstName: 'Carl',
        LastName: 'Gauss',
        Email: 'carl@acme.example',
      });
      const opp = sf.store.create(orgId, 'Opportunity', {
        Name: 'Acme expansion',
        StageName: 'Negotiation/Review',
        CloseDate: '2030-01-31',
        Amount: 120000,
        OwnerId: owner,
      });
      sf.store.create(orgId, 'OpportunityContactRole', { OpportunityId: opp, ContactId: carl, IsPrimary: true });
      const mail = (days: number, incoming: boolean, subject: string, text: string) =>
        sf.store.create(orgId, 'EmailMessage', {
          Subject: subject,
          TextBody: text,
          Status: '3',
          Incoming: incoming,
          FromAddress: incoming ? 'carl@acme.example' : 'riley@seller.example',
          FromName: incoming ? 'Carl Gauss' : 'Riley Rep',
          ToAddress: incoming ? 'riley@seller.example' : 'carl@acme.example',
          MessageDate: iso(Date.now() - days * DAY),
          RelatedToId: opp,
          ToIds: incoming ? [] : [carl],
        });
      mail(7, false, 'Questions', QUESTIONS);
      mail(1, true, 'RE: Questions', ANSWERED);
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
      expect(task.Description).toMatch(/Quote from .*: ".*our budget was cut by 30%/);
    } finally {
      await loop.stop();
    }
  }, 180_000);
});
