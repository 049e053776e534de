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

/**
 * What a rep finds in Salesforce, read back through jsforce (issue 9, item 8): two budget emails on one opportunity
 * → one Task and one draft EmailMessage; the draft replies in the thread of the newest one (ReplyToEmailMessageId),
 * is addressed to the contact who wrote, comes from the opportunity owner (FromName/FromAddress, the User) and is
 * signed with their name; the Task speaks the rep's language (stage label, quotes, Lightning links).
 */
describe(`what a rep finds in Salesforce (${process.env.DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  let loop: SalesforceLoop;
  let sf: SalesforceSandbox;
  let cl: Closeloop;
  let orgId: string;
  let conn: Connection;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    loop = await startSalesforceLoop({ env: { STALE_DEAL_DAYS: '14' } });
    ({ sf, cl, orgId } = loop);
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
    const email = (days: number, text: string) =>
      sf.store.create(orgId, 'EmailMessage', {
        Subject: 'Re: Expansion pricing',
        TextBody: text,
        Status: '3',
        Incoming: true,
        FromAddress: 'carl@acme.example',
        FromName: 'Carl Gauss',
        MessageDate: new Date(Date.now() - days * DAY).toISOString(),
        RelatedToId: opp,
        ToIds: [carl],
      });
    ids.first = email(3, 'Hi Riley, our budget was cut this quarter and we cannot go above what we have.');
    ids.newest = email(
      1,
      'Hi Riley, finance confirmed the budget freeze, we need to revisit the budget before we sign.',
    );
    Object.assign(ids, { owner, carl, opp });
    const installed = await installSalesforce(cl);
    const row = await backfilled(cl, orgId, 60_000);
    conn = new Connection({
      instanceUrl: sf.url,
      accessToken: new TokenCipher(TEST_KEY).decrypt(row.access_token_enc),
      version: '62.0',
    });
    void installed;
  }, 150_000);
  afterAll(async () => {
    await loop.stop();
  });

  test('one Task and one draft for two budget emails, read through jsforce', async () => {
    await waitFor(
      async () => {
        const t = await conn.query<{ Id: string }>(`SELECT Id FROM Task WHERE WhatId = '${ids.opp}'`);
        const d = await conn.query<{ Id: string }>(
          `SELECT Id FROM EmailMessage WHERE RelatedToId = '${ids.opp}' AND Status = '5'`,
        );
        return t.records.length >= 1 && d.records.length >= 1;
      },
      60_000,
      'task and draft',
    );
    await new Promise((r) => setTimeout(r, 1500));
    const tasks = (
      await conn.query<any>(
        `SELECT Id, Subject, Description, OwnerId, Priority, Status FROM Task WHERE WhatId = '${ids.opp}'`,
      )
    ).records;
    const drafts = (
      await conn.query<any>(
        `SELECT Id, Subject, TextBody, FromName, FromAddress, ToAddress, ReplyToEmailMessageId FROM EmailMessage WHERE RelatedToId = '${ids.opp}' AND Status = '5'`,
      )
    ).records;
    expect(tasks).toHaveLength(1);
    expect(drafts).toHaveLength(1);
    const [task] = tasks;
    expect(task.Subject).toBe("Answer Carl Gauss's budget concern on Acme expansion");
    expect(task.OwnerId).toBe(ids.owner);
    expect(task.Priority).toBe('High');
    expect(task.Description).toContain('Carl Gauss raised a budget problem (2 times');
    expect(task.Description).toContain('(stage: Negotiation/Review)');
    expect(task.Description).toContain(`/lightning/r/EmailMessage/${ids.newest}/view`);
    expect(task.Description).toMatch(/Quote from .*: "/);
    expect(task.Description).not.toMatch(/\{\{|closeloop note|Checks passed|checks passed|signals-|cold-start/);
    expect(task.Description).toMatch(
      /\(confidence: (high|medium|low)\)\.\nThe draft email is written from a template \(no AI model drafted it\): make it your own before sending\.\nSuggested by closeloop — review before acting\.$/,
    );
    const [draft] = drafts;
    expect(draft).toMatchObject({
      Subject: 'Re: Expansion pricing',
      FromName: 'Riley Rep',
      FromAddress: 'riley@sellerco.example',
      ToAddress: 'carl@acme.example',
    });
    // A reply in the customer's thread: to the message that raised the concern (which of Carl's two budget emails
    // that is depends on which one the first analysis saw; both are his, in this thread).
    expect([ids.first, ids.newest]).toContain(draft.ReplyToEmailMessageId);
    expect(draft.TextBody).toMatch(/^Hi Carl,/);
    // It answers the budget problem Carl named (his first email: a cut; his newest: a freeze), and proposes a call.
    expect(draft.TextBody).toMatch(/Thank you for letting me know about (the cut to your budget|the budget freeze)\./);
    expect(draft.TextBody).toMatch(/short call .*\?/);
    expect(draft.TextBody).toMatch(/Best regards,\nRiley Rep$/);
    expect(draft.TextBody).not.toMatch(/\{\{|closeloop|Model:|confidence|sug_/);
  }, 90_000);
});
