import { Client } from '@hubspot/api-client';
import { Connection } from 'jsforce';
import { TokenCipher } from '../../src/lib/crypto.js';
import { browse } from '../../src/lib/browser-fetch.js';
import type { HubspotSandbox } from '../../connectors/hubspot/sandbox/index.js';
import type { Closeloop } from '../../src/main.js';
import { startHubspotLoop, TEST_KEY, waitFor } from '../helpers/closeloop.js';
import { hubspotFixtures } from '../helpers/hubspot-fixtures.js';
import {
  backfilled,
  installSalesforce,
  salesRep,
  startSalesforceLoop,
  subscribed,
  type SalesforceLoop,
} from '../helpers/salesforce.js';

const DAY = 86_400_000;

/**
 * A draft written for a deal, then RevOps renames the deal and changes the contact's email address (the old one
 * bounced): the draft must not stay live addressed to the old address, one click from being sent there. It is
 * withdrawn, saying why, and the task (kept open, updated when the customer writes again) says why it has no draft.
 * Read back through the official clients.
 */
describe('HubSpot: a draft after its recipient changed address', () => {
  let hs: HubspotSandbox;
  let cl: Closeloop;
  let stop: () => Promise<void>;
  let portalId: number;
  let client: Client;
  let fx: ReturnType<typeof hubspotFixtures>;
  let contact: string;
  let deal: string;
  let odd: string;
  let oddDeal: string;
  let edited: string;
  let editedDeal: string;

  beforeAll(async () => {
    ({ hs, cl, stop } = await startHubspotLoop());
    portalId = hs.defaultPortalId;
    hs.store
      .portal(portalId)
      .addOwner({ id: '9001', userId: 7001, email: 'morgan@vendorly.example', firstName: 'Morgan', lastName: 'Reyes' });
    fx = hubspotFixtures(hs, portalId, '9001', () => Date.now());
    contact = fx.contact('Ben', 'Kay', 'ben@bravo.example');
    deal = fx.deal('Bravo fleet', 'contractsent', [contact]);
    fx.email(
      deal,
      contact,
      2 * DAY,
      'INCOMING_EMAIL',
      'Re: Contract',
      'Morgan, our budget was cut this quarter, so we cannot sign the Bravo contract at this price.',
    );
    // A contact whose name reads as an instruction ("Forward All ..."): closeloop's own reason naming them is refused.
    odd = fx.contact('Forward', 'All', 'fa@delta.example');
    oddDeal = fx.deal('Delta fleet', 'contractsent', [odd]);
    fx.email(
      oddDeal,
      odd,
      2 * DAY,
      'INCOMING_EMAIL',
      'Re: Contract',
      'Morgan, our budget was cut this quarter, so we cannot sign the Delta contract at this price.',
    );
    // A task the rep will have rewritten in their own words before the address changes.
    edited = fx.contact('Cleo', 'Park', 'cleo@echo.example');
    editedDeal = fx.deal('Echo fleet', 'contractsent', [edited]);
    fx.email(
      editedDeal,
      edited,
      2 * DAY,
      'INCOMING_EMAIL',
      'Re: Contract',
      'Morgan, our budget was cut this quarter, so we cannot sign the Echo contract at this price.',
    );
    expect((await browse(`${cl.url}/install/hubspot`)).status).toBe(200);
    await waitFor(
      async () => (await cl.store.connections.byAccount('hubspot', String(portalId)))?.backfill_done_at,
      30000,
      'backfill',
    );
    client = new Client({
      accessToken: hs.issueTokens(portalId).accessToken,
      basePath: hs.url,
      numberOfApiCallRetries: 6,
    });
  }, 90_000);
  afterAll(async () => {
    await stop();
  });

  const tasksOf = async (dealId: string) => {
    const ids = fx.tasksOn(dealId).map((t) => t.id);
    const read = await client.crm.objects.tasks.batchApi.read({
      inputs: ids.map((id) => ({ id })),
      properties: ['hs_task_subject', 'hs_task_body', 'hs_task_status', 'hs_task_type'],
      propertiesWithHistory: [],
    });
    return read.results;
  };

  test('the deal renamed and the contact given a new address: the draft to the old address is withdrawn, the task says why', async () => {
    await waitFor(() => fx.tasksOn(deal).length === 2 || null, 90_000, 'the task and its draft');
    const draft = fx.tasksOn(deal).find((t) => t.properties.hs_task_type === 'EMAIL')!;
    expect(String(draft.properties.hs_task_body)).toContain('ben@bravo.example');
    // RevOps: the deal renamed, the contact's address replaced (the old one bounced).
    await client.crm.deals.basicApi.update(deal, { properties: { dealname: 'Bravo logistics' } });
    await client.crm.contacts.basicApi.update(contact, { properties: { email: 'ben.kay@bravo-group.example' } });
    await hs.flushWebhooks();
    await waitFor(
      () => fx.tasksOn(deal).find((x) => x.id === draft.id)?.properties.hs_task_status === 'COMPLETED' || null,
      45_000,
      'the draft to the old address withdrawn',
    );
    await waitFor(
      () =>
        fx
          .tasksOn(deal)
          .some(
            (x) =>
              x.properties.hs_task_type === 'TODO' &&
              /The draft reply was withdrawn/.test(String(x.properties.hs_task_body)),
          ) || null,
      45_000,
      'the task saying why',
    );
    const read = await tasksOf(deal);
    const withdrawn = read.find((x) => x.id === draft.id)!;
    expect(withdrawn.properties.hs_task_subject).toMatch(
      /^Withdrawn draft: Ben Kay has a new email address since this draft was written/,
    );
    const todo = read.find((x) => x.properties.hs_task_type === 'TODO')!;
    expect(todo.properties.hs_task_status).not.toBe('COMPLETED');
    expect(todo.properties.hs_task_body).toMatch(
      // The body is HTML in HubSpot: the apostrophe is escaped there.
      /The draft reply was withdrawn: Ben Kay(?:'|&#39;)s email address changed after it was written/,
    );

    // The customer writes about the budget again: the task takes it; no draft to the old address is live.
    fx.email(
      deal,
      contact,
      60_000,
      'INCOMING_EMAIL',
      'Re: Contract',
      'Morgan, to be clear, the budget freeze also covers the Bravo logistics contract until next quarter.',
    );
    await hs.flushWebhooks();
    await waitFor(
      () =>
        fx
          .tasksOn(deal)
          .some(
            (x) =>
              x.properties.hs_task_type === 'TODO' &&
              /budget freeze also covers/.test(String(x.properties.hs_task_body)),
          ) || null,
      45_000,
      'the task updated with the new email',
    );
    const live = (await tasksOf(deal)).filter(
      (x) => x.properties.hs_task_type === 'EMAIL' && x.properties.hs_task_status !== 'COMPLETED',
    );
    expect(live.filter((x) => String(x.properties.hs_task_body).includes('ben@bravo.example'))).toEqual([]);
  }, 240_000);

  test('a recipient whose name the output gate refuses in the reason: the draft to the old address is withdrawn all the same', async () => {
    const draft = await waitFor(
      () => fx.tasksOn(oddDeal).find((t) => t.properties.hs_task_type === 'EMAIL') ?? null,
      60_000,
      'the draft',
    );
    expect(String(draft.properties.hs_task_body)).toContain('fa@delta.example');
    await client.crm.contacts.basicApi.update(odd, { properties: { email: 'fa@delta-group.example' } });
    await hs.flushWebhooks();
    await waitFor(
      () => fx.tasksOn(oddDeal).find((x) => x.id === draft.id)?.properties.hs_task_status === 'COMPLETED' || null,
      45_000,
      'the draft to the old address withdrawn',
    );
    const withdrawn = (await tasksOf(oddDeal)).find((x) => x.id === draft.id)!;
    expect(withdrawn.properties.hs_task_subject).toMatch(
      /^Withdrawn draft: The recipient has a new email address since this draft was written/,
    );
  }, 180_000);

  test('the task the rep rewrote keeps their words when the draft is withdrawn; the reason goes below them', async () => {
    await waitFor(() => fx.tasksOn(editedDeal).length === 2 || null, 60_000, 'the task and its draft');
    const todo = fx.tasksOn(editedDeal).find((t) => t.properties.hs_task_type === 'TODO')!;
    const draft = fx.tasksOn(editedDeal).find((t) => t.properties.hs_task_type === 'EMAIL')!;
    await client.crm.objects.tasks.basicApi.update(todo.id, {
      properties: { hs_task_body: 'Call Cleo on Thursday about phasing the rollout.' },
    });
    await client.crm.contacts.basicApi.update(edited, { properties: { email: 'cleo.park@echo-group.example' } });
    await hs.flushWebhooks();
    await waitFor(
      () => fx.tasksOn(editedDeal).find((x) => x.id === draft.id)?.properties.hs_task_status === 'COMPLETED' || null,
      45_000,
      'the draft to the old address withdrawn',
    );
    await waitFor(
      () =>
        /The draft reply was withdrawn/.test(
          String(fx.tasksOn(editedDeal).find((x) => x.id === todo.id)?.properties.hs_task_body),
        ) || null,
      45_000,
      'the task saying why',
    );
    const read = (await tasksOf(editedDeal)).find((x) => x.id === todo.id)!;
    expect(read.properties.hs_task_body).toContain('Call Cleo on Thursday about phasing the rollout.');
    expect(read.properties.hs_task_body).toMatch(/Cleo Park(?:'|&#39;)s email address changed after it was written/);
  }, 180_000);
});

describe('Salesforce: a draft after its recipient changed address', () => {
  let loop: SalesforceLoop;
  beforeAll(async () => {
    loop = await startSalesforceLoop();
  }, 60000);
  afterAll(async () => {
    await loop.stop();
  });

  test('the contact given a new address: the draft EmailMessage to the old one is withdrawn, the task stays and says why', async () => {
    const { sf, orgId } = loop;
    const rep = salesRep(sf, orgId, {
      FirstName: 'Riley',
      LastName: 'Rep',
      Email: 'riley@sellerco.example',
      Alias: 'rrep',
    });
    const acct = sf.store.create(orgId, 'Account', { Name: 'Bravo', Website: 'https://bravo.example' });
    const contact = sf.store.create(orgId, 'Contact', {
      FirstName: 'Ben',
      LastName: 'Kay',
      Email: 'ben@bravo.example',
      AccountId: acct,
    });
    const opp = sf.store.create(orgId, 'Opportunity', {
      Name: 'Bravo renewal',
      StageName: 'Negotiation/Review',
      CloseDate: '2027-01-31',
      Amount: 48000,
      AccountId: acct,
      OwnerId: rep,
    });
    sf.store.create(orgId, 'OpportunityContactRole', { OpportunityId: opp, ContactId: contact, IsPrimary: true });
    sf.store.create(orgId, 'EmailMessage', {
      Subject: 'Re: renewal',
      TextBody:
        'Hi Riley, finance just cut our budget for next year, so we cannot sign the Bravo renewal at this price.',
      Status: '0',
      Incoming: true,
      FromAddress: 'ben@bravo.example',
      FromName: 'Ben Kay',
      MessageDate: new Date(Date.now() - 2 * DAY).toISOString(),
      RelatedToId: opp,
      ToIds: [contact],
    });
    await installSalesforce(loop.cl);
    const conn = await backfilled(loop.cl, orgId, 120_000);
    await subscribed(loop, conn.id);
    const task = () =>
      sf.store
        .list(orgId, 'Task')
        .find((t) => t.WhatId === opp && t.Closeloop_Key__c && /budget concern/.test(String(t.Subject)));
    const drafts = () =>
      sf.store.list(orgId, 'EmailMessage').filter((m) => m.RelatedToId === opp && String(m.Status) === '5');
    await waitFor(() => (task() && drafts().length === 1) || null, 90_000, 'a task and a draft');
    expect(drafts()[0]!.ToAddress).toBe('ben@bravo.example');

    // RevOps renames the opportunity and replaces the contact's address.
    sf.store.update(orgId, 'Opportunity', opp, { Name: 'Bravo logistics renewal' }, { userId: rep });
    sf.store.update(orgId, 'Contact', contact, { Email: 'ben.kay@bravo-group.example' }, { userId: rep });
    await waitFor(() => drafts().length === 0 || null, 60_000, 'the draft to the old address withdrawn');
    const t = await waitFor(
      () => {
        const x = task();
        return x &&
          /The draft reply was withdrawn: Ben Kay's email address changed after it was written/.test(
            String(x.Description),
          )
          ? x
          : null;
      },
      30000,
      'the task saying why',
    );
    expect(t.Status).not.toBe('Completed');
    // Read back through jsforce as the rep's org holds it: no draft left to the old address.
    const jsf = new Connection({
      instanceUrl: sf.url,
      accessToken: new TokenCipher(TEST_KEY).decrypt(conn.access_token_enc),
      version: '62.0',
    });
    const found = await jsf.query<{ Id: string }>(
      `SELECT Id FROM EmailMessage WHERE RelatedToId = '${opp}' AND Status = '5' AND ToAddress = 'ben@bravo.example'`,
    );
    expect(found.records).toEqual([]);
  }, 420_000);
});
