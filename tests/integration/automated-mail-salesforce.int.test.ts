import { Connection } from 'jsforce';
import type { SalesforceSandbox } from '../../connectors/salesforce/sandbox/index.js';
import { TokenCipher } from '../../src/lib/crypto.js';
import type { Closeloop } from '../../src/main.js';
import { TEST_KEY } from '../helpers/closeloop.js';
import {
  backfilled,
  installSalesforce,
  startSalesforceLoop,
  waitFor,
  type SalesforceLoop,
  salesRep,
} from '../helpers/salesforce.js';

const DAY = 86_400_000;

describe('Salesforce: out-of-office replies, bounces and newsletters are not the customer', () => {
  let loop: SalesforceLoop;
  let sf: SalesforceSandbox;
  let cl: Closeloop;
  let orgId: string;
  let conn: Connection;
  const O: Record<string, string> = {};

  beforeAll(async () => {
    loop = await startSalesforceLoop({ env: { STALE_DEAL_DAYS: '14' } });
    ({ sf, cl, orgId } = loop);
    const owner = salesRep(sf, orgId, {
      FirstName: 'Morgan',
      LastName: 'Reyes',
      Email: 'morgan@vendorly.example',
      Alias: 'mreyes',
    });
    const mk = (acct: string, site: string, first: string, last: string, email: string, opp: string, stage: string) => {
      const account = sf.store.create(orgId, 'Account', { Name: acct, Website: `https://${site}` });
      const c = sf.store.create(orgId, 'Contact', {
        FirstName: first,
        LastName: last,
        Email: email,
        AccountId: account,
      });
      const o = sf.store.create(orgId, 'Opportunity', {
        Name: opp,
        StageName: stage,
        CloseDate: '2030-01-31',
        Amount: 30000,
        AccountId: account,
        OwnerId: owner,
      });
      sf.store.create(orgId, 'OpportunityContactRole', { OpportunityId: o, ContactId: c, IsPrimary: true });
      return { c, o };
    };
    const em = (
      opp: string,
      contact: string,
      days: number,
      incoming: boolean,
      subject: string,
      body: string,
      from: [string, string],
    ) =>
      sf.store.create(orgId, 'EmailMessage', {
        Subject: subject,
        TextBody: body,
        Status: '3',
        Incoming: incoming,
        FromAddress: from[0],
        FromName: from[1],
        MessageDate: new Date(Date.now() - days * DAY).toISOString(),
        RelatedToId: opp,
        ToIds: [contact],
      });
    // OOO after the rep answered the budget concern (the rep's reply answered it; the OOO raises nothing again).
    const a = mk(
      'Northwind',
      'northwind.example',
      'Priya',
      'Natarajan',
      'priya@northwind.example',
      'Northwind platform',
      'Negotiation/Review',
    );
    em(
      a.o,
      a.c,
      3,
      true,
      'Re: Proposal',
      'Hi Morgan, our budget is capped at 18k this year, so the 30k quote does not work for us.',
      ['priya@northwind.example', 'Priya Natarajan'],
    );
    em(a.o, a.c, 2, false, 'Re: Proposal', 'Hi Priya, understood; could a phased rollout fit 18k in year one?', [
      'morgan@vendorly.example',
      'Morgan Reyes',
    ]);
    em(
      a.o,
      a.c,
      1.99,
      true,
      'Automatic reply: Re: Proposal',
      'I am out of the office until 14 December with limited access to email. For urgent matters contact ops@northwind.example.',
      ['priya@northwind.example', 'Priya Natarajan'],
    );
    // Bounce as the last inbound on a quiet opportunity.
    const b = mk(
      'Fabrikam',
      'fabrikam.example',
      'Tom',
      'Becker',
      'tom.becker@fabrikam.example',
      'Fabrikam pilot',
      'Qualification',
    );
    em(b.o, b.c, 21, false, 'Pilot scope', 'Hi Tom, attaching the pilot scope. Does the timeline work?', [
      'morgan@vendorly.example',
      'Morgan Reyes',
    ]);
    em(
      b.o,
      b.c,
      20.99,
      true,
      'Undeliverable: Pilot scope',
      "Delivery has failed to these recipients or groups:\n\ntom.becker@fabrikam.example\nThe email address you entered couldn't be found.\n\nDiagnostic information for administrators:\nRemote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound'",
      ['postmaster@fabrikam.example', 'Microsoft Outlook'],
    );
    // Newsletter from noreply on a negotiation opportunity.
    const c = mk(
      'Adatum',
      'adatum.example',
      'Omar',
      'Haddad',
      'omar@adatum.example',
      'Adatum security',
      'Negotiation/Review',
    );
    em(
      c.o,
      c.c,
      1,
      true,
      'Adatum Monthly: stretch your IT budget',
      'ADATUM MONTHLY\n\nBudgets are tight: most CIOs say their budget was cut this year, so they cannot buy everything they planned.\n\nTo unsubscribe, click here.',
      ['noreply@news.adatum.example', 'Adatum News'],
    );
    Object.assign(O, { ooo: a.o, bounce: b.o, news: c.o });
    await installSalesforce(cl);
    const row = await backfilled(cl, orgId, 60_000);
    conn = new Connection({
      instanceUrl: sf.url,
      accessToken: new TokenCipher(TEST_KEY).decrypt(row.access_token_enc),
      version: '62.0',
    });
  }, 150_000);
  afterAll(async () => {
    await loop.stop();
  });

  test('read back', async () => {
    await waitFor(
      async () => {
        const withTask = await conn.query<{ WhatId: string }>(
          `SELECT WhatId FROM Task WHERE WhatId IN ('${O.bounce}')`,
        );
        return new Set(withTask.records.map((t) => t.WhatId)).size === 1 || null;
      },
      60_000,
      'the bounce task',
    ).catch(() => null);
    await new Promise((r) => setTimeout(r, 10_000));
  }, 90_000);
  const q = async (id: string) => ({
    tasks: (await conn.query<any>(`SELECT Subject, Description, Status FROM Task WHERE WhatId = '${id}'`)).records,
    drafts: (
      await conn.query<any>(
        `SELECT Subject, TextBody, ToAddress FROM EmailMessage WHERE RelatedToId = '${id}' AND Status = '5'`,
      )
    ).records,
  });
  test('SF 1 the rep answered the budget concern; an OOO after it raises nothing again (no task, no draft)', async () => {
    const r = await q(O.ooo!);
    expect(r.tasks).toEqual([]);
    expect(r.drafts).toEqual([]);
  });
  test('SF 2 bounce: no draft in the thread of the NDR, no NDR text quoted as the contact', async () => {
    const r = await q(O.bounce!);
    for (const d of r.drafts) expect(d.Subject).not.toMatch(/Undeliverable/);
    for (const t of r.tasks) expect(t.Description).not.toMatch(/Delivery has failed/);
  });
  test('SF 3 newsletter from noreply raises no budget task or draft', async () => {
    const r = await q(O.news!);
    expect(r.tasks.length + r.drafts.length).toBe(0);
  });
});
