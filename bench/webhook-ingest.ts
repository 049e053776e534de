import { fork } from 'node:child_process';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Server } from 'node:http';
import express from 'express';
import { Agent, request } from 'undici';
import { loadConfig } from '../src/config/index.js';
import { silentLogger } from '../src/lib/logger.js';
import { startCloseloop } from '../src/main.js';
import type { Db } from '../src/store/index.js';
import { appSettingSpecs } from '../connectors/index.js';
import { PORTAL, SECRET, prepare } from './ingest-load.js';

export interface IngestResult {
  engine: string;
  closeloopEventsPerSec: number;
  baselineEventsPerSec: number;
  /** Median over the rounds of closeloop / reference events per second, both measured back to back in the round. */
  ratio: number;
  /**
   * CPU per request (ms): this process (service, reference, load generator, PGlite) plus, on PostgreSQL, the bench
   * database's server backends; medians over the rounds. cpuRatio: median of reference / closeloop per round.
   */
  closeloopCpuMsPerRequest: number;
  baselineCpuMsPerRequest: number;
  cpuRatio: number;
  requests: number;
  eventsPerRequest: number;
  /**
   * Request latency at a steady 80 % of closeloop's measured maximum rate (open loop: sends on schedule, not after
   * answers), the sender in a process of its own.
   */
  paced: {
    requestsPerSec: number;
    /** Requests per round; each figure is the median over the rounds (the order of the two sides alternating). */
    requests: number;
    rounds: number;
    p50Ms: number;
    p99Ms: number;
    p999Ms: number;
    baselineP50Ms: number;
    baselineP99Ms: number;
    baselineP999Ms: number;
    p999ByRound: number[];
    baselineP999ByRound: number[];
    /** The service process (both endpoints live in it) while each side's paced rounds ran: medians over the rounds. */
    loop: { closeloop: LoopStalls; baseline: LoopStalls };
  };
}

/** Event-loop delay and garbage collection of this process over one paced round. */
export interface LoopStalls {
  /** Longest event-loop delay (ms). */
  maxDelayMs: number;
  /** 99.9th percentile of the event-loop delay (ms, 1 ms resolution). */
  p999DelayMs: number;
  /** Total and longest GC pause (ms). */
  gcMs: number;
  gcMaxMs: number;
}

/** Runs `f` while watching this process's event loop and GC: is a latency tail the service's own stall? */
async function watchLoop<T>(f: () => Promise<T>): Promise<{ out: T; stalls: LoopStalls }> {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  const gcs: number[] = [];
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcs.push(e.duration);
  });
  obs.observe({ entryTypes: ['gc'] });
  delay.enable();
  try {
    const out = await f();
    return {
      out,
      stalls: {
        maxDelayMs: delay.max / 1e6,
        p999DelayMs: delay.percentile(99.9) / 1e6,
        gcMs: gcs.reduce((a, b) => a + b, 0),
        gcMaxMs: Math.max(0, ...gcs),
      },
    };
  } finally {
    delay.disable();
    obs.disconnect();
  }
}

/**
 * CPU time spent so far (ms) by this process (service, reference, database on PGlite, load generator) and, on
 * PostgreSQL, by the server backends of the bench database (read from /proc: same machine). On a loaded machine
 * the wall-clock rate swings with the share of the cores each run gets; the CPU per request does much less.
 */
async function cpuNow(db: Db): Promise<number> {
  const own = process.cpuUsage();
  let server = 0;
  if (db.engine === 'postgres') {
    const pids = await db.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database()');
    for (const { pid } of pids.rows) {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        server += ((Number(f[11]) + Number(f[12])) * 1000) / CLOCK_TICKS; // utime, stime
      } catch {
        /* the backend ended */
      }
    }
  }
  return (own.user + own.system) / 1000 + server;
}
const CLOCK_TICKS = 100;

