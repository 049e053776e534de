import { browse } from '../../src/lib/browser-fetch.js';
import type { HubspotSandbox } from '../../connectors/hubspot/sandbox/index.js';
import { runWith as feedbackReportCli } from '../../src/cli/feedback-report.js';
import type { FeedbackReport } from '../../src/feedback/report.js';
import { recordOverdue } from '../../src/feedback/scan.js';
import type { Closeloop } from '../../src/main.js';
import { AS_OPERATOR, startHubspotLoop, waitFor } from '../helpers/closeloop.js';

const DAY = 86_400_000;

/**
 * The action loop through the HubSpot sandbox: churn risk → retention draft (an EMAIL task) + review task;
 * budget risk → task + draft; feedback from the CRM (task completed, task deleted, draft sent after edits,
 * deal won) recorded and reported; a rep who keeps deleting one type of task sees it less.
 */
describe(`action loop and feedback through HubSpot (${process.env.DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  let hs: HubspotSandbox;
  let cl: Closeloop;
  let stop: () => Promise<void>;
  let portalId: number;
  const ids: Record<string, string> = {};
  const quietRep = { id: '9100' };

  beforeAll(async () => {
    ({ hs, cl, stop } = await startHubspotLoop());
    portalId = hs.defaultPortalId;
    const p = hs.store.portal(portalId);
    p.addOwner({ id: '9001', userId: 7001, email: 'rep@example.com', firstName: 'Riley', lastName: 'Rep' });
    p.addOwner({ id: quietRep.id, userId: 7100, email: 'quiet@example.com', firstName: 'Quinn', lastName: 'Quiet' });
    const now = Date.now();
    const assoc = (o: Record<string, string | undefined>) =>
      Object.entries(o)
        .filter(([, v]) => v)
        .map(([toType, toId]) => ({ toType: toType as 'deals', toId: toId! }));

    // A customer who complains, with a deal lost last month: churn risk.
    const initech = hs.store.create(portalId, 'companies', {
      name: 'Initech',
      domain: 'initech.example',
      hubspot_owner_id: '9001',
    });
    const peter = hs.store.create(
      portalId,
      'contacts',
      { firstname: 'Peter', lastname: 'Gibbons', email: 'peter@initech.example' },
      { associations: assoc({ companies: initech.id }) },
    );
    hs.store.create(
      portalId,
      'deals',
      {
        dealname: 'Initech 2025 licence',
        dealstage: 'closedwon',
        pipeline: 'default',
        amount: '30000',
        closedate: new Date(now - 300 * DAY).toISOString(),
        hubspot_owner_id: '9001',
      },
      { associations: assoc({ companies: initech.id, contacts: peter.id }), at: now - 400 * DAY },
    );
    hs.store.create(
      portalId,
      'deals',
      {
        dealname: 'Initech add-on',
        dealstage: 'closedlost',
        pipeline: 'default',
        amount: '8000',
        closedate: new Date(now - 30 * DAY).toISOString(),
        hubspot_owner_id: '9001',
      },
      { associations: assoc({ companies: initech.id, contacts: peter.id }), at: now - 90 * DAY },
    );
    hs.store.create(
      portalId,
      'emails',
      {
        hs_timestamp: String(now - 3 * DAY),
        hs_email_direction: 'INCOMING_EMAIL',
        hs_email_subject: 'Support tickets',
        hs_email_text: 'Honestly we are very disappointed with the support lately; tickets stay open for weeks.',
      },
      { associations: assoc({ companies: initech.id, contacts: peter.id }) },
    );

    // A deal in negotiation (budget risk arrives by webhook later).
    const globex = hs.store.create(portalId, 'companies', { name: 'Globex Corporation', domain: 'globex.example' });
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
      {
        hs_timestamp: String(now - 1 * DAY),
        hs_note_body: 'Walked Hank through the contract redlines.',
        hubspot_owner_id: '9001',
      },
      { associations: assoc({ deals: renewal.id }) },
    );

    // Three quiet deals of one rep, no contacts (so no drafts): three stale follow-ups the rep will delete.
    for (let k = 1; k <= 3; k++) {
      const d = hs.store.create(
        portalId,
        'deals',
        {
          dealname: `Quiet deal ${k}`,
          dealstage: 'qualifiedtobuy',
          pipeline: 'default',
          amount: '1000',
          hubspot_owner_id: quietRep.id,
        },
        { at: now - 60 * DAY },
      );
      ids[`quiet${k}`] = d.id;
    }
    Object.assign(ids, { initech: initech.id, peter: peter.id, globex: globex.id, hank: hank.id, renewal: renewal.id });
    const res = await browse(`${cl.url}/install/hubspot`);
    expect(res.status).toBe(200);
    await waitFor(
      async () => (await cl.store.connections.byAccount('hubspot', String(portalId)))?.backfill_done_at,
      30000,
      'backfill',
    );
  }, 90_000);
  afterAll(async () => {
    await stop();
  });

  const tasksOn = (type: 'deals' | 'companies', id: string) =>
    hs.store
      .list(portalId, 'tasks')
      .filter((t) => hs.store.associations(portalId, { type: 'tasks', id: t.id }, type).some((a) => a.toId === id));
  const suggestion = async (type: string, where: string, param: string) =>
    (await cl.store.db.query<any>(`SELECT * FROM suggestions WHERE type = $1 AND ${where}`, [type, param])).rows[0] ??
    null;
  const outcomes = async (suggestionId: string) =>
    (await cl.store.feedback.outcomesFor(suggestionId)).map((o) => o.outcome);

  test('churn risk: a retention draft (EMAIL task, subject filled) and a task to review it, explained by the cold-start model', async () => {
    const written = await waitFor(
      () => {
        const t = tasksOn('companies', ids.initech!);
        return t.length >= 2 ? t : null;
      },
      90_000,
      'churn draft and task',
    );
    const draft = written.find((t) => t.properties.hs_task_type === 'EMAIL')!;
    const review = written.find((t) => t.properties.hs_task_type === 'TODO')!;
    expect(draft.properties.hs_task_subject).toBe('Reply to Peter Gibbons: Re: Support tickets');
    expect(draft.properties.hs_task_body).toContain('Hi Peter');
    expect(draft.properties.hs_task_body).toContain('Riley Rep');
    expect(draft.properties.hs_task_body).not.toMatch(/closeloop note|Checks passed|\{\{/);
    expect(review.properties.hs_task_subject).toBe('Check in with Initech: signs they may not renew');
    expect(review.properties.hs_task_body).toContain('very disappointed with the support');
    // Said in words a rep can use; the model's name (checked below) is in the explanation, not the task.
    expect(review.properties.hs_task_body).toMatch(
      /weighed by closeloop(&#39;|')s standard rules \(confidence: (high|medium|low)\)/,
    );
    expect(review.properties.hs_task_body).not.toContain('cold-start-rules-v1');
    // The CRM write lands before our bookkeeping marks the suggestion written.
    const s = await waitFor(
      async () => {
        const x = await suggestion('churn_risk', "payload->>'companyId' = $2", ids.initech!);
        return x?.status === 'written' ? x : null;
      },
      45_000,
      'the churn suggestion marked written',
    );
    expect(s.model).toBe('cold-start-rules-v1');
    expect(s.payload.explanation.factors.map((f: any) => f.name).join('\n')).toMatch(
      /lost a deal[\s\S]*complained|complained[\s\S]*lost a deal/,
    );
    expect(s.verdicts.every((v: any) => v.passed)).toBe(true);
    const rows = (
      await cl.store.db.query<any>(
        'SELECT action, idempotency_key FROM writeback_outbox WHERE suggestion_id = $1 ORDER BY action',
        [s.id],
      )
    ).rows;
    expect(rows).toEqual([
      { action: 'create_draft_email', idempotency_key: `wb-${s.id}-draft` },
      { action: 'create_task', idempotency_key: `wb-${s.id}` },
    ]);
  }, 180_000);

  test('budget risk late in a deal: a task and a draft reply', async () => {
    hs.store.create(
      portalId,
      'emails',
      {
        hs_timestamp: String(Date.now()),
        hs_email_direction: 'INCOMING_EMAIL',
        hs_email_subject: 'Re: renewal',
        hs_email_text:
          'Hi Riley, finance just cut our budget for this quarter, so we cannot sign at the current price.',
      },
      {
        associations: [
          { toType: 'deals', toId: ids.renewal! },
          { toType: 'contacts', toId: ids.hank! },
        ],
      },
    );
    const written = await waitFor(
      () => {
        const t = tasksOn('deals', ids.renewal!);
        return t.length >= 2 ? t : null;
      },
      45_000,
      'budget task and draft',
    );
    const todo = written.find((t) => t.properties.hs_task_type === 'TODO')!;
    const draft = written.find((t) => t.properties.hs_task_type === 'EMAIL')!;
    expect(todo.properties.hs_task_subject).toBe("Answer Hank Scorpio's budget concern on Globex renewal");
    expect(todo.properties.hs_task_body).toContain(
      'A draft email (&quot;Re: renewal&quot;) is ready for you to review and send',
    );
    expect(draft.properties.hs_task_subject).toBe('Reply to Hank Scorpio: Re: renewal');
    expect(draft.properties.hs_task_body).toContain('Hi Hank');
    expect(draft.properties.hs_task_body!).not.toMatch(/discount|%/i);
    // The default worker reads what the customer wrote with the fused signal model (n-grams + the sentence encoder
    // shipped in node_modules), a small-tier step of the suggestion's route.
    const s = await suggestion('budget_risk', 'deal_id = $2', ids.renewal!);
    expect(s.payload.explanation.route.find((r: { task: string }) => r.task === 'extract_signals')).toMatchObject({
      tier: 'small',
      model: expect.stringMatching(/^signals-tfidf\+use-lite-logreg-v1:signals-v2-fused@/),
    });
  }, 90_000);

  test('feedback: task completed, draft sent after edits, deal won afterwards; the report and the CLI reflect them', async () => {
    const s = await suggestion('budget_risk', 'deal_id = $2', ids.renewal!);
    const todo = tasksOn('deals', ids.renewal!).find((t) => t.properties.hs_task_type === 'TODO')!;
    await waitFor(
      async () => (await cl.store.outbox.recentDone(50)).filter((r) => r.suggestion_id === s.id).length === 2,
      45_000,
      'both write-backs done',
    );
    hs.store.update(portalId, 'tasks', todo.id, { hs_task_status: 'COMPLETED' });
    await waitFor(async () => (await outcomes(s.id)).includes('task_completed'), 45_000, 'task_completed outcome');

    // The rep sends the draft after editing it: HubSpot logs a new outgoing email.
    const ours = (
      await cl.store.db.query<any>(
        "SELECT payload FROM writeback_outbox WHERE suggestion_id = $1 AND action = 'create_draft_email'",
        [s.id],
      )
    ).rows[0].payload.draftText;
    const sent = ours.body
      .replace('{{rep_signature}}', 'Riley')
      .replace('Could we set up a short call', 'Could we set up a 20-minute call this week');
    hs.store.create(
      portalId,
      'emails',
      {
        hs_timestamp: String(Date.now()),
        hs_email_direction: 'EMAIL',
        hs_email_subject: ours.subject,
        hs_email_text: sent,
      },
      {
        associations: [
          { toType: 'deals', toId: ids.renewal! },
          { toType: 'contacts', toId: ids.hank! },
        ],
      },
    );
    const sentRow = await waitFor(
      async () => (await cl.store.feedback.outcomesFor(s.id)).find((o) => o.outcome === 'draft_sent'),
      45_000,
      'draft_sent outcome',
    );
    expect(sentRow.edit_distance).toBeGreaterThan(0);
    expect(sentRow.edit_distance).toBeLessThan(0.2);

    hs.store.update(portalId, 'deals', ids.renewal!, { dealstage: 'closedwon', closedate: new Date().toISOString() });
    await waitFor(async () => (await outcomes(s.id)).includes('deal_won'), 45_000, 'deal_won outcome');

    // Deleting the churn review task: an ignored suggestion.
    const churn = await suggestion('churn_risk', "payload->>'companyId' = $2", ids.initech!);
    const review = tasksOn('companies', ids.initech!).find((t) => t.properties.hs_task_type === 'TODO')!;
    hs.store.archive(portalId, 'tasks', review.id);
    await waitFor(async () => (await outcomes(churn.id)).includes('task_deleted'), 45_000, 'task_deleted outcome');

    // GET /admin/feedback through the app, as the deployment's operator (the access guard scopes it).
    {
      const report = (await (
        await fetch(`${cl.url}/admin/feedback?since=30d`, { headers: AS_OPERATOR })
      ).json()) as FeedbackReport;
      expect(report.byType.budget_risk).toMatchObject({
        accepted: 1,
        ignored: 0,
        acceptanceRate: 1,
        draftsSentEdited: 1,
        dealsWonAfter: 1,
      });
      expect(report.byType.churn_risk).toMatchObject({ accepted: 0, ignored: 1, acceptanceRate: 0 });
      expect(report.byRep['9001']!.accepted).toBeGreaterThanOrEqual(1);
      expect(report.byRule['rep-daily-cap']!.written).toBeGreaterThanOrEqual(2);
      expect((await fetch(`${cl.url}/admin/feedback?since=soon`, { headers: AS_OPERATOR })).status).toBe(400);
      expect((await fetch(`${cl.url}/admin/feedback?since=30d`)).status).toBe(401);
    }

    // npx closeloop feedback report --since 30d
    let out = '';
    const code = await feedbackReportCli(['--since', '30d', '--json'], {
      openStore: async () => ({ store: cl.store, close: async () => {} }),
      out: (x) => {
        out += x;
      },
    });
    expect(code).toBe(0);
    expect((JSON.parse(out) as FeedbackReport).byType.budget_risk!.acceptanceRate).toBe(1);
    out = '';
    await feedbackReportCli(['--since', '30d'], {
      openStore: async () => ({ store: cl.store, close: async () => {} }),
      out: (x) => {
        out += x;
      },
    });
    expect(out).toMatch(/budget_risk\s+.*100%/);
  }, 270_000);

  test('a rep who keeps deleting one type of task is shown it less, and the suggestion says why', async () => {
    const stale = await waitFor(
      () => {
        const t = [1, 2, 3].map((k) => tasksOn('deals', ids[`quiet${k}`]!)[0]);
        return t.every(Boolean) ? t : null;
      },
      45_000,
      'three stale tasks',
    );
    for (const t of stale) hs.store.archive(portalId, 'tasks', t!.id);
    await waitFor(
      async () =>
        (
          await cl.store.feedback.repTypeHistory(
            (await cl.store.connections.byAccount('hubspot', String(portalId)))!.id,
            quietRep.id,
            'stale_deal_follow_up',
            new Date(0),
          )
        ).ignored === 3,
      45_000,
      'three ignored',
    );

    const fourth = hs.store.create(
      portalId,
      'deals',
      {
        dealname: 'Quiet deal 4',
        dealstage: 'qualifiedtobuy',
        pipeline: 'default',
        amount: '1000',
        hubspot_owner_id: quietRep.id,
      },
      { at: Date.now() - 60 * DAY },
    );
    const s = await waitFor(
      () => suggestion('stale_deal_follow_up', 'deal_id = $2', fourth.id),
      45_000,
      'fourth stale suggestion',
    );
    expect(s.status).toBe('suppressed');
    expect(s.repair.suppressed).toMatchObject({ factor: 0.4, showEvery: 3 });
    expect(s.payload.explanation.factors.map((f: any) => f.name).join('\n')).toContain(
      'this rep left 3 of the last 3 stale_deal_follow_up suggestions unused',
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(tasksOn('deals', fourth.id)).toHaveLength(0);
    // Another rep is not affected: the budget and churn suggestions of rep 9001 were written.
    // (the rep completed the budget task above, so that suggestion is theirs now)
    expect((await suggestion('budget_risk', 'deal_id = $2', ids.renewal!)).status).toBe('done_by_rep');
  }, 180_000);

  test('write-backs left open past their due date are recorded as overdue by the scan', async () => {
    const n = await recordOverdue(cl.store, Date.now() + 10 * DAY);
    expect(n).toBeGreaterThanOrEqual(1);
    const churn = await suggestion('churn_risk', "payload->>'companyId' = $2", ids.initech!);
    // The churn draft was never sent: overdue. Its review task was deleted: no second outcome for it.
    expect(await outcomes(churn.id)).toEqual(expect.arrayContaining(['task_deleted', 'task_overdue']));
    expect(await recordOverdue(cl.store, Date.now() + 10 * DAY)).toBe(0);
  });
});
