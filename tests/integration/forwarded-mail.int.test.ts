import { Client } from '@hubspot/api-client';
import { Connection } from 'jsforce';
import { browse } from '../../src/lib/browser-fetch.js';
import { TokenCipher } from '../../src/lib/crypto.js';
import { startHubspotLoop, TEST_KEY, waitFor } from '../helpers/closeloop.js';
import { taskText } from '../helpers/hubspot-fixtures.js';
import { backfilled, installSalesforce, salesRep, startSalesforceLoop } from '../helpers/salesforce.js';

const DAY = 86_400_000;
const CFO =
  "We can't afford this expansion. Our budget was cut by 30% this quarter and I will not sign anything above last year's price.";
/** Apple Mail's forward as a customer sends it: a line of their own, the marker, the headers, the boss's words. */
const appleForward = [
  'Riley, see below from our CFO. Can we talk this week?',
  '',
  'Begin forwarded message:',
  '',
  'From: Dana Ortiz <dana@acme.example>',
  'Subject: Expansion',
  'Date: 7 December 2026 at 09:00:00 CET',
  'To: Carl Gauss <carl@acme.example>',
  '',
  CFO,
].join('\n');
/** Outlook's: no marker, a line and a header block whose subject says FW:. */
const outlookForward = [
  "Riley, FYI, Dana's answer below. Can we talk this week?",
  '',
  '________________________________',
  'From: Dana Ortiz <dana@acme.example>',
  'Sent: Monday, December 7, 2026 9:00 AM',
  'To: Carl Gauss <carl@acme.example>',
  'Subject: FW: Expansion',
  '',
  CFO,
].join('\n');

/**
 * A customer forwards their boss's objection: "see below from our CFO" over "we can't afford this". What the rep must
 * find, read back through the official clients: a task to answer the budget concern quoting the forwarded words, and
 * a draft answering it. Before, Apple Mail's and Outlook's forwards were read as quoted history: nothing at all.
 */
describe(`a forwarded objection reaches the rep (${process.env.DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  test('HubSpot: an Apple Mail forward', async () => {
    const { hs, cl, stop } = await startHubspotLoop();
    try {
      const portalId = hs.defaultPortalId;
      hs.store
        .portal(portalId)
        .addOwner({ id: '9001', userId: 7001, email: 'riley@seller.example', firstName: 'Riley', lastName: 'Rep' });
      const acme = hs.store.create(portalId, 'companies', { name: 'Acme Corp', domain: 'acme.example' });
      const carl = hs.store.create(
        portalId,
        'contacts',
        { firstname: 'Carl', lastname: 'Gauss', email: 'carl@acme.example' },
        { associations: [{ toType: 'companies', toId: acme.id }] },
      );
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
        {
          associations: [
            { toType: 'companies', toId: acme.id },
            { toType: 'contacts', toId: carl.id },
          ],
        },
      );
      hs.store.create(
        portalId,
        'emails',
        {
          hs_timestamp: String(Date.now() - DAY),
          hs_email_direction: 'INCOMING_EMAIL',
          hs_email_subject: 'Fwd: Expansion',
          hs_email_text: appleForward,
        },
        {
          associations: [
            { toType: 'deals', toId: deal.id },
            { toType: 'contacts', toId: carl.id },
          ],
        },
      );
      expect((await browse(`${cl.url}/install/hubspot`)).status).toBe(200);
      const onDeal = () =>
        hs.store
          .list(portalId, 'tasks')
          .filter((t) =>
            hs.store.associations(portalId, { type: 'tasks', id: t.id }, 'deals').some((a) => a.toId === deal.id),
          );
      // The budget task (another, e.g. one to answer a question, may be written first) and the draft.
      const budgetTodo = () =>
        onDeal().find(
          (t) => t.properties.hs_task_type === 'TODO' && /budget concern/.test(String(t.properties.hs_task_subject)),
        );
      const draftOf = () => onDeal().find((t) => t.properties.hs_task_type === 'EMAIL');
      const found = await waitFor(
        () => {
          const [todo, draft] = [budgetTodo(), draftOf()];
          return todo && draft ? { todo, draft } : null;
        },
        45_000,
        'budget task and draft',
      );
      const client = new Client({ accessToken: hs.issueTokens(portalId).accessToken, basePath: hs.url });
      const props = ['hs_task_subject', 'hs_task_body', 'hs_task_type'];
      const read = (id: string) => client.crm.objects.tasks.basicApi.getById(id, props);
      const [todo, draft] = await Promise.all([read(found.todo.id), read(found.draft.id)]);
      expect(todo.properties.hs_task_subject).toBe("Answer Carl Gauss's budget concern on Acme expansion");
      expect(taskText(todo.properties.hs_task_body)).toMatch(
        /Quote from Carl Gauss's email of .*: "We can.t afford this expansion/,
      );
      expect(taskText(todo.properties.hs_task_body)).not.toContain('dana@acme.example');
      const body = taskText(draft.properties.hs_task_body);
      expect(body).toContain('Hi Carl,');
      expect(body).toContain('Thank you for letting me know about the cut to your budget.');
      expect(body).toContain('Subject: Re: Expansion');
    } finally {
      await stop();
    }
  }, 120_000);

  test('Salesforce: an Outlook forward', async () => {
    const loop = await startSalesforceLoop();
    try {
      const { sf, cl, orgId } = loop;
      const owner = salesRep(sf, orgId, {
        FirstName: 'Riley',
        LastName: 'Rep',
        Email: 'riley@sellerco.example',
        Alias: 'rrep',
      });
      const account = sf.store.create(orgId, 'Account', { Name: 'Acme Corp', Website: 'https://acme.example' });
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
      sf.store.create(orgId, 'EmailMessage', {
        Subject: '[EXTERNAL] FW: Expansion',
        TextBody: outlookForward,
        Status: '3',
        Incoming: true,
        FromAddress: 'carl@acme.example',
        FromName: 'Carl Gauss',
        MessageDate: new Date(Date.now() - DAY).toISOString(),
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
      const drafts = () =>
        conn.query<any>(`SELECT Id, Subject, TextBody FROM EmailMessage WHERE RelatedToId = '${opp}' AND Status = '5'`);
      // The budget task (another, e.g. the next-step one, may be written first) and the draft.
      const task = await waitFor(
        async () =>
          ((await drafts()).records.length >= 1 &&
            (await tasks()).records.find((t) => /budget concern/.test(String(t.Subject)))) ||
          null,
        45_000,
        'budget task and draft',
      );
      expect(task.Subject).toBe("Answer Carl Gauss's budget concern on Acme expansion");
      expect(task.Description).toMatch(/Quote from .*: "We can.t afford this expansion/);
      const [draft] = (await drafts()).records;
      expect(draft.Subject).toBe('Re: Expansion');
      expect(draft.TextBody).toMatch(/^Hi Carl,/);
      expect(draft.TextBody).toContain('Thank you for letting me know about the cut to your budget.');
    } finally {
      await loop.stop();
    }
  }, 180_000);
});
