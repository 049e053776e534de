import { playDemoActivity, startHubspotSandbox, type HubspotSandbox } from '../../connectors/hubspot/sandbox/index.js';
import {
  playDemoActivity as playSalesforceActivity,
  startSalesforceSandbox,
  type SalesforceSandbox,
} from '../../connectors/salesforce/sandbox/index.js';
import type { Config } from '../config/index.js';
import { SESSION_COOKIE } from '../auth/sessions.js';
import { browse, CookieJar } from '../lib/browser-fetch.js';
import { createLogger } from '../lib/logger.js';
import type { Closeloop, StartOptions } from '../main.js';
import { deleteTenant } from '../privacy/erase.js';
import { latencyLine, summaryLine, tierLines, type TierStep, type WriteCounts } from './summary.js';

type Start = (cfg: Readonly<Config>, o?: StartOptions) => Promise<Closeloop>;

const defaultSay = (msg: string) => process.stdout.write(`[demo] ${msg}\n`);

export interface DemoHandle {
  cl: Closeloop;
  hubspot: HubspotSandbox;
  salesforce: SalesforceSandbox;
  /** Settles when the scripted activity has been played and delivered. */
  played: Promise<void>;
  /** What closeloop wrote into both CRMs so far, in plain words. */
  summary(): Promise<string>;
  stop(): Promise<void>;
}

export interface DemoOptions {
  say?: (msg: string) => void;
  /** Install signal handlers (Ctrl-C) that stop the demo; the CLI does, tests do not. */
  handleSignals?: boolean;
}

/**
 * `npm start` with no configuration: start the HubSpot and Salesforce sandboxes, install closeloop into both through
 * the real OAuth flows (Salesforce with PKCE), backfill, then play a stream of demo activity that arrives as signed
 * HubSpot webhooks, Salesforce Change Data Capture events and Salesforce Outbound Messages.
 */
export async function runDemo(cfg: Readonly<Config>, start: Start): Promise<void> {
  await startDemo(cfg, start, { handleSignals: true });
}

