import { playDemoActivity, startHubspotSandbox } from '../../connectors/hubspot/sandbox/index.js';
import type { Config } from '../config/index.js';
import { createLogger } from '../lib/logger.js';
import type { Closeloop, StartOptions } from '../main.js';

type Start = (cfg: Readonly<Config>, o?: StartOptions) => Promise<Closeloop>;

const say = (msg: string) => process.stdout.write(`[demo] ${msg}\n`);

/**
 * `npm start` with no configuration: start the HubSpot sandbox, install closeloop into it through the real
 * OAuth flow, backfill, then play a stream of demo activity that arrives as signed webhooks.
 */
export async function runDemo(cfg: Readonly<Config>, start: Start): Promise<void> {
  const clientId = 'closeloop-demo-app';
  const clientSecret = `demo-secret-${Math.random().toString(36).slice(2)}`;
  const hubspot = await startHubspotSandbox({ port: 0, clientId, clientSecret, seed: 'demo', webhookTargetUrl: null });
  say(`HubSpot sandbox listening on ${hubspot.url}`);
  const logger = createLogger({ level: cfg.logLevel === 'info' ? 'warn' : cfg.logLevel });
  const cl = await start(cfg, {
    logger,
    apps: {
      hubspot: {
        clientId, clientSecret, apiBase: hubspot.url,
        authorizeUrl: `${hubspot.url}/oauth/authorize`, tokenUrl: `${hubspot.url}/oauth/v1/token`,
      },
    },
  });
  say(`closeloop listening on ${cl.url}  (GET / for a live summary, /metrics for Prometheus, /healthz)`);
  hubspot.setWebhookTarget(`${cl.url}/webhooks/hubspot`);

  say('installing closeloop into the demo HubSpot portal through OAuth...');
  const res = await fetch(`${cl.url}/install/hubspot`, { redirect: 'follow' });
  const body = (await res.json()) as { installed?: boolean; accountId?: string; connectionId?: string; message?: string };
  if (!res.ok || !body.installed) throw new Error(`install failed: ${res.status} ${JSON.stringify(body)}`);
  say(`installed: portal ${body.accountId} (connection ${body.connectionId}); backfilling...`);

  const conn = await waitFor(async () => {
    const c = await cl.store.connections.get(body.connectionId!);
    return c?.backfill_done_at ? c : null;
  }, 120_000);
  const counts = await cl.store.records.countsByKind();
  say(`backfill done: ${Object.entries(counts).map(([k, v]) => `${v} ${k}s`).join(', ')}`);

  const portalId = Number(conn.account_id);
  say(`playing ${cfg.demoEvents} demo changes as signed webhooks...`);
  const play = playDemoActivity(hubspot, portalId, { count: cfg.demoEvents, intervalMs: cfg.demoEventIntervalMs });

  let lastLine = '';
  const report = setInterval(async () => {
    try {
      const sug = await cl.store.suggestions.countsByStatus();
      const wb = await cl.store.outbox.countByStatus();
      const inbox = await cl.store.inbox.count();
      const line = `webhook events ${inbox.total} · suggestions ${JSON.stringify(sug)} · tasks written ${wb.done ?? 0}`;
      if (line !== lastLine) { say(line); lastLine = line; }
    } catch { /* shutting down */ }
  }, 2000);

  await play;
  await hubspot.flushWebhooks();
  say('demo stream finished; closeloop keeps running (Ctrl-C to stop).');
  for (const t of await cl.store.outbox.recentDone(10)) say(`task ${t.crm_id} written for suggestion ${t.suggestion_id}`);

  const shutdown = async () => {
    clearInterval(report);
    await cl.stop();
    await hubspot.close();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
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
