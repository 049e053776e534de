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
 * A draft written for a deal, then RevOps renames the deal, renames the contact or changes the contact's email address
 * (the old one bounced): the draft must not stay live with the old names, or addressed to the old address, one click
 * from being sent there. It follows: written again in place, the names and the address as the CRM has them now, the
 * task saying where it goes now. A draft the rep edited is never overwritten or removed: it is left as they wrote it,
 * and the task says what changed, or why it should not be sent. Read back through the official clients.
 */
describe('HubSpot: a draft after the CRM renamed or re-addressed what it names', () => {
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
  let renamed: string;
  let renamedDeal: string;
  let repDraft: string;
  let repDraftDeal: string;
  let repOptOut: string;
  let repOptOutDeal: string;

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
    // A contact RevOps renames (the record had the wrong first name).
    renamed = fx.contact('Dan', 'Ross', 'dan@foxtrot.example');
    renamedDeal = fx.deal('Foxtrot fleet', 'contractsent', [renamed]);
    fx.email(
      renamedDeal,
      renamed,
      2 * DAY,
      'INCOMING_EMAIL',
      'Re: Contract',
      'Morgan, our budget was cut this quarter, so we cannot sign the Foxtrot contract at this price.',
    );
    // A draft the rep will have rewritten in their own words before the address changes.
    repDraft = fx.contact('Gil', 'Ward', 'gil@golf.example');
    repDraftDeal = fx.deal('Golf fleet', 'contractsent', [repDraft]);
    fx.email(
      repDraftDeal,
      repDraft,
      2 * DAY,
      'INCOMING_EMAIL',
      'Re: Contract',
      'Morgan, our budget was cut this quarter, so we cannot sign the Golf contract at this price.',
    );
    // A draft the rep rewrote before the contact asks not to be emailed again.
    repOptOut = fx.contact('Hana', 'Lee', 'hana@hotel.example');
    repOptOutDeal = fx.deal('Hotel fleet', 'contractsent', [repOptOut]);
    fx.email(
      repOptOutDeal,
      repOptOut,
      2 * DAY,
      'INCOMING_EMAIL',
      'Re: Contract',
      'Morgan, our budget was cut this quarter, so we cannot sign the Hotel contract at this price.',
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

  const open = (x: { properties: Record<string, string | null | undefined> }) =>
    x.properties.hs_task_status !== 'COMPLETED';
  const draftOf = (dealId: string) =>
    waitFor(() => fx.tasksOn(dealId).find((t) => t.properties.hs_task_type === 'EMAIL') ?? null, 90_000, 'the draft');
  const todoOf = (dealId: string) =>
    waitFor(() => fx.tasksOn(dealId).find((t) => t.properties.hs_task_type === 'TODO') ?? null, 90_000, 'the task');

  test('the deal renamed and the contact given a new address: the same draft now goes to the new address and names the deal by its new name; the task says so', async () => {
    await waitFor(() => fx.tasksOn(deal).length === 2 || null, 90_000, 'the task and its draft');
    const draft = fx.tasksOn(deal).find((t) => t.properties.hs_task_type === 'EMAIL')!;
    expect(String(draft.properties.hs_task_body)).toContain('ben@bravo.example');
    expect(String(draft.properties.hs_task_body)).toContain('Bravo fleet');
    // RevOps: the deal renamed, the contact's address replaced (the old one bounced).
    await client.crm.deals.basicApi.update(deal, { properties: { dealname: 'Bravo logistics' } });
    await client.crm.contacts.basicApi.update(contact, { properties: { email: 'ben.kay@bravo-group.example' } });
    await hs.flushWebhooks();
    await waitFor(
      () => {
        const body = String(fx.tasksOn(deal).find((x) => x.id === draft.id)?.properties.hs_task_body);
        return (body.includes('ben.kay@bravo-group.example') && body.includes('Bravo logistics')) || null;
      },
      60_000,
      'the draft written again',
    );
    await waitFor(
      () =>
        fx
          .tasksOn(deal)
          .some(
            (x) =>
              x.properties.hs_task_type === 'TODO' && /It was re-addressed/.test(String(x.properties.hs_task_body)),
          ) || null,
      45_000,
      'the task saying the draft was re-addressed',
    );
    const read = await tasksOf(deal);
    const followed = read.find((x) => x.id === draft.id)!;
    expect(followed.properties.hs_task_status).not.toBe('COMPLETED');
    expect(followed.properties.hs_task_subject).toBe('Reply to Ben Kay: Re: Contract');
    expect(followed.properties.hs_task_body).toContain('ben.kay@bravo-group.example');
    expect(followed.properties.hs_task_body).not.toContain('ben@bravo.example');
    expect(followed.properties.hs_task_body).toContain('a way forward on Bravo logistics');
    expect(followed.properties.hs_task_body).not.toContain('Bravo fleet');
    expect(followed.properties.hs_task_body).toMatch(/Hi Ben,/);
    // One draft, written again in place: no second one, none withdrawn.
    expect(read.filter((x) => x.properties.hs_task_type === 'EMAIL')).toHaveLength(1);
    const todo = read.find((x) => x.properties.hs_task_type === 'TODO')!;
    expect(todo.properties.hs_task_status).not.toBe('COMPLETED');
    expect(todo.properties.hs_task_body).toMatch(
      // The body is HTML in HubSpot: the apostrophe is escaped there.
      /is ready for you to review and send\. It was re-addressed after it was written: the CRM now has ben\.kay@bravo-group\.example as Ben Kay(?:'|&#39;)s email address\./,
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
    const live = (await tasksOf(deal)).filter((x) => x.properties.hs_task_type === 'EMAIL' && open(x));
    expect(live.filter((x) => String(x.properties.hs_task_body).includes('ben@bravo.example'))).toEqual([]);
    expect(live.filter((x) => String(x.properties.hs_task_body).includes('ben.kay@bravo-group.example'))).toHaveLength(
      1,
    );
  }, 240_000);

  test('a recipient whose name the output gate refuses in the task line: the draft still follows the new address', async () => {
    const draft = await draftOf(oddDeal);
    expect(String(draft.properties.hs_task_body)).toContain('fa@delta.example');
    await client.crm.contacts.basicApi.update(odd, { properties: { email: 'fa@delta-group.example' } });
    await hs.flushWebhooks();
    await waitFor(
      () =>
        String(fx.tasksOn(oddDeal).find((x) => x.id === draft.id)?.properties.hs_task_body).includes(
          'fa@delta-group.example',
        ) || null,
      45_000,
      'the draft re-addressed',
    );
    const followed = (await tasksOf(oddDeal)).find((x) => x.id === draft.id)!;
    expect(followed.properties.hs_task_status).not.toBe('COMPLETED');
    expect(followed.properties.hs_task_body).not.toContain('fa@delta.example');
  }, 180_000);

  test('the task the rep rewrote keeps their words when the draft follows the new address; the line goes below them', async () => {
    await waitFor(() => fx.tasksOn(editedDeal).length === 2 || null, 60_000, 'the task and its draft');
    const todo = fx.tasksOn(editedDeal).find((t) => t.properties.hs_task_type === 'TODO')!;
    const draft = fx.tasksOn(editedDeal).find((t) => t.properties.hs_task_type === 'EMAIL')!;
    await client.crm.objects.tasks.basicApi.update(todo.id, {
      properties: { hs_task_body: 'Call Cleo on Thursday about phasing the rollout.' },
    });
    await client.crm.contacts.basicApi.update(edited, { properties: { email: 'cleo.park@echo-group.example' } });
    await hs.flushWebhooks();
    await waitFor(
      () =>
        /It was re-addressed/.test(
          String(fx.tasksOn(editedDeal).find((x) => x.id === todo.id)?.properties.hs_task_body),
        ) || null,
      45_000,
      'the task saying the draft was re-addressed',
    );
    const read = await tasksOf(editedDeal);
    const t = read.find((x) => x.id === todo.id)!;
    expect(t.properties.hs_task_body).toContain('Call Cleo on Thursday about phasing the rollout.');
    expect(t.properties.hs_task_body).toMatch(
      /It was re-addressed after it was written: the CRM now has cleo\.park@echo-group\.example as Cleo Park(?:'|&#39;)s email address\./,
    );
    expect(read.find((x) => x.id === draft.id)!.properties.hs_task_body).toContain('cleo.park@echo-group.example');
  }, 180_000);

  test('the contact renamed in the CRM: the draft greets them and shows them by their name now', async () => {
    const draft = await draftOf(renamedDeal);
    expect(String(draft.properties.hs_task_body)).toMatch(/Hi Dan,/);
    await client.crm.contacts.basicApi.update(renamed, { properties: { firstname: 'Daniela' } });
    await hs.flushWebhooks();
    await waitFor(
      () =>
        /Hi Daniela,/.test(String(fx.tasksOn(renamedDeal).find((x) => x.id === draft.id)?.properties.hs_task_body)) ||
        null,
      45_000,
      'the draft greeting the contact by their name now',
    );
    const followed = (await tasksOf(renamedDeal)).find((x) => x.id === draft.id)!;
    expect(followed.properties.hs_task_status).not.toBe('COMPLETED');
    expect(followed.properties.hs_task_subject).toBe('Reply to Daniela Ross: Re: Contract');
    expect(followed.properties.hs_task_body).toContain('Daniela Ross &lt;dan@foxtrot.example&gt;');
    expect(followed.properties.hs_task_body).not.toMatch(/Hi Dan,/);
  }, 180_000);

  test('a draft the rep rewrote is kept as they wrote it when the address changes; the task says not to send it to the old one', async () => {
    const draft = await draftOf(repDraftDeal);
    const todo = await todoOf(repDraftDeal);
    const mine = 'Gil, happy to phase the rollout over two quarters. Does Tuesday work for a call? Morgan';
    await client.crm.objects.tasks.basicApi.update(draft.id, { properties: { hs_task_body: mine } });
    await client.crm.contacts.basicApi.update(repDraft, { properties: { email: 'gil.ward@golf-group.example' } });
    await hs.flushWebhooks();
    await waitFor(
      () =>
        /You edited the draft email/.test(
          String(fx.tasksOn(repDraftDeal).find((x) => x.id === todo.id)?.properties.hs_task_body),
        ) || null,
      45_000,
      'the task saying what changed',
    );
    const read = await tasksOf(repDraftDeal);
    const kept = read.find((x) => x.id === draft.id)!;
    expect(kept.properties.hs_task_status).not.toBe('COMPLETED');
    expect(kept.properties.hs_task_body).toBe(mine);
    expect(read.find((x) => x.id === todo.id)!.properties.hs_task_body).toMatch(
      /You edited the draft email \(&quot;Re: Contract&quot;\), so it was left as you wrote it; check it before you send it: Gil Ward(?:'|&#39;)s email address changed after it was written\./,
    );
  }, 180_000);

  test('a draft the rep rewrote is never withdrawn over their words: the recipient opts out, the task says not to send it', async () => {
    const draft = await draftOf(repOptOutDeal);
    const todo = await todoOf(repOptOutDeal);
    const mine = 'Hana, we can phase the rollout. Call me when you are back. Morgan';
    await client.crm.objects.tasks.basicApi.update(draft.id, { properties: { hs_task_body: mine } });
    fx.email(repOptOutDeal, repOptOut, 60_000, 'INCOMING_EMAIL', 'Re: Contract', 'Please stop emailing me.');
    await hs.flushWebhooks();
    await waitFor(
      () =>
        /You edited the draft reply, so it was left as you wrote it, but it should not be sent/.test(
          String(fx.tasksOn(repOptOutDeal).find((x) => x.id === todo.id)?.properties.hs_task_body),
        ) || null,
      60_000,
      'the task saying why the draft should not be sent',
    );
    const read = await tasksOf(repOptOutDeal);
    const kept = read.find((x) => x.id === draft.id)!;
    expect(kept.properties.hs_task_status).not.toBe('COMPLETED');
    expect(kept.properties.hs_task_subject).not.toMatch(/^Withdrawn draft/);
    expect(kept.properties.hs_task_body).toBe(mine);
    expect(read.find((x) => x.id === todo.id)!.properties.hs_task_body).toMatch(
      /Hana Lee asked not to be emailed again/,
    );
  }, 180_000);
});

describe('Salesforce: a draft EmailMessage after the CRM renamed or re-addressed what it names', () => {
  let loop: SalesforceLoop;
  beforeAll(async () => {
    loop = await startSalesforceLoop();
  }, 60000);
  afterAll(async () => {
    await loop.stop();
  });

  test('the opportunity renamed and the contact given a new address: the same draft now goes there and names the deal by its new name; a draft the rep edited is kept as they wrote it', async () => {
    const { sf, orgId } = loop;
    const rep = salesRep(sf, orgId, {
      FirstName: 'Riley',
      LastName: 'Rep',
      Email: 'riley@sellerco.example',
      Alias: 'rrep',
    });
    /** An opportunity whose contact wrote that the budget was cut: closeloop writes a task and a draft reply. */
    const opportunity = (name: string, first: string, last: string, email: string, website: string) => {
      const acct = sf.store.create(orgId, 'Account', { Name: name.split(' ')[0], Website: website });
      const contact = sf.store.create(orgId, 'Contact', {
        FirstName: first,
        LastName: last,
        Email: email,
        AccountId: acct,
      });
      const opp = sf.store.create(orgId, 'Opportunity', {
        Name: name,
        StageName: 'Negotiation/Review',
        CloseDate: '2027-01-31',
        Amount: 48000,
        AccountId: acct,
        OwnerId: rep,
      });
      sf.store.create(orgId, 'OpportunityContactRole', { OpportunityId: opp, ContactId: contact, IsPrimary: true });
      sf.store.create(orgId, 'EmailMessage', {
        Subject: 'Re: renewal',
        TextBody: `Hi Riley, finance just cut our budget for next year, so we cannot sign the ${name} at this price.`,
        Status: '0',
        Incoming: true,
        FromAddress: email,
        FromName: `${first} ${last}`,
        MessageDate: new Date(Date.now() - 2 * DAY).toISOString(),
        RelatedToId: opp,
        ToIds: [contact],
      });
      return { contact, opp };
    };
    const bravo = opportunity('Bravo renewal', 'Ben', 'Kay', 'ben@bravo.example', 'https://bravo.example');
    const golf = opportunity('Golf renewal', 'Gil', 'Ward', 'gil@golf.example', 'https://golf.example');
    const hotel = opportunity('Hotel renewal', 'Hana', 'Lee', 'hana@hotel.example', 'https://hotel.example');
    await installSalesforce(loop.cl);
    const conn = await backfilled(loop.cl, orgId, 120_000);
    await subscribed(loop, conn.id);
    const task = (opp: string) =>
      sf.store
        .list(orgId, 'Task')
        .find((t) => t.WhatId === opp && t.Closeloop_Key__c && /budget concern/.test(String(t.Subject)));
    const drafts = (opp: string) =>
      sf.store.list(orgId, 'EmailMessage').filter((m) => m.RelatedToId === opp && String(m.Status) === '5');
    for (const { opp } of [bravo, golf, hotel])
      await waitFor(() => (task(opp) && drafts(opp).length === 1) || null, 90_000, 'a task and a draft');
    const draft = drafts(bravo.opp)[0]!;
    expect(draft.ToAddress).toBe('ben@bravo.example');
    expect(String(draft.TextBody)).toContain('a way forward on Bravo renewal');
    const jsf = new Connection({
      instanceUrl: sf.url,
      accessToken: new TokenCipher(TEST_KEY).decrypt(conn.access_token_enc),
      version: '62.0',
    });
    type Email = { Id: string; Status: string; ToAddress: string; Subject: string; TextBody: string; HtmlBody: string };
    const readEmail = async (id: string) =>
      (
        await jsf.query<Email>(
          `SELECT Id, Status, ToAddress, Subject, TextBody, HtmlBody FROM EmailMessage WHERE Id = '${id}'`,
        )
      ).records[0];

    // The rep rewrites two drafts in their own words (as the email editor saves them: HTML and text).
    const golfDraft = drafts(golf.opp)[0]!;
    const hotelDraft = drafts(hotel.opp)[0]!;
    const mine = (who: string) => `${who}, happy to phase the rollout over two quarters. Does Tuesday work? Riley`;
    sf.store.update(
      orgId,
      'EmailMessage',
      String(golfDraft.Id),
      { TextBody: mine('Gil'), HtmlBody: `<p>${mine('Gil')}</p>` },
      { userId: rep },
    );
    sf.store.update(
      orgId,
      'EmailMessage',
      String(hotelDraft.Id),
      { TextBody: mine('Hana'), HtmlBody: `<p>${mine('Hana')}</p>` },
      { userId: rep },
    );

    // RevOps renames the opportunity and replaces the contacts' addresses; Hana asks not to be emailed again.
    sf.store.update(orgId, 'Opportunity', bravo.opp, { Name: 'Bravo logistics renewal' }, { userId: rep });
    sf.store.update(orgId, 'Contact', bravo.contact, { Email: 'ben.kay@bravo-group.example' }, { userId: rep });
    sf.store.update(orgId, 'Contact', golf.contact, { Email: 'gil.ward@golf-group.example' }, { userId: rep });
    sf.store.create(orgId, 'EmailMessage', {
      Subject: 'Re: renewal',
      TextBody: 'Please stop emailing me.',
      Status: '0',
      Incoming: true,
      FromAddress: 'hana@hotel.example',
      FromName: 'Hana Lee',
      MessageDate: new Date(Date.now() - 60_000).toISOString(),
      RelatedToId: hotel.opp,
      ToIds: [hotel.contact],
    });

    // The draft follows: the same EmailMessage, still a draft, to the new address, naming the deal by its new name.
    await waitFor(
      () => drafts(bravo.opp).find((m) => m.Id === draft.Id && m.ToAddress === 'ben.kay@bravo-group.example') || null,
      60_000,
      'the draft re-addressed',
    );
    const t = await waitFor(
      () => {
        const x = task(bravo.opp);
        return x && /It was re-addressed after it was written/.test(String(x.Description)) ? x : null;
      },
      30000,
      'the task saying the draft was re-addressed',
    );
    expect(t.Status).not.toBe('Completed');
    expect(String(t.Description)).toContain(
      "It was re-addressed after it was written: the CRM now has ben.kay@bravo-group.example as Ben Kay's email address.",
    );
    const followed = (await readEmail(String(draft.Id)))!;
    expect(followed.Status).toBe('5');
    expect(followed.ToAddress).toBe('ben.kay@bravo-group.example');
    expect(followed.TextBody).toContain('a way forward on Bravo logistics renewal');
    expect(followed.TextBody).not.toContain('Bravo renewal');
    expect(followed.HtmlBody).toContain('Bravo logistics renewal');
    const stale = await jsf.query<{ Id: string }>(
      `SELECT Id FROM EmailMessage WHERE RelatedToId = '${bravo.opp}' AND Status = '5' AND ToAddress = 'ben@bravo.example'`,
    );
    expect(stale.records).toEqual([]);

    // The drafts the rep edited are theirs: neither rewritten nor deleted; the tasks say why to look before sending.
    await waitFor(
      () => /You edited the draft email/.test(String(task(golf.opp)?.Description)) || null,
      60_000,
      'the task saying the edited draft was kept',
    );
    expect(String(task(golf.opp)!.Description)).toContain(
      `You edited the draft email ("Re: renewal"), so it was left as you wrote it; check it before you send it: Gil Ward's email address changed after it was written.`,
    );
    const golfNow = (await readEmail(String(golfDraft.Id)))!;
    expect(golfNow.Status).toBe('5');
    expect(golfNow.TextBody).toBe(mine('Gil'));
    expect(golfNow.ToAddress).toBe('gil@golf.example');
    await waitFor(
      () =>
        /You edited the draft reply, so it was left as you wrote it, but it should not be sent: Hana Lee asked not to be emailed again\./.test(
          String(task(hotel.opp)?.Description),
        ) || null,
      60_000,
      'the task saying why the edited draft should not be sent',
    );
    const hotelNow = (await readEmail(String(hotelDraft.Id)))!;
    expect(hotelNow.Status).toBe('5');
    expect(hotelNow.TextBody).toBe(mine('Hana'));
  }, 420_000);
});
