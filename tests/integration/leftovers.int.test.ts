import { Client } from '@hubspot/api-client';
import { browse } from '../../src/lib/browser-fetch.js';
import type { HubspotSandbox } from '../../connectors/hubspot/sandbox/index.js';
import type { Closeloop } from '../../src/main.js';
import { startHubspotLoop, waitFor } from '../helpers/closeloop.js';
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
 * What closeloop leaves in the CRM as time goes by, read back through the official client: a draft whose task the rep
 * deleted does not linger; a quiet deal whose follow-up the rep ticked off, and that stayed quiet a whole period since,
 * is nudged again; an email logged on two deals still gets its reply when the deal holding it closes; a draft to a contact who unsubscribed in the CRM is withdrawn.
 */
describe('HubSpot: leftovers over time', () => {
  let hs: HubspotSandbox;
  let cl: Closeloop;
  let stop: () => Promise<void>;
  let portalId: number;
  let client: Client;
  let fx: ReturnType<typeof hubspotFixtures>;
  const D: Record<string, string> = {};
  const C: Record<string, string> = {};

  beforeAll(async () => {
    ({ hs, cl, stop } = await startHubspotLoop());
    portalId = hs.defaultPortalId;
    hs.store
      .portal(portalId)
      .addOwner({ id: '9001', userId: 7001, email: 'morgan@vendorly.example', firstName: 'Morgan', lastName: 'Reyes' });
    fx = hubspotFixtures(hs, portalId, '9001', () => Date.now());
    C.del = fx.contact('Ines', 'Duarte', 'ines@tagus.example');
    D.del = fx.deal('Tagus fleet', 'contractsent', [C.del]);
    fx.email(
      D.del,
      C.del,
      2 * DAY,
      'INCOMING_EMAIL',
      'Re: Contract',
      'Morgan, our budget was cut this quarter, so we cannot sign the contract at this price.',
    );
    // A deal gone quiet: the rep's question 40 days ago, nothing since.
    C.quiet = fx.contact('Dana', 'Whitfield', 'dana@harbor.example');
    D.quiet = fx.deal('Harbor freight visibility', 'qualifiedtobuy', [C.quiet], 70 * DAY);
    fx.email(
      D.quiet,
      C.quiet,
      40 * DAY,
      'EMAIL',
      'Pricing question',
      'Hi Dana, did you get a chance to review the pricing sheet?',
    );
    // A customer who will unsubscribe from all email after closeloop drafted to them.
    C.unsub = fx.contact('Omar', 'Haddad', 'omar@nile.example');
    D.unsub = fx.deal('Nile fleet', 'contractsent', [C.unsub]);
    fx.email(
      D.unsub,
      C.unsub,
      2 * DAY,
      'INCOMING_EMAIL',
      'Re: Contract',
      'Morgan, our budget was cut this quarter, so we cannot sign the Nile contract at this price.',
    );
    // One email logged on two open deals of the same customer: answered once, by the first deal's draft.
    C.two = fx.contact('Lena', 'Berg', 'lena@fjord.example');
    D.twoA = fx.deal('Fjord analytics', 'contractsent', [C.two]);
    D.twoB = fx.deal('Fjord telematics', 'contractsent', [C.two]);
    hs.store.create(
      portalId,
      'emails',
      {
        hs_timestamp: String(Date.now() - 2 * DAY),
        hs_email_direction: 'INCOMING_EMAIL',
        hs_email_subject: 'Re: Both contracts',
        hs_email_text:
          'Morgan, our budget was cut this quarter, so we cannot sign either contract at the current price.',
      },
      {
        associations: [
          { toType: 'deals', toId: D.twoA },
          { toType: 'deals', toId: D.twoB },
          { toType: 'contacts', toId: C.two },
        ],
      },
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

  /** closeloop's tasks on a deal, read back through the official client as the rep's CRM shows them. */
  const tasksOf = async (dealId: string) => {
    const ids = fx.tasksOn(dealId).map((t) => t.id);
    const read = await client.crm.objects.tasks.batchApi.read({
      inputs: ids.map((id) => ({ id })),
      properties: ['hs_task_subject', 'hs_task_body', 'hs_task_status', 'hs_task_type'],
      propertiesWithHistory: [],
    });
    return read.results;
  };

  test('the rep deletes the task: its draft is withdrawn too, not left to be sent', async () => {
    // The suite's first analysis: it also loads the signal models (tens of seconds on a loaded machine).
    await waitFor(() => fx.tasksOn(D.del!).length === 2 || null, 90_000, 'the task and its draft');
    const pair = await tasksOf(D.del!);
    const todo = pair.find((x) => x.properties.hs_task_type === 'TODO')!;
    const draft = pair.find((x) => x.properties.hs_task_type === 'EMAIL')!;
    await client.crm.objects.tasks.basicApi.archive(todo.id);
    await hs.flushWebhooks();
    // Waited for in the sandbox's store, then read back through the official client as the rep sees it.
    await waitFor(
      () => fx.tasksOn(D.del!).find((x) => x.id === draft.id)?.properties.hs_task_status === 'COMPLETED' || null,
      45_000,
      'the draft withdrawn',
    );
    const after = (await tasksOf(D.del!)).find((x) => x.id === draft.id)!;
    expect(after.properties.hs_task_status).toBe('COMPLETED');
    expect(after.properties.hs_task_subject).toMatch(/^Withdrawn draft: The task this draft belonged to was deleted/);
  }, 180_000);

  test('the rep ticks off the stale-deal nudge, nothing is logged: not nudged again at once, but once a full period has passed', async () => {
    const open = () =>
      fx
        .tasksOn(D.quiet!)
        .filter((t) => t.properties.hs_task_type === 'TODO' && t.properties.hs_task_status !== 'COMPLETED');
    const nudge = await waitFor(() => open()[0] ?? null, 30000, 'the stale-deal task');
    await client.crm.objects.tasks.basicApi.update(nudge.id, { properties: { hs_task_status: 'COMPLETED' } });
    await hs.flushWebhooks();
    const row = await waitFor(
      async () =>
        (
          await cl.store.db.query<{ id: string }>(
            "SELECT id FROM suggestions WHERE deal_id = $1 AND type = 'stale_deal_follow_up' AND status = 'done_by_rep'",
            [D.quiet],
          )
        ).rows[0] ?? null,
      45_000,
      'the nudge recorded as done by the rep',
    );
    /** The deal is analysed again (a field no rule reads changes), as if `days` had passed since the rep ticked it off. */
    const later = async (days: number, note: string) => {
      await cl.store.db.query(`UPDATE suggestions SET closed_at = now() - make_interval(days => $2) WHERE id = $1`, [
        row.id,
        days,
      ]);
      hs.store.update(portalId, 'deals', D.quiet!, { description: note });
      await hs.flushWebhooks();
    };
    // A few days later: the rep may well have followed up off the CRM; no new nudge (given a short while to appear).
    await later(5, 'checked after 5 days');
    await waitFor(() => open().length > 0 || null, 5000, 'no nudge').catch(() => null);
    expect(open()).toEqual([]);
    // A full period (STALE_DEAL_DAYS, 14) later and still nothing logged: nudged again, once.
    await later(15, 'checked after 15 days');
    const again = await waitFor(() => open()[0] ?? null, 45_000, 'a new nudge');
    expect(again.id).not.toBe(nudge.id);
    expect(again.properties.hs_task_subject).toMatch(/^Follow up on Harbor freight visibility/);
    expect(open()).toHaveLength(1);
  }, 180_000);

  test('the customer unsubscribes from all email (seen by the poll): the draft to them is withdrawn, the task stays and says why', async () => {
    await waitFor(() => fx.tasksOn(D.unsub!).length === 2 || null, 30000, 'the task and its draft');
    const draft = fx.tasksOn(D.unsub!).find((t) => t.properties.hs_task_type === 'EMAIL')!;
    // HubSpot sets "Unsubscribed from all email" itself (read-only to apps, no webhook for it): a poll finds it.
    hs.store
      .portal(portalId)
      .update('contacts', C.unsub!, { hs_email_optout: 'true' }, { changeSource: 'CRM_UI' }, { trusted: true });
    const conn = (await cl.store.connections.byAccount('hubspot', String(portalId)))!;
    // HubSpot's search index lags its writes, so the first poll may not see it yet: the scheduled polls go on.
    let polled = 0;
    await waitFor(
      async () => {
        if (Date.now() - polled > 1000) {
          polled = Date.now();
          await cl.queue.send('poll', { connectionId: conn.id }, { singletonKey: `poll:${conn.id}` });
        }
        return fx.tasksOn(D.unsub!).find((x) => x.id === draft.id)?.properties.hs_task_status === 'COMPLETED' || null;
      },
      30000,
      'the draft withdrawn',
    );
    // The task says why: an update of its own, which may land after the withdrawal.
    await waitFor(
      () =>
        fx
          .tasksOn(D.unsub!)
          .some(
            (x) =>
              x.properties.hs_task_type === 'TODO' &&
              /The draft reply was withdrawn/.test(String(x.properties.hs_task_body)),
          ) || null,
      45_000,
      'the task saying why',
    );
    const read = await tasksOf(D.unsub!);
    const withdrawn = read.find((x) => x.id === draft.id)!;
    expect(withdrawn.properties.hs_task_subject).toMatch(/^Withdrawn draft: Omar Haddad unsubscribed from all email/);
    const todo = read.find((x) => x.properties.hs_task_type === 'TODO')!;
    expect(todo.properties.hs_task_status).not.toBe('COMPLETED');
    expect(todo.properties.hs_task_body).toMatch(
      /The draft reply was withdrawn: Omar Haddad unsubscribed from all email/,
    );
  }, 150_000);

  test('an email on two deals: when the deal holding its draft closes, the other deal gets the reply', async () => {
    const drafts = (d: string) =>
      fx.tasksOn(d).filter((t) => t.properties.hs_task_type === 'EMAIL' && t.properties.hs_task_status !== 'COMPLETED');
    const todos = (d: string) =>
      fx.tasksOn(d).filter((t) => t.properties.hs_task_type === 'TODO' && t.properties.hs_task_status !== 'COMPLETED');
    // A task on each deal, and the reply (its draft is a write of its own, after its task).
    await waitFor(
      () =>
        todos(D.twoA!).length === 1 && todos(D.twoB!).length === 1 && drafts(D.twoA!).length + drafts(D.twoB!).length
          ? true
          : null,
      30000,
      'a task on each deal and the reply',
    );
    // One reply for one email: whichever deal holds it, the other has none.
    const [holder, other] = drafts(D.twoA!).length === 1 ? [D.twoA!, D.twoB!] : [D.twoB!, D.twoA!];
    expect(drafts(holder)).toHaveLength(1);
    expect(drafts(other)).toHaveLength(0);
    hs.store.update(portalId, 'deals', holder, { dealstage: 'closedlost' });
    await hs.flushWebhooks();
    const reply = await waitFor(() => drafts(other)[0] ?? null, 30000, 'the reply on the deal still open');
    expect(reply.properties.hs_task_body).toMatch(/Hi Lena,/);
    // Still one open task and one draft on the open deal; none left open on the closed one (their withdrawals are
    // writes of their own, which may land after the new reply).
    await waitFor(
      () => (todos(other).length === 1 && todos(holder).length + drafts(holder).length === 0 ? true : null),
      30000,
      "one open task, and the closed deal's task and draft withdrawn",
    );
    expect(drafts(other)).toHaveLength(1);
    expect(drafts(holder)).toHaveLength(0);
    expect(todos(holder)).toHaveLength(0);
  }, 120000);
});

describe('Salesforce: leftovers over time', () => {
  let loop: SalesforceLoop;
  beforeAll(async () => {
    loop = await startSalesforceLoop();
  }, 60000);
  afterAll(async () => {
    await loop.stop();
  });

  test('a deleted task takes its draft with it; a contact who opts out of email loses the draft, keeps the task', async () => {
    const { sf, orgId } = loop;
    const rep = salesRep(sf, orgId, {
      FirstName: 'Riley',
      LastName: 'Rep',
      Email: 'riley@sellerco.example',
      Alias: 'rrep',
    });
    const opp = (name: string, first: string, last: string, domain: string) => {
      const acct = sf.store.create(orgId, 'Account', { Name: name, Website: `https://${domain}` });
      const contact = sf.store.create(orgId, 'Contact', {
        FirstName: first,
        LastName: last,
        Email: `${first.toLowerCase()}@${domain}`,
        AccountId: acct,
      });
      const id = sf.store.create(orgId, 'Opportunity', {
        Name: `${name} renewal`,
        StageName: 'Negotiation/Review',
        CloseDate: '2027-01-31',
        Amount: 48000,
        AccountId: acct,
        OwnerId: rep,
      });
      sf.store.create(orgId, 'OpportunityContactRole', { OpportunityId: id, ContactId: contact, IsPrimary: true });
      sf.store.create(orgId, 'EmailMessage', {
        Subject: 'Re: renewal',
        TextBody: `Hi Riley, finance just cut our budget for next year, so we cannot sign the ${name} renewal at the current price.`,
        Status: '0',
        Incoming: true,
        FromAddress: `${first.toLowerCase()}@${domain}`,
        FromName: `${first} ${last}`,
        MessageDate: new Date(Date.now() - 2 * DAY).toISOString(),
        RelatedToId: id,
        ToIds: [contact],
      });
      return { id, contact };
    };
    const del = opp('Umbrella', 'Carla', 'Chief', 'umbrella.example');
    const unsub = opp('Initech', 'Peter', 'Gibbons', 'initech.example');
    await installSalesforce(loop.cl);
    const conn = await backfilled(loop.cl, orgId, 120_000);
    await subscribed(loop, conn.id);
    // The budget task, whose draft this is (a next-step task may be on the deal too), the open one first.
    const task = (oppId: string) =>
      sf.store
        .list(orgId, 'Task')
        .filter((t) => t.WhatId === oppId && t.Closeloop_Key__c && /budget concern/.test(String(t.Subject)))
        .sort((a, b) => Number(a.Status === 'Completed') - Number(b.Status === 'Completed'))[0];
    const drafts = (oppId: string) =>
      sf.store.list(orgId, 'EmailMessage').filter((m) => m.RelatedToId === oppId && String(m.Status) === '5');
    await waitFor(
      () => [del.id, unsub.id].every((o) => task(o) && drafts(o).length === 1) || null,
      60000,
      'a task and a draft on each opportunity',
    );

    // The rep deletes the task: the draft goes too.
    sf.store.delete(orgId, 'Task', task(del.id)!.Id as string, { userId: rep });
    await waitFor(() => drafts(del.id).length === 0 || null, 60000, 'the draft of the deleted task withdrawn');

    // The contact opts out of email: the draft to them is withdrawn, the task stays open and says why.
    sf.store.update(orgId, 'Contact', unsub.contact, { HasOptedOutOfEmail: true }, { userId: rep });
    await waitFor(() => drafts(unsub.id).length === 0 || null, 30000, 'the draft to the opted-out contact withdrawn');
    const t = await waitFor(
      () => {
        const x = task(unsub.id);
        return x &&
          /The draft reply was withdrawn: Peter Gibbons unsubscribed from all email/.test(String(x.Description))
          ? x
          : null;
      },
      30000,
      'the task saying why',
    );
    expect(t.Status).not.toBe('Completed');
  }, 420_000);
});
