import { browse } from '../../src/lib/browser-fetch.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startHubspotSandbox, type HubspotSandbox } from '../../connectors/hubspot/sandbox/index.js';
import { migrate, openDb, type Db } from '../../src/store/index.js';
import { freshDatabase, ROOT } from '../helpers/db.js';
import { AS_OPERATOR, TEST_OPERATOR_TOKEN, waitFor } from '../helpers/closeloop.js';
import { dealWrites, freePort, seedContractDeals, sendBudgetCuts } from '../helpers/budget-deals.js';

const pgUrl = process.env.DATABASE_URL;
/** Deals in the portal; each gets one budget email (one task + one draft) and NEUTRAL other activities. */
const DEALS = Number(process.env.SCALE_DEALS ?? 40);
const NEUTRAL = Number(process.env.SCALE_NEUTRAL ?? 2);

interface Proc {
  name: string;
  child: ChildProcess;
  url: string;
  healthUrl: string;
  logs: any[];
}

/**
 * The cluster as separate OS processes on PostgreSQL: one web and three workers, signed webhooks from the
 * HubSpot sandbox, one worker killed with SIGKILL mid-run and a fourth added. Nothing is lost, nothing is
 * written back twice, every schedule tick runs in exactly one process, and every worker answers its own
 * health and metrics port. Prints the throughput it measured (docs/scaling.md).
 * Run: DATABASE_URL=postgres://... npm test -- tests/integration/scale.int.test.ts (SCALE_DEALS, SCALE_NEUTRAL).
 */
