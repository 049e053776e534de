import { browse } from '../../src/lib/browser-fetch.js';
import type { HubspotSandbox } from '../../connectors/hubspot/sandbox/index.js';
import type { Closeloop } from '../../src/main.js';
import { startHubspotLoop, waitFor } from '../helpers/closeloop.js';
import {
  backfilled,
  installSalesforce,
  startSalesforceLoop,
  subscribed,
  type SalesforceLoop,
  salesRep,
} from '../helpers/salesforce.js';

const BUDGET = 'Hi Riley, finance just cut our budget for this quarter, so we cannot sign at the current price.';

/**
 * What closeloop wrote into the CRM follows the CRM's changes. It goes to the rep who owns the deal now, and it does
 * not outlive what it was based on (nor a recipient's wish not to be emailed): when the email, the contact or the deal
 * behind a task and its draft is deleted (or merged away) in the CRM, the suggestions about it are erased and the task
 * is closed and the draft withdrawn in the CRM, their text replaced by closeloop's reason (none of the deleted words
 * stay). A merge does not leave two open tasks for one email. Read back through the sandboxes' stores.
 */
describe(`what closeloop wrote follows the CRM's changes (${process.env.DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  describe('HubSpot', () => {
    let hs: HubspotSandbox;
    let cl: Closeloop;
    let stop: () => Promise<void>;
    let portalId: number;
    const deals: Record<string, { deal: string; contact: string; email: string }> = {};

    /** A new deal in negotiation with its own contact, at the owner Riley. */
    const newDeal = (tag: string, firstname = 'Tina') => {
      const contact = hs.store.create(portalId, 'contacts', {
        firstname,
        lastname: tag,
        email: `${firstname.toLowerCase()}.${tag.toLowerCase()}@globex.example`,
      });
      const deal = hs.store.create(
        portalId,
        'deals',
        {
          dealname: `Globex ${tag}`,
          dealstage: 'contractsent',
          pipeline: 'default',
          amount: '9000',
          hubspot_owner_id: '9001',
        },
        { associations: [{ toType: 'contacts', toId: contact.id }] },
      );
      return { deal: deal.id, contact: contact.id };
    };
    /** An inbound email from the contact on these deals (the budget cut unless told otherwise). */
    const budgetEmail = (
      contact: string,
      deals: string[],
      o: { text?: string; subject?: string; agoMs?: number } = {},
    ) =>
      hs.store.create(
        portalId,
        'emails',
        {
          hs_timestamp: String(Date.now() - (o.agoMs ?? 30_000)),
          hs_email_direction: 'INCOMING_EMAIL',
          hs_email_subject: o.subject ?? 'Re: order form',
          hs_email_text: o.text ?? BUDGET,
        },
        {
          associations: [
            ...deals.map((d) => ({ toType: 'deals' as const, toId: d })),
            { toType: 'contacts', toId: contact },
          ],
        },
      ).id;

    beforeAll(async () => {
      ({ hs, cl, stop } = await startHubspotLoop());
      portalId = hs.defaultPortalId;
      const p = hs.store.portal(portalId);
      p.addOwner({ id: '9001', userId: 7001, email: 'riley@seller.example', firstName: 'Riley', lastName: 'Rep' });
      p.addOwner({ id: '9002', userId: 7002, email: 'sam@seller.example', firstName: 'Sam', lastName: 'Second' });
      for (const tag of ['Email', 'Merge', 'Deal', 'Optout', 'Owner'])
        deals[tag] = { ...newDeal(tag, 'Hank'), email: '' };
      expect((await browse(`${cl.url}/install/hubspot`)).status).toBe(200);
      await waitFor(
        async () => (await cl.store.connections.byAccount('hubspot', String(portalId)))?.backfill_done_at,
        30_000,
        'backfill',
      );
      for (const d of Object.values(deals)) d.email = budgetEmail(d.contact, [d.deal]);
      await waitFor(
        () => Object.values(deals).every((d) => open(d.deal).todos.length === 1 && open(d.deal).drafts.length === 1),
        90_000,
        'a task and a draft on every deal',
      );
    }, 180_000);
    afterAll(async () => {
      await stop();
    });

    const tasksOf = (dealId: string) =>
      hs.store
        .list(portalId, 'tasks')
        .filter((t) =>
          hs.store.associations(portalId, { type: 'tasks', id: t.id }, 'deals').some((a) => a.toId === dealId),
        );
    const isOpen = (t: { properties: Record<string, string | null | undefined> }) =>
      t.properties.hs_task_status !== 'COMPLETED';
    /** The deal's open to-do tasks and drafts (the deals are new: nothing else than the budget email raises one). */
    const open = (dealId: string) => {
      const ts = tasksOf(dealId).filter(isOpen);
      return {
        todos: ts.filter((t) => t.properties.hs_task_type !== 'EMAIL'),
        drafts: ts.filter((t) => t.properties.hs_task_type === 'EMAIL'),
      };
    };
    const task = (id: string) => hs.store.list(portalId, 'tasks').find((t) => t.id === id)!;
    /** Closed by closeloop with its reason, and none of the deleted email's words left in it. */
    const expectRetracted = (id: string, reason: RegExp) => {
      const t = task(id);
      expect(t.properties.hs_task_status).toBe('COMPLETED');
      const text = `${t.properties.hs_task_subject} ${t.properties.hs_task_body}`;
      expect(text).toMatch(reason);
      expect(text).not.toMatch(/finance just cut|current price/);
    };

    test('the email deleted: its task is closed and its draft withdrawn, with the reason and without its words', async () => {
      const d = deals.Email!;
      const { todos, drafts } = open(d.deal);
      hs.store.archive(portalId, 'emails', d.email);
      await waitFor(() => !isOpen(task(todos[0]!.id)) && !isOpen(task(drafts[0]!.id)), 30_000, 'the retraction');
      expectRetracted(todos[0]!.id, /The email this was based on was deleted in HubSpot/);
      expectRetracted(drafts[0]!.id, /The email this was based on was deleted in HubSpot/);
      // Nothing is written again about an email that is gone.
      await hs.flushWebhooks();
      await new Promise((r) => setTimeout(r, 2_000));
      expect(open(d.deal)).toEqual({ todos: [], drafts: [] });
      // Closeloop's own closed records are still known as its own, not read as the customer's activity on the deal.
      const conn = (await cl.store.connections.byAccount('hubspot', String(portalId)))!;
      expect(await cl.store.outbox.ownCrmIds(conn.id, [todos[0]!.id, drafts[0]!.id])).toEqual(
        new Set([todos[0]!.id, drafts[0]!.id]),
      );
    });

    test('the contact merged into another: one open task and one open draft, to the surviving contact', async () => {
      const d = deals.Merge!;
      const before = open(d.deal);
      const survivor = hs.store.create(portalId, 'contacts', {
        firstname: 'Henry',
        lastname: 'Merge',
        email: 'henry.merge@globex.example',
      });
      hs.store.merge(portalId, 'contacts', survivor.id, d.contact);
      await waitFor(() => !isOpen(task(before.todos[0]!.id)), 30_000, 'the old task closed');
      expectRetracted(before.todos[0]!.id, /The contact this was about was merged into another record in HubSpot/);
      await waitFor(() => !isOpen(task(before.drafts[0]!.id)), 30_000, 'the old draft withdrawn');
      await waitFor(() => open(d.deal).todos.length === 1 && open(d.deal).drafts.length === 1, 30_000, 'the new pair');
      await hs.flushWebhooks();
      await new Promise((r) => setTimeout(r, 2_000));
      const now = open(d.deal);
      expect([now.todos.length, now.drafts.length]).toEqual([1, 1]);
      expect(now.drafts[0]!.properties.hs_task_body).toContain('henry.merge@globex.example');
    }, 120_000);

    test('the recipient asks not to be emailed again: the draft is withdrawn, the task stays', async () => {
      const d = deals.Optout!;
      const { todos, drafts } = open(d.deal);
      budgetEmail(d.contact, [d.deal], {
        subject: 'Unsubscribe',
        text: 'Please remove me from your mailing list and stop emailing me.',
        agoMs: 1_000,
      });
      await waitFor(() => !isOpen(task(drafts[0]!.id)), 30_000, 'the draft withdrawn');
      expect(task(drafts[0]!.id).properties.hs_task_subject).toMatch(/Hank Optout asked not to be emailed again/);
      expect(task(drafts[0]!.id).properties.hs_task_body).not.toMatch(/finance just cut/);
      await hs.flushWebhooks();
      await new Promise((r) => setTimeout(r, 2_000));
      expect(open(d.deal).todos.map((t) => t.id)).toEqual([todos[0]!.id]);
      expect(open(d.deal).drafts).toEqual([]);
      // The task no longer promises the draft, and says why there is none.
      await waitFor(
        () =>
          /The draft reply was withdrawn: Hank Optout asked not to be emailed again/.test(
            task(todos[0]!.id).properties.hs_task_body ?? '',
          ),
        30_000,
        'the task updated',
      );
      expect(task(todos[0]!.id).properties.hs_task_body).not.toMatch(/is ready for you to review and send/);
    }, 90_000);

    test('the deal handed to another rep: the new owner gets the task and a draft signed by them; new evidence is still taken in', async () => {
      const d = deals.Owner!;
      const before = open(d.deal);
      expect(before.todos[0]!.properties.hubspot_owner_id).toBe('9001');
      expect(before.drafts[0]!.properties.hs_task_body).toContain('Riley');
      hs.store.update(portalId, 'deals', d.deal, { hubspot_owner_id: '9002' });
      await waitFor(
        () => open(d.deal).todos.length === 1 && open(d.deal).todos[0]!.properties.hubspot_owner_id === '9002',
        30_000,
        'the task handed over',
      );
      // Sam's draft (Riley's may still be open for a moment: its withdrawal is a write of its own).
      await waitFor(
        () => open(d.deal).drafts.length === 1 && open(d.deal).drafts[0]!.properties.hubspot_owner_id === '9002',
        30_000,
        'the new draft',
      );
      // Riley's pair is closed, saying who has the deal now; Sam's draft is Sam's, signed by Sam.
      expect(task(before.todos[0]!.id).properties.hs_task_status).toBe('COMPLETED');
      expect(task(before.todos[0]!.id).properties.hs_task_body).toMatch(/The deal now belongs to Sam Second/);
      expect(task(before.drafts[0]!.id).properties.hs_task_status).toBe('COMPLETED');
      const draft = open(d.deal).drafts[0]!;
      expect(draft.properties.hubspot_owner_id).toBe('9002');
      expect(draft.properties.hs_task_body).toMatch(/Sam/);
      expect(draft.properties.hs_task_body).not.toMatch(/Riley Rep/);
      const todo = open(d.deal).todos[0]!;
      expect(todo.properties.hs_task_body).toContain('finance just cut our budget');
      budgetEmail(d.contact, [d.deal], {
        text: 'We also just heard that our budget is frozen until March, so we cannot sign this quarter.',
        agoMs: 500,
      });
      await waitFor(
        () => /our budget is frozen until March/.test(task(todo.id).properties.hs_task_body ?? ''),
        30_000,
        'the new evidence in the task',
      );
      expect(task(todo.id).properties.hubspot_owner_id).toBe('9002');
      expect(open(d.deal).todos).toHaveLength(1);
      expect(open(d.deal).drafts).toHaveLength(1);
    }, 120_000);

    test('one email logged on two open deals: a task on each, one draft answering it', async () => {
      const a = newDeal('TwoA');
      const b = newDeal('TwoB');
      hs.store.associate(portalId, { type: 'contacts', id: a.contact }, { toType: 'deals', toId: b.deal });
      budgetEmail(a.contact, [a.deal, b.deal]);
      await waitFor(() => open(a.deal).todos.length === 1 && open(b.deal).todos.length === 1, 30_000, 'both tasks');
      // The draft is a write of its own, after its task: waited for, then a while for a second one that must not come.
      await waitFor(() => open(a.deal).drafts.length + open(b.deal).drafts.length >= 1, 30_000, 'the draft');
      await hs.flushWebhooks();
      await new Promise((r) => setTimeout(r, 2_000));
      expect(open(a.deal).drafts.length + open(b.deal).drafts.length).toBe(1);
    }, 90_000);

    test("the email moved to another deal: the first deal's task is closed, the other answers it", async () => {
      const x = newDeal('MovedX');
      const y = newDeal('MovedY');
      const email = budgetEmail(x.contact, [x.deal]);
      await waitFor(() => open(x.deal).todos.length === 1 && open(x.deal).drafts.length === 1, 30_000, 'the pair');
      const first = open(x.deal);
      hs.store.unassociate(portalId, { type: 'emails', id: email }, { toType: 'deals', toId: x.deal });
      hs.store.associate(portalId, { type: 'emails', id: email }, { toType: 'deals', toId: y.deal });
      await waitFor(() => !isOpen(task(first.todos[0]!.id)), 30_000, 'the first task closed');
      expect(task(first.todos[0]!.id).properties.hs_task_body).toMatch(/no longer on this deal/);
      await waitFor(() => !isOpen(task(first.drafts[0]!.id)), 30_000, 'the first draft withdrawn');
      await waitFor(() => open(y.deal).todos.length === 1 && open(y.deal).drafts.length === 1, 30_000, 'the new pair');
      expect(open(x.deal)).toEqual({ todos: [], drafts: [] });
    }, 150_000);

    test('the quoted email edited: the task quotes its new words', async () => {
      const d = newDeal('Edited');
      const email = budgetEmail(d.contact, [d.deal]);
      await waitFor(() => open(d.deal).todos.length === 1, 30_000, 'the task');
      const todo = open(d.deal).todos[0]!;
      expect(todo.properties.hs_task_body).toContain('finance just cut our budget');
      hs.store.update(portalId, 'emails', email, {
        hs_email_text: 'Hi Riley, finance just cut our budget by a third, so we cannot sign at the current price.',
      });
      await waitFor(
        () => /cut our budget by a third/.test(task(todo.id).properties.hs_task_body ?? ''),
        30_000,
        'the new words in the task',
      );
      expect(task(todo.id).properties.hs_task_body).not.toContain('budget for this quarter');
      expect(open(d.deal).todos).toHaveLength(1);
    }, 90_000);

    test('a colleague of the rep copied on the email: the task names the customer and the draft goes to them', async () => {
      const d = newDeal('Cc');
      const colin = hs.store.create(portalId, 'contacts', {
        firstname: 'Colin',
        lastname: 'Colleague',
        email: 'colin@seller.example',
      });
      hs.store.associate(portalId, { type: 'contacts', id: colin.id }, { toType: 'deals', toId: d.deal });
      budgetEmail(colin.id, [d.deal]);
      hs.store.associate(
        portalId,
        { type: 'emails', id: hs.store.list(portalId, 'emails').at(-1)!.id },
        { toType: 'contacts', toId: d.contact },
      );
      await waitFor(() => open(d.deal).todos.length === 1 && open(d.deal).drafts.length === 1, 30_000, 'the pair');
      const { todos, drafts } = open(d.deal);
      expect(todos[0]!.properties.hs_task_subject).not.toMatch(/Colin/);
      expect(drafts[0]!.properties.hs_task_body).toContain('tina.cc@globex.example');
      // The draft is as urgent as the task it goes with (a budget concern this late is HIGH).
      expect(todos[0]!.properties.hs_task_priority).toBe('HIGH');
      expect(drafts[0]!.properties.hs_task_priority).toBe('HIGH');
      expect(drafts[0]!.properties.hs_task_body).not.toContain('colin@seller.example');
    });

    test('the deal closed, then reopened: its task is closed, then the advice comes back once', async () => {
      const d = newDeal('Reopen');
      budgetEmail(d.contact, [d.deal]);
      await waitFor(() => open(d.deal).todos.length === 1 && open(d.deal).drafts.length === 1, 30_000, 'the pair');
      const first = open(d.deal);
      hs.store.update(portalId, 'deals', d.deal, { dealstage: 'closedlost' });
      await waitFor(
        () => !isOpen(task(first.todos[0]!.id)) && !isOpen(task(first.drafts[0]!.id)),
        30_000,
        'closed with the deal',
      );
      expect(task(first.todos[0]!.id).properties.hs_task_body).toMatch(/The deal was closed/);
      // The rep reopens the deal: the budget concern it was lost on is open again, and so is the advice.
      hs.store.update(portalId, 'deals', d.deal, { dealstage: 'contractsent' });
      await waitFor(
        () => open(d.deal).todos.length === 1 && open(d.deal).drafts.length === 1,
        30_000,
        'the pair again',
      );
      const again = open(d.deal);
      expect(again.todos[0]!.id).not.toBe(first.todos[0]!.id);
      expect(again.todos[0]!.properties.hs_task_body).toContain('finance just cut our budget');
      // Once: more changes to the open deal do not write it a third time.
      hs.store.update(portalId, 'deals', d.deal, { amount: '9500' });
      await hs.flushWebhooks();
      await new Promise((r) => setTimeout(r, 2_000));
      expect(open(d.deal).todos.map((t) => t.id)).toEqual([again.todos[0]!.id]);
      expect(open(d.deal).drafts.map((t) => t.id)).toEqual([again.drafts[0]!.id]);
      expect(tasksOf(d.deal)).toHaveLength(4);
    }, 120_000);

    test("a customer's question unanswered for two days: a task quoting it; the rep answers: the task is closed", async () => {
      const d = newDeal('Question', 'Quinn');
      budgetEmail(d.contact, [d.deal], {
        subject: 'Re: rollout plan',
        text: 'Hi Riley, thanks for the plan. Could you send us the security questionnaire answers before our review?',
        agoMs: 2 * 86_400_000,
      });
      await waitFor(() => open(d.deal).todos.length === 1, 30_000, 'the task').catch(async (e) => {
        const conn = (await cl.store.connections.byAccount('hubspot', String(portalId)))!;
        for (const st of ['blocked', 'review', 'suppressed', 'allowed', 'write_failed'] as const)
          console.log(
            st,
            JSON.stringify(
              (await cl.store.suggestions.listByStatus(conn.tenant_id, st))
                .filter((r) => r.deal_id === d.deal)
                .map((r) => [r.type, r.verdicts.filter((v) => !v.passed)]),
            ),
          );
        throw e;
      });
      const todo = open(d.deal).todos[0]!;
      expect(todo.properties.hs_task_subject).toBe("Answer Quinn Question's question on Globex Question");
      expect(todo.properties.hs_task_body).toContain('Could you send us the security questionnaire answers');
      expect(todo.properties.hs_task_body).toMatch(/it has had no answer for 2 days/);
      hs.store.create(
        portalId,
        'emails',
        {
          hs_timestamp: String(Date.now() - 1_000),
          hs_email_direction: 'EMAIL',
          hs_email_subject: 'Re: rollout plan',
          hs_email_text: 'Hi Quinn, the answers are attached.',
        },
        {
          associations: [
            { toType: 'deals', toId: d.deal },
            { toType: 'contacts', toId: d.contact },
          ],
        },
      );
      await waitFor(() => !isOpen(task(todo.id)), 30_000, 'the task closed');
      expect(task(todo.id).properties.hs_task_body).toMatch(/The question was answered: an email was sent on/);
      // Its draft reply (unanswered questions come with one) is withdrawn too, as its own write.
      await waitFor(() => open(d.deal).drafts.length === 0 || null, 30_000, 'the draft withdrawn');
      expect(open(d.deal)).toEqual({ todos: [], drafts: [] });
    }, 90_000);

    test('the deal deleted: its task and draft are closed', async () => {
      const d = deals.Deal!;
      const { todos, drafts } = open(d.deal);
      hs.store.archive(portalId, 'deals', d.deal);
      await waitFor(() => !isOpen(task(todos[0]!.id)) && !isOpen(task(drafts[0]!.id)), 30_000, 'the retraction');
      expectRetracted(todos[0]!.id, /The deal was deleted in HubSpot/);
    });
  });

  describe('Salesforce', () => {
    let loop: SalesforceLoop;
    afterAll(async () => {
      await loop?.stop();
    });

    test('the email deleted: its Task is completed and its draft withdrawn; an Opportunity handed over gets its new owner a Task and draft; one closed and reopened gets its Task back', async () => {
      loop = await startSalesforceLoop();
      const { sf, orgId } = loop;
      const user = (first: string) =>
        salesRep(sf, orgId, {
          FirstName: first,
          LastName: 'Rep',
          Email: `${first.toLowerCase()}@seller.example`,
          Alias: first.slice(0, 4),
        });
      const riley = user('Riley');
      const sam = user('Sam');
      const account = sf.store.create(orgId, 'Account', { Name: 'Acme Corp', Website: 'https://acme.example' });
      const deal = (tag: string) => {
        const contact = sf.store.create(orgId, 'Contact', {
          FirstName: 'Carl',
          LastName: tag,
          Email: `carl.${tag.toLowerCase()}@acme.example`,
          AccountId: account,
        });
        const opp = sf.store.create(orgId, 'Opportunity', {
          Name: `Acme ${tag}`,
          StageName: 'Negotiation/Review',
          CloseDate: '2030-01-31',
          Amount: 120000,
          AccountId: account,
          OwnerId: riley,
        });
        sf.store.create(orgId, 'OpportunityContactRole', { OpportunityId: opp, ContactId: contact, IsPrimary: true });
        return { contact, opp, email: `carl.${tag.toLowerCase()}@acme.example` };
      };
      const gone = deal('Gone');
      const handed = deal('Handed');
      const reopened = deal('Reopened');
      const conn = await installSalesforce(loop.cl);
      await backfilled(loop.cl, orgId, 30_000);
      await subscribed(loop, conn.connectionId);
      // From the deal's own contact: a reply goes to whoever wrote (an address no contact has gets no draft).
      const emailOn = (d: { contact: string; opp: string; email: string }) =>
        sf.store.create(orgId, 'EmailMessage', {
          Subject: 'Re: Expansion pricing',
          TextBody: BUDGET,
          Status: '3',
          Incoming: true,
          FromAddress: d.email,
          FromName: 'Carl',
          MessageDate: new Date(Date.now() - 60_000).toISOString(),
          RelatedToId: d.opp,
          ToIds: [d.contact],
        });
      const email = emailOn(gone);
      emailOn(handed);
      emailOn(reopened);
      const writtenOn = (opp: string) => {
        const task = sf.store.list(orgId, 'Task').find((t) => t.WhatId === opp);
        const draft = sf.store.list(orgId, 'EmailMessage').find((m) => m.RelatedToId === opp && m.Status === '5');
        return task && draft ? { task: String(task.Id), draft: String(draft.Id) } : null;
      };
      const written = await waitFor(() => writtenOn(gone.opp), 40_000, 'the task and the draft');
      const handedTask = (await waitFor(() => writtenOn(handed.opp), 40_000, 'the second task')).task;
      expect(sf.store.get(orgId, 'Task', handedTask)?.OwnerId).toBe(riley);
      sf.store.delete(orgId, 'EmailMessage', email);
      sf.store.update(orgId, 'Opportunity', handed.opp, { OwnerId: sam });
      await waitFor(
        () => sf.store.get(orgId, 'Task', written.task)?.Status === 'Completed',
        30_000,
        'the task completed',
      );
      const task = sf.store.get(orgId, 'Task', written.task)!;
      expect(`${task.Subject} ${task.Description}`).toMatch(/The email this was based on was deleted in Salesforce/);
      expect(`${task.Subject} ${task.Description}`).not.toMatch(/finance just cut/);
      // The draft is withdrawn: gone, or no longer a draft a rep could send, and its words are gone either way.
      await waitFor(
        () => {
          const draft = sf.store.get(orgId, 'EmailMessage', written.draft, { includeDeleted: true });
          return (
            !draft ||
            draft.IsDeleted === true ||
            draft.Status !== '5' ||
            !/finance just cut/.test(String(draft.TextBody))
          );
        },
        30_000,
        'the draft withdrawn',
      );
      // Handed over: Sam gets an open Task and a draft from Sam; Riley's Task is completed.
      await waitFor(
        () =>
          sf.store
            .list(orgId, 'Task')
            .some((t) => t.WhatId === handed.opp && t.Status !== 'Completed' && t.OwnerId === sam),
        30_000,
        'the task handed over',
      );
      // Riley's Task is closed by a write of its own, which may land after Sam's.
      await waitFor(
        () => sf.store.get(orgId, 'Task', handedTask)?.Status === 'Completed',
        30_000,
        "Riley's task completed",
      );
      await waitFor(
        () =>
          sf.store
            .list(orgId, 'EmailMessage')
            .some((m) => m.RelatedToId === handed.opp && m.Status === '5' && /Sam/.test(String(m.FromName))),
        30_000,
        "Sam's draft",
      );
      expect(
        sf.store.list(orgId, 'Task').filter((t) => t.WhatId === handed.opp && t.Status !== 'Completed'),
      ).toHaveLength(1);

      // Closed lost, then reopened: the Task is completed with the deal, and the advice comes back once.
      const before = await waitFor(() => writtenOn(reopened.opp), 40_000, 'the third task');
      sf.store.update(orgId, 'Opportunity', reopened.opp, { StageName: 'Closed Lost' });
      await waitFor(
        () => sf.store.get(orgId, 'Task', before.task)?.Status === 'Completed',
        30_000,
        'the task completed with the deal',
      );
      expect(String(sf.store.get(orgId, 'Task', before.task)?.Description)).toMatch(/The deal was closed/);
      sf.store.update(orgId, 'Opportunity', reopened.opp, { StageName: 'Negotiation/Review' });
      const openTasks = () =>
        sf.store.list(orgId, 'Task').filter((t) => t.WhatId === reopened.opp && t.Status !== 'Completed');
      await waitFor(() => openTasks().length === 1, 30_000, 'the task back');
      expect(openTasks()[0]!.Id).not.toBe(before.task);
      expect(String(openTasks()[0]!.Description)).toContain('finance just cut our budget');
      await new Promise((r) => setTimeout(r, 3_000));
      expect(openTasks()).toHaveLength(1);
    }, 480_000);
  });
});
