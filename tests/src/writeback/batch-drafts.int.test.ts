import { startHubspotSandbox, type HubspotSandbox } from '../../../connectors/hubspot/sandbox/index.js';
import { startSalesforceSandbox, type SalesforceSandbox } from '../../../connectors/salesforce/sandbox/index.js';
import { createHubspotConnector } from '../../../connectors/hubspot/index.js';
import { createSalesforceConnector } from '../../../connectors/salesforce/index.js';
import { clearOwnerCache } from '../../../connectors/hubspot/owners.js';
import type { TokenVault } from '../../../src/auth/token-vault.js';
import type { ConnectionContext, Connector, DraftEmailWrite } from '../../../src/core/connector.js';
import { ProviderUnavailableError } from '../../../src/core/errors.js';
import { sealWrite } from '../../../src/core/gated-write.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { createMetrics } from '../../../src/lib/metrics.js';
import { processOutbox, type WritebackDeps } from '../../../src/writeback/process-outbox.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';
import {
  CLIENT_ID as SF_CLIENT,
  CLIENT_SECRET as SF_SECRET,
  connect as connectSalesforce,
} from '../../connectors/salesforce/sandbox/helpers.js';

/**
 * Draft emails written in batches by the write-back job against both sandboxes: HubSpot EMAIL tasks through the
 * tasks batch create, Salesforce draft EmailMessages through sObject collections. A bad draft fails alone; a batch
 * call whose answer is lost (the CRM wrote the drafts) sends each row again alone, through its lookup (Salesforce:
 * Closeloop_Key__c; HubSpot: the subject + text search), and no draft is written twice.
 */
interface Crm {
  name: 'hubspot' | 'salesforce';
  ctx: ConnectionContext;
  base: Connector;
  deals: string[];
  badDeal: string;
  /** Our drafts in the CRM (by the subject prefix of this test). */
  drafts: (prefix: string) => { id: string; draft: boolean }[];
  calls: () => number;
  close: () => Promise<void>;
}

async function hubspot(): Promise<Crm> {
  const hs: HubspotSandbox = await startHubspotSandbox({
    clientId: 'drafts',
    clientSecret: 'drafts-secret',
    seed: 'empty',
    webhookTargetUrl: null,
    // The lookup after a lost answer is a search: no index lag here (the job's settle time covers it in production).
    searchLagMs: 0,
  });
  const pid = hs.defaultPortalId;
  const deals = Array.from(
    { length: 4 },
    (_, i) => hs.store.create(pid, 'deals', { dealname: `D${i}`, pipeline: 'default', dealstage: 'contractsent' }).id,
  );
  const t = hs.issueTokens(pid);
  return {
    name: 'hubspot',
    ctx: {
      connectionId: 'hs',
      accountId: String(pid),
      apiBase: hs.url,
      getAccessToken: async () => t.accessToken,
      forceRefresh: async () => t.accessToken,
    },
    base: createHubspotConnector(),
    deals,
    badDeal: '999999999',
    drafts: (prefix) =>
      hs.store
        .list(pid, 'tasks')
        .filter((x) => String(x.properties.hs_task_subject ?? '').includes(prefix))
        .map((x) => ({ id: x.id, draft: x.properties.hs_task_type === 'EMAIL' })),
    calls: () => hs.rateLimitStats().requests + hs.rateLimitStats().searchRequests,
    close: () => hs.close(),
  };
}

async function salesforce(): Promise<Crm> {
  const sf: SalesforceSandbox = await startSalesforceSandbox({
    clientId: SF_CLIENT,
    clientSecret: SF_SECRET,
    seed: 'empty',
    outboundMessageUrl: null,
  });
  const org = sf.orgIds()[0]!;
  const deals = Array.from({ length: 4 }, (_, i) =>
    sf.store.create(org, 'Opportunity', { Name: `D${i}`, StageName: 'Negotiation/Review', CloseDate: '2027-01-31' }),
  );
  const conn = await connectSalesforce(sf);
  return {
    name: 'salesforce',
    ctx: {
      connectionId: 'sf',
      accountId: org,
      apiBase: conn.instanceUrl,
      getAccessToken: async () => conn.accessToken!,
      forceRefresh: async () => conn.accessToken!,
    },
    base: createSalesforceConnector(),
    deals,
    badDeal: '006000000000000AAA',
    drafts: (prefix) =>
      sf.store
        .list(org, 'EmailMessage')
        .filter((m) => String(m.Subject ?? '').includes(prefix))
        .map((m) => ({ id: String(m.Id), draft: m.Status === '5' })),
    calls: () => sf.apiUsage(org).used,
    close: () => sf.close(),
  };
}