export async function startDemo(cfg: Readonly<Config>, start: Start, o: DemoOptions = {}): Promise<DemoHandle> {
  const say = o.say ?? defaultSay;
  let stopping: Promise<void> | null = null;
  let stopFn: () => Promise<void> = async () => {};
  const stop = () => (stopping ??= stopFn());
  if (o.handleSignals) {
    // Installed first: Ctrl-C during start-up or the backfill stops cleanly too (leases released, database closed).
    const onSignal = (sig: string) => {
      if (stopping) {
        say('stopping now (second signal).');
        process.exit(130);
      }
      say(`${sig}: stopping closeloop and the sandboxes...`);
      const force = setTimeout(() => {
        say('did not stop within 10 s; exiting anyway.');
        process.exit(1);
      }, 10_000);
      force.unref();
      void stop().then(
        () => {
          say('stopped.');
          process.exit(0);
        },
        (e) => {
          say(`stopped with an error: ${(e as Error).message}`);
          process.exit(1);
        },
      );
    };
    process.on('SIGINT', () => onSignal('Ctrl-C'));
    process.on('SIGTERM', () => onSignal('SIGTERM'));
  }

  // Suggestions made from here on (backfill and stream) are this run's: the tier report reads them.
  const demoStart = new Date();
  const clientId = 'closeloop-demo-app';
  const clientSecret = `demo-secret-${Math.random().toString(36).slice(2)}`;
  const hubspot = await startHubspotSandbox({ port: 0, clientId, clientSecret, seed: 'demo', webhookTargetUrl: null });
  say(`HubSpot sandbox listening on ${hubspot.url}`);
  const salesforce = await startSalesforceSandbox({
    port: 0,
    clientId,
    clientSecret,
    seed: 'demo',
    outboundMessageUrl: null,
  });
  const sfOrgId = salesforce.orgIds()[0]!;
  say(`Salesforce sandbox listening on ${salesforce.url} (org ${sfOrgId})`);
  const closeSandboxes = async () => {
    await hubspot.close().catch(() => undefined);
    await salesforce.close().catch(() => undefined);
  };
  stopFn = closeSandboxes;
  const logger = createLogger({ level: cfg.logLevel === 'info' ? 'warn' : cfg.logLevel });
  // The sandbox portal's super admin is the demo's operator; they sign in like anyone else (sign in with HubSpot).
  const hsAdmin = hubspot.store.portal(hubspot.defaultPortalId).info.installingUser;
  let cl: Closeloop;
  try {
    cl = await start(cfg, {
      logger,
      operatorUsers: [`hubspot:${hubspot.defaultPortalId}:${hsAdmin.userId}`],
      apps: {
        hubspot: {
          clientId,
          clientSecret,
          apiBase: hubspot.url,
          authorizeUrl: `${hubspot.url}/oauth/authorize`,
          tokenUrl: `${hubspot.url}/oauth/2026-03/token`,
        },
        // The sandbox is both the login host and the instance (its token response's instance_url).
        salesforce: { clientId, clientSecret, loginUrl: salesforce.url },
      },
    });
  } catch (e) {
    await closeSandboxes();
    throw e;
  }
  let report: ReturnType<typeof setInterval> | null = null;
  stopFn = async () => {
    if (report) clearInterval(report);
    await cl.stop();
    await closeSandboxes();
  };
  say(
    `closeloop listening on ${cl.url}  (open ${cl.url}/ and sign in with HubSpot for the live summary; /healthz is open)`,
  );

  // The sandboxes are new on every start, with new records: what closeloop kept about the previous run's demo
  // accounts (records, suggestions, outboxes, CDC replay positions) describes a CRM that no longer exists.
  for (const [provider, accountId] of [
    ['hubspot', String(hubspot.defaultPortalId)],
    ['salesforce', sfOrgId],
  ] as const) {
    const old = await cl.store.connections.byAccount(provider, accountId);
    if (!old) continue;
    await deleteTenant(cl.store, null, old.tenant_id);
    say(
      `the demo ${provider === 'hubspot' ? 'HubSpot portal' : 'Salesforce org'} is new on every start: cleared what closeloop kept from the previous run`,
    );
  }
  hubspot.setWebhookTarget(`${cl.url}/webhooks/hubspot`);

  say('installing closeloop into the demo HubSpot portal through OAuth...');
  const hsInstall = await install(cl.url, 'hubspot');
  say(`installed: portal ${hsInstall.accountId} (connection ${hsInstall.connectionId}); backfilling...`);
  say('installing closeloop into the demo Salesforce org through OAuth with PKCE...');
  const sfInstall = await install(cl.url, 'salesforce');
  say(`installed: org ${sfInstall.accountId} (connection ${sfInstall.connectionId}); backfilling...`);

  // The demo signs itself in through the same path a browser takes: /auth/login → the CRM's consent → /auth/callback.
  const me = await signInWithCrm(cl.url, 'hubspot');
  say(
    `signed in with HubSpot as ${hsAdmin.email}: role ${me.role} (a session cookie; writes also need its CSRF token)`,
  );

  const [conn] = await Promise.all([
    backfilled(cl, hsInstall.connectionId, 'the HubSpot backfill'),
    backfilled(cl, sfInstall.connectionId, 'the Salesforce backfill'),
  ]);
  const counts = await cl.store.records.countsByKind();
  say(
    `backfill done (both CRMs): ${Object.entries(counts)
      .map(([k, v]) => `${v} ${k === 'company' ? 'companies' : `${k}s`}`)
      .join(', ')}`,
  );

  // Change Data Capture: a worker takes the connection's stream lease and subscribes from "new events only".
  await waitFor(
    async () =>
      (cl.changeStreams?.running().includes(sfInstall.connectionId) &&
        salesforce.store.cdcSubscriptions(sfOrgId).length > 0) ||
      null,
    90_000,
    'the Salesforce Change Data Capture subscription',
  );
  say('Salesforce Change Data Capture subscribed (replay position stored with every event)');
  salesforce.setOutboundMessageUrl(`${cl.url}/webhooks/salesforce`);
  say(`Salesforce Outbound Messages configured to ${cl.url}/webhooks/salesforce`);

  const portalId = Number(conn.account_id);
  say(
    `playing ${cfg.demoEvents} demo changes per CRM: HubSpot as signed webhooks, Salesforce as change events and outbound messages...`,
  );
  const summary = async () => summaryLine(await writeCounts(cl));
  let lastLine = '';
  report = setInterval(async () => {
    try {
      const inbox = await cl.store.inbox.count();
      const line = `webhook events received ${inbox.total} · ${await summary()}`;
      if (line !== lastLine) {
        say(line);
        lastLine = line;
      }
    } catch {
      /* shutting down */
    }
  }, 2000);
  report.unref?.();

  const streamStart = new Date();
  const played = (async () => {
    await Promise.all([
      playDemoActivity(hubspot, portalId, { count: cfg.demoEvents, intervalMs: cfg.demoEventIntervalMs }),
      playSalesforceActivity(salesforce, sfOrgId, { count: cfg.demoEvents, intervalMs: cfg.demoEventIntervalMs }),
    ]);
    await hubspot.flushWebhooks();
    await salesforce.flushOutbound();
    say(`demo stream finished; closeloop keeps running (Ctrl-C to stop). So far: ${await summary()}.`);
    // The sandbox keeps HubSpot's limits on; closeloop paces itself (shared token bucket) instead of waiting out 429s.
    const hsCalls = hubspot.rateLimitStats();
    say(
      `HubSpot API so far: ${hsCalls.requests} calls (${hsCalls.throttled} answered 429), ${hsCalls.searchRequests} searches (${hsCalls.searchThrottled} answered 429)`,
    );
    // Webhook-to-task: from the receipt of a change (signed webhook, change event, outbound message) to the task
    // created or updated in the CRM, read from the outbox rows once the writes the stream caused are done.
    await settled(cl, 120_000);
    const latencies = {
      hubspot: await cl.store.outbox.webhookToTaskSeconds(streamStart, 'hubspot'),
      salesforce: await cl.store.outbox.webhookToTaskSeconds(streamStart, 'salesforce'),
    };
    say(
      `webhook-to-task (receipt of the change → task in the CRM), with the sandboxes' rate limits on: ${latencyLine(latencies)}`,
    );
    // Every suggestion carries its route (tier, model, cost, latency per step): which tiers the demo used.
    const steps: TierStep[] = (await cl.store.suggestions.listSince(demoStart, 5000)).flatMap((r) =>
      (r.payload.explanation.route ?? []).map((x) => ({ ...x, suggestionType: r.payload.type })),
    );
    for (const line of tierLines(steps, cfg.openai !== null)) say(`inference tiers — ${line}`);
  })();
  played.catch((e) => say(`the demo stream stopped: ${(e as Error).message}`));
  return { cl, hubspot, salesforce, played, summary, stop };
}

