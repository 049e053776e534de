import { playDemoActivity, startHubspotSandbox } from '../../connectors/hubspot/sandbox/index.js';
import { playDemoActivity as playSalesforceActivity, startSalesforceSandbox } from '../../connectors/salesforce/sandbox/index.js';
import type { Config } from '../config/index.js';
import { createLogger } from '../lib/logger.js';
import type { Closeloop, StartOptions } from '../main.js';

type Start = (cfg: Readonly<Config>, o?: StartOptions) => Promise<Closeloop>;

const say = (msg: string) => process.stdout.write(`[demo] ${msg}\n`);

/**
 * `npm start` with no configuration: start the HubSpot and Salesforce sandboxes, install closeloop into both through
 * the real OAuth flows (Salesforce with PKCE), backfill, then play a stream of demo activity that arrives as signed
 * HubSpot webhooks, Salesforce Change Data Capture events and Salesforce Outbound Messages.
 */
export async function runDemo(cfg: Readonly<Config>, start: Start): Promise<void> {
  const clientId = 'closeloop-demo-app';
  const clientSecret = `demo-secret-${Math.random().toString(36).slice(2)}`;
  const hubspot = await startHubspotSandbox({ port: 0, clientId, clientSecret, seed: 'demo', webhookTargetUrl: null });
  say(`HubSpot sandbox listening on ${hubspot.url}`);
  const salesforce = await startSalesforceSandbox({ port: 0, clientId, clientSecret, seed: 'demo', outboundMessageUrl: null });
  const sfOrgId = salesforce.orgIds()[0]!;
  say(`Salesforce sandbox listening on ${salesforce.url} (org ${sfOrgId})`);
  const logger = createLogger({ level: cfg.logLevel === 'info' ? 'warn' : cfg.logLevel });
  // The sandbox portal's super admin is the demo's operator; they sign in like anyone else (sign in with HubSpot).
  const hsAdmin = hubspot.store.portal(hubspot.defaultPortalId).info.installingUser;
  const cl = await start(cfg, {
    logger,
    operatorUsers: [`hubspot:${hubspot.defaultPortalId}:${hsAdmin.userId}`],
    apps: {
      hubspot: {
        clientId, clientSecret, apiBase: hubspot.url,
        authorizeUrl: `${hubspot.url}/oauth/authorize`, tokenUrl: `${hubspot.url}/oauth/2026-03/token`,
      },
      // The sandbox is both the login host and the instance (its token response's instance_url).
      salesforce: { clientId, clientSecret, loginUrl: salesforce.url },
    },
  });
  say(`closeloop listening on ${cl.url}  (open ${cl.url}/ and sign in with HubSpot for the live summary; /healthz is open)`);
  hubspot.setWebhookTarget(`${cl.url}/webhooks/hubspot`);

  say('installing closeloop into the demo HubSpot portal through OAuth...');
  const hsInstall = await install(cl.url, 'hubspot');
  say(`installed: portal ${hsInstall.accountId} (connection ${hsInstall.connectionId}); backfilling...`);
  say('installing closeloop into the demo Salesforce org through OAuth with PKCE...');
  const sfInstall = await install(cl.url, 'salesforce');
  say(`installed: org ${sfInstall.accountId} (connection ${sfInstall.connectionId}); backfilling...`);

  // The demo signs itself in through the same path a browser takes: /auth/login → the CRM's consent → /auth/callback.
  const me = await signInWithCrm(cl.url, 'hubspot');
  say(`signed in with HubSpot as ${hsAdmin.email}: role ${me.role} (a session cookie; writes also need its CSRF token)`);

  const [conn] = await Promise.all([backfilled(cl, hsInstall.connectionId), backfilled(cl, sfInstall.connectionId)]);
  const counts = await cl.store.records.countsByKind();
  say(`backfill done (both CRMs): ${Object.entries(counts).map(([k, v]) => `${v} ${k}s`).join(', ')}`);

  // Change Data Capture: a worker takes the connection's stream lease and subscribes from "new events only".
  await waitFor(async () => (cl.changeStreams?.running().includes(sfInstall.connectionId) && salesforce.store.cdcSubscriptions(sfOrgId).length > 0) || null, 30_000);
  say('Salesforce Change Data Capture subscribed (replay position stored with every event)');
  salesforce.setOutboundMessageUrl(`${cl.url}/webhooks/salesforce`);
  say(`Salesforce Outbound Messages configured to ${cl.url}/webhooks/salesforce`);

  const portalId = Number(conn.account_id);
  say(`playing ${cfg.demoEvents} demo changes per CRM: HubSpot as signed webhooks, Salesforce as change events and outbound messages...`);
  const play = Promise.all([
    playDemoActivity(hubspot, portalId, { count: cfg.demoEvents, intervalMs: cfg.demoEventIntervalMs }),
    playSalesforceActivity(salesforce, sfOrgId, { count: cfg.demoEvents, intervalMs: cfg.demoEventIntervalMs }),
  ]);

  let lastLine = '';
  const report = setInterval(async () => {
    try {
      const sug = await cl.store.suggestions.countsByStatus();
      const wb = await cl.store.outbox.countByStatus();
      const inbox = await cl.store.inbox.count();
      const byCrm = await writesByCrm(cl);
      const streamed = (await cl.metrics.recordsSynced.get()).values.filter((v) => v.labels.source === 'stream').reduce((n, v) => n + v.value, 0);
      const line = `webhook events ${inbox.total} · records from change events ${streamed} · suggestions ${JSON.stringify(sug)} · tasks written ${wb.done ?? 0} (HubSpot ${byCrm.hubspot ?? 0}, Salesforce ${byCrm.salesforce ?? 0})`;
      if (line !== lastLine) { say(line); lastLine = line; }
    } catch { /* shutting down */ }
  }, 2000);

  await play;
  await hubspot.flushWebhooks();
  await salesforce.flushOutbound();
  say('demo stream finished; closeloop keeps running (Ctrl-C to stop).');
  // The sandbox keeps HubSpot's limits on; closeloop paces itself (shared token bucket) instead of waiting out 429s.
  const hsCalls = hubspot.rateLimitStats();
  say(`HubSpot API so far: ${hsCalls.requests} calls (${hsCalls.throttled} answered 429), ${hsCalls.searchRequests} searches (${hsCalls.searchThrottled} answered 429)`);
  for (const t of await cl.store.outbox.recentDone(10)) say(`${t.action === 'create_draft_email' ? 'draft email' : 'task'} ${t.crm_id} written for suggestion ${t.suggestion_id}`);

  const shutdown = async () => {
    clearInterval(report);
    await cl.stop();
    await hubspot.close();
    await salesforce.close();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

async function install(url: string, provider: string): Promise<{ accountId: string; connectionId: string }> {
  // Follows every redirect: closeloop → the sandbox's authorize (auto-consent) → closeloop's callback.
  const res = await fetch(`${url}/install/${provider}`, { redirect: 'follow' });
  const body = (await res.json()) as { installed?: boolean; accountId?: string; connectionId?: string };
  if (!res.ok || !body.installed || !body.accountId || !body.connectionId) throw new Error(`${provider} install failed: ${res.status} ${JSON.stringify(body)}`);
  return { accountId: body.accountId, connectionId: body.connectionId };
}

/** Sign in with the CRM by following the redirects a browser would; returns the session's role. */
export async function signInWithCrm(url: string, provider: string): Promise<{ role: string; cookie: string }> {
  let next = `${url}/auth/login/${provider}`;
  for (let hop = 0; hop < 5; hop++) {
    const res = await fetch(next, { redirect: 'manual', headers: { accept: 'application/json' } });
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) { next = new URL(location, next).toString(); continue; }
    const body = (await res.json()) as { role?: string };
    const cookie = res.headers.get('set-cookie')?.split(';')[0];
    if (!res.ok || !body.role || !cookie) throw new Error(`sign-in with ${provider} failed: ${res.status} ${JSON.stringify(body)}`);
    return { role: body.role, cookie };
  }
  throw new Error(`sign-in with ${provider}: too many redirects`);
}

async function backfilled(cl: Closeloop, connectionId: string) {
  return waitFor(async () => {
    const c = await cl.store.connections.get(connectionId);
    return c?.backfill_done_at ? c : null;
  }, 120_000);
}

/** Tasks and drafts written per CRM, from closeloop_writebacks_total{crm}. */
async function writesByCrm(cl: Closeloop): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const v of (await cl.metrics.writebacks.get()).values) out[String(v.labels.crm)] = (out[String(v.labels.crm)] ?? 0) + v.value;
  return out;
}

async function waitFor<T>(fn: () => Promise<T | null>, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out waiting for the demo to progress');
    await new Promise((r) => setTimeout(r, 250));
  }
}
