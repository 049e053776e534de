import { browse } from '../src/lib/browser-fetch.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startHubspotSandbox } from '../connectors/hubspot/sandbox/index.js';
import { migrate, openDb } from '../src/store/index.js';

export interface ClusterRun {
  workers: number;
  deals: number;
  events: number;
  writebacks: number;
  seconds: number;
  writebacksPerSec: number;
  eventsPerSec: number;
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });

/** Starts bench/cluster-process.ts as its own OS process; resolves with its URL once it printed READY. */
function startProcess(
  role: 'web' | 'worker',
  env: Record<string, string>,
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench/cluster-process.ts')], {
    cwd: ROOT,
    env: { ...(process.env as Record<string, string>), ...env, BENCH_ROLE: role },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return new Promise((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d) => {
      buf += String(d);
      const m = /READY (\S+)/.exec(buf);
      if (m) resolve({ child, url: m[1]! });
    });
    child.once('exit', (code) => reject(new Error(`${role} process exited early (${code})`)));
  });
}

async function until(fn: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Cluster throughput on PostgreSQL: one web process and `workers` worker processes (separate OS processes, as
 * deployed), a HubSpot sandbox with `deals` deals in Negotiation; after the backfill, one budget email per deal
 * arrives at once as signed webhooks. Measured from the first CRM change to the last write-back (a task and a
 * draft per deal): write-backs per second and webhook events per second, end to end.
 */
export async function benchClusterThroughput(o: {
  databaseUrl: string;
  workers: number;
  deals: number;
}): Promise<ClusterRun> {
  const db = await openDb({ databaseUrl: o.databaseUrl, poolSize: 2 });
  await migrate(db);
  await db.close();
  const hs = await startHubspotSandbox({
    port: 0,
    clientId: 'bench-app',
    clientSecret: 'bench-secret',
    seed: 'empty',
    rateLimit: false,
    webhookBatchMs: 50,
    webhookRetryBaseMs: 100,
    webhookMaxRetryDelayMs: 1000,
    webhookMaxAttempts: 50,
    webhookTimeoutMs: 10_000,
  });
  const pid = hs.defaultPortalId;
  // One rep per 10 deals: the rep-daily-cap rule allows 20 suggestions per rep and day.
  const owners = Array.from({ length: Math.ceil(o.deals / 10) }, (_, k) =>
    hs.store.portal(pid).addOwner({
      id: String(500 + k),
      userId: 5000 + k,
      email: `rep${k}@example.com`,
      firstName: 'Rae',
      lastName: `Rep${k}`,
    }),
  );
  const deals: { deal: string; contact: string }[] = [];
  for (let i = 0; i < o.deals; i++) {
    const c = hs.store.create(pid, 'contacts', {
      firstname: `Buyer${i}`,
      lastname: 'Bench',
      email: `buyer${i}@example.com`,
    });
    const d = hs.store.create(
      pid,
      'deals',
      {
        dealname: `Deal ${i}`,
        dealstage: 'contractsent',
        pipeline: 'default',
        amount: '1000',
        hubspot_owner_id: owners[Math.floor(i / 10)]!.id,
      },
      { associations: [{ toType: 'contacts', toId: c.id }] },
    );
    hs.store.create(
      pid,
      'notes',
      { hs_timestamp: String(Date.now() - 86_400_000), hs_note_body: 'Sent the contract.' },
      { associations: [{ toType: 'deals', toId: d.id }] },
    );
    deals.push({ deal: d.id, contact: c.id });
  }
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cl-bench-cluster-'));
  const env = {
    BENCH_DATA_DIR: dataDir,
    BENCH_DATABASE_URL: o.databaseUrl,
    BENCH_SANDBOX_URL: hs.url,
    BENCH_CLIENT_ID: 'bench-app',
    BENCH_CLIENT_SECRET: 'bench-secret',
  };
  const procs: ChildProcess[] = [];
  try {
    const web = await startProcess('web', { ...env, BENCH_PORT: String(await freePort()) });
    procs.push(web.child);
    const workers = await Promise.all(Array.from({ length: o.workers }, () => startProcess('worker', env)));
    procs.push(...workers.map((w) => w.child));
    hs.setWebhookTarget(`${web.url}/webhooks/hubspot`);
    const res = await browse(`${web.url}/install/hubspot`);
    if (!res.ok) throw new Error(`install failed: ${res.status}`);
    const watch = await openDb({ databaseUrl: o.databaseUrl, poolSize: 1 });
    try {
      await until(
        async () =>
          (
            await watch.query<{ n: number }>(
              'SELECT count(*)::int AS n FROM connections WHERE backfill_done_at IS NOT NULL',
            )
          ).rows[0]!.n > 0,
        120_000,
        'the backfill',
      );
      // The scan after the backfill finishes before the clock starts.
      await until(
        async () =>
          (await watch.query<{ n: number }>("SELECT count(*)::int AS n FROM pgboss.job WHERE state < 'completed'"))
            .rows[0]!.n === 0,
        120_000,
        'the post-backfill scan',
      );
      const tasksBefore = hs.store.list(pid, 'tasks').length;
      const t0 = performance.now();
      for (const { deal, contact } of deals) {
        hs.store.create(
          pid,
          'emails',
          {
            hs_timestamp: String(Date.now()),
            hs_email_direction: 'INCOMING_EMAIL',
            hs_email_subject: 'Re: contract',
            hs_email_text: 'Our budget was cut last week, we need to pause.',
          },
          {
            associations: [
              { toType: 'deals', toId: deal },
              { toType: 'contacts', toId: contact },
            ],
          },
        );
      }
      const target = tasksBefore + 2 * o.deals;
      await until(() => hs.store.list(pid, 'tasks').length >= target, 600_000, 'a task and a draft per deal');
      const seconds = (performance.now() - t0) / 1000;
      const events = (
        await watch.query<{ n: number }>(
          'SELECT coalesce(sum(event_count), 0)::int AS n FROM webhook_batches WHERE received_at >= now() - make_interval(secs => $1)',
          [seconds + 1],
        )
      ).rows[0]!.n;
      const writebacks = hs.store.list(pid, 'tasks').length - tasksBefore;
      return {
        workers: o.workers,
        deals: o.deals,
        events,
        writebacks,
        seconds,
        writebacksPerSec: writebacks / seconds,
        eventsPerSec: events / seconds,
      };
    } finally {
      await watch.close();
    }
  } finally {
    await Promise.all(
      procs.map(
        (c) =>
          new Promise<void>((r) => {
            if (c.exitCode !== null || c.signalCode !== null) return r();
            c.once('exit', () => r());
            c.kill('SIGTERM');
            setTimeout(() => c.kill('SIGKILL'), 10_000).unref();
          }),
      ),
    );
    await hs.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