describe.each([['hubspot'], ['salesforce']] as const)(
  `batched draft writes, %s sandbox (${process.env.DATABASE_URL ? 'postgres' : 'pglite'})`,
  (name) => {
    let t: TestDb;
    let crm: Crm;
    let now: number;
    let batchCalls: number;
    let singleCalls: { key: string; mayExist: boolean }[];
    /** Set: the batch call writes, then its answer is lost. */
    let loseAnswer: boolean;
    let seq = 0;
    let connector: Connector;
    const deps = (): WritebackDeps => ({
      store: t.store,
      metrics: createMetrics(),
      logger: silentLogger(),
      vault: { context: () => crm.ctx } as unknown as TokenVault,
      connectorFor: () => connector,
      now: () => now,
      requeue: async () => undefined,
      inDoubtSettleMs: 1_000,
      callTimeoutMs: 2_000,
    });
    const enqueue = async (prefix: string, dealId: string) => {
      seq++;
      const sid = `${name}-d${seq}`;
      await t.db.query(
        `INSERT INTO suggestions (id, tenant_id, connection_id, type, dedupe_key, status, payload) VALUES ($1, 't', $2, 'budget_risk', $1, 'allowed', '{}')`,
        [sid, crm.ctx.connectionId],
      );
      const draft: Omit<DraftEmailWrite, 'idempotencyKey'> = {
        subject: `${prefix} ${seq}: the revised scope`,
        body: `Hello,\nhere is the revised scope for deal ${dealId}, as promised (${seq}).`,
        toContactIds: [],
        dealId,
        companyId: null,
        ownerId: null,
      };
      return (await t.store.outbox.enqueue({
        suggestionId: sid,
        connectionId: crm.ctx.connectionId,
        idempotencyKey: `${sid}-draft`,
        write: sealWrite({ action: 'create_draft_email', payload: { ...draft, draftText: draft.body } }),
      }))!;
    };

    beforeAll(async () => {
      t = await openTestDb();
      crm = name === 'hubspot' ? await hubspot() : await salesforce();
      await t.store.connections.upsert({
        id: crm.ctx.connectionId,
        tenantId: 't',
        provider: name,
        accountId: crm.ctx.accountId,
        apiBase: crm.ctx.apiBase,
        displayName: null,
        accessTokenEnc: 'x',
        refreshTokenEnc: null,
        tokenExpiresAt: null,
        tokenMetadata: {},
      });
      connector = {
        ...crm.base,
        createDraftEmail: async (c, d) => {
          singleCalls.push({ key: d.idempotencyKey, mayExist: d.mayExist === true });
          return crm.base.createDraftEmail(c, d);
        },
        createDraftEmails: async (c, ds) => {
          batchCalls++;
          const results = await crm.base.createDraftEmails!(c, ds);
          if (loseAnswer) throw new ProviderUnavailableError('socket hang up after the write', { provider: name });
          return results;
        },
      };
    });
    afterAll(async () => {
      await crm.close();
      await t.close();
    });
    beforeEach(async () => {
      clearOwnerCache();
      now = Date.now();
      batchCalls = 0;
      singleCalls = [];
      loseAnswer = false;
      await t.db.query("UPDATE writeback_outbox SET status = 'skipped' WHERE status = 'pending'");
    });

    test('drafts of several deals go out in one batch call; a draft naming a missing deal fails alone', async () => {
      const ids = [];
      for (let i = 0; i < 6; i++) ids.push(await enqueue('Batch', i === 2 ? crm.badDeal : crm.deals[i % 4]!));
      const before = crm.calls();
      expect(await processOutbox(deps(), ids[0]!, null)).toBe('written');
      expect(batchCalls).toBe(1);
      expect(singleCalls).toEqual([]);
      // One call for the batch (Salesforce: no duplicate key, so no lookup either).
      expect(crm.calls() - before).toBe(1);
      const rows = await Promise.all(ids.map((id) => t.store.outbox.get(id)));
      expect(rows.map((r) => r!.status)).toEqual(['done', 'done', 'failed', 'done', 'done', 'done']);
      // The deal was its only linked record: nothing to put it on (connectors' BEHAVIOR.md, write-back of records gone).
      expect(rows[2]!.last_error).toMatch(/^NOT_FOUND: .*gone \(deleted or merged\)/);
      const inCrm = crm.drafts('Batch');
      expect(inCrm).toHaveLength(5);
      expect(inCrm.every((d) => d.draft)).toBe(true);
      expect(new Set(rows.filter((r) => r!.status === 'done').map((r) => r!.crm_id))).toEqual(
        new Set(inCrm.map((d) => d.id)),
      );
      // The other rows' own jobs find them written: no call.
      const quiet = crm.calls();
      expect(await processOutbox(deps(), ids[1]!, null)).toBe('already_done');
      expect(crm.calls()).toBe(quiet);
    });

    test('a batch whose answer was lost: each row is sent again alone through its lookup, and no draft is duplicated', async () => {
      const ids = [];
      for (let i = 0; i < 4; i++) ids.push(await enqueue('Lost', crm.deals[i]!));
      loseAnswer = true;
      expect(await processOutbox(deps(), ids[0]!, null)).toBe('retry');
      expect(crm.drafts('Lost')).toHaveLength(4);
      for (const id of ids)
        expect(await t.store.outbox.get(id)).toMatchObject({ status: 'pending', in_doubt_since: expect.any(Date) });
      loseAnswer = false;
      now += 5_000;
      for (const id of ids) expect(await processOutbox(deps(), id, null)).toBe('written');
      expect(batchCalls).toBe(1);
      expect(singleCalls.map((c) => c.mayExist)).toEqual([true, true, true, true]);
      const inCrm = crm.drafts('Lost');
      expect(inCrm).toHaveLength(4);
      const rows = await Promise.all(ids.map((id) => t.store.outbox.get(id)));
      expect(new Set(rows.map((r) => r!.crm_id))).toEqual(new Set(inCrm.map((d) => d.id)));
    });
  },
);