async function drive(
  db: Db,
  url: string,
  sign: boolean,
  requests: number,
  concurrency: number,
  startSeq: number,
): Promise<{ eventsPerSec: number; cpuMsPerRequest: number }> {
  // Bodies and signatures are prepared before the clock starts: the load generator shares this process,
  // and its own hashing must not be charged to either endpoint.
  const prepared = prepare(url, sign, requests, startSeq);
  const agent = new Agent({ connections: concurrency });
  let next = 0;
  const cpu0 = await cpuNow(db);
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests) {
        const { body, headers } = prepared[next++]!;
        const res = await request(url, { method: 'POST', body, headers, dispatcher: agent });
        await res.body.text();
        if (res.statusCode !== 200) throw new Error(`${url} answered ${res.statusCode}`);
      }
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  const cpu = (await cpuNow(db)) - cpu0;
  await agent.close();
  return { eventsPerSec: (requests * 100) / secs, cpuMsPerRequest: cpu / requests };
}

/** The open-loop sender (bench/ingest-load.ts paced) in a child process: sorted latencies in ms. */
function pacedElsewhere(
  url: string,
  sign: boolean,
  requests: number,
  rate: number,
  startSeq: number,
): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = fork(
      path.join(import.meta.dirname, 'ingest-sender.ts'),
      [url, sign ? '1' : '0', String(requests), String(rate), String(startSeq)],
      { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
    );
    let got: number[] | null = null;
    child.on('message', (m) => {
      got = m as number[];
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      got ? resolve(got) : reject(new Error(`ingest sender exited with ${code} before answering`)),
    );
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;

/** The reference: parse the same body and store it in one statement on the same database. */
async function startBaseline(db: Db): Promise<{ url: string; close(): Promise<void> }> {
  await db.query('CREATE TABLE IF NOT EXISTS bench_baseline (id bigserial PRIMARY KEY, body jsonb NOT NULL)');
  const app = express();
  app.post('/baseline', express.raw({ type: () => true, limit: '2mb' }), async (req, res) => {
    const parsed = JSON.parse((req.body as Buffer).toString('utf8'));
    await db.query('INSERT INTO bench_baseline (body) VALUES ($1::jsonb)', [JSON.stringify(parsed)]);
    res.sendStatus(200);
  });
  const server = await new Promise<Server>((r) => {
    const s = app.listen(0, '127.0.0.1', () => r(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as any).port}/baseline`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/**
 * Webhook ingest throughput: verified and deduplicated into the inbox in one statement (one commit per request),
 * against a minimal endpoint that parses and stores the same body in one statement — run side by side,
 * alternating, on the same database.
 */
export async function benchWebhookIngest(o: {
  databaseUrl: string | null;
  requests: number;
  concurrency: number;
  rounds: number;
  pacedRequests?: number;
  pacedRounds?: number;
}): Promise<IngestResult> {
  const cfg = loadConfig(
    {
      PORT: '0',
      DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'cl-bench-')),
      TOKEN_ENCRYPTION_KEY: 'ef'.repeat(32),
      ROLE: 'web',
      LOG_LEVEL: 'silent',
      DATABASE_URL: o.databaseUrl ?? undefined,
      MIGRATE_ON_START: 'true',
    },
    appSettingSpecs,
  );
  const cl = await startCloseloop(cfg, {
    logger: silentLogger(),
    apps: {
      hubspot: {
        clientId: 'bench',
        clientSecret: SECRET,
        apiBase: 'http://127.0.0.1:9',
        authorizeUrl: 'http://127.0.0.1:9/oauth/authorize',
        tokenUrl: 'http://127.0.0.1:9/oauth/v1/token',
      },
    },
  });
  await cl.store.connections.upsert({
    id: 'bench-conn',
    tenantId: 'bench',
    provider: 'hubspot',
    accountId: String(PORTAL),
    apiBase: 'http://127.0.0.1:9',
    displayName: null,
    accessTokenEnc: 'x',
    refreshTokenEnc: null,
    tokenExpiresAt: null,
    tokenMetadata: {},
  });
  const base = await startBaseline(cl.store.db);
  const db = cl.store.db;
  const ours: { eventsPerSec: number; cpuMsPerRequest: number }[] = [];
  const ref: { eventsPerSec: number; cpuMsPerRequest: number }[] = [];
  let seq = 0;
  let pacedResult: IngestResult['paced'] | undefined;
  try {
    // Warm-up, then alternate so both see the same machine state.
    await drive(db, `${cl.url}/webhooks/hubspot`, true, 20, o.concurrency, (seq += 20) * 10);
    await drive(db, base.url, false, 20, o.concurrency, 0);
    // Each round runs both back to back (which goes first alternates), and the ratio is the median of the rounds'
    // ratios: a swing of the machine's load between rounds moves both sides of a round alike.
    for (let r = 0; r < o.rounds; r++) {
      const runRef = async () => ref.push(await drive(db, base.url, false, o.requests, o.concurrency, 0));
      const runOurs = async () =>
        ours.push(
          await drive(db, `${cl.url}/webhooks/hubspot`, true, o.requests, o.concurrency, (seq += o.requests) * 10),
        );
      if (r % 2 === 0) {
        await runRef();
        await runOurs();
      } else {
        await runOurs();
        await runRef();
      }
    }
    // Latency at 80 % of the maximum request rate just measured, for closeloop and (same rate) the reference.
    const rate = (0.8 * median(ours.map((x) => x.eventsPerSec))) / 100;
    const n = o.pacedRequests ?? Math.max(200, Math.round(rate * 10));
    // Three rounds, the order alternating (the side that runs right after the throughput rounds meets the database's
    // after-effects: autovacuum, dirty pages); each figure is the median of its three rounds.
    const rounds: { ours: number[]; ref: number[] }[] = [];
    const stalls: { ours: LoopStalls[]; ref: LoopStalls[] } = { ours: [], ref: [] };
    for (let r = 0; r < (o.pacedRounds ?? 3); r++) {
      const runOurs = async () => {
        const w = await watchLoop(() => pacedElsewhere(`${cl.url}/webhooks/hubspot`, true, n, rate, (seq += n) * 10));
        stalls.ours.push(w.stalls);
        return w.out;
      };
      const runRef = async () => {
        const w = await watchLoop(() => pacedElsewhere(base.url, false, n, rate, 0));
        stalls.ref.push(w.stalls);
        return w.out;
      };
      if (r % 2 === 0) {
        const ours = await runOurs();
        rounds.push({ ours, ref: await runRef() });
      } else {
        const ref = await runRef();
        rounds.push({ ours: await runOurs(), ref });
      }
    }
    const medianStalls = (xs: LoopStalls[]): LoopStalls => ({
      maxDelayMs: median(xs.map((x) => x.maxDelayMs)),
      p999DelayMs: median(xs.map((x) => x.p999DelayMs)),
      gcMs: median(xs.map((x) => x.gcMs)),
      gcMaxMs: median(xs.map((x) => x.gcMaxMs)),
    });
    const at = (side: 'ours' | 'ref', q: number) => median(rounds.map((x) => quantile(x[side], q)));
    pacedResult = {
      requestsPerSec: rate,
      requests: n,
      rounds: rounds.length,
      p50Ms: at('ours', 0.5),
      p99Ms: at('ours', 0.99),
      p999Ms: at('ours', 0.999),
      baselineP50Ms: at('ref', 0.5),
      baselineP99Ms: at('ref', 0.99),
      baselineP999Ms: at('ref', 0.999),
      p999ByRound: rounds.map((x) => quantile(x.ours, 0.999)),
      baselineP999ByRound: rounds.map((x) => quantile(x.ref, 0.999)),
      loop: { closeloop: medianStalls(stalls.ours), baseline: medianStalls(stalls.ref) },
    };
  } finally {
    await base.close();
    await cl.stop();
  }
  const a = median(ours.map((x) => x.eventsPerSec));
  const b = median(ref.map((x) => x.eventsPerSec));
  return {
    engine: o.databaseUrl ? 'postgres' : 'pglite',
    closeloopEventsPerSec: a,
    baselineEventsPerSec: b,
    ratio: median(ours.map((x, i) => x.eventsPerSec / ref[i]!.eventsPerSec)),
    closeloopCpuMsPerRequest: median(ours.map((x) => x.cpuMsPerRequest)),
    baselineCpuMsPerRequest: median(ref.map((x) => x.cpuMsPerRequest)),
    cpuRatio: median(ours.map((x, i) => ref[i]!.cpuMsPerRequest / x.cpuMsPerRequest)),
    requests: o.requests,
    eventsPerRequest: 100,
    paced: pacedResult!,
  };
}