/** Live tasks and drafts per CRM, and how many closeloop withdrew, from the outbox. */
async function writeCounts(cl: Closeloop): Promise<WriteCounts> {
  const rows = await cl.store.outbox.countDoneByProviderAction();
  const out: WriteCounts = {};
  for (const r of rows) {
    const c = (out[r.provider] ??= { tasks: 0, drafts: 0, updated: 0, withdrawn: 0 });
    if (r.action === 'create_task') c.tasks += Number(r.n);
    if (r.action === 'create_draft_email') c.drafts += Number(r.n);
    if (r.action === 'update_task') c.updated += Number(r.n);
    if (r.action === 'close_task') c.withdrawn += Number(r.n);
  }
  return out;
}

/**
 * Waits (up to `ms`) until the stream's work is through: no webhook event and no write pending, and no new outbox
 * row for two seconds (an analysis between the two may still be queueing its writes).
 */
async function settled(cl: Closeloop, ms: number): Promise<void> {
  const end = Date.now() + ms;
  let last = '';
  let quietSince = Date.now();
  while (Date.now() < end) {
    const inbox = await cl.store.inbox.count();
    const outbox = await cl.store.outbox.countByStatus();
    const seen = JSON.stringify(outbox);
    if (seen !== last || inbox.pending > 0 || (outbox.pending ?? 0) > 0) {
      last = seen;
      quietSince = Date.now();
    }
    if (Date.now() - quietSince >= 2_000) return;
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function install(url: string, provider: string): Promise<{ accountId: string; connectionId: string }> {
  // Follows every redirect like a browser, cookies kept: closeloop → the sandbox's authorize (auto-consent) →
  // closeloop's callback (which needs the flow cookie the start set).
  const res = await browse(`${url}/install/${provider}`);
  const body = (await res.json()) as { installed?: boolean; accountId?: string; connectionId?: string };
  if (!res.ok || !body.installed || !body.accountId || !body.connectionId)
    throw new Error(`${provider} install failed: ${res.status} ${JSON.stringify(body)}`);
  return { accountId: body.accountId, connectionId: body.connectionId };
}

/** Sign in with the CRM by following the redirects a browser would, cookies kept; returns the session's role. */
export async function signInWithCrm(url: string, provider: string): Promise<{ role: string; cookie: string }> {
  const jar = new CookieJar();
  const res = await browse(`${url}/auth/login/${provider}`, { jar, headers: { accept: 'application/json' } });
  const body = (await res.json()) as { role?: string };
  const session = jar.get(url, SESSION_COOKIE);
  if (!res.ok || !body.role || !session)
    throw new Error(`sign-in with ${provider} failed: ${res.status} ${JSON.stringify(body)}`);
  return { role: body.role, cookie: `${SESSION_COOKIE}=${session}` };
}

async function backfilled(cl: Closeloop, connectionId: string, what: string) {
  return waitFor(
    async () => {
      const c = await cl.store.connections.get(connectionId);
      return c?.backfill_done_at ? c : null;
    },
    180_000,
    what,
  );
}

async function waitFor<T>(fn: () => Promise<T | null>, timeoutMs: number, what: string): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
