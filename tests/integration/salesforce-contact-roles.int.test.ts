import type { SalesforceSandbox } from '../../connectors/salesforce/sandbox/index.js';
import type { ConnectionRow } from '../../src/store/index.js';
import {
  backfilled,
  installSalesforce,
  salesRep,
  startSalesforceLoop,
  subscribed,
  waitFor,
  type SalesforceLoop,
} from '../helpers/salesforce.js';

const DAY = 86_400_000;
const ENGINE = process.env.DATABASE_URL ? 'postgres' : 'pglite';
const iso = (t: number) => new Date(t).toISOString();

/**
 * An Opportunity's contact roles decide who a suggestion is about: the primary contact role first, then the buyer's
 * deciding roles (Decision Maker, Economic Buyer, …), whatever order the roles were added in. An intern added first
 * as "Other" must not get the stale-deal Task (Subject, WhoId) or the draft email; the primary Decision Maker does.
 * The order holds for records from the backfill and from a change event.
 */
describe(`Salesforce Opportunity contact roles (${ENGINE})`, () => {
  let loop: SalesforceLoop;
  let sf: SalesforceSandbox;
  let orgId: string;
  let conn: ConnectionRow;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    loop = await startSalesforceLoop({ env: { STALE_DEAL_DAYS: '14' } });
    ({ sf, orgId } = loop);
    const rep = salesRep(sf, orgId, {
      FirstName: 'Riley',
      LastName: 'Rep',
      Email: 'riley@sellerco.example',
      Alias: 'rrep',
    });
    const account = sf.store.create(orgId, 'Account', { Name: 'Umbrella Corp', Website: 'https://umbrella.example' });
    const person = (FirstName: string, LastName: string, Title: string) =>
      sf.store.create(orgId, 'Contact', {
        FirstName,
        LastName,
        Title,
        Email: `${FirstName.toLowerCase()}@umbrella.example`,
        AccountId: account,
      });
    const ivan = person('Ivan', 'Intern', 'Intern');
    const carla = person('Carla', 'Chief', 'CFO');
    const erin = person('Erin', 'Evaluator', 'IT lead');
    const opp = sf.store.create(orgId, 'Opportunity', {
      Name: 'Umbrella platform',
      StageName: 'Proposal/Price Quote',
      CloseDate: '2030-06-30',
      Amount: 80000,
      AccountId: account,
      OwnerId: rep,
    });
    // The intern's role was added first; the primary Decision Maker last.
    sf.store.create(orgId, 'OpportunityContactRole', { OpportunityId: opp, ContactId: ivan, Role: 'Other' });
    sf.store.create(orgId, 'OpportunityContactRole', { OpportunityId: opp, ContactId: erin, Role: 'Evaluator' });
    sf.store.create(orgId, 'OpportunityContactRole', {
      OpportunityId: opp,
      ContactId: carla,
      Role: 'Decision Maker',
      IsPrimary: true,
    });
    // The last activity: a meeting nobody is named on (no WhoId), 20 days ago.
    sf.store.create(orgId, 'Event', {
      Subject: 'Proposal walkthrough',
      StartDateTime: iso(Date.now() - 20 * DAY),
      EndDateTime: iso(Date.now() - 20 * DAY + 3_600_000),
      WhatId: opp,
      OwnerId: rep,
    });
    Object.assign(ids, { account, rep, ivan, carla, erin, opp });
    await installSalesforce(loop.cl);
    conn = await backfilled(loop.cl, orgId, 60_000);
    await subscribed(loop, conn.id);
  }, 180_000);
  afterAll(async () => {
    await loop.stop();
  });

  const deal = (id: string) => loop.cl.store.records.get<any>(conn.id, 'deal', id);

  test('the backfilled deal lists its contacts primary first, then by role, then in the order the roles were added', async () => {
    // Other and Evaluator rank alike: the intern's role, added first, stays first of the two.
    expect((await deal(ids.opp!))!.associations.contacts).toEqual([ids.carla, ids.ivan, ids.erin]);
  });

  test('the stale-deal Task names the primary Decision Maker and the draft goes to her', async () => {
    const task = await waitFor(
      () => sf.store.list(orgId, 'Task').find((t) => t.WhatId === ids.opp && t.Closeloop_Key__c),
      30_000,
      'the stale-deal Task',
    );
    expect(task.Subject).toBe('Follow up on Umbrella platform with Carla Chief: no activity for 20 days');
    expect(task.WhoId).toBe(ids.carla);
    expect(String(task.Description)).toContain('Get in touch with Carla Chief');
    expect(String(task.Description)).not.toContain('Ivan');
    const draft = await waitFor(
      () => sf.store.list(orgId, 'EmailMessage').find((m) => m.RelatedToId === ids.opp && m.Status === '5'),
      30_000,
      'the draft email',
    );
    expect(draft.ToAddress).toBe('carla@umbrella.example');
    expect(String(draft.TextBody)).toMatch(/^Hi Carla,/);
  }, 90_000);

  test('a deal that arrives by change event keeps the same order; a role change read with the deal reorders it', async () => {
    const opp = sf.store.create(orgId, 'Opportunity', {
      Name: 'Umbrella support add-on',
      StageName: 'Qualification',
      CloseDate: '2030-09-30',
      Amount: 5000,
      AccountId: ids.account,
      OwnerId: ids.rep,
    });
    sf.store.create(orgId, 'OpportunityContactRole', { OpportunityId: opp, ContactId: ids.ivan, Role: 'Other' });
    sf.store.create(orgId, 'OpportunityContactRole', { OpportunityId: opp, ContactId: ids.erin });
    sf.store.create(orgId, 'OpportunityContactRole', {
      OpportunityId: opp,
      ContactId: ids.carla,
      Role: 'Economic Buyer',
    });
    const arrived = await waitFor(async () => (await deal(opp)) ?? null, 45_000, 'the new deal by change event');
    expect(arrived.associations.contacts).toEqual([ids.carla, ids.ivan, ids.erin]);

    // Erin becomes the primary contact role; the Opportunity's next change event reads the roles again.
    const erinRole = sf.store
      .list(orgId, 'OpportunityContactRole')
      .find((r) => r.OpportunityId === opp && r.ContactId === ids.erin)!;
    sf.store.update(orgId, 'OpportunityContactRole', erinRole.Id as string, { IsPrimary: true, Role: 'Evaluator' });
    sf.store.update(orgId, 'Opportunity', opp, { Amount: 6000 });
    const updated = await waitFor(
      async () => {
        const d = await deal(opp);
        return d?.amount === 6000 ? d : null;
      },
      45_000,
      'the amount change',
    );
    expect(updated.associations.contacts).toEqual([ids.erin, ids.carla, ids.ivan]);
  }, 120_000);

  test('a role change alone is followed: its change event re-reads the opportunity (whose SystemModstamp does not move)', async () => {
    const erinRole = sf.store
      .list(orgId, 'OpportunityContactRole')
      .find((r) => r.OpportunityId === ids.opp && r.ContactId === ids.erin)!;
    sf.store.update(orgId, 'OpportunityContactRole', erinRole.Id as string, { Role: 'Economic Buyer' });
    const reordered = await waitFor(
      async () => {
        const d = await deal(ids.opp!);
        return d?.associations.contacts[1] === ids.erin ? d : null;
      },
      45_000,
      'the deal re-read after the role change',
    );
    expect(reordered.associations.contacts).toEqual([ids.carla, ids.erin, ids.ivan]);

    // A contact added to the deal by a new role alone.
    const dan = sf.store.create(orgId, 'Contact', {
      FirstName: 'Dan',
      LastName: 'Deputy',
      Email: 'dan@umbrella.example',
      AccountId: ids.account,
    });
    sf.store.create(orgId, 'OpportunityContactRole', { OpportunityId: ids.opp, ContactId: dan, Role: 'Influencer' });
    const added = await waitFor(
      async () => {
        const d = await deal(ids.opp!);
        return d?.associations.contacts.includes(dan) ? d : null;
      },
      45_000,
      'the new role on the deal',
    );
    expect(added.associations.contacts[0]).toBe(ids.carla);
  }, 120_000);
});
