import { Client } from '@hubspot/api-client';
import { browse } from '../../src/lib/browser-fetch.js';
import type { HubspotSandbox } from '../../connectors/hubspot/sandbox/index.js';
import type { Closeloop } from '../../src/main.js';
import { startHubspotLoop, waitFor } from '../helpers/closeloop.js';
import { hubspotFixtures } from '../helpers/hubspot-fixtures.js';

const DAY = 86_400_000;

/**
 * What closeloop leaves in the CRM as time goes by, read back through the official client: a draft whose task the rep
 * deleted does not linger; a quiet deal whose follow-up the rep ticked off, and that stayed quiet a whole period since,
 * is nudged again.
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
  }, 60000);
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
    await waitFor(() => fx.tasksOn(D.del!).length === 2 || null, 30000, 'the task and its draft');
    const pair = await tasksOf(D.del!);
    const todo = pair.find((x) => x.properties.hs_task_type === 'TODO')!;
    const draft = pair.find((x) => x.properties.hs_task_type === 'EMAIL')!;
    await client.crm.objects.tasks.basicApi.archive(todo.id);
    await hs.flushWebhooks();
    // Waited for in the sandbox's store, then read back through the official client as the rep sees it.
    await waitFor(
      () => fx.tasksOn(D.del!).find((x) => x.id === draft.id)?.properties.hs_task_status === 'COMPLETED' || null,
      20000,
      'the draft withdrawn',
    );
    const after = (await tasksOf(D.del!)).find((x) => x.id === draft.id)!;
    expect(after.properties.hs_task_status).toBe('COMPLETED');
    expect(after.properties.hs_task_subject).toMatch(/^Withdrawn draft: The task this draft belonged to was deleted/);
  }, 60000);

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
      20000,
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
    const again = await waitFor(() => open()[0] ?? null, 20000, 'a new nudge');
    expect(again.id).not.toBe(nudge.id);
    expect(again.properties.hs_task_subject).toMatch(/^Follow up on Harbor freight visibility/);
    expect(open()).toHaveLength(1);
  }, 90000);
});
