import type { SalesforceSandbox } from '../../connectors/salesforce/sandbox/index.js';
import type { ConnectionRow } from '../../src/store/index.js';
import {
  backfilled,
  installSalesforce,
  quietOpportunity,
  startSalesforceLoop,
  subscribed,
  waitFor,
  type SalesforceLoop,
  salesRep,
} from '../helpers/salesforce.js';

const ENGINE = process.env.DATABASE_URL ? 'postgres' : 'pglite';

/**
 * Outcome feedback from Salesforce (issue 12 item 6), end to end against the sandbox: what a rep does in Salesforce
 * with what closeloop wrote — completes a Task, deletes one, sends a draft EmailMessage (its Status leaves 5 = Draft),
 * deletes a draft — comes back through Change Data Capture and is recorded once as feedback on the suggestion.
 */
describe(`Salesforce outcome feedback (${ENGINE})`, () => {
  let loop: SalesforceLoop;
  let sf: SalesforceSandbox;
  let orgId: string;
  let conn: ConnectionRow;
  beforeAll(async () => {
    loop = await startSalesforceLoop({ env: { STALE_DEAL_DAYS: '14' } });
    ({ sf, orgId } = loop);
    const owner = salesRep(sf, orgId, {
      FirstName: 'Riley',
      LastName: 'Rep',
      Email: 'riley@sellerco.example',
      Alias: 'rrep',
    });
    for (let i = 0; i < 3; i++)
      quietOpportunity(sf, orgId, {
        owner,
        company: `Initech ${i}`,
        domain: `initech${i}.example`,
        contact: ['Bill', `Lumbergh ${i}`],
      });
    await installSalesforce(loop.cl);
    conn = await backfilled(loop.cl, orgId, 60_000);
    await subscribed(loop, conn.id);
  }, 180_000);
  afterAll(async () => {
    await loop.stop();
  });

  const written = async (action: string) =>
    (
      await loop.cl.store.db.query<{ suggestion_id: string; crm_id: string }>(
        "SELECT suggestion_id, crm_id FROM writeback_outbox WHERE connection_id = $1 AND action = $2 AND status = 'done' ORDER BY id",
        [conn.id, action],
      )
    ).rows;
  const outcomes = async () =>
    (
      await loop.cl.store.db.query<{ target: string; outcome: string }>(
        'SELECT target, outcome FROM suggestion_outcomes WHERE connection_id = $1 ORDER BY target, outcome',
        [conn.id],
      )
    ).rows;

  test('completed and deleted Tasks, sent and discarded drafts are recorded as outcomes', async () => {
    const tasks = await waitFor(
      async () => {
        const r = await written('create_task');
        return r.length >= 2 ? r : null;
      },
      60_000,
      'two written tasks',
    );
    const drafts = await written('create_draft_email');
    sf.store.update(orgId, 'Task', tasks[0]!.crm_id, { Status: 'Completed' });
    sf.store.delete(orgId, 'Task', tasks[1]!.crm_id);
    const expected = [
      { target: tasks[0]!.crm_id, outcome: 'task_completed' },
      { target: tasks[1]!.crm_id, outcome: 'task_deleted' },
    ];
    if (drafts[0]) {
      sf.store.update(orgId, 'EmailMessage', drafts[0].crm_id, { Status: '3', MessageDate: new Date().toISOString() });
      expected.push({ target: drafts[0].crm_id, outcome: 'draft_sent' });
    }
    if (drafts[1]) {
      sf.store.delete(orgId, 'EmailMessage', drafts[1].crm_id);
      expected.push({ target: drafts[1].crm_id, outcome: 'draft_discarded' });
    }
    const got = await waitFor(
      async () => {
        const o = await outcomes();
        return expected.every((e) => o.some((x) => x.target === e.target && x.outcome === e.outcome)) ? o : null;
      },
      30_000,
      `outcomes ${JSON.stringify(expected)}`,
    );
    // Once each: a later change of the same record records nothing new. (Only that record's outcomes are counted:
    // the deleted Task's draft is withdrawn with it and may add its own outcome meanwhile.)
    const ofCompleted = (o: { target: string }[]) => o.filter((x) => x.target === tasks[0]!.crm_id).length;
    sf.store.update(orgId, 'Task', tasks[0]!.crm_id, { Description: 'edited after completion' });
    await new Promise((r) => setTimeout(r, 1_500));
    expect(ofCompleted(await outcomes())).toBe(ofCompleted(got));
    // The deleted Task is erased from the store like any deletion; its outcome stays (ids only).
    expect(await loop.cl.store.records.get(conn.id, 'task', tasks[1]!.crm_id)).toBeNull();
  }, 120_000);
});
