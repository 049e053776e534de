import { browse } from '../src/lib/browser-fetch.js';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startHubspotSandbox } from '../connectors/hubspot/sandbox/index.js';
import { startSalesforceSandbox } from '../connectors/salesforce/sandbox/index.js';
import { SALESFORCE_KIND_SOURCES } from '../connectors/salesforce/manifest.js';
import { hubspotManifest } from '../connectors/hubspot/manifest.js';
import { loadConfig } from '../src/config/index.js';
import { createHubspotConnector } from '../connectors/hubspot/index.js';
import { clearOwnerCache } from '../connectors/hubspot/owners.js';
import { createSalesforceConnector } from '../connectors/salesforce/index.js';
import {
  CLIENT_ID as SF_TEST_CLIENT,
  CLIENT_SECRET as SF_TEST_SECRET,
  connect as connectSalesforce,
} from '../tests/connectors/salesforce/sandbox/helpers.js';
import type { TokenVault } from '../src/auth/token-vault.js';
import type { ConnectionContext, Connector, DraftEmailWrite, TaskWrite } from '../src/core/connector.js';
import { sealWrite } from '../src/core/gated-write.js';
import { silentLogger } from '../src/lib/logger.js';
import { createMetrics } from '../src/lib/metrics.js';
import { startCloseloop, type Closeloop } from '../src/main.js';
import { withFreshDatabase } from './fresh-db.js';
import { benchWebhookToTask } from './webhook-to-task.js';
import { createStore, migrate, openDb } from '../src/store/index.js';
import { DbRequestPacer } from '../src/sync/rate-pacer.js';
import { processOutbox, type WritebackDeps } from '../src/writeback/process-outbox.js';
import { appSettingSpecs } from '../connectors/index.js';

/**
 * How well closeloop spends one account's API budget, against the sandboxes with their published limits on.
 * A backfill's floor is what the limits allow: records ÷ page size ÷ allowed calls per second.
 */
export interface BackfillResult {
  crm: string;
  engine: string;
  records: number;
  seconds: number;
  calls: number;
  throttled: number;
  /** HubSpot: floor seconds ÷ seconds (1.0 = exactly the published rate). Salesforce: floor calls ÷ calls. */
  ratio: number;
  floor: string;
  /** Calls by kind, where the sandbox tells them apart (Salesforce). */
  byKind?: Record<string, number>;
  /** Salesforce: the install check's calls, the completeness check's after the backfill, the same reads without the store. */
  extra?: {
    installCheck: number;
    afterBackfill: number;
    afterKinds: Record<string, number>;
    bareSeconds: number;
    total: number;
  };
}

const cfgFor = (databaseUrl: string | null) =>
  loadConfig(
    {
      PORT: '0',
      DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'cl-bench-')),
      TOKEN_ENCRYPTION_KEY: 'ab'.repeat(32),
      LOG_LEVEL: 'silent',
      DATABASE_URL: databaseUrl ?? undefined,
      MIGRATE_ON_START: 'true',
      POLL_CRON: '0 0 1 1 *',
      SCAN_CRON: '0 0 1 1 *',
    },
    appSettingSpecs,
  );

/**
 * Seconds from the install request to the connection's backfill_done_at (the database's clock, same machine): what
 * closeloop does after the backfill (checks, scan, training) may keep an embedded database busy and must not count.
 */
