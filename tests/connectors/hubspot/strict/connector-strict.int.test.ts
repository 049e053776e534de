/**
 * Issue 11, one test per numbered item: the HubSpot connector through the unmodified @hubspot/api-client against the
 * strict sandbox (rate limits on, search lag on, association paging at 100, owner validation, merges/restores,
 * injectable 477/5xx, date-versioned OAuth). Shapes and behaviours are cited in connectors/hubspot/BEHAVIOR.md.
 */
import { createHmac } from 'node:crypto';
import { startHubspotSandbox, type HubspotSandbox } from '../../../../connectors/hubspot/sandbox/index.js';
import { createHubspotConnector } from '../../../../connectors/hubspot/index.js';
import { refreshTokens } from '../../../../connectors/hubspot/oauth.js';
import { clearOwnerCache } from '../../../../connectors/hubspot/owners.js';
import type { ChangePage, ConnectionContext, WebhookEvent } from '../../../../src/core/index.js';
import { decideFailure } from '../../../../src/lib/failure-action.js';
import { bucketShapeFor, DbRequestPacer } from '../../../../src/sync/rate-pacer.js';
import { openTestDb, type TestDb } from '../../../helpers/db.js';

const CLIENT_ID = 'strict-app';
const CLIENT_SECRET = 'strict-secret-0123456789';
const HOUR = 3_600_000;
const connector = createHubspotConnector();

async function collect(it: AsyncIterable<ChangePage>): Promise<ChangePage[]> {
  const out: ChangePage[] = [];
  for await (const p of it) out.push(p);
  return out;
}

