import type { SalesforceSandbox } from '../../connectors/salesforce/sandbox/index.js';
import { sweepOutbox } from '../../src/jobs/cron.js';
import { silentLogger } from '../../src/lib/logger.js';
import type { ConnectionRow } from '../../src/store/index.js';
import { AS_OPERATOR } from '../helpers/closeloop.js';
import {
  backfilled,
  installSalesforce,
  salesRep,
  startSalesforceLoop,
  waitFor,
  type SalesforceLoop,
} from '../helpers/salesforce.js';

const DAY = 86_400_000;
const ENGINE = process.env.DATABASE_URL ? 'postgres' : 'pglite';
const iso = (t: number) => new Date(t).toISOString();
const RULE = 'Sales tasks need a subject starting with [SALES] (ops policy 12)';

/**
 * Org setup RevOps has to fix, seen where they look (/admin/connections), and nothing lost meanwhile:
 * - an active validation rule on Task refuses closeloop's tasks (FIELD_CUSTOM_VALIDATION_EXCEPTION): the write-back
 *   is not dead-lettered; the org's own rule message is a setup issue, the connection's write-backs wait, and they
 *   go out once the admin changed the rule and marks it fixed;
 * - Opportunity.Amount hidden by field-level security (read as empty): a setup warning naming what is lost and the
 *   fix, and nothing waits for it.
 */
