/**
 * `npm run bench`: every benchmark, each printed beside its baseline (run side by side, same machine, same
 * moment) where one exists. `--quick` shrinks sizes for a smoke run; `--only=cluster,...` runs just those sections.
 * Results also go to bench/results/latest.json (a partial run: bench/results/only-<sections>.json).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import pg from 'pg';
import { benchWebhookIngest } from './webhook-ingest.js';
import { benchStartup, printStartup } from './startup.js';
import { benchWebhookToTask } from './webhook-to-task.js';
import { benchClusterThroughput, type ClusterRun } from './cluster-throughput.js';
import { benchScoring } from './scoring/bench-scoring.js';
import { benchContext } from './context-index.js';
import { benchContextScale, scaleLines } from './context-scale.js';
import { benchDedupe } from './dedupe.js';
import { withFreshDatabase } from './fresh-db.js';
import { benchRouter } from './router.js';
import { runCrmBudgetSection } from './crm-budget.js';
import { benchEmbedders, embedderLines } from './embedders.js';

if (process.argv.includes('--help')) {
  process.stdout.write(`npm run bench [-- --quick] [-- --only=<sections>]
Every benchmark, each printed beside its baseline run side by side. --quick: smaller sizes (smoke run).
--only=<sections>: just these, comma-separated: ingest, startup, latency, crm-budget, cluster, dedupe, scoring, router, vectors, context,
  embedders (local embedders' retrieval quality and indexing throughput; data: BENCH_DATA, default ../shared/data).
Results go to bench/results/latest.json (a partial run: bench/results/only-<sections>.json).
PostgreSQL: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test).
`);
  process.exit(0);
}
const quick = process.argv.includes('--quick');
/**
 * `--only=cluster,ingest`: just those sections (names: ingest, startup, latency, crm-budget, cluster, dedupe, scoring,
 * router, vectors, context, embedders).
 */
const only =
  process.argv
    .find((a) => a.startsWith('--only='))
    ?.slice(7)
    .split(',') ?? null;
const want = (section: string) => !only || only.includes(section);
const pgUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const out: Record<string, unknown> = { at: new Date().toISOString(), quick };
const line = (s: string) => process.stdout.write(`${s}\n`);

