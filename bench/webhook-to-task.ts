import { browse } from '../src/lib/browser-fetch.js';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startHubspotSandbox } from '../connectors/hubspot/sandbox/index.js';
import { loadConfig } from '../src/config/index.js';
import { silentLogger } from '../src/lib/logger.js';
import { startCloseloop } from '../src/main.js';
import { appSettingSpecs } from '../connectors/index.js';

export interface LatencyResult {
  engine: string;
  n: number;
  intervalMs: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  limits: boolean;
  calls: number;
  throttled: number;
  byRoute: Record<string, number>;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

/**
 * Webhook-to-task latency at a steady load: a rep's customer writes about a budget cut on a deal in
 * Negotiation every `intervalMs`; measured from the CRM change to the task existing in the CRM
 * (sandbox webhook batching, verification, inbox, fetch, rules, write-back all included).
 */
export async function benchWebhookToTask(o: {
  databaseUrl: string | null;
  n: number;
  intervalMs: number;
  limits?: boolean;
}): Promise<LatencyResult> {
  // `limits`: the sandbox's HubSpot limits on (110 calls per 10 s, search 5/s), as in the demo; off by default.
  const hs = await startHubspotSandbox({
    port: 0,
    clientId: 'lat',
    clientSecret: 'lat-secret',
    seed: 'empty',
    ...(o.limits ? {} : { rateLimit: false as const }),
    webhookBatchMs: 20,
  });
  const pid = hs.defaultPortalId;
  // One rep per 10 deals: the shipped rules cap suggestions per rep and day (rules/limits.json).
  const owners = Array.from({ length: Math.ceil(o.n / 10) }, (_, k) =>
    hs.store.portal(pid).addOwner({
      id: String(k + 1),
      userId: k + 1,
      email: `rep${k}@example.com`,
      firstName: 'R',
      lastName: `Rep${k}`,
    }),
  );
  const deals: { deal: string; contact: string }[] = [];
  for (let i = 0; i < o.n; i++) {
    const c = hs.store.create(pid, 'contacts', { firstname: `B${i}`, lastname: 'X', email: `b${i}@example.com` });
    const d = hs.store.create(
      pid,
      'deals',
      {
        dealname: `Deal ${i}`,
        dealstage: 'contractsent',
        pipeline: 'default',
        hubspot_owner_id: owners[Math.floor(i / 10)]!.id,
      },
      { associations: [{ toType: 'contacts', toId: c.id }] },
    );
    hs.store.create(
      pid,
      'notes',
      { hs_timestamp: String(Date.now() - 86_400_000), hs_note_body: 'Contract sent.' },
      { associations: [{ toType: 'deals', toId: d.id }] },
    );
    deals.push({ deal: d.id, contact: c.id });
  }
  const cfg = loadConfig(
    {
      PORT: '0',
      DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'cl-bench-')),
      TOKEN_ENCRYPTION_KEY: 'ab'.repeat(32),
      LOG_LEVEL: 'silent',
      DATABASE_URL: o.databaseUrl ?? undefined,
      MIGRATE_ON_START: 'true',
      POLL_CRON: '0 0 1 1 *',
      SCAN_CRON: '0 0 1 1 *',
    },
    appSettingSpecs,
  );
  const cl = await startCloseloop(cfg, {
    logger: silentLogger(),
    apps: {
      hubspot: {
        clientId: 'lat',
        clientSecret: 'lat-secret',
        apiBase: hs.url,
        authorizeUrl: `${hs.url}/oauth/authorize`,
        tokenUrl: `${hs.url}/oauth/v1/token`,
      },
    },
  });
  hs.setWebhookTarget(`${cl.url}/webhooks/hubspot`);
  try {
    const res = await browse(`${cl.url}/install/hubspot`);
    if (!res.ok) throw new Error(`install failed: ${res.status}`);
    for (;;) {
      const c = await cl.store.connections.byAccount('hubspot', String(pid));
      if (c?.backfill_done_at) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 500));
    const taskCountFor = (dealId: string) =>
      hs.store
        .list(pid, 'tasks')
        .filter((t) => hs.store.associations(pid, { type: 'tasks', id: t.id }, 'deals').some((a) => a.toId === dealId))
        .length;
    const latencies: number[] = [];
    const waits: Promise<void>[] = [];
    const before = hs.rateLimitStats();
    for (const { deal, contact } of deals) {
      const t0 = performance.now();
      hs.store.create(
        pid,
        'emails',
        {
          hs_timestamp: String(Date.now()),
          hs_email_direction: 'INCOMING_EMAIL',
          hs_email_subject: 'Re: contract',
          hs_email_text: 'Finance cut our budget this quarter, we cannot sign at this price.',
        },
        {
          associations: [
            { toType: 'deals', toId: deal },
            { toType: 'contacts', toId: contact },
          ],
        },
      );
      waits.push(
        (async () => {
          while (taskCountFor(deal) === 0) {
            if (performance.now() - t0 > 60_000) throw new Error(`no task for deal ${deal} after 60 s`);
            await new Promise((r) => setTimeout(r, 5));
          }
          latencies.push(performance.now() - t0);
        })(),
      );
      await new Promise((r) => setTimeout(r, o.intervalMs));
    }
    await Promise.all(waits);
    const after = hs.rateLimitStats();
    return {
      engine: o.databaseUrl ? 'postgres' : 'pglite',
      n: o.n,
      intervalMs: o.intervalMs,
      p50Ms: pct(latencies, 50),
      p95Ms: pct(latencies, 95),
      maxMs: Math.max(...latencies),
      byRoute: Object.fromEntries(
        Object.entries(after.byRoute ?? {})
          .map(([k, v]) => [k, v - (before.byRoute?.[k] ?? 0)])
          .filter(([, v]) => Number(v) > 0),
      ),
      limits: o.limits === true,
      calls: after.requests + after.searchRequests - before.requests - before.searchRequests,
      throttled: after.throttled + after.searchThrottled - before.throttled - before.searchThrottled,
    };
  } finally {
    await cl.stop();
    await hs.close();
  }
}