async function installAndBackfill(cl: Closeloop, provider: string, accountId: string): Promise<number> {
  const t0 = Date.now();
  const res = await browse(`${cl.url}/install/${provider}`);
  if (!res.ok) throw new Error(`${provider} install failed: ${res.status} ${await res.text()}`);
  for (;;) {
    const c = await cl.store.connections.byAccount(provider, accountId);
    if (c?.backfill_done_at) return (new Date(c.backfill_done_at).getTime() - t0) / 1000;
    if (c?.status === 'failed' || c?.status === 'needs_reconnect')
      throw new Error(`${provider} backfill stopped: ${c.status}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * HubSpot: `records` contacts and companies (3:2) in one portal, installed through OAuth and backfilled by
 * closeloop with the sandbox's public-app limit on (110 calls per 10 s). Floor: records ÷ 100 per page ÷ 11 calls/s.
 */
export async function benchHubspotBackfill(o: {
  databaseUrl: string | null;
  records: number;
}): Promise<BackfillResult> {
  const hs = await startHubspotSandbox({
    port: 0,
    clientId: 'budget',
    clientSecret: 'budget-secret',
    seed: 'empty',
    webhookTargetUrl: null,
  });
  const pid = hs.defaultPortalId;
  const contacts = Math.round(o.records * 0.6);
  hs.store.portal(pid).silently(() => {
    // No email: the sandbox checks e-mail uniqueness by scanning every contact, which is quadratic at this size.
    for (let i = 0; i < contacts; i++)
      hs.store.create(pid, 'contacts', {
        firstname: `F${i}`,
        lastname: 'Bulk',
        phone: `+1555${String(i).padStart(7, '0')}`,
      });
    for (let i = contacts; i < o.records; i++)
      hs.store.create(pid, 'companies', { name: `Company ${i}`, domain: `c${i}.example.com` });
  });
  const cl = await startCloseloop(cfgFor(o.databaseUrl), {
    logger: silentLogger(),
    apps: {
      hubspot: {
        clientId: 'budget',
        clientSecret: 'budget-secret',
        apiBase: hs.url,
        authorizeUrl: `${hs.url}/oauth/authorize`,
        tokenUrl: `${hs.url}/oauth/2026-03/token`,
      },
    },
  });
  try {
    const before = hs.rateLimitStats();
    const seconds = await installAndBackfill(cl, 'hubspot', String(pid));
    const after = hs.rateLimitStats();
    const stored = Object.values(await cl.store.records.countsByKind()).reduce((a, b) => a + b, 0);
    if (stored < o.records) throw new Error(`hubspot backfill stored ${stored} of ${o.records} records`);
    const lane = hubspotManifest.rateLimits!.lanes.burst!;
    const perSecond = lane.max / (lane.intervalMs / 1000);
    const floorSeconds = o.records / hubspotManifest.pageSize / perSecond;
    return {
      crm: 'hubspot',
      engine: o.databaseUrl ? 'postgres' : 'pglite',
      records: o.records,
      seconds,
      calls: after.requests + after.searchRequests - before.requests - before.searchRequests,
      throttled: after.throttled + after.searchThrottled - before.throttled - before.searchThrottled,
      ratio: floorSeconds / seconds,
      floor: `${floorSeconds.toFixed(1)} s (${o.records} ÷ ${hubspotManifest.pageSize} per page ÷ ${perSecond} calls/s)`,
    };
  } finally {
    await cl.stop();
    await hs.close();
  }
}

/**
 * Salesforce: `records` Contacts and Accounts (3:2) already in one org (history: written before the install, so no
 * change event of theirs reaches closeloop's CDC subscription). Salesforce publishes no per-second limit: only a
 * rolling 24-hour request allocation (403 REQUEST_LIMIT_EXCEEDED when spent) and 25 concurrent long-running
 * requests. So the budget is counted in calls, and the floor is the fewest calls that read every source under the
 * published sizes: per source the cheaper of REST (2,000 rows per query response, at least one call) and Bulk API 2.0
 * (job create + one status poll + one call per results page of the size the server serves). The install check's
 * describes and the completeness check after the backfill are printed apart. Time is set beside the same reads
 * without the store (the connector's listChanges alone, run just after on the same org).
 */
export async function benchSalesforceBackfill(o: {
  databaseUrl: string | null;
  records: number;
}): Promise<BackfillResult> {
  const bulkPage = 10_000;
  const sf = await startSalesforceSandbox({
    port: 0,
    clientId: SF_TEST_CLIENT,
    clientSecret: SF_TEST_SECRET,
    seed: 'empty',
    outboundMessageUrl: null,
    dailyApiAllowance: 100_000,
    bulkDefaultMaxRecords: bulkPage,
  });
  const org = sf.orgIds()[0]!;
  const contacts = Math.round(o.records * 0.6);
  for (let i = 0; i < contacts; i++)
    sf.store.history(org, 'Contact', { FirstName: `F${i}`, LastName: 'Bulk', Email: `bulk${i}@example.com` });
  for (let i = contacts; i < o.records; i++) sf.store.history(org, 'Account', { Name: `Account ${i}` });
  let floorCalls = 0;
  for (const sources of Object.values(SALESFORCE_KIND_SOURCES))
    for (const src of sources) {
      const n = sf.store.query(org, `SELECT Id FROM ${src.sobject}${src.where ? ` WHERE ${src.where}` : ''}`).length;
      floorCalls += Math.min(Math.max(1, Math.ceil(n / SALESFORCE_REST_MAX_ROWS)), 2 + Math.ceil(n / bulkPage));
    }
  const connector = createSalesforceConnector({ sync: { settleMs: 0 } });
  const cl = await startCloseloop(cfgFor(o.databaseUrl), {
    logger: silentLogger(),
    apps: { salesforce: { clientId: SF_TEST_CLIENT, clientSecret: SF_TEST_SECRET, loginUrl: sf.url } },
    connectors: { salesforce: connector },
  });
  try {
    const before = { used: sf.apiUsage(org).used, refused: sf.apiCalls(org).refused ?? 0 };
    const t0 = Date.now();
    const seconds = await installAndBackfill(cl, 'salesforce', org);
    const stored = Object.values(await cl.store.records.countsByKind()).reduce((a, b) => a + b, 0);
    if (stored < o.records) throw new Error(`salesforce backfill stored ${stored} of ${o.records} records`);
    // Let the completeness check finish before the side-by-side read (its calls are printed apart).
    const conn = (await cl.store.connections.byAccount('salesforce', org))!;
    for (let i = 0; i < 600 && !(await cl.store.connections.get(conn.id))?.completeness; i++)
      await new Promise((r) => setTimeout(r, 100));
    const doneAt = t0 + seconds * 1000;
    const inWindow = sf.apiCalls(org, { from: t0, to: doneAt });
    const after = sf.apiCalls(org, { from: doneAt + 1, to: Date.now() });
    const isCheck = (k: string) => k.startsWith('describe ');
    const byKind = Object.fromEntries(
      Object.entries(inWindow)
        .filter(([k]) => !isCheck(k))
        .sort((a, b) => b[1] - a[1]),
    );
    const calls = Object.values(byKind).reduce((a, b) => a + b, 0);
    const installCheck = Object.entries(inWindow)
      .filter(([k]) => isCheck(k))
      .reduce((a, [, n]) => a + n, 0);
    const afterCalls = Object.values(after).reduce((a, b) => a + b, 0);
    const refused = (sf.apiCalls(org).refused ?? 0) - before.refused;
    // Side by side: the same reads with nothing stored (the connector alone against the same org).
    const jsf = await connectSalesforce(sf);
    const ctx: ConnectionContext = {
      connectionId: 'bare',
      accountId: org,
      apiBase: jsf.instanceUrl,
      getAccessToken: async () => jsf.accessToken!,
      forceRefresh: async () => jsf.accessToken!,
    };
    const t1 = performance.now();
    for (const kind of connector.manifest.objectKinds)
      for await (const page of connector.listChanges(ctx, kind, null)) void page;
    const bareSeconds = (performance.now() - t1) / 1000;
    return {
      crm: 'salesforce',
      engine: o.databaseUrl ? 'postgres' : 'pglite',
      records: o.records,
      seconds,
      calls,
      throttled: refused,
      ratio: floorCalls / calls,
      byKind,
      extra: {
        installCheck,
        afterBackfill: afterCalls,
        afterKinds: after,
        bareSeconds,
        total: sf.apiUsage(org).used - before.used,
      },
      floor: `${floorCalls} calls (per source the fewer of REST at ${SALESFORCE_REST_MAX_ROWS} rows per response and Bulk API 2.0: create + 1 status + pages of ${bulkPage})`,
    };
  } finally {
    await cl.stop();
    await sf.close();
  }
}

/** The most rows one REST query response returns (query batch size: default and maximum 2,000). */
const SALESFORCE_REST_MAX_ROWS = 2_000;

export interface WritebackResult {
  crm: string;
  /** Tasks, or draft emails (HubSpot: EMAIL tasks; Salesforce: EmailMessage drafts). */
  kind: 'task' | 'draft';
  mode: 'batch' | 'one call per task';
  tasks: number;
  deals: number;
  seconds: number;
  calls: number;
  callsPerTask: number;
  /** Share of the tasks created by a batch call holding more than one task. */
  batchedShare: number;
  batchCalls: number;
  failed: number;
  throttled: number;
}

/**
 * Write-backs: `tasks` create_task rows across `deals` deals (5 per deal), written by `workers` concurrent writeback
 * jobs exactly as the queue runs them (processOutbox per row, retries requeued at their time), against a sandbox
 * with its limits on and the shared request budget in the database. `batch` false takes the connector's batch call
 * away: the side-by-side baseline of one call per task.
 */
export async function benchWritebacks(o: {
  crm: 'hubspot' | 'salesforce';
  /** What is written: tasks (default) or draft emails. */
  kind?: 'task' | 'draft';
  tasks: number;
  deals: number;
  batch: boolean;
  workers: number;
}): Promise<WritebackResult> {
  const db = await openDb({ dataDir: 'memory://' });
  await migrate(db, path.resolve(import.meta.dirname, '..', 'migrations'));
  const store = createStore(db);
  const counts = { single: 0, batched: 0, batchCalls: 0 };
  let ctx: ConnectionContext;
  let base: Connector;
  let callsNow: () => number;
  let throttledNow: () => number;
  let close: () => Promise<void>;
  const dealIds: string[] = [];
  let ownerId: string;
  if (o.crm === 'hubspot') {
    // Every run checks its owner afresh (the cache is per connection id, and every run's connection is 'wb').
    clearOwnerCache();
    const hs = await startHubspotSandbox({
      port: 0,
      clientId: 'wb',
      clientSecret: 'wb-secret',
      seed: 'empty',
      webhookTargetUrl: null,
    });
    const pid = hs.defaultPortalId;
    ownerId = hs.store
      .portal(pid)
      .addOwner({ id: '501', userId: 501, email: 'rep@example.com', firstName: 'R', lastName: 'Rep' }).id;
    hs.store.portal(pid).silently(() => {
      for (let i = 0; i < o.deals; i++)
        dealIds.push(
          hs.store.create(pid, 'deals', {
            dealname: `Deal ${i}`,
            pipeline: 'default',
            dealstage: 'contractsent',
            hubspot_owner_id: ownerId,
          }).id,
        );
    });
    const t = hs.issueTokens(pid);
    ctx = {
      connectionId: 'wb',
      accountId: String(pid),
      apiBase: hs.url,
      getAccessToken: async () => t.accessToken,
      forceRefresh: async () => t.accessToken,
      pacer: new DbRequestPacer(store, `hubspot:${pid}:wb`, hubspotManifest.rateLimits!),
    };
    base = createHubspotConnector();
    callsNow = () => {
      const s = hs.rateLimitStats();
      return s.requests + s.searchRequests;
    };
    throttledNow = () => {
      const s = hs.rateLimitStats();
      return s.throttled + s.searchThrottled;
    };
    close = () => hs.close();
  } else {
    const sf = await startSalesforceSandbox({
      port: 0,
      clientId: SF_TEST_CLIENT,
      clientSecret: SF_TEST_SECRET,
      seed: 'empty',
      outboundMessageUrl: null,
      dailyApiAllowance: 100_000,
    });
    const org = sf.orgIds()[0]!;
    ownerId = sf.store.adminUserId(org);
    for (let i = 0; i < o.deals; i++)
      dealIds.push(
        sf.store.create(org, 'Opportunity', {
          Name: `Deal ${i}`,
          StageName: 'Negotiation/Review',
          CloseDate: '2027-01-31',
          OwnerId: ownerId,
        }),
      );
    const conn = await connectSalesforce(sf);
    ctx = {
      connectionId: 'wb',
      accountId: org,
      apiBase: conn.instanceUrl,
      getAccessToken: async () => conn.accessToken!,
      forceRefresh: async () => conn.accessToken!,
    };
    base = createSalesforceConnector();
    callsNow = () => sf.apiUsage(org).used;
    throttledNow = () => 0;
    close = () => sf.close();
  }
  const kind = o.kind ?? 'task';
  const connector: Connector = {
    ...base,
    createTask: async (c, w) => {
      counts.single++;
      return base.createTask(c, w);
    },
    createDraftEmail: async (c, w) => {
      counts.single++;
      return base.createDraftEmail(c, w);
    },
    ...(o.batch && base.createTasks
      ? {
          createTasks: async (c: ConnectionContext, ws: TaskWrite[]) => {
            counts.batchCalls++;
            if (ws.length > 1) counts.batched += ws.length;
            else counts.single++;
            return base.createTasks!(c, ws);
          },
        }
      : { createTasks: undefined, maxTasksPerCall: undefined }),
    ...(o.batch && base.createDraftEmails
      ? {
          createDraftEmails: async (c: ConnectionContext, ws: DraftEmailWrite[]) => {
            counts.batchCalls++;
            if (ws.length > 1) counts.batched += ws.length;
            else counts.single++;
            return base.createDraftEmails!(c, ws);
          },
        }
      : { createDraftEmails: undefined, maxDraftsPerCall: undefined }),
  };
  await store.connections.upsert({
    id: 'wb',
    tenantId: 'wb',
    provider: o.crm,
    accountId: ctx.accountId,
    apiBase: ctx.apiBase,
    displayName: null,
    accessTokenEnc: 'x',
    refreshTokenEnc: null,
    tokenExpiresAt: null,
    tokenMetadata: {},
  });
  const due: { id: string; at: number }[] = [];
  for (let i = 0; i < o.tasks; i++) {
    const deal = dealIds[i % dealIds.length]!;
    const sid = `s${i}`;
    await db.query(
      `INSERT INTO suggestions (id, tenant_id, connection_id, type, dedupe_key, status, payload) VALUES ($1, 'wb', 'wb', 'stale_deal', $1, 'allowed', '{}')`,
      [sid],
    );
    const body = `Reason: no reply in 9 days.\nEvidence: note ${i}.`;
    const id = await store.outbox.enqueue({
      suggestionId: sid,
      connectionId: 'wb',
      idempotencyKey: `wb-${sid}-${kind}`,
      write:
        kind === 'task'
          ? sealWrite({
              action: 'create_task',
              payload: {
                subject: `Follow up on deal ${deal} (${i % 5})`,
                body,
                dueAt: '2026-12-08T09:00:00.000Z',
                priority: 'HIGH',
                taskType: 'TODO',
                ownerId,
                dealId: deal,
                contactIds: [],
                companyId: null,
              },
            })
          : sealWrite({
              action: 'create_draft_email',
              payload: {
                subject: `The revised scope for deal ${deal} (${i % 5})`,
                body: `Hello,\nthe revised scope, as promised (${i}).`,
                toContactIds: [],
                dealId: deal,
                companyId: null,
                ownerId,
                draftText: `Hello,\nthe revised scope, as promised (${i}).`,
              },
            }),
    });
    due.push({ id: id!, at: 0 });
  }
  const deps: WritebackDeps = {
    store,
    metrics: createMetrics(),
    logger: silentLogger(),
    vault: { context: () => ctx } as unknown as TokenVault,
    connectorFor: () => connector,
    now: Date.now,
    requeue: async (id, at) => {
      due.push({ id, at: at.getTime() });
    },
  };
  const outcomes: Record<string, number> = {};
  const before = { calls: callsNow(), throttled: throttledNow() };
  const t0 = performance.now();
  const wall0 = Date.now();
  // The writeback queue: `workers` jobs at a time, each due row once, a retry when its time comes.
  await Promise.all(
    Array.from({ length: o.workers }, async () => {
      for (;;) {
        const k = due.findIndex((d) => d.at <= Date.now());
        if (k < 0) {
          if (due.length === 0) return;
          await new Promise((r) => setTimeout(r, 20));
          continue;
        }
        const [job] = due.splice(k, 1);
        const outcome = await processOutbox(deps, job!.id, null);
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      }
    }),
  );
  // Until the last task was recorded (the rows' own jobs that found them written in a batch come back later: no calls).
  const last = await db.query<{ t: number | null }>(
    'SELECT (extract(epoch FROM max(done_at)) * 1000)::float8 AS t FROM writeback_outbox',
  );
  const seconds = last.rows[0]?.t ? (Number(last.rows[0].t) - wall0) / 1000 : (performance.now() - t0) / 1000;
  const done = (await store.outbox.countByStatus()).done ?? 0;
  const calls = callsNow() - before.calls;
  await close();
  await db.close();
  return {
    crm: o.crm,
    kind,
    mode: o.batch ? 'batch' : 'one call per task',
    tasks: o.tasks,
    deals: o.deals,
    seconds,
    calls,
    callsPerTask: calls / Math.max(1, done),
    batchedShare: counts.batched / Math.max(1, counts.batched + counts.single),
    batchCalls: counts.batchCalls,
    failed: o.tasks - done,
    throttled: throttledNow() - before.throttled,
  };
}

export interface SharedBudgetResult {
  mode: 'one shared budget' | 'a budget per process';
  processes: number;
  records: number;
  calls: number;
  throttled: number;
  seconds: number;
  callsPerSecond: number;
  shareOfLimit: number;
}

/**
 * Two worker processes backfill one HubSpot portal at once (contacts in one, companies in the other), each pacing
 * against the request budget in one PostgreSQL database: together they must stay within the account's limit
 * (110 calls per 10 s, enforced by the sandbox: any excess is a 429). The side-by-side baseline gives each process
 * its own budget (another key), as two processes without the shared table would have. PostgreSQL only (the
 * embedded database belongs to one process).
 */
export async function benchSharedBudget(o: {
  databaseUrl: string;
  recordsPerKind: number;
}): Promise<SharedBudgetResult[]> {
  const db = await openDb({ databaseUrl: o.databaseUrl });
  await migrate(db, path.resolve(import.meta.dirname, '..', 'migrations'));
  await db.close();
  const hs = await startHubspotSandbox({
    port: 0,
    clientId: 'shared',
    clientSecret: 'shared-secret',
    seed: 'empty',
    webhookTargetUrl: null,
  });
  const out: SharedBudgetResult[] = [];
  try {
    for (const shared of [true, false]) {
      // A portal per run: each starts with an empty window at HubSpot's side.
      const pid = hs.createPortal({ seed: 'empty' });
      hs.store.portal(pid).silently(() => {
        for (let i = 0; i < o.recordsPerKind; i++)
          hs.store.create(pid, 'contacts', { firstname: `F${i}`, lastname: 'Shared' });
        for (let i = 0; i < o.recordsPerKind; i++) hs.store.create(pid, 'companies', { name: `Company ${i}` });
      });
      const token = hs.issueTokens(pid).accessToken;
      const before = hs.rateLimitStats();
      const t0 = performance.now();
      const kinds = ['contact', 'company'];
      const results = await Promise.all(
        kinds.map(
          (kind) =>
            new Promise<{ records: number; throttled: number }>((resolve, reject) => {
              const child = spawn(
                process.execPath,
                ['--import', 'tsx', path.resolve(import.meta.dirname, 'budget-worker.ts')],
                {
                  env: {
                    ...process.env,
                    BW_DATABASE_URL: o.databaseUrl,
                    BW_TOKEN: token,
                    BW_PORTAL: String(pid),
                    BW_SANDBOX_URL: hs.url,
                    BW_KIND: kind,
                    BW_BUDGET_KEY: shared ? `hubspot:${pid}:shared` : `hubspot:${pid}:shared:${kind}`,
                  },
                  stdio: ['ignore', 'pipe', 'pipe'],
                },
              );
              let text = '';
              child.stdout.on('data', (d) => {
                text += String(d);
              });
              child.stderr.on('data', (d) => {
                text += String(d);
              });
              child.on('exit', (code) => {
                const line = text
                  .trim()
                  .split('\n')
                  .find((l) => l.startsWith('{"records"'));
                if (code === 0 && line) resolve(JSON.parse(line));
                else reject(new Error(`budget worker (${kind}) exited ${code}: ${text.slice(-500)}`));
              });
            }),
        ),
      );
      const seconds = (performance.now() - t0) / 1000;
      const after = hs.rateLimitStats();
      const calls = after.requests - before.requests;
      const lane = hubspotManifest.rateLimits!.lanes.burst!;
      out.push({
        mode: shared ? 'one shared budget' : 'a budget per process',
        processes: kinds.length,
        records: results.reduce((a, r) => a + r.records, 0),
        calls,
        throttled: after.throttled - before.throttled,
        seconds,
        callsPerSecond: calls / seconds,
        shareOfLimit: calls / seconds / (lane.max / (lane.intervalMs / 1000)),
      });
    }
  } finally {
    await hs.close();
  }
  return out;
}

/**
 * The "CRM budget" section of `npm run bench` (`--only=crm-budget` runs it alone): backfills against the floor the
 * published limits allow, write-backs in batches beside one call per task, two processes on one budget beside a
 * budget each, and webhook-to-task latency with the sandbox's limits on beside limits off.
 */
export async function runCrmBudgetSection(
  line: (s: string) => void,
  out: Record<string, unknown>,
  o: { quick: boolean; pgUrl: string | null; engine: string | null },
): Promise<void> {
  const records = o.quick ? 10_000 : 100_000;
  line(
    `== CRM budget: backfill of ${records.toLocaleString('en')} records per CRM, sandbox limits on (HubSpot: ratio = floor ÷ time; Salesforce, which publishes no per-second limit: floor calls ÷ calls) ==`,
  );
  const backfills = [];
  for (const f of [benchHubspotBackfill, benchSalesforceBackfill]) {
    const r = await withFreshDatabase(o.engine, (url) => f({ databaseUrl: url, records }));
    backfills.push(r);
    line(
      `${r.crm.padEnd(10)} ${r.engine} ${r.records} records in ${r.seconds.toFixed(1)} s · floor ${r.floor} · ratio ${r.ratio.toFixed(2)} · ${r.calls} calls, ${r.throttled} ${r.crm === 'hubspot' ? 'answered 429' : 'refused (REQUEST_LIMIT_EXCEEDED)'} (${((100 * r.throttled) / Math.max(1, r.calls)).toFixed(2)} %)`,
    );
    if (r.byKind)
      line(
        `           backfill calls by kind: ${Object.entries(r.byKind)
          .map(([k, n]) => `${k} ${n}`)
          .join(', ')}`,
      );
    if (r.extra)
      line(
        `           install check ${r.extra.installCheck} calls (describe); completeness check after the backfill ${r.extra.afterBackfill} calls (${Object.entries(
          r.extra.afterKinds,
        )
          .map(([k, n]) => `${k} ${n}`)
          .join(
            ', ',
          )}) · the same reads without the store: ${r.extra.bareSeconds.toFixed(1)} s (time ratio ${(r.extra.bareSeconds / r.seconds).toFixed(2)})`,
      );
  }
  out.crmBackfill = backfills;

  const tasks = o.quick ? 200 : 1_000;
  line(
    `== CRM budget: write-backs, ${tasks} tasks across ${tasks / 5} deals, 4 writeback workers, sandbox limits on (batch beside one call per task) ==`,
  );
  const writebacks = [];
  for (const crm of ['hubspot', 'salesforce'] as const) {
    const [batch, single] = [
      await benchWritebacks({ crm, tasks, deals: tasks / 5, batch: true, workers: 4 }),
      await benchWritebacks({ crm, tasks, deals: tasks / 5, batch: false, workers: 4 }),
    ];
    writebacks.push(batch, single);
    line(
      `${crm.padEnd(10)} batch: ${batch.callsPerTask.toFixed(3)} calls per task (${batch.calls} calls, ${batch.batchCalls} batch calls), ${(100 * batch.batchedShare).toFixed(1)} % of tasks in batch calls, all written in ${batch.seconds.toFixed(1)} s, ${batch.failed} failed, ${batch.throttled} answered 429 · one call per task: ${single.callsPerTask.toFixed(3)} calls per task, ${single.seconds.toFixed(1)} s · calls ratio ${(single.callsPerTask / batch.callsPerTask).toFixed(0)}x`,
    );
  }
  line(
    `== CRM budget: draft emails, ${tasks} drafts across ${tasks / 5} deals, 4 writeback workers, sandbox limits on (batch beside one call per draft) ==`,
  );
  for (const crm of ['hubspot', 'salesforce'] as const) {
    const [batch, single] = [
      await benchWritebacks({ crm, kind: 'draft', tasks, deals: tasks / 5, batch: true, workers: 4 }),
      await benchWritebacks({ crm, kind: 'draft', tasks, deals: tasks / 5, batch: false, workers: 4 }),
    ];
    writebacks.push(batch, single);
    line(
      `${crm.padEnd(10)} batch: ${batch.callsPerTask.toFixed(3)} calls per draft (${batch.calls} calls, ${batch.batchCalls} batch calls), ${(100 * batch.batchedShare).toFixed(1)} % of drafts in batch calls, all written in ${batch.seconds.toFixed(1)} s, ${batch.failed} failed, ${batch.throttled} answered 429 · one call per draft: ${single.callsPerTask.toFixed(3)} calls per draft, ${single.seconds.toFixed(1)} s · calls ratio ${(single.callsPerTask / batch.callsPerTask).toFixed(0)}x`,
    );
  }
  out.crmWritebacks = writebacks;

  line(
    '== CRM budget: two worker processes backfilling one HubSpot portal (110 calls per 10 s), one shared budget beside a budget each ==',
  );
  if (o.pgUrl) {
    const shared = await withFreshDatabase(o.pgUrl, (url) =>
      benchSharedBudget({ databaseUrl: url!, recordsPerKind: o.quick ? 3_000 : 8_000 }),
    );
    for (const r of shared)
      line(
        `${r.mode.padEnd(20)} ${r.processes} processes, ${r.records} records, ${r.calls} calls in ${r.seconds.toFixed(1)} s = ${r.callsPerSecond.toFixed(2)} calls/s on average (${(100 * r.shareOfLimit).toFixed(0)} % of 11/s: the limit is a rolling window, a whole window may go at once), ${r.throttled} answered 429`,
      );
    out.crmSharedBudget = shared;
  } else {
    line('(skipped: needs PostgreSQL; the embedded database belongs to one process)');
  }

  line('== CRM budget: webhook-to-task latency with the sandbox HubSpot limits on, beside limits off ==');
  const latency = [];
  for (const limits of [true, false]) {
    const r = await withFreshDatabase(o.engine, (url) =>
      benchWebhookToTask({ databaseUrl: url, n: o.quick ? 10 : 40, intervalMs: 250, limits }),
    );
    latency.push(r);
    line(
      `${(limits ? 'limits on' : 'limits off').padEnd(10)} ${r.engine} n=${r.n} every ${r.intervalMs} ms · p50 ${r.p50Ms.toFixed(0)} ms · p95 ${r.p95Ms.toFixed(0)} ms · max ${r.maxMs.toFixed(0)} ms · ${r.calls} HubSpot calls, ${r.throttled} answered 429`,
    );
  }
  line(`p95 ratio limits on ÷ off: ${(latency[0]!.p95Ms / latency[1]!.p95Ms).toFixed(2)}`);
  out.crmLatency = latency;
}