describe(`Salesforce setup issues from write-backs and hidden fields (${ENGINE})`, () => {
  let loop: SalesforceLoop;
  let sf: SalesforceSandbox;
  let orgId: string;
  let conn: ConnectionRow;
  const opps: string[] = [];
  let dropRule: () => void;

  beforeAll(async () => {
    loop = await startSalesforceLoop({ env: { STALE_DEAL_DAYS: '14' } });
    ({ sf, orgId } = loop);
    const rep = salesRep(sf, orgId, {
      FirstName: 'Riley',
      LastName: 'Rep',
      Email: 'riley@sellerco.example',
      Alias: 'rr',
    });
    const account = sf.store.create(orgId, 'Account', { Name: 'Umbrella Corp', Website: 'https://umbrella.example' });
    const carla = sf.store.create(orgId, 'Contact', {
      FirstName: 'Carla',
      LastName: 'Chief',
      Email: 'carla@umbrella.example',
      AccountId: account,
    });
    // Two stale deals: the last activity 20 days ago, so a follow-up Task is due on each.
    for (const name of ['Umbrella platform', 'Umbrella platform renewal']) {
      const opp = sf.store.create(orgId, 'Opportunity', {
        Name: name,
        StageName: 'Proposal/Price Quote',
        CloseDate: '2030-06-30',
        Amount: 80000,
        AccountId: account,
        OwnerId: rep,
      });
      sf.store.create(orgId, 'OpportunityContactRole', { OpportunityId: opp, ContactId: carla, IsPrimary: true });
      sf.store.create(orgId, 'Event', {
        Subject: 'Proposal walkthrough',
        StartDateTime: iso(Date.now() - 20 * DAY),
        EndDateTime: iso(Date.now() - 20 * DAY + 3_600_000),
        WhatId: opp,
        OwnerId: rep,
      });
      opps.push(opp);
    }
    // The org's admin: a validation rule closeloop's tasks cannot satisfy, and Amount hidden from the API user.
    dropRule = sf.store.addValidationRule(orgId, 'Task', (t) => !String(t.Subject ?? '').startsWith('[SALES]'), RULE, {
      field: 'Subject',
    });
    sf.store.setFieldAccess(orgId, 'Opportunity', 'Amount', 'absent');
    await installSalesforce(loop.cl);
    conn = await backfilled(loop.cl, orgId, 60_000);
  }, 150_000);
  afterAll(async () => {
    await loop.stop();
  });

  const health = async () =>
    ((await (await fetch(`${loop.cl.url}/admin/connections`, { headers: AS_OPERATOR })).json()) as any[]).find(
      (c) => c.id === conn.id,
    );
  const taskRows = async () =>
    (
      await loop.cl.store.db.query<{ status: string; parked_reason: string | null; suggestion_id: string }>(
        "SELECT status, parked_reason, suggestion_id FROM writeback_outbox WHERE connection_id = $1 AND action = 'create_task'",
        [conn.id],
      )
    ).rows;

  test('a validation rule that refuses the task is a setup issue with the org message; the write waits, not dead-lettered', async () => {
    const h = await waitFor(
      async () => {
        const x = await health();
        return (x?.setupIssues ?? []).some((i: string) => i.includes(RULE)) ? x : null;
      },
      60_000,
      'the validation rule as a setup issue',
    );
    expect(h.setupIssues).toEqual([
      expect.stringMatching(
        /^A validation rule on Task refuses closeloop's tasks: "Sales tasks need a subject starting with \[SALES\] \(ops policy 12\)" \(Subject\)\. .*mark it fixed/,
      ),
    ]);
    // Both deals' tasks wait, parked with the rule's message (the first refused, the second held by the issue).
    const rows = await waitFor(
      async () => {
        const x = await taskRows();
        return x.length === 2 && x.every((r) => r.parked_reason !== null) ? x : null;
      },
      30_000,
      'both tasks parked',
    );
    for (const r of rows) {
      expect(r.status).toBe('pending');
      expect(r.parked_reason).toContain(RULE);
      expect((await loop.cl.store.suggestions.get(r.suggestion_id))!.status).not.toBe('write_failed');
    }
    expect(sf.store.list(orgId, 'Task').filter((t) => t.Closeloop_Key__c)).toEqual([]);
    // The console shows it too, with the way to say it is fixed.
    const page = await (await fetch(`${loop.cl.url}/admin`, { headers: AS_OPERATOR })).text();
    expect(page).toContain('Sales tasks need a subject starting with [SALES] (ops policy 12)');
    expect(page).toContain(`action="/admin/connections/${conn.id}/setup-fixed"`);
  }, 120_000);

  test('a field hidden by field-level security is a non-blocking setup warning naming what is lost and the fix', async () => {
    const h = await health();
    expect(h.setupWarnings).toEqual([
      expect.stringMatching(
        /^Opportunity\.Amount is not visible to the integration user: amounts read as empty, so budget-risk suggestions stop; grant read access in the permission set/,
      ),
    ]);
    // It is a warning, not an issue: only the rule's issue is listed as blocking.
    expect(h.setupIssues.some((i: string) => /Amount/.test(i))).toBe(false);
    const page = await (await fetch(`${loop.cl.url}/admin`, { headers: AS_OPERATOR })).text();
    expect(page).toContain('Opportunity.Amount is not visible to the integration user');
  });

  const sweep = () =>
    sweepOutbox({ store: loop.cl.store, queue: loop.cl.queue, logger: silentLogger(), now: Date.now });
  const attempts = async () =>
    (
      await loop.cl.store.db.query<{ n: string }>(
        "SELECT coalesce(sum(attempts), 0)::text AS n FROM writeback_outbox WHERE connection_id = $1 AND action = 'create_task'",
        [conn.id],
      )
    ).rows[0]!.n;

  test('marked fixed while the rule still refuses: the writes are sent again, refused, and wait again with the issue', async () => {
    const before = Number(await attempts());
    const res = await fetch(`${loop.cl.url}/admin/connections/${conn.id}/setup-fixed`, {
      method: 'POST',
      headers: { ...AS_OPERATOR, accept: 'application/json' },
    });
    expect(res.status).toBe(200);
    expect((await health()).setupIssues.some((i: string) => i.includes(RULE))).toBe(false);
    await sweep();
    await waitFor(
      async () => (await health()).setupIssues.some((i: string) => i.includes(RULE)) || null,
      30_000,
      'the issue recorded again',
    );
    expect(Number(await attempts())).toBeGreaterThan(before);
    for (const r of await taskRows()) expect(r.status).toBe('pending');
    expect(sf.store.list(orgId, 'Task').filter((t) => t.Closeloop_Key__c)).toEqual([]);
  });

  test('once the rule is changed, the next try of a waiting write gets through, the issue clears and the rest follow', async () => {
    dropRule();
    // The try is due (15 minutes after the refusal in production): one parked write goes alone.
    await loop.cl.store.db.query('UPDATE connections SET write_probe_at = now() WHERE id = $1', [conn.id]);
    await sweep();
    await waitFor(
      async () => ((await health()).setupIssues.length === 0 ? true : null),
      30_000,
      'the issue cleared by a write that got through',
    );
    await sweep();
    await waitFor(
      async () => (await taskRows()).every((r) => r.status === 'done') || null,
      30_000,
      'every task written',
    );
    const tasks = sf.store.list(orgId, 'Task').filter((t) => t.Closeloop_Key__c);
    expect(tasks.map((t) => t.WhatId).sort()).toEqual([...opps].sort());
    expect(tasks.every((t) => /^Follow up on Umbrella platform/.test(String(t.Subject)))).toBe(true);
  }, 90_000);

  test('marking fixed a connection that does not exist is a 404, not a 5xx', async () => {
    const res = await fetch(`${loop.cl.url}/admin/connections/nope/setup-fixed`, {
      method: 'POST',
      headers: { ...AS_OPERATOR, accept: 'application/json' },
    });
    expect(res.status).toBe(404);
  });
});