describe(`HubSpot connector against the strict sandbox (${process.env.DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  let hs: HubspotSandbox;
  let db: TestDb;
  let skew = 0;
  let portal: number;
  let tokens: { access: string; refresh: string };
  let refreshes = 0;
  let ctx: ConnectionContext;

  beforeAll(async () => {
    db = await openTestDb();
    // The sandbox clock runs with real time plus a skew a test can advance (to let the search lag pass).
    hs = await startHubspotSandbox({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      seed: 'empty',
      legacyOauth: false,
      now: () => Date.now() + skew,
      webhookBatchMs: 20,
      webhookRetryBaseMs: 20,
    });
    portal = hs.defaultPortalId;
    const issued = hs.issueTokens(portal);
    tokens = { access: issued.accessToken, refresh: issued.refreshToken };
    ctx = {
      connectionId: 'conn-strict',
      accountId: String(portal),
      apiBase: hs.url,
      getAccessToken: async () => tokens.access,
      forceRefresh: async () => {
        refreshes += 1;
        const t = await refreshTokens({
          tokenUrl: `${hs.url}/oauth/2026-03/token`,
          clientId: CLIENT_ID,
          clientSecret: CLIENT_SECRET,
          refreshToken: tokens.refresh,
        });
        tokens = { access: t.accessToken, refresh: t.refreshToken ?? tokens.refresh };
        return t.accessToken;
      },
      pacer: new DbRequestPacer(db.store, `hubspot:${portal}:${CLIENT_ID}`, connector.manifest.rateLimits!),
    };
  });
  afterAll(async () => {
    await hs.close();
    await db.close();
  });
  beforeEach(() => clearOwnerCache());

  const lagPasses = () => {
    skew += 3_000;
  };

  test('1. keyset polling: a record edited between pages is read, and no other record is skipped', async () => {
    const base = Date.now() + skew - 2 * HOUR;
    const ids = hs.store
      .portal(portal)
      .silently(() =>
        Array.from(
          { length: 250 },
          (_, i) =>
            hs.store.create(
              portal,
              'tasks',
              { hs_task_subject: `Task ${i}`, hs_timestamp: String(base) },
              { at: base + i * 1000 },
            ).id,
        ),
      );
    const seen = new Set<string>();
    let pages = 0;
    for await (const page of connector.listChanges(ctx, 'task', {
      phase: 'incremental',
      since: base,
      after: null,
      tieId: null,
      sweptAt: Date.now() + skew,
    })) {
      for (const r of page.records) seen.add(r.externalId);
      pages += 1;
      if (pages === 1) {
        // Task #10 (read on page 1) is edited and moves to the end of the sort; with offset paging task #101 would
        // slide back into the slot already read and never be seen.
        hs.store.update(portal, 'tasks', ids[10]!, { hs_task_subject: 'Task 10 (edited)' });
        lagPasses();
      }
    }
    expect(ids.filter((id) => !seen.has(id))).toEqual([]);
    expect(pages).toBeGreaterThanOrEqual(3);
  });

  test('2. write-back: no body search on a first attempt; after an unrecorded attempt the lookup finds the task (no duplicate)', async () => {
    const owner = hs.store
      .portal(portal)
      .addOwner({ id: '8101', userId: 8101, email: 'ada@example.com', firstName: 'Ada', lastName: 'Rep' });
    const deal = hs.store.create(portal, 'deals', {
      dealname: 'Idem',
      pipeline: 'default',
      dealstage: 'contractsent',
      hubspot_owner_id: owner.id,
    });
    const write = {
      subject: 'Call back about pricing',
      body: 'Pricing question pending.',
      dueAt: new Date(Date.now() + 86_400_000).toISOString(),
      priority: 'HIGH' as const,
      ownerId: owner.id,
      taskType: 'CALL' as const,
      idempotencyKey: 'idem42',
      dealId: deal.id,
      contactIds: [],
      companyId: null,
    };
    const searchesBefore = hs.rateLimitStats().searchRequests;
    const first = await connector.createTask(ctx, write);
    expect(hs.rateLimitStats().searchRequests).toBe(searchesBefore);
    lagPasses();
    const again = await connector.createTask(ctx, { ...write, mayExist: true });
    expect(again).toEqual({ externalId: first.externalId, url: null, alreadyExisted: true });
    expect(hs.store.list(portal, 'tasks').filter((t) => t.properties.hs_task_subject === write.subject)).toHaveLength(
      1,
    );
  });

  test('3 and 7. association, merge and restore webhooks: kinds from fromObjectTypeId/toObjectTypeId; merged ids deleted; restores re-read', async () => {
    const received: { body: Buffer; headers: Record<string, string>; url: string }[] = [];
    const { createServer } = await import('node:http');
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({
          body: Buffer.concat(chunks),
          headers: req.headers as Record<string, string>,
          url: req.url ?? '/',
        });
        res.statusCode = 204;
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const target = `http://127.0.0.1:${(server.address() as { port: number }).port}/webhooks/hubspot`;
    hs.setWebhookTarget(target);
    try {
      const contact = hs.store.create(portal, 'contacts', {
        firstname: 'Mia',
        lastname: 'Merge',
        email: 'mia@example.com',
      });
      const twin = hs.store.create(portal, 'contacts', {
        firstname: 'Mia',
        lastname: 'Merge',
        email: 'mia.m@example.com',
      });
      const note = hs.store.create(
        portal,
        'notes',
        { hs_timestamp: String(Date.now()), hs_note_body: 'Met Mia' },
        { associations: [{ toType: 'contacts', toId: twin.id }] },
      );
      const task = hs.store.create(portal, 'tasks', { hs_task_subject: 'Link me', hs_timestamp: String(Date.now()) });
      await hs.flushWebhooks();
      received.length = 0;

      // An association made through the official client (v4), as another integration would.
      const { Client } = await import('@hubspot/api-client');
      const client = new Client({ accessToken: tokens.access, basePath: hs.url });
      await client.crm.associations.v4.basicApi.create('tasks', task.id, 'contacts', contact.id, [
        { associationCategory: 'HUBSPOT_DEFINED' as never, associationTypeId: 204 },
      ]);
      await client.crm.contacts.basicApi.merge({ primaryObjectId: contact.id, objectIdToMerge: twin.id });
      hs.store.archive(portal, 'notes', note.id);
      hs.store.restore(portal, 'notes', note.id);
      await hs.flushWebhooks();

      const events: WebhookEvent[] = [];
      for (const r of received) {
        const ts = r.headers['x-hubspot-request-timestamp']!;
        expect(r.headers['x-hubspot-signature-v3']).toBe(
          createHmac('sha256', CLIENT_SECRET).update(`POST${target}`).update(r.body).update(ts).digest('base64'),
        );
        const parsed = connector.parseWebhook!(
          { method: 'POST', url: target, headers: r.headers, rawBody: r.body, receivedAt: Date.now() },
          { clientSecret: CLIENT_SECRET, toleranceMs: 300_000, now: Date.now() },
        );
        expect(parsed.rejected ?? []).toEqual([]);
        events.push(...parsed.events);
      }
      const summary = (change: string) =>
        events.filter((e) => e.change === change).map((e) => `${e.kind}:${e.objectId}`);
      // object.associationChange carries no objectTypeId: both sides come from fromObjectTypeId / toObjectTypeId.
      expect(summary('associated')).toEqual(expect.arrayContaining([`task:${task.id}`, `contact:${contact.id}`]));
      expect(events.filter((e) => e.change === 'associated').every((e) => e.kind !== null)).toBe(true);
      expect(summary('merged')).toContain(`contact:${contact.id}`);
      expect(summary('deleted')).toEqual(expect.arrayContaining([`contact:${twin.id}`, `note:${note.id}`]));
      expect(summary('restored')).toContain(`note:${note.id}`);

      // The note's association followed the survivor: re-reading the activity shows it on the surviving contact.
      const [reread] = await connector.fetchByIds(ctx, 'note', [note.id]);
      expect(reread!.associations.contacts).toEqual([contact.id]);
      // The merged-away id is gone: a read by id returns nothing for it.
      expect(await connector.fetchByIds(ctx, 'contact', [twin.id])).toEqual([]);
    } finally {
      hs.setWebhookTarget(null);
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  test('5. a 401 forces one refresh and one retry; a refused refresh (uninstalled app) is AUTH_REVOKED', async () => {
    const deal = hs.store.create(portal, 'deals', {
      dealname: 'Auth',
      pipeline: 'default',
      dealstage: 'appointmentscheduled',
    });
    hs.invalidateAccessToken(tokens.access);
    const before = refreshes;
    expect((await connector.fetchByIds(ctx, 'deal', [deal.id])).map((r) => r.externalId)).toEqual([deal.id]);
    expect(refreshes).toBe(before + 1);

    const other = hs.createPortal({ seed: 'empty' });
    const t = hs.issueTokens(other);
    let access = t.accessToken;
    const gone: ConnectionContext = {
      ...ctx,
      accountId: String(other),
      getAccessToken: async () => access,
      forceRefresh: async () =>
        (access = (
          await refreshTokens({
            tokenUrl: `${hs.url}/oauth/2026-03/token`,
            clientId: CLIENT_ID,
            clientSecret: CLIENT_SECRET,
            refreshToken: t.refreshToken,
          })
        ).accessToken),
    };
    hs.uninstall(other);
    await expect(connector.fetchByIds(gone, 'deal', ['1'])).rejects.toMatchObject({
      code: 'AUTH_REVOKED',
      message: expect.stringContaining('invalid_grant'),
    });
  });

  test('6. 150 associations: the v4 batch-read row paging and the inline block paging are both followed', async () => {
    const deal = hs.store.create(portal, 'deals', {
      dealname: 'Wide',
      pipeline: 'default',
      dealstage: 'qualifiedtobuy',
    });
    const contacts = hs.store
      .portal(portal)
      .silently(() =>
        Array.from(
          { length: 150 },
          (_, i) =>
            hs.store.create(
              portal,
              'contacts',
              { firstname: `C${i}`, lastname: 'Wide', email: `wide${i}@example.com` },
              { associations: [{ toType: 'deals', toId: deal.id }] },
            ).id,
        ),
      );
    const [read] = await connector.fetchByIds(ctx, 'deal', [deal.id]);
    expect([...read!.associations.contacts].sort()).toEqual([...contacts].sort());

    // The list endpoint inlines 100 and pages the rest.
    let listed: string[] | undefined;
    for await (const page of connector.listChanges(ctx, 'deal', null)) {
      const hit = page.records.find((r) => r.externalId === deal.id);
      if (hit) listed = hit.associations.contacts;
    }
    expect(listed).toHaveLength(150);
  });

  test('7. archived sweep: deletions without a webhook leave with the next sweep', async () => {
    const doomed = hs.store.create(portal, 'companies', { name: 'Doomed Inc' });
    const sweptAt = Date.now() + skew - 2 * HOUR;
    hs.store.archive(portal, 'companies', doomed.id);
    const pages = await collect(
      connector.listChanges(ctx, 'company', {
        phase: 'incremental',
        since: Date.now() + skew,
        after: null,
        tieId: null,
        sweptAt,
      }),
    );
    expect(pages.flatMap((p) => p.deleted)).toContainEqual({ kind: 'company', externalId: doomed.id });
    expect(pages.at(-1)!.checkpoint).toMatchObject({ phase: 'incremental' });
  });

  test('8. 477 and 5xx are transient and carry Retry-After, which the failure policy honours', async () => {
    const deal = hs.store.create(portal, 'deals', {
      dealname: 'Flaky',
      pipeline: 'default',
      dealstage: 'qualifiedtobuy',
    });
    hs.faults.inject({ status: 477, times: 1, retryAfterSec: 30, path: /\/objects\/deals\// });
    const t0 = Date.now();
    const e477 = await connector.fetchByIds(ctx, 'deal', [deal.id]).catch((e: unknown) => e);
    expect(e477).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', status: 477 });
    const retryAt = (e477 as { retryAt: number }).retryAt;
    expect(retryAt).toBeGreaterThanOrEqual(t0 + 29_000);
    expect(decideFailure(e477, { attempt: 1, maxAttempts: 5, now: t0 })).toMatchObject({
      action: 'retry',
      at: retryAt,
    });

    hs.faults.inject({ status: 503, times: 1, retryAfterSec: 2, path: /\/objects\/deals\// });
    await expect(connector.fetchByIds(ctx, 'deal', [deal.id])).rejects.toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      status: 503,
    });
    // The next attempt (what the queue does at retryAt) succeeds.
    expect(await connector.fetchByIds(ctx, 'deal', [deal.id])).toHaveLength(1);
  });

  test('9. OAuth on the date-versioned endpoints with v1 switched off', async () => {
    const v1 = await fetch(`${hs.url}/oauth/v1/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'refresh_token' }),
    });
    expect(v1.status).toBe(404);
    const identity = await connector.afterInstall(
      { accessToken: tokens.access, refreshToken: tokens.refresh, expiresAt: null, metadata: {} },
      { apiBase: hs.url, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
    );
    expect(identity.accountId).toBe(String(portal));
    const bad = await fetch(`${hs.url}/oauth/2026-03/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        refresh_token: 'nope',
      }),
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: 'invalid_grant', error_description: expect.any(String) });
  });

  test('11. an unknown or deactivated owner is checked through the owners API and left off the task, visibly', async () => {
    const p = hs.store.portal(portal);
    const gone = p.addOwner({
      id: '8202',
      userId: 8202,
      email: 'left@example.com',
      firstName: 'Left',
      lastName: 'Company',
    });
    const deal = hs.store.create(portal, 'deals', {
      dealname: 'Orphan',
      pipeline: 'default',
      dealstage: 'qualifiedtobuy',
      hubspot_owner_id: gone.id,
    });
    p.deactivateOwner(gone.id);
    const write = {
      subject: 'Re-engage',
      body: 'No reply in 3 weeks.',
      dueAt: new Date(Date.now() + 86_400_000).toISOString(),
      priority: 'MEDIUM' as const,
      ownerId: gone.id,
      taskType: 'TODO' as const,
      idempotencyKey: 'owner77',
      dealId: deal.id,
      contactIds: [],
      companyId: null,
    };
    // Writing the deactivated id directly is what HubSpot refuses:
    await expect(
      Promise.resolve().then(() =>
        p.create(
          'tasks',
          { hs_task_subject: 'x', hs_timestamp: String(Date.now()), hubspot_owner_id: gone.id },
          { changeSource: 'API' },
        ),
      ),
    ).rejects.toMatchObject({ status: 400 });
    const created = await connector.createTask(ctx, write);
    const task = hs.store.get(portal, 'tasks', created.externalId)!;
    expect(task.properties.hubspot_owner_id).toBeUndefined();
    expect(task.properties.hs_task_body).toContain('Not assigned: HubSpot owner 8202 is deactivated');
  });

  test('8. a 20,000-record backfill under the published limit: < 1 % answered 429, paced near the allowed rate', async () => {
    const big = hs.createPortal({ seed: 'empty' });
    const p = hs.store.portal(big);
    p.silently(() => {
      for (let i = 0; i < 10_000; i++)
        hs.store.create(big, 'contacts', { firstname: `F${i}`, lastname: 'Bulk', email: `bulk${i}@example.com` });
      for (let i = 0; i < 5_000; i++) hs.store.create(big, 'companies', { name: `Company ${i}` });
      for (let i = 0; i < 5_000; i++)
        hs.store.create(big, 'deals', { dealname: `Deal ${i}`, pipeline: 'default', dealstage: 'qualifiedtobuy' });
    });
    const t = hs.issueTokens(big);
    const bulkCtx: ConnectionContext = {
      ...ctx,
      connectionId: 'conn-bulk',
      accountId: String(big),
      getAccessToken: async () => t.accessToken,
      pacer: new DbRequestPacer(db.store, `hubspot:${big}:${CLIENT_ID}`, connector.manifest.rateLimits!),
    };
    const before = hs.rateLimitStats();
    const started = Date.now();
    // Three workers backfill at once, sharing one bucket in the database.
    const counts = await Promise.all(
      (['contact', 'company', 'deal'] as const).map(async (kind) => {
        let n = 0;
        for await (const page of connector.listChanges(bulkCtx, kind, null)) n += page.records.length;
        return n;
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    const after = hs.rateLimitStats();
    const calls = after.requests - before.requests;
    const throttled = after.throttled - before.throttled;
    expect(counts).toEqual([10_000, 5_000, 5_000]);
    expect(throttled / calls).toBeLessThan(0.01);
    // The planned steady rate is at least 90 % of the published limit; the achieved rate is reported.
    const shape = bucketShapeFor(110, 10_000);
    expect(shape.refillPerMs * 10_000).toBeGreaterThanOrEqual(0.9 * 110);
    console.log(
      `backfill: ${counts.reduce((a, b) => a + b, 0)} records, ${calls} calls, ${throttled} answered 429 (${((100 * throttled) / calls).toFixed(2)} %), ${(calls / seconds).toFixed(2)} calls/s = ${((100 * calls) / seconds / 11).toFixed(1)} % of 110 per 10 s`,
    );
  }, 180_000);
});
