import { browse } from '../../src/lib/browser-fetch.js';
import type { HubspotSandbox } from '../../connectors/hubspot/sandbox/index.js';
import type { Closeloop } from '../../src/main.js';
import { AS_OPERATOR, startHubspotLoop, waitFor } from '../helpers/closeloop.js';
import { hubspotFixtures, taskText as text } from '../helpers/hubspot-fixtures.js';

const DAY = 86_400_000;

/**
 * A suggestion held for a manager (here: the deal's owner has left) is approved days later. If the deal changed while
 * it waited (the customer wrote again, the deal was handed to another rep or closed), the text the manager approved is
 * stale: nothing of it is written, the manager is told what changed, and the deal is analysed again as it is now. A deal
 * that did not change is written as approved.
 */
describe('HubSpot: approving a held suggestion after the deal changed', () => {
  let hs: HubspotSandbox;
  let cl: Closeloop;
  let stop: () => Promise<void>;
  let portalId: number;
  let tenant: string;
  const D: Record<string, string> = {};
  const C: Record<string, string> = {};
  let fx: ReturnType<typeof hubspotFixtures>;

  beforeAll(async () => {
    ({ hs, cl, stop } = await startHubspotLoop());
    portalId = hs.defaultPortalId;
    const portal = hs.store.portal(portalId);
    portal.addOwner({
      id: '9001',
      userId: 7001,
      email: 'morgan@vendorly.example',
      firstName: 'Morgan',
      lastName: 'Reyes',
    });
    const gone = portal.addOwner({
      id: '9002',
      userId: 7002,
      email: 'lee@vendorly.example',
      firstName: 'Lee',
      lastName: 'Gone',
    });
    fx = hubspotFixtures(hs, portalId, '9002', () => Date.now());
    const setup = (key: string, first: string, last: string, company: string) => {
      C[key] = fx.contact(first, last, `${first.toLowerCase()}@${company}.example`);
      D[key] = fx.deal(`${company} fleet`, 'contractsent', [C[key]!]);
      fx.email(
        D[key]!,
        C[key]!,
        2 * DAY,
        'INCOMING_EMAIL',
        'Re: Contract',
        `Lee, our budget was cut this quarter, so we cannot sign the ${company} contract at this price.`,
      );
    };
    setup('same', 'Ines', 'Duarte', 'tagus');
    setup('wrote', 'Omar', 'Haddad', 'nile');
    setup('moved', 'Sofia', 'Lind', 'fjord');
    setup('closed', 'Ken', 'Sato', 'kanto');
    setup('handed', 'Mia', 'Kovac', 'adria');
    portal.deactivateOwner(gone.id);
    expect((await browse(`${cl.url}/install/hubspot`)).status).toBe(200);
    const conn = await waitFor(
      async () => {
        const c = await cl.store.connections.byAccount('hubspot', String(portalId));
        return c?.backfill_done_at ? c : null;
      },
      30000,
      'backfill',
    );
    tenant = conn.tenant_id;
    await waitFor(
      async () => ((await refresh()) && Object.values(D).every((d) => held(d) !== null)) || null,
      90_000,
      'a held suggestion on every deal',
    );
  }, 180_000);
  afterAll(async () => {
    await stop();
  });

  let heldRows: { id: string; deal_id: string | null; payload: any }[] = [];
  const held = (dealId: string) => heldRows.find((r) => r.deal_id === dealId) ?? null;
  beforeEach(async () => {
    heldRows = await cl.store.suggestions.listByStatus(tenant, 'review');
  });
  // Between tests the list is read again.
  const refresh = async () => {
    heldRows = await cl.store.suggestions.listByStatus(tenant, 'review');
    return heldRows;
  };
  const approve = (id: string) =>
    fetch(`${cl.url}/api/v1/suggestions/${id}/approve?tenant=${tenant}`, { method: 'POST', headers: AS_OPERATOR });

  test('unchanged since it was held: written as approved', async () => {
    await waitFor(async () => ((await refresh()).length >= 4 ? true : null), 45_000, 'held rows');
    const row = held(D.same!)!;
    const ok = await approve(row.id);
    expect(ok.status).toBe(200);
    await waitFor(() => fx.tasksOn(D.same!).length > 0 || null, 45_000, 'the approved task');
  }, 120_000);

  test('the customer wrote again while it was held: not written, the approver told why, held again with the new email', async () => {
    await refresh();
    const row = held(D.wrote!)!;
    fx.email(
      D.wrote!,
      C.wrote!,
      0,
      'INCOMING_EMAIL',
      'Re: Contract',
      'Lee, one more thing: our legal team needs the data processing agreement before anything is signed.',
    );
    await hs.flushWebhooks();
    const created = await waitFor(
      async () => (await cl.store.records.activitiesForDeal((await conn()).id, D.wrote!)).length >= 2 || null,
      45_000,
      'the new email synced',
    );
    expect(created).toBe(true);
    const res = await approve(row.id);
    expect(res.status).toBe(409);
    expect(await res.text()).toMatch(/not written: since it was held for review, the customer wrote again/);
    // Nothing of the stale text reaches the CRM.
    expect(fx.tasksOn(D.wrote!)).toEqual([]);
    expect((await cl.store.suggestions.get(row.id))!.status).toBe('withdrawn');
    // Analysed again as the deal is now: the budget concern still stands, so it is held again (the owner is still gone),
    // this time written knowing the newer email.
    const again = await waitFor(
      async () => (await refresh()).find((r) => r.deal_id === D.wrote && r.id !== row.id) ?? null,
      45_000,
      'held again',
    );
    expect(again.payload.task.body).toMatch(/budget/);
    expect(fx.tasksOn(D.wrote!)).toEqual([]);
  }, 120_000);

  test('the deal was handed to another rep while it was held: not written; the new owner gets a task and draft of their own', async () => {
    await refresh();
    const row = held(D.moved!)!;
    hs.store.update(portalId, 'deals', D.moved!, { hubspot_owner_id: '9001' });
    await hs.flushWebhooks();
    await waitFor(
      async () => (await cl.store.records.get<any>((await conn()).id, 'deal', D.moved!))?.ownerId === '9001' || null,
      45_000,
      'the new owner synced',
    );
    const res = await approve(row.id);
    expect(res.status).toBe(409);
    expect(await res.text()).toMatch(/the deal was assigned to another rep/);
    // Analysed again: the rules pass for Morgan, so Morgan's task and a draft signed by Morgan are written.
    const tasks = await waitFor(
      () => {
        const t = fx.tasksOn(D.moved!);
        return t.some((x) => x.properties.hs_task_type === 'EMAIL') ? t : null;
      },
      30000,
      "the new owner's task and draft",
    );
    expect(tasks.every((t) => t.properties.hubspot_owner_id === '9001')).toBe(true);
    const draft = text(tasks.find((t) => t.properties.hs_task_type === 'EMAIL')!.properties.hs_task_body);
    expect(draft).toMatch(/Morgan/);
    expect(draft).not.toMatch(/Lee Gone/);
  }, 120_000);

  test('handed to an active rep while held, nobody approves: the held text is re-checked and written for the new owner', async () => {
    await refresh();
    const row = held(D.handed!)!;
    hs.store.update(portalId, 'deals', D.handed!, { hubspot_owner_id: '9001' });
    await hs.flushWebhooks();
    // No approval: the held suggestion no longer fits the deal, so it goes through the loop again, and now passes.
    const tasks = await waitFor(
      () => {
        const t = fx.tasksOn(D.handed!);
        return t.some((x) => x.properties.hs_task_type === 'EMAIL') ? t : null;
      },
      30000,
      "the new owner's task and draft",
    );
    expect(tasks.every((t) => t.properties.hubspot_owner_id === '9001')).toBe(true);
    const old = (await cl.store.suggestions.get(row.id))!;
    expect(old.status).toBe('withdrawn');
    expect(old.closed_reason).toMatch(/While this was held for review, the deal was assigned to another rep/);
    // Nothing of the deal is left in the review queue.
    expect((await refresh()).filter((r) => r.deal_id === D.handed)).toEqual([]);
  }, 60000);

  test('the deal closed while it was held: not written, the approver told it closed', async () => {
    await refresh();
    const row = held(D.closed!)!;
    hs.store.update(portalId, 'deals', D.closed!, { dealstage: 'closedlost' });
    await hs.flushWebhooks();
    await waitFor(
      async () => (await cl.store.records.get<any>((await conn()).id, 'deal', D.closed!))?.isClosed || null,
      45_000,
      'the close synced',
    );
    const res = await approve(row.id);
    expect(res.status).toBe(409);
    expect(await res.text()).toMatch(/closed/);
    expect(fx.tasksOn(D.closed!)).toEqual([]);
  }, 90_000);

  const conn = async () => (await cl.store.connections.byAccount('hubspot', String(portalId)))!;
});
