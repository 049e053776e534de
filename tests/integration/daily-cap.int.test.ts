import { browse } from '../../src/lib/browser-fetch.js';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { HubspotSandbox } from '../../connectors/hubspot/sandbox/index.js';
import type { Closeloop } from '../../src/main.js';
import { ROOT } from '../helpers/db.js';
import { startHubspotLoop, waitFor } from '../helpers/closeloop.js';
import { hubspotFixtures } from '../helpers/hubspot-fixtures.js';

const DAY = 86_400_000;

/**
 * The rep's daily cap holds advice back for another day, never for good: a suggestion over the cap is not stored as
 * dealt with, so the next analysis of the deal proposes it again (an outside probe found capped deals never got a task,
 * 12 days later). The shipped rules with the cap lowered to one a day.
 */
describe(`the daily cap defers, it does not drop (${process.env.DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  let hs: HubspotSandbox;
  let cl: Closeloop;
  let stop: () => Promise<void>;
  let portalId: number;
  let rulesDir: string;
  let fx: ReturnType<typeof hubspotFixtures>;

  beforeAll(async () => {
    rulesDir = mkdtempSync(path.join(tmpdir(), 'cl-rules-'));
    cpSync(path.join(ROOT, 'rules'), rulesDir, { recursive: true });
    const limits = path.join(rulesDir, 'limits.json');
    writeFileSync(limits, readFileSync(limits, 'utf8').replace('"value": 20', '"value": 1'));
    ({ hs, cl, stop } = await startHubspotLoop({ env: { RULES_DIR: rulesDir } }));
    portalId = hs.defaultPortalId;
    hs.store
      .portal(portalId)
      .addOwner({ id: '9001', userId: 7001, email: 'morgan@vendorly.example', firstName: 'Morgan', lastName: 'Reyes' });
    fx = hubspotFixtures(hs, portalId, '9001', () => Date.now());
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

  /** A deal nobody has touched for 20 days (a MEDIUM follow-up, which the cap applies to). */
  const quietDeal = (name: string, email: string) => {
    const c = fx.contact(name, 'Quiet', email);
    const d = fx.deal(`${name} fleet`, 'qualifiedtobuy', [c], 40 * DAY);
    fx.email(d, c, 20 * DAY, 'EMAIL', 'Pricing', `Hi ${name}, here is the pricing sheet we discussed.`);
    return d;
  };
  const open = (d: string) => fx.tasksOn(d).filter((t) => t.properties.hs_task_status !== 'COMPLETED');

  test('over the cap: no task and nothing stored; once the rep has room, the same deal gets its task', async () => {
    const first = quietDeal('Ada', 'ada@first.example');
    await hs.flushWebhooks();
    await waitFor(() => open(first).length >= 1 || null, 90_000, 'the first task');
    const second = quietDeal('Ben', 'ben@second.example');
    await hs.flushWebhooks();
    await new Promise((r) => setTimeout(r, 6000));
    expect(open(second)).toEqual([]);
    const conn = (await cl.store.connections.byAccount('hubspot', String(portalId)))!;
    // Not stored as blocked (which would count its evidence as dealt with).
    expect(
      (await cl.store.suggestions.listByStatus(conn.tenant_id, 'blocked')).filter((r) => r.deal_id === second),
    ).toEqual([]);
    // The first deal closes (its task is withdrawn): the rep has room again, and the next analysis of the second deal
    // writes its follow-up.
    hs.store.update(portalId, 'deals', first, { dealstage: 'closedlost' });
    await hs.flushWebhooks();
    await waitFor(() => open(first).length === 0 || null, 45_000, 'first withdrawn');
    hs.store.update(portalId, 'deals', second, { amount: '25000' });
    await hs.flushWebhooks();
    const t = await waitFor(() => open(second)[0] ?? null, 45_000, 'the deferred task');
    expect(t.properties.hs_task_subject).toMatch(/Ben/);
  }, 210_000);
});
