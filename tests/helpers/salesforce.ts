import { browse } from '../../src/lib/browser-fetch.js';
import '../connectors/salesforce/sandbox/no-proxy.js';
import { createSalesforceConnector, type SalesforceConnectorOptions } from '../../connectors/salesforce/index.js';
import {
  startSalesforceSandbox,
  type SalesforceSandbox,
  type SalesforceSandboxOptions,
} from '../../connectors/salesforce/sandbox/index.js';
import { silentLogger } from '../../src/lib/logger.js';
import { startCloseloop, type Closeloop, type StartOptions } from '../../src/main.js';
import type { ConnectionRow } from '../../src/store/index.js';
import { testConfig, waitFor } from './closeloop.js';
import { freshDatabase } from './db.js';

export const SF_CLIENT_ID = 'closeloop-sf-test';
export const SF_CLIENT_SECRET = 'closeloop-sf-secret';

export interface SalesforceLoop {
  sf: SalesforceSandbox;
  cl: Closeloop;
  orgId: string;
  /** Start closeloop again on the same database (after `cl.stop()`): the restart case. */
  restart(): Promise<Closeloop>;
  stop(): Promise<void>;
}

/**
 * closeloop on PGlite (a data dir, so it survives a restart) or DATABASE_URL, wired to a fresh Salesforce sandbox
 * through `apps.salesforce = { clientId, clientSecret, loginUrl }`. Change streams tick fast for tests.
 */
export async function startSalesforceLoop(
  o: {
    sandbox?: Partial<SalesforceSandboxOptions>;
    env?: Record<string, string>;
    dataDir?: string;
    start?: Partial<StartOptions>;
    /** Connector tuning; records written just now are synced at once (settleMs 0). */
    connector?: SalesforceConnectorOptions;
  } = {},
): Promise<SalesforceLoop> {
  const sf = await startSalesforceSandbox({
    port: 0,
    clientId: SF_CLIENT_ID,
    clientSecret: SF_CLIENT_SECRET,
    seed: 'empty',
    outboundRetryBaseMs: 50,
    ...o.sandbox,
  });
  const pgdb = process.env.DATABASE_URL ? await freshDatabase(process.env.DATABASE_URL) : null;
  const cfg = testConfig({ DATA_DIR: o.dataDir ?? 'memory://', DATABASE_URL: pgdb?.url, ...o.env });
  const startOpts: StartOptions = {
    logger: silentLogger(),
    apps: { salesforce: { clientId: SF_CLIENT_ID, clientSecret: SF_CLIENT_SECRET, loginUrl: sf.url } },
    changeStreams: { tickMs: 200, leaseMs: 5_000, retryDelayMs: 200 },
    connectors: {
      salesforce: createSalesforceConnector({
        ...o.connector,
        sync: { settleMs: 0, bulkPollIntervalMs: 50, ...o.connector?.sync },
      }),
    },
    ...o.start,
  };
  const loop: SalesforceLoop = {
    sf,
    cl: await startCloseloop(cfg, startOpts),
    orgId: sf.orgIds()[0]!,
    async restart() {
      loop.cl = await startCloseloop(cfg, startOpts);
      return loop.cl;
    },
    async stop() {
      await loop.cl.stop().catch(() => undefined);
      await sf.close();
      await pgdb?.drop();
    },
  };
  return loop;
}

/** `GET /install/salesforce` following every redirect (closeloop → sandbox authorize with PKCE → callback). */
export async function installSalesforce(cl: Closeloop): Promise<{ accountId: string; connectionId: string }> {
  const res = await browse(`${cl.url}/install/salesforce`);
  const body = (await res.json()) as { installed?: boolean; accountId: string; connectionId: string };
  if (res.status !== 200 || !body.installed) throw new Error(`install failed: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

export async function backfilled(cl: Closeloop, orgId: string, ms = 60_000): Promise<ConnectionRow> {
  return waitFor(
    async () => {
      const c = await cl.store.connections.byAccount('salesforce', orgId);
      return c?.backfill_done_at ? c : null;
    },
    ms,
    'Salesforce backfill',
  );
}

/** Waits until this process holds the connection's change stream and the sandbox has confirmed the subscribe. */
export async function subscribed(loop: SalesforceLoop, connectionId: string, ms = 45_000): Promise<void> {
  await waitFor(
    () =>
      loop.cl.changeStreams?.running().includes(connectionId) && loop.sf.store.cdcSubscriptions(loop.orgId).length > 0,
    ms,
    'CDC subscription',
  );
}

export { waitFor };

/** A sales rep in the org: a User the org's admin creates, signing in with their email address. Returns its id. */
export function salesRep(
  sf: SalesforceSandbox,
  orgId: string,
  rep: { FirstName: string; LastName: string; Email: string; Alias: string },
): string {
  return sf.store.create(orgId, 'User', { ...rep, Username: rep.Email }, { userId: sf.store.adminUserId(orgId) });
}

/**
 * A deal gone quiet: an Account with one Contact (primary contact role) on an Opportunity in Qualification owned by
 * `owner`, whose last touch is the rep's own email `quietDays` ago (a stale-deal follow-up once past STALE_DEAL_DAYS).
 */
export function quietOpportunity(
  sf: SalesforceSandbox,
  orgId: string,
  o: { owner: string; company: string; domain: string; contact: [first: string, last: string]; quietDays?: number },
): { account: string; contact: string; opp: string } {
  const account = sf.store.create(orgId, 'Account', { Name: o.company, Website: `https://${o.domain}` });
  const [first, last] = o.contact;
  const contact = sf.store.create(orgId, 'Contact', {
    FirstName: first,
    LastName: last,
    Email: `${first.toLowerCase()}@${o.domain}`,
    AccountId: account,
  });
  const opp = sf.store.create(orgId, 'Opportunity', {
    Name: `${o.company} pilot`,
    StageName: 'Qualification',
    CloseDate: '2030-03-31',
    Amount: 9000,
    AccountId: account,
    OwnerId: o.owner,
  });
  sf.store.create(orgId, 'OpportunityContactRole', { OpportunityId: opp, ContactId: contact, IsPrimary: true });
  sf.store.create(orgId, 'EmailMessage', {
    Subject: 'Pilot intro',
    TextBody: 'Intro call, interested in a pilot.',
    Status: '3',
    Incoming: false,
    MessageDate: new Date(Date.now() - (o.quietDays ?? 30) * 86_400_000).toISOString(),
    RelatedToId: opp,
    ToIds: [contact],
  });
  return { account, contact, opp };
}