(pgUrl ? describe : describe.skip)('a cluster of OS processes on PostgreSQL', () => {
  let hs: HubspotSandbox;
  let pg: { url: string; drop(): Promise<void> };
  let db: Db;
  let dataDir: string;
  const procs: Proc[] = [];
  let seeded: { deals: string[]; contacts: string[] };
  let deals: string[];

  const start = async (name: string, role: 'web' | 'worker'): Promise<Proc> => {
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      CHILD_ROLE: role,
      CHILD_DATA_DIR: dataDir,
      CHILD_DATABASE_URL: pg.url,
      CHILD_SANDBOX_URL: hs.url,
      CHILD_CLIENT_ID: 'scale-app',
      CHILD_CLIENT_SECRET: 'scale-secret',
      CHILD_OPERATOR_TOKEN: TEST_OPERATOR_TOKEN,
      CHILD_PORT: role === 'web' ? String(await freePort()) : '0',
      CHILD_HEALTH_PORT: role === 'worker' ? String(await freePort()) : '0',
    };
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'tests/helpers/cluster-child.ts')], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const p: Proc = { name, child, url: '', healthUrl: '', logs: [] };
    procs.push(p);
    return new Promise((resolve, reject) => {
      let buf = '';
      child.stdout!.on('data', (d) => {
        buf += String(d);
        let i;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          const m = /^READY (\S+) (\S+)$/.exec(line);
          if (m) {
            p.url = m[1]!;
            p.healthUrl = m[2]!;
            resolve(p);
            continue;
          }
          try {
            p.logs.push(JSON.parse(line));
          } catch {
            /* not JSON */
          }
        }
      });
      child.on('exit', (code) => reject(new Error(`${name} exited early (${code})`)));
    });
  };
  const kill9 = async (p: Proc) => {
    const exited = new Promise((r) => p.child.on('exit', r));
    p.child.kill('SIGKILL');
    await exited;
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'cl-scale-'));
    pg = await freshDatabase(pgUrl!);
    db = await openDb({ databaseUrl: pg.url, poolSize: 2 });
    // The deployment order: migrate first; the processes refuse a database with pending migrations.
    await migrate(db);
    hs = await startHubspotSandbox({
      port: 0,
      clientId: 'scale-app',
      clientSecret: 'scale-secret',
      seed: 'empty',
      rateLimit: false,
      webhookBatchMs: 50,
      webhookRetryBaseMs: 100,
      webhookMaxRetryDelayMs: 1000,
      webhookMaxAttempts: 50,
      webhookTimeoutMs: 5000,
    });
    // One rep per 10 deals: the rep-daily-cap rule (rules/limits.json) allows 20 suggestions per rep and day.
    seeded = seedContractDeals(hs, DEALS, 10);
    deals = seeded.deals;
  }, 120_000);

  afterAll(async () => {
    for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) await kill9(p);
    await hs?.close();
    await db?.close();
    await pg?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const budgetTasks = (dealId: string) => dealWrites(hs).budgetTasks(dealId);
  const drafts = (dealId: string) => dealWrites(hs).drafts(dealId);

  test('0 lost, 0 duplicate write-backs, one run per schedule tick, a worker killed and one added', async () => {
    const web = await start('web', 'web');
    const workers = await Promise.all([1, 2, 3].map((i) => start(`worker-${i}`, 'worker')));
    hs.setWebhookTarget(`${web.url}/webhooks/hubspot`);
    expect((await browse(`${web.url}/install/hubspot`)).status).toBe(200);
    await waitFor(
      async () => {
        const s = (await (
          await fetch(`${web.url}/`, { headers: { accept: 'application/json', ...AS_OPERATOR } })
        ).json()) as any;
        return s.connections[0]?.backfillDone;
      },
      60_000,
      'backfill',
    );
    // Every worker answers its own health and metrics port, with the cluster-wide queue figures.
    for (const w of workers) {
      expect((await fetch(`${w.healthUrl}/readyz`)).status).toBe(200);
      expect(await (await fetch(`${w.healthUrl}/metrics`)).text()).toMatch(
        /closeloop_queue_depth\{queue="analyze"\} \d+/,
      );
    }

    const t0 = Date.now();
    sendBudgetCuts(hs, seeded, NEUTRAL);
    // Kill one worker once write-backs are flowing, and add a fourth.
    await waitFor(
      () => deals.filter((d) => budgetTasks(d).length > 0).length >= Math.ceil(DEALS / 10),
      120_000,
      'the first tasks',
    );
    await kill9(workers[0]!);
    const written = deals.filter((d) => budgetTasks(d).length > 0).length;
    await start('worker-4', 'worker');

    await waitFor(
      () => deals.every((d) => budgetTasks(d).length >= 1 && drafts(d).length >= 1),
      // Generous: four OS processes share the CI machine's cores, and the killed worker's jobs come back only when
      // their lease expires (queue expiry 60 s, then the retry's backoff).
      360_000,
      'every deal to get its task and draft',
    ).catch(async (e) => {
      // Say what is missing and where it stands: the outbox rows and inbox batches by status.
      const missing = deals.filter((d) => budgetTasks(d).length < 1 || drafts(d).length < 1);
      const outbox = (
        await db.query('SELECT action, status, count(*)::int AS n FROM writeback_outbox GROUP BY 1, 2 ORDER BY 1, 2')
      ).rows;
      const inbox = (
        await db.query(
          'SELECT processed_at IS NOT NULL AS done, lease_until IS NOT NULL AS leased, count(*)::int AS n FROM webhook_batches GROUP BY 1, 2',
        )
      ).rows;
      const noTask = missing.filter((d) => budgetTasks(d).length < 1).length;
      throw new Error(
        `${(e as Error).message}: ${missing.length} deals short (${noTask} without a task); outbox ${JSON.stringify(outbox)}; inbox ${JSON.stringify(inbox)}`,
      );
    });
    const elapsed = (Date.now() - t0) / 1000;
    const s = await waitFor(
      async () => {
        const x = (await (
          await fetch(`${web.url}/`, { headers: { accept: 'application/json', ...AS_OPERATOR } })
        ).json()) as any;
        return x.writebacks.done === 2 * DEALS && x.inbox.pending === 0 ? x : null;
      },
      // A row whose call the kill cut waits for that call's deadline and the CRM to settle (90 s from its start)
      // before it looks its record up and is done.
      200_000,
      'outbox and inbox to drain',
    );
    await hs.flushWebhooks();
    await new Promise((r) => setTimeout(r, 3000));
    // 0 lost, 0 duplicates: exactly one task and one draft per deal, as the CRM shows them.
    for (const d of deals) expect([d, budgetTasks(d).length, drafts(d).length]).toEqual([d, 1, 1]);
    expect(s.writebacks.pending ?? 0).toBe(0);
    expect(written).toBeLessThan(DEALS);
    const events = (
      await db.query<{ n: number }>('SELECT coalesce(sum(event_count), 0)::int AS n FROM webhook_batches')
    ).rows[0]!.n;
    expect(events).toBeGreaterThanOrEqual(DEALS * (NEUTRAL + 1));

    // Each schedule tick ran in exactly one process (the per-minute outbox sweep ticks at least once in this run).
    const ticks = procs.flatMap((p) =>
      p.logs
        .filter((l) => l.msg === 'schedule tick')
        .map((l) => ({ proc: p.name, schedule: l.schedule, minute: String(l.time).slice(0, 16) })),
    );
    const perTick = new Map<string, string[]>();
    for (const t of ticks)
      perTick.set(`${t.schedule}@${t.minute}`, [...(perTick.get(`${t.schedule}@${t.minute}`) ?? []), t.proc]);
    expect([...perTick.values()].filter((ps) => ps.length > 1)).toEqual([]);
    const claimed = (
      await db.query<{ n: number }>("SELECT count(*)::int AS n FROM schedule_ticks WHERE name = 'outbox-sweep'")
    ).rows[0]!.n;
    expect(ticks.filter((t) => t.schedule === 'outbox-sweep').length).toBe(claimed);
    expect(claimed).toBeGreaterThanOrEqual(elapsed > 65 ? 1 : 0);

    // Work was spread: more than one worker process wrote back (one write, or a batch of a connection's due writes).
    const writers = procs
      .filter((p) => p.logs.some((l) => l.msg === 'written back' || l.msg === 'written back in one batch'))
      .map((p) => p.name);
    expect(writers.length).toBeGreaterThan(1);
    // Sizes the on-paper estimate in docs/scaling.md rests on: bytes per stored record, per webhook event, per job.
    const size = async (sql: string) => (await db.query<{ b: number | null }>(sql)).rows[0]?.b ?? null;
    const bytes = {
      recordRow: await size('SELECT avg(pg_column_size(r.*))::int AS b FROM records r'),
      recordWithIndexes: await size(
        "SELECT (pg_total_relation_size('records') / greatest(count(*), 1))::int AS b FROM records",
      ),
      webhookEvent: await size(
        "SELECT ((pg_total_relation_size('webhook_batches') + pg_total_relation_size('webhook_event_ids')) / greatest(sum(event_count), 1))::int AS b FROM webhook_batches",
      ),
      jobRow: await size('SELECT avg(pg_column_size(j.*))::int AS b FROM pgboss.job j'),
    };
    const jobs = (
      await db.query<{ name: string; n: number }>(
        'SELECT name, count(*)::int AS n FROM pgboss.job GROUP BY name ORDER BY name',
      )
    ).rows;
    process.stdout.write(
      `scale sizes (bytes): ${JSON.stringify(bytes)}; jobs by queue: ${JSON.stringify(Object.fromEntries(jobs.map((j) => [j.name, j.n])))}\n`,
    );
    process.stdout.write(
      `scale: ${events} webhook events, ${2 * DEALS} write-backs (${DEALS} tasks + ${DEALS} drafts) in ${elapsed.toFixed(1)} s ` +
        `with 1 web + 3 workers (one killed, one added): ${(events / elapsed).toFixed(1)} events/s end to end; writers ${writers.join(', ')}; ` +
        `schedule ticks ${claimed} (outbox-sweep), each in one process\n`,
    );
  }, 780_000);
});
