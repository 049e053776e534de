import { browse } from '../../src/lib/browser-fetch.js';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { HubspotSandbox } from '../../connectors/hubspot/sandbox/index.js';
import type { Closeloop } from '../../src/main.js';
import { ROOT } from '../helpers/db.js';
import { startHubspotLoop, waitFor } from '../helpers/closeloop.js';

/**
 * Repair once: a draft that breaks a rule (while the suggestion without it passes) is regenerated once —
 * the template drafter drops the offending element — and written only if it then passes; otherwise the
 * suggestion goes to review with the reasons and nothing is written. Rules: the shipped ones plus two test rules.
 */
describe(`a failing draft is repaired once or held for review (${process.env.DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  let hs: HubspotSandbox;
  let cl: Closeloop;
  let stop: () => Promise<void>;
  let portalId: number;
  let rulesDir: string;
  const deals: Record<string, string> = {};
  const contacts: Record<string, string> = {};

  beforeAll(async () => {
    rulesDir = mkdtempSync(path.join(tmpdir(), 'cl-rules-'));
    cpSync(path.join(ROOT, 'rules'), rulesDir, { recursive: true });
    writeFileSync(
      path.join(rulesDir, 'zz-test-drafts.json'),
      JSON.stringify(
        {
          description: 'Test rules: names a customer must never read.',
          rules: [
            {
              name: 'no-internal-codenames',
              description: 'Internal project names stay internal.',
              conditions: { all: [{ fact: 'outgoingText', operator: 'containsAny', value: ['Falcon'] }] },
              event: { type: 'review', params: { message: 'The draft mentions an internal code name.' } },
            },
            {
              name: 'no-umbrella',
              description: 'A name legal asked us not to write.',
              conditions: { all: [{ fact: 'outgoingText', operator: 'containsAny', value: ['Umbrella'] }] },
              event: { type: 'review', params: { message: 'The draft mentions a restricted name.' } },
            },
          ],
        },
        null,
        2,
      ),
    );
    ({ hs, cl, stop } = await startHubspotLoop({ env: { RULES_DIR: rulesDir } }));
    portalId = hs.defaultPortalId;
    hs.store
      .portal(portalId)
      .addOwner({ id: '9001', userId: 7001, email: 'rep@example.com', firstName: 'Riley', lastName: 'Rep' });
    for (const [key, name] of [
      ['falcon', 'Vandelay renewal'],
      ['umbrella', 'Umbrella expansion'],
    ] as const) {
      // The contact's name is not the code name: the draft's To line names the contact (capitalised, "Art Falcon").
      const c = hs.store.create(portalId, 'contacts', {
        firstname: 'Art',
        lastname: key === 'falcon' ? 'Vance' : 'Ross',
        email: `art@${key}.example`,
      });
      const d = hs.store.create(
        portalId,
        'deals',
        { dealname: name, dealstage: 'contractsent', pipeline: 'default', amount: '20000', hubspot_owner_id: '9001' },
        { associations: [{ toType: 'contacts', toId: c.id }] },
      );
      hs.store.create(
        portalId,
        'notes',
        {
          hs_timestamp: String(Date.now() - 86_400_000),
          hs_note_body: 'Reviewed the order form.',
          hubspot_owner_id: '9001',
        },
        { associations: [{ toType: 'deals', toId: d.id }] },
      );
      deals[key] = d.id;
      contacts[key] = c.id;
    }
    expect((await browse(`${cl.url}/install/hubspot`)).status).toBe(200);
    await waitFor(
      async () => (await cl.store.connections.byAccount('hubspot', String(portalId)))?.backfill_done_at,
      30000,
      'backfill',
    );
  }, 90_000);
  afterAll(async () => {
    await stop();
    rmSync(rulesDir, { recursive: true, force: true });
  });

  const tasksOn = (dealId: string) =>
    hs.store
      .list(portalId, 'tasks')
      .filter((t) =>
        hs.store.associations(portalId, { type: 'tasks', id: t.id }, 'deals').some((a) => a.toId === dealId),
      );
  const budgetEmail = (key: string, subject: string) =>
    hs.store.create(
      portalId,
      'emails',
      {
        hs_timestamp: String(Date.now()),
        hs_email_direction: 'INCOMING_EMAIL',
        hs_email_subject: subject,
        hs_email_text: 'Finance just cut our budget for this quarter, so we cannot sign at the current price.',
      },
      {
        associations: [
          { toType: 'deals', toId: deals[key]! },
          { toType: 'contacts', toId: contacts[key]! },
        ],
      },
    );
  const budgetSuggestion = (dealId: string) =>
    waitFor(
      async () =>
        (
          await cl.store.db.query<any>("SELECT * FROM suggestions WHERE type = 'budget_risk' AND deal_id = $1", [
            dealId,
          ])
        ).rows[0],
      45_000,
      'budget suggestion',
    );

  test('the template draft quoted a code name from the email subject: regenerated without it, then written', async () => {
    budgetEmail('falcon', 'Project Falcon pricing');
    const s = await budgetSuggestion(deals.falcon!);
    expect(s.status).not.toBe('review');
    expect(s.repair).toMatchObject({
      repaired: true,
      firstFailed: [expect.objectContaining({ rule: 'no-internal-codenames', passed: false })],
    });
    expect(s.repair.firstDraft.subject).toContain('Falcon');
    expect(s.payload.draft.subject).not.toContain('Falcon');
    expect(s.payload.draft.body).not.toContain('Falcon');
    const written = await waitFor(
      () => {
        const t = tasksOn(deals.falcon!);
        return t.length >= 2 ? t : null;
      },
      45_000,
      'task and repaired draft',
    );
    const draft = written.find((t) => t.properties.hs_task_type === 'EMAIL')!;
    expect(draft.properties.hs_task_body!).not.toContain('Falcon');
    // What the rep needs to know about the repair is in the task, never in the email.
    const todo = written.find((t) => t.properties.hs_task_type === 'TODO')!;
    expect(todo.properties.hs_task_body).toMatch(
      /The first version of the draft did not pass closeloop(&#39;|')s checks and was rewritten once\./,
    );
    expect(draft.properties.hs_task_body).not.toContain('rewritten');
  }, 120_000);

  test('a draft that still breaks the rule after its one repair goes to review with the reasons and is not written', async () => {
    budgetEmail('umbrella', 'Re: order form');
    const s = await budgetSuggestion(deals.umbrella!);
    expect(s.status).toBe('review');
    expect(s.repair).toMatchObject({
      repaired: false,
      firstFailed: [expect.objectContaining({ rule: 'no-umbrella' })],
    });
    expect(s.repair.reasons).toEqual(['no-umbrella: The draft mentions a restricted name.']);
    expect(s.verdicts.find((v: any) => v.rule === 'no-umbrella')).toMatchObject({ passed: false });
    await new Promise((r) => setTimeout(r, 1000));
    expect(tasksOn(deals.umbrella!)).toHaveLength(0);
    expect(
      (await cl.store.db.query('SELECT 1 FROM writeback_outbox WHERE suggestion_id = $1', [s.id])).rows,
    ).toHaveLength(0);
  }, 90_000);
});
