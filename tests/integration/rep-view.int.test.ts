import { browse } from '../../src/lib/browser-fetch.js';
import { Client } from '@hubspot/api-client';
import type { HubspotSandbox } from '../../connectors/hubspot/sandbox/index.js';
import type { Closeloop } from '../../src/main.js';
import { AS_OPERATOR, startHubspotLoop, waitFor } from '../helpers/closeloop.js';
import { taskText } from '../helpers/hubspot-fixtures.js';

const DAY = 86_400_000;

/**
 * What a rep finds in HubSpot, read back through @hubspot/api-client after a scripted history (issue 9, item 8):
 * repeated budget emails on one deal → one task and one draft, the task updated with each new quote; a customer
 * reply on a quiet deal → its follow-up task completed with the reason; drafts ready to send; churn only on a
 * customer; the review queue lists, approves and dismisses.
 */
describe(`what a rep finds in HubSpot (${process.env.DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  let hs: HubspotSandbox;
  let cl: Closeloop;
  let stop: () => Promise<void>;
  let portalId: number;
  let client: Client;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    ({ hs, cl, stop } = await startHubspotLoop());
    portalId = hs.defaultPortalId;
    const p = hs.store.portal(portalId);
    p.addOwner({ id: '9001', userId: 7001, email: 'riley@seller.example', firstName: 'Riley', lastName: 'Rep' });
    const now = Date.now();
    const assoc = (o: Record<string, string | undefined>) =>
      Object.entries(o)
        .filter(([, v]) => v)
        .map(([toType, toId]) => ({ toType: toType as 'deals', toId: toId! }));

    // A deal in negotiation (budget emails arrive later).
    const globex = hs.store.create(portalId, 'companies', { name: 'Globex', domain: 'globex.example' });
    const hank = hs.store.create(
      portalId,
      'contacts',
      { firstname: 'Hank', lastname: 'Scorpio', email: 'hank@globex.example' },
      { associations: assoc({ companies: globex.id }) },
    );
    const renewal = hs.store.create(
      portalId,
      'deals',
      {
        dealname: 'Globex renewal',
        dealstage: 'contractsent',
        pipeline: 'default',
        amount: '48000',
        hubspot_owner_id: '9001',
      },
      { associations: assoc({ companies: globex.id, contacts: hank.id }) },
    );
    hs.store.create(
      portalId,
      'notes',
      { hs_timestamp: String(now - DAY), hs_note_body: 'Sent the order form.', hubspot_owner_id: '9001' },
      { associations: assoc({ deals: renewal.id }) },
    );

    // A deal quiet for 40 days.
    const initrode = hs.store.create(portalId, 'companies', { name: 'Initrode', domain: 'initrode.example' });
    const bill = hs.store.create(
      portalId,
      'contacts',
      { firstname: 'Bill', lastname: 'Lumbergh', email: 'bill@initrode.example' },
      { associations: assoc({ companies: initrode.id }) },
    );
    const quiet = hs.store.create(
      portalId,
      'deals',
      {
        dealname: 'Initrode pilot',
        dealstage: 'qualifiedtobuy',
        pipeline: 'default',
        amount: '9000',
        hubspot_owner_id: '9001',
      },
      { associations: assoc({ companies: initrode.id, contacts: bill.id }), at: now - 60 * DAY },
    );
    hs.store.create(
      portalId,
      'emails',
      {
        hs_timestamp: String(now - 40 * DAY),
        hs_email_direction: 'INCOMING_EMAIL',
        hs_email_subject: 'Pilot questions',
        hs_email_text: 'We will get back to you about the pilot next month.',
      },
      { associations: assoc({ deals: quiet.id, contacts: bill.id }) },
    );

    // A customer who writes they are looking at alternatives; a lost prospect who complains.
    const umbrella = hs.store.create(portalId, 'companies', {
      name: 'Umbrella Health',
      domain: 'umbrella.example',
      hubspot_owner_id: '9001',
    });
    const will = hs.store.create(
      portalId,
      'contacts',
      { firstname: 'William', lastname: 'Birkin', email: 'will@umbrella.example' },
      { associations: assoc({ companies: umbrella.id }) },
    );
    hs.store.create(
      portalId,
      'deals',
      {
        dealname: 'Umbrella support',
        dealstage: 'closedwon',
        pipeline: 'default',
        amount: '36000',
        closedate: new Date(now - 90 * DAY).toISOString(),
        hubspot_owner_id: '9001',
      },
      { associations: assoc({ companies: umbrella.id, contacts: will.id }), at: now - 200 * DAY },
    );
    hs.store.create(
      portalId,
      'emails',
      {
        hs_timestamp: String(now - DAY),
        hs_email_direction: 'INCOMING_EMAIL',
        hs_email_subject: 'Outages',
        hs_email_text:
          'Third outage this month. Frankly we are considering alternatives at renewal unless this changes.',
      },
      { associations: assoc({ companies: umbrella.id, contacts: will.id }) },
    );
    const vandelay = hs.store.create(portalId, 'companies', {
      name: 'Vandelay',
      domain: 'vandelay.example',
      hubspot_owner_id: '9001',
    });
    const art = hs.store.create(
      portalId,
      'contacts',
      { firstname: 'Art', lastname: 'Vandelay', email: 'art@vandelay.example' },
      { associations: assoc({ companies: vandelay.id }) },
    );
    hs.store.create(
      portalId,
      'deals',
      {
        dealname: 'Vandelay import',
        dealstage: 'closedlost',
        pipeline: 'default',
        amount: '5000',
        closedate: new Date(now - 20 * DAY).toISOString(),
        hubspot_owner_id: '9001',
      },
      { associations: assoc({ companies: vandelay.id, contacts: art.id }), at: now - 80 * DAY },
    );
    hs.store.create(
      portalId,
      'emails',
      {
        hs_timestamp: String(now - 2 * DAY),
        hs_email_direction: 'INCOMING_EMAIL',
        hs_email_subject: 'Decision',
        hs_email_text: 'We are very disappointed with the demo and went with another vendor.',
      },
      { associations: assoc({ companies: vandelay.id, contacts: art.id }) },
    );

    Object.assign(ids, {
      renewal: renewal.id,
      hank: hank.id,
      quiet: quiet.id,
      bill: bill.id,
      umbrella: umbrella.id,
      vandelay: vandelay.id,
    });
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

  const PROPS = [
    'hs_task_subject',
    'hs_task_body',
    'hs_task_status',
    'hs_task_type',
    'hubspot_owner_id',
    'hs_task_priority',
  ];
  /**
   * Waiting looks at the sandbox's own store (the API keeps HubSpot's rate limits); what is asserted is read through
   * the official client.
   */
  const storeTasksOn = (type: 'deals' | 'companies', id: string) =>
    hs.store
      .list(portalId, 'tasks')
      .filter((t) => hs.store.associations(portalId, { type: 'tasks', id: t.id }, type).some((a) => a.toId === id));
  const tasksOn = async (type: 'deals' | 'companies', id: string) => {
    const out = [];
    for (const t of storeTasksOn(type, id)) out.push(await client.crm.objects.tasks.basicApi.getById(t.id, PROPS));
    return out;
  };
  const text = taskText;
  const budgetEmail = (n: number) =>
    hs.store.create(
      portalId,
      'emails',
      {
        hs_timestamp: String(Date.now()),
        hs_email_direction: 'INCOMING_EMAIL',
        hs_email_subject: 'Re: Order form',
        hs_email_text: `Hi Riley, update ${n}: finance cut our budget for this quarter, so we cannot sign at the current price.`,
      },
      {
        associations: [
          { toType: 'deals', toId: ids.renewal! },
          { toType: 'contacts', toId: ids.hank! },
        ],
      },
    );

  test('repeated budget emails on one deal: one task and one draft; the task gains each new quote', async () => {
    budgetEmail(1);
    // The suite's first analysis of a webhook: it also loads the signal models (tens of seconds on a loaded machine).
    await waitFor(() => storeTasksOn('deals', ids.renewal!).length >= 2 || null, 90_000, 'budget task and draft');
    budgetEmail(2);
    budgetEmail(3);
    await hs.flushWebhooks();
    await waitFor(
      () => {
        const todo = storeTasksOn('deals', ids.renewal!).find((x) => x.properties.hs_task_type === 'TODO');
        return (
          todo &&
          text(todo.properties.hs_task_body).includes('update 3') &&
          text(todo.properties.hs_task_body).includes('update 2')
        );
      },
      45000,
      'the task updated with the later quotes',
    );
    await new Promise((r) => setTimeout(r, 1500));
    const done = await tasksOn('deals', ids.renewal!);
    const all = await tasksOn('deals', ids.renewal!);
    expect(all.filter((x) => x.properties.hs_task_type === 'TODO')).toHaveLength(1);
    expect(all.filter((x) => x.properties.hs_task_type === 'EMAIL')).toHaveLength(1);
    const todo = done.find((x) => x.properties.hs_task_type === 'TODO')!;
    const body = text(todo.properties.hs_task_body);
    expect(todo.properties.hs_task_subject).toBe("Answer Hank Scorpio's budget concern on Globex renewal");
    expect(body).toMatch(/^Updated on .*: new evidence below\./);
    expect(body).toContain('What happened: Hank Scorpio raised a budget problem (3 times');
    expect(body).toContain('(stage: Contract Sent, Sales Pipeline)');
    // The greeting is not part of the quoted sentence.
    expect(body).toMatch(/Quote from Hank Scorpio's email of .*: "update 1: finance cut our budget/);
    expect(body).toContain(`Open the record: https://app.hubspot.com/contacts/${portalId}/record/0-3/${ids.renewal}`);
    expect(body).not.toMatch(/contractsent|\{\{|closeloop note/);
    // The closing note in words a rep can use; model ids, rule counts, scores, cost and latency stay in the explanation.
    expect(body).toMatch(/\n--\nBased on the evidence above, weighed by .+ \(confidence: (high|medium|low)\)\./);
    // Updated with new evidence, the task still says where its draft came from (no model is configured here).
    expect(body).toContain('The draft email is written from a template (no AI model drafted it)');
    expect(body.trim()).toMatch(/Suggested by closeloop — review before acting\.$/);
    expect(body).not.toMatch(/Behind this suggestion|checks passed|signals-|cold-start|confidence \d|\$0|\d ms\b/);
    expect(todo.properties.hs_task_priority).toBe('HIGH');
    expect(todo.properties.hubspot_owner_id).toBe('9001');
  }, 180_000);

  test('the draft is ready to send: a reply in the thread, to the contact who wrote, signed by the owner, nothing internal', async () => {
    const draft = (await tasksOn('deals', ids.renewal!)).find((x) => x.properties.hs_task_type === 'EMAIL')!;
    const body = text(draft.properties.hs_task_body);
    expect(draft.properties.hs_task_subject).toBe('Reply to Hank Scorpio: Re: Order form');
    expect(body).toContain('To: Hank Scorpio <hank@globex.example>');
    expect(body).toContain('Subject: Re: Order form');
    expect(body).toContain('Hi Hank,');
    // It answers what Hank wrote (finance cut the budget), proposes a call, and offers nothing he did not ask for.
    expect(body).toContain('Thank you for letting me know about the cut to your budget.');
    expect(body).toMatch(/short call .*\?/);
    expect(body).not.toMatch(/\d+ ?%|discount|\$/);
    expect(body).toMatch(/Best regards,\nRiley Rep/);
    expect(body).not.toMatch(/\{\{|closeloop note|Checks passed|Model:|confidence|signals-lexicon|sug_/);
    expect(draft.properties.hubspot_owner_id).toBe('9001');
  });

  test('a customer reply on a quiet deal completes its follow-up task, with the reason first', async () => {
    await waitFor(
      () => storeTasksOn('deals', ids.quiet!).some((x) => x.properties.hs_task_type === 'TODO'),
      30000,
      'stale task',
    );
    const [task] = (await tasksOn('deals', ids.quiet!)).filter((x) => x.properties.hs_task_type === 'TODO');
    expect(task!.properties.hs_task_subject).toMatch(
      /^Follow up on Initrode pilot with Bill Lumbergh: no activity for \d+ days$/,
    );
    expect(task!.properties.hs_task_status).toBe('NOT_STARTED');
    hs.store.create(
      portalId,
      'emails',
      {
        hs_timestamp: String(Date.now()),
        hs_email_direction: 'INCOMING_EMAIL',
        hs_email_subject: 'Re: Pilot questions',
        hs_email_text: 'Sorry for the silence, can we talk on Thursday?',
      },
      {
        associations: [
          { toType: 'deals', toId: ids.quiet! },
          { toType: 'contacts', toId: ids.bill! },
        ],
      },
    );
    await waitFor(
      () => hs.store.get(portalId, 'tasks', task!.id)?.properties.hs_task_status === 'COMPLETED',
      30000,
      'the follow-up completed',
    );
    const closed = await client.crm.objects.tasks.basicApi.getById(task!.id, PROPS);
    expect(text(closed.properties.hs_task_body)).toMatch(
      /^Closed by closeloop: Bill Lumbergh replied on \d+ \w+ \d{4}, so the deal is no longer quiet\./,
    );
    // Withdrawn by closeloop, not done by the rep: no feedback outcome claims the rep completed it.
    const s = (
      await cl.store.db.query<{ id: string; status: string; closed_reason: string }>(
        "SELECT id, status, closed_reason FROM suggestions WHERE type = 'stale_deal_follow_up' AND deal_id = $1",
        [ids.quiet],
      )
    ).rows[0]!;
    expect(s.status).toBe('withdrawn');
    expect((await cl.store.feedback.outcomesFor(s.id)).map((o) => o.outcome)).not.toContain('task_completed');
  }, 90_000);

  test('churn risk only for the customer, quoting what they wrote; the lost prospect gets nothing', async () => {
    await waitFor(
      () =>
        ['TODO', 'EMAIL'].every((type) =>
          storeTasksOn('companies', ids.umbrella!).some((y) => y.properties.hs_task_type === type),
        ),
      30000,
      'churn task and its draft',
    );
    await new Promise((r) => setTimeout(r, 1000));
    const t = await tasksOn('companies', ids.umbrella!);
    const todo = t.find((x) => x.properties.hs_task_type === 'TODO')!;
    expect(todo.properties.hs_task_subject).toBe('Check in with Umbrella Health: signs they may not renew');
    expect(text(todo.properties.hs_task_body)).toContain(
      '"Frankly we are considering alternatives at renewal unless this changes."',
    );
    // The task promises a draft only when one was written.
    const hasDraft = t.some((x) => x.properties.hs_task_type === 'EMAIL');
    expect(text(todo.properties.hs_task_body).includes('A draft email')).toBe(hasDraft);
    // A customer who writes they are looking at alternatives is the rep's most urgent task.
    expect(todo.properties.hs_task_priority).toBe('HIGH');
    // The draft names what William raised (the outages, alternatives at renewal) instead of a check-in for anyone.
    const draft = text(t.find((x) => x.properties.hs_task_type === 'EMAIL')!.properties.hs_task_body);
    expect(draft).toContain('Hi William,');
    expect(draft).toContain('Thank you for telling me plainly about the outages.');
    expect(draft).toContain('I understand you are considering alternatives at renewal, and I take that seriously.');
    expect(draft).toMatch(/short call .*\?/);
    expect(draft).not.toMatch(/check in on how things are going|following up on our|unless this changes/);
    expect(await tasksOn('companies', ids.vandelay!)).toHaveLength(0);
  }, 60000);

  test('review queue: listed with why it was held, approved → written back, dismissed → feedback (tenant-scoped)', async () => {
    const conn = (await cl.store.connections.byAccount('hubspot', String(portalId)))!;
    // The deals settle first: closeloop's own writes of the tests above come back as webhooks and analyse their deal
    // again, and such an analysis withdraws a held suggestion whose situation (no next step) it does not find there.
    let quietChecks = 0;
    await waitFor(
      async () => {
        await hs.flushWebhooks();
        const busy = (
          await cl.store.db.query<{ n: number }>(
            "SELECT count(*)::int AS n FROM pgboss.job WHERE name IN ('analyze', 'writeback') AND state IN ('created', 'retry', 'active')",
          )
        ).rows[0]!.n;
        quietChecks = busy === 0 && (await cl.store.inbox.count()).pending === 0 ? quietChecks + 1 : 0;
        // Quiet twice, a second apart (a write-back's webhook is sent a moment after it finishes).
        if (quietChecks < 2) await new Promise((r) => setTimeout(r, 1_000));
        return quietChecks >= 2;
      },
      60_000,
      'the deals to settle',
    );
    const base = (
      await cl.store.db.query<{ payload: any; verdicts: any }>(
        "SELECT payload, verdicts FROM suggestions WHERE type = 'budget_risk' AND deal_id = $1",
        [ids.renewal],
      )
    ).rows[0]!;
    // Held three days ago: its task was due two days ago.
    const held = (id: string, situation: string) =>
      cl.store.suggestions.insert(
        {
          ...base.payload,
          id,
          dedupeKey: `${situation}#test`,
          type: 'no_next_step',
          draft: null,
          task: { ...base.payload.task, dueAt: new Date(Date.now() - 2 * 86_400_000).toISOString() },
        },
        'review',
        [
          ...base.verdicts,
          { rule: 'rep-daily-cap', passed: false, message: 'this rep already has 10 suggestions today' },
        ],
        null,
        { reasons: ['rep-daily-cap: this rep already has 10 suggestions today'] },
        situation,
      );
    expect(await held('sug_review_a', `no_next_step:deal:${ids.renewal}`)).toBe(true);
    expect(await held('sug_review_b', `no_next_step:deal:${ids.quiet}`)).toBe(true);
    const q = `?status=review&tenant=${conn.tenant_id}`;
    const list = (await (await fetch(`${cl.url}/api/v1/suggestions${q}`, { headers: AS_OPERATOR })).json()) as any;
    expect(list.suggestions.map((s: any) => s.id).sort()).toEqual(['sug_review_a', 'sug_review_b']);
    expect(list.suggestions[0].heldBecause).toEqual(['rep-daily-cap: this rep already has 10 suggestions today']);
    expect(
      (
        (await fetch(`${cl.url}/api/v1/suggestions?status=review&tenant=ten_other`, { headers: AS_OPERATOR }).then(
          (r) => r.json(),
        )) as any
      ).suggestions ?? [],
    ).toEqual([]);
    expect((await fetch(`${cl.url}/api/v1/suggestions`)).status).toBe(401);
    expect(
      (await fetch(`${cl.url}/api/v1/suggestions?status=nope&tenant=${conn.tenant_id}`, { headers: AS_OPERATOR }))
        .status,
    ).toBe(400);

    const approved = await fetch(`${cl.url}/api/v1/suggestions/sug_review_a/approve${q}`, {
      method: 'POST',
      headers: AS_OPERATOR,
    });
    expect(approved.status).toBe(200);
    const written = await waitFor(
      async () => {
        const row = await cl.store.outbox.createRow('sug_review_a', 'create_task');
        return row?.status === 'done' ? row : null;
      },
      30000,
      'approved task written',
    );
    // Due from the day it was approved, not overdue on arrival.
    const task = hs.store.get(portalId, 'tasks', written.crm_id!)!;
    expect(Date.parse(task.properties.hs_timestamp!)).toBeGreaterThan(Date.now());
    const dismissed = await fetch(`${cl.url}/api/v1/suggestions/sug_review_b/dismiss${q}`, {
      method: 'POST',
      headers: { ...AS_OPERATOR, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'handled by phone' }),
    });
    expect(dismissed.status).toBe(200);
    expect((await cl.store.feedback.outcomesFor('sug_review_b')).map((o) => o.outcome)).toEqual(['review_dismissed']);
    expect(await cl.store.outbox.createRow('sug_review_b', 'create_task')).toBeNull();
    // Twice: the second is a clear 409, not a 5xx; an unknown id is a 404.
    expect(
      (await fetch(`${cl.url}/api/v1/suggestions/sug_review_b/dismiss${q}`, { method: 'POST', headers: AS_OPERATOR }))
        .status,
    ).toBe(409);
    expect(
      (await fetch(`${cl.url}/api/v1/suggestions/sug_nope/approve${q}`, { method: 'POST', headers: AS_OPERATOR }))
        .status,
    ).toBe(404);
  }, 120_000);
  test('a concern that comes back after the rep finished the task: a new task and draft, the older unsent draft withdrawn', async () => {
    const before = storeTasksOn('deals', ids.renewal!);
    const oldDraft = before.find(
      (x) => x.properties.hs_task_type === 'EMAIL' && x.properties.hs_task_status !== 'COMPLETED',
    )!;
    const oldTodo = before.find(
      (x) => x.properties.hs_task_type === 'TODO' && /budget concern/.test(x.properties.hs_task_subject ?? ''),
    )!;
    // The rep calls Hank and ticks the task off, but never sends (or deletes) the draft.
    await client.crm.objects.tasks.basicApi.update(oldTodo.id, { properties: { hs_task_status: 'COMPLETED' } });
    await waitFor(
      async () =>
        (
          await cl.store.db.query(
            "SELECT 1 FROM suggestions WHERE type = 'budget_risk' AND deal_id = $1 AND status = 'done_by_rep'",
            [ids.renewal],
          )
        ).rows.length > 0 || null,
      45000,
      'the completed budget task recorded',
    );
    budgetEmail(4);
    await hs.flushWebhooks();
    // The task, the new draft and the withdrawal are three write-back jobs that finish in any order (one may wait out a
    // 429): wait for all three.
    const openNow = () =>
      storeTasksOn('deals', ids.renewal!).filter((x) => x.properties.hs_task_status !== 'COMPLETED');
    await waitFor(
      () =>
        (hs.store.get(portalId, 'tasks', oldDraft.id)?.properties.hs_task_status === 'COMPLETED' &&
          openNow().some((x) => x.properties.hs_task_type === 'EMAIL') &&
          openNow().some(
            (x) => x.properties.hs_task_type === 'TODO' && /budget concern/.test(x.properties.hs_task_subject ?? ''),
          )) ||
        null,
      90000,
      'the older draft withdrawn, the new task and draft written',
    ).catch(async (e) => {
      const rows = (
        await cl.store.db.query('SELECT id, status, situation_key, live FROM suggestions WHERE deal_id = $1', [
          ids.renewal,
        ])
      ).rows;
      const outbox = (await cl.store.db.query('SELECT suggestion_id, action, status FROM writeback_outbox ORDER BY id'))
        .rows;
      const inbox = (
        await cl.store.db.query(
          'SELECT id, event_count, attempts, last_error, processed_at IS NOT NULL AS processed, dead_at IS NOT NULL AS dead, run_after, lease_until FROM webhook_batches ORDER BY id DESC LIMIT 8',
        )
      ).rows;
      throw new Error(
        `${(e as Error).message}\n${JSON.stringify(rows)}\n${JSON.stringify(outbox)}\n${JSON.stringify(inbox)}`,
      );
    });
    // Counted in the sandbox's store (this test's own API calls share the app's rate limit); the withdrawn draft is
    // read
    // through the official client.
    const open = openNow();
    expect(open.filter((x) => x.properties.hs_task_type === 'EMAIL')).toHaveLength(1);
    expect(
      open.filter(
        (x) => x.properties.hs_task_type === 'TODO' && /budget concern/.test(x.properties.hs_task_subject ?? ''),
      ),
    ).toHaveLength(1);
    const withdrawn = await client.crm.objects.tasks.basicApi.getById(oldDraft.id, PROPS);
    expect(text(withdrawn.properties.hs_task_body)).toContain('a newer draft for the same situation replaces it');
  }, 180_000);
});