async function pgReachable(): Promise<boolean> {
  const c = new pg.Client({ connectionString: pgUrl, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}

const engines: (string | null)[] = [null];
if (await pgReachable()) engines.push(pgUrl);
else line(`(PostgreSQL not reachable at ${pgUrl}: PGlite only)`);

if (want('ingest')) {
  line(
    '== webhook ingest: 100-event signed batches (verify + one inbox statement, one commit per request) vs minimal parse-and-store endpoint ==',
  );
  for (const e of engines) {
    const r = await withFreshDatabase(e, (url) =>
      benchWebhookIngest({ databaseUrl: url, requests: quick ? 40 : 200, concurrency: 8, rounds: quick ? 1 : 5 }),
    );
    ((out.ingest ??= []) as unknown[]).push(r);
    line(
      `${r.engine.padEnd(8)} closeloop ${r.closeloopEventsPerSec.toFixed(0)} events/s · baseline ${r.baselineEventsPerSec.toFixed(0)} events/s · ratio ${r.ratio.toFixed(2)} (median of ${quick ? 1 : 5} back-to-back rounds)`,
    );
    line(
      `${''.padEnd(8)} CPU per request (this process${r.engine === 'postgres' ? ' + server backends' : ''}): closeloop ${r.closeloopCpuMsPerRequest.toFixed(2)} ms · baseline ${r.baselineCpuMsPerRequest.toFixed(2)} ms · ratio ${r.cpuRatio.toFixed(2)}`,
    );
    const p = r.paced;
    line(
      `${''.padEnd(8)} at 80 % of max (${p.requestsPerSec.toFixed(0)} requests/s, ${p.rounds} rounds of ${p.requests} requests, medians): p50 ${p.p50Ms.toFixed(1)} ms · p99 ${p.p99Ms.toFixed(1)} ms · p99.9 ${p.p999Ms.toFixed(1)} ms (rounds ${p.p999ByRound.map((x) => x.toFixed(0)).join(' / ')}) · baseline at the same rate p50 ${p.baselineP50Ms.toFixed(1)} · p99 ${p.baselineP99Ms.toFixed(1)} · p99.9 ${p.baselineP999Ms.toFixed(1)} ms (rounds ${p.baselineP999ByRound.map((x) => x.toFixed(0)).join(' / ')}) (sender in its own process)`,
    );
    const stall = (x: typeof p.loop.closeloop) =>
      `longest delay ${x.maxDelayMs.toFixed(0)} ms · p99.9 ${x.p999DelayMs.toFixed(1)} ms · GC ${x.gcMs.toFixed(0)} ms (longest ${x.gcMaxMs.toFixed(1)})`;
    line(
      `${''.padEnd(8)} the service process's event loop in those rounds (medians): closeloop ${stall(p.loop.closeloop)} · baseline ${stall(p.loop.baseline)}`,
    );
  }
}

if (want('startup')) {
  line(
    '== start-up: embedded default on a warm data folder, fresh process each run, vs bare PGlite open of the same folder ==',
  );
  const st = benchStartup({ rounds: quick ? 1 : 5 });
  out.startup = st;
  printStartup(st, line);
}

if (want('latency')) {
  line('== webhook-to-task latency at a steady load (CRM change → task in the CRM) ==');
  for (const e of engines) {
    const r = await withFreshDatabase(e, (url) =>
      benchWebhookToTask({ databaseUrl: url, n: quick ? 10 : 40, intervalMs: 250 }),
    );
    ((out.latency ??= []) as unknown[]).push(r);
    line(
      `${r.engine.padEnd(8)} n=${r.n} every ${r.intervalMs} ms · p50 ${r.p50Ms.toFixed(0)} ms · p95 ${r.p95Ms.toFixed(0)} ms · max ${r.maxMs.toFixed(0)} ms`,
    );
  }
}

if (want('crm-budget')) {
  await runCrmBudgetSection(line, out, { quick, pgUrl: engines[1] ?? null, engine: engines[1] ?? null });
}

if (want('cluster')) {
  line(
    '== cluster throughput on PostgreSQL: 1 web + 1, 2, 4 worker processes (one budget email per deal → task + draft), ratio to 1 worker ==',
  );
  if (engines.length > 1) {
    const runs: ClusterRun[] = [];
    for (const workers of [1, 2, 4]) {
      runs.push(
        await withFreshDatabase(pgUrl, (url) =>
          benchClusterThroughput({ databaseUrl: url!, workers, deals: quick ? 15 : 60 }),
        ),
      );
    }
    out.cluster = runs;
    const base = runs[0]!;
    for (const r of runs) {
      line(
        `workers=${r.workers} ${r.writebacksPerSec.toFixed(2)} write-backs/s (${r.writebacks} in ${r.seconds.toFixed(1)} s) · ${r.eventsPerSec.toFixed(1)} webhook events/s · ratio to 1 worker ${(r.writebacksPerSec / base.writebacksPerSec).toFixed(2)}`,
      );
    }
  } else line('(skipped: needs PostgreSQL)');
}

if (want('dedupe')) {
  line('== entity resolution (synthetic people with duplicates) ==');
  const d = await benchDedupe({ records: quick ? 5_000 : 20_000 });
  out.dedupe = d;
  line(
    `${d.records} records · ${d.recordsPerSecond.toFixed(0)} records/s · F1 ${d.f1.toFixed(3)} · baseline (exact normalized-email match) F1 ${d.baselineF1.toFixed(3)}`,
  );
}

if (want('scoring')) {
  line('== scoring models ==');
  const s = await benchScoring();
  out.scoring = s;
  for (const r of s) line(`${r.name}: ${r.value.toFixed(r.value < 10 ? 3 : 0)} ${r.unit}`);
}

if (want('router')) {
  line('== inference router (pure decision per task) ==');
  const rt = benchRouter({ decisions: quick ? 20_000 : 200_000 });
  out.router = rt;
  line(
    `${rt.routerNsPerDecision.toFixed(0)} ns per decision · table-lookup baseline ${rt.lookupNsPerDecision.toFixed(1)} ns · ratio ${rt.ratio.toFixed(0)}x`,
  );
}

if (want('vectors')) {
  line(
    '== context index at scale: bulk load vs multi-row INSERT without index, index build (HNSW; IVFFlat on PGlite from 20,000 chunks), recall@10 and p99 per ef_search or probes, 1 % tenant (100,000 chunks; --quick: 2,000) ==',
  );
  for (const e of engines) {
    const r = await withFreshDatabase(e, (url) =>
      benchContextScale({ databaseUrl: url, chunks: quick ? 2_000 : 100_000, queries: quick ? 30 : 100 }),
    ).catch((err: Error) => err);
    if (r instanceof Error) {
      line(`${e ? 'postgres' : 'pglite'}  skipped: ${r.message.split('\n')[0]} (pgvector missing on the server?)`);
      continue;
    }
    ((out.contextScale ??= []) as unknown[]).push(r);
    for (const l of scaleLines(r)) line(l);
  }
}

if (want('context')) {
  line('== context store (embedding, Pinecone adapter against the local fake; --quick: 2,000 chunks) ==');
  const c = await benchContext({ scale: quick ? 0.02 : 1 });
  out.context = c;
  for (const r of c) line(`${r.name}: ${r.value.toFixed(r.value < 10 ? 2 : 0)} ${r.unit}`);
}

if (want('embedders')) {
  line(
    '== local embedders: hashing (baseline) vs USE Lite (shipped npm model) vs fusions; R@1 / R@10 / MRR per set, indexing chunks/s on one thread ==',
  );
  const r = await benchEmbedders({
    data: process.env.BENCH_DATA ?? '../shared/data',
    quick,
    sets: quick ? ['paraphrase', 'sales_emails', 'sales_emails+typos'] : undefined,
    log: line,
  });
  out.embedders = r;
  for (const l of embedderLines(r)) line(l);
}

mkdirSync('bench/results', { recursive: true });
const file = only ? `bench/results/only-${only.join('-')}.json` : 'bench/results/latest.json';
writeFileSync(file, JSON.stringify(out, null, 2));
line(`written ${file}`);
process.exit(0);
