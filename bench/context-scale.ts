import { pathToFileURL } from 'node:url';
import { openDb, type Db } from '../src/store/db.js';
import { withFreshDatabase } from './fresh-db.js';
import { migrate } from '../src/store/migrate.js';
import { HashingEmbedder } from '../src/context/hashing-embedder.js';
import { PgVectorStore } from '../src/store/pgvector-store.js';
import type { VectorChunk } from '../src/context/types.js';

/**
 * The context index at scale on one engine (PGlite, or PostgreSQL with pgvector), issue 15 item 4 / issue 14 item 5:
 *
 * - bulk load: PgVectorStore.upsert in calls of 500 chunks (a backfill page), which writes pending rows in one
 *   statement (binary COPY on PGlite, unnest on PostgreSQL) — beside its baseline run in the same process: the same
 *   vectors as multi-row INSERT ... VALUES with vector text (the statement the store used before), into a copy of
 *   the table without any index. The ratio is printed.
 * - graph: settle({ rebuild: true }) folds the pending rows into the index with one build (HNSW; IVFFlat on PGlite
 *   from 20,000 rows, src/store/pgvector-store.ts); load + build is the end-to-end rate of a first backfill. The
 *   near-real-time path (one chunk a call, straight into the index) is timed on a sample for comparison.
 * - queries: recall@10 against exact search (computed here) and p50/p99 latency per hnsw.ef_search (or ivfflat.probes)
 *   value, after one unmeasured pass, over the large tenant; and for a tenant holding 1 % of the chunks, with the
 *   shared index.
 *
 * Corpus: `topics` (default) — each chunk 120 words, 70 % from one of 500 topics' 40-word vocabularies (a Zipf mix of
 * topics) and 30 % from a 60-word sales list, so chunks have neighbourhoods as real text does; `uniform` — 120 words
 * drawn uniformly from the 60-word list (the earlier benchmark): every chunk is about as far from every other, which
 * is the worst case for any approximate index (recall is then measured on noise-level differences).
 */
export interface ScaleOptions {
  databaseUrl: string | null;
  chunks: number;
  queries?: number;
  corpus?: 'topics' | 'uniform';
  efSearch?: number[];
  /** ivfflat.probes values to measure when the build made an IVFFlat index (large PGlite tables). */
  probes?: number[];
  /** Rows per IVFFlat list at the build (the store's default otherwise). */
  rowsPerList?: number;
  migrationsDir?: string;
}
export interface ScaleResult {
  engine: 'pglite' | 'postgres';
  chunks: number;
  corpus: string;
  bulkChunksPerSec: number;
  baselineChunksPerSec: number;
  bulkRatio: number;
  buildSeconds: number;
  loadAndBuildChunksPerSec: number;
  nearRealTimeChunksPerSec: number;
  /** The index the build made (hnsw, or ivfflat on a large PGlite table). */
  index: string;
  /** Per search setting: hnsw.ef_search, or ivfflat.probes for an IVFFlat index. */
  queries: { setting: string; value: number; recallAt10: number; p50Ms: number; p99Ms: number }[];
  smallTenant: { chunks: number; recallAt10: number; p99Ms: number; fullResults: boolean };
}

const SALES = (
  'renewal contract pricing discount security review budget meeting quarter signature procurement legal onboarding champion ' +
  'integration pilot invoice demo dashboard churn expansion upsell competitor salesforce hubspot proposal quote timeline approval ' +
  'stakeholder sponsor evaluation requirement deadline kickoff training support ticket escalation migration api webhook sso okta ' +
  'gdpr dpa soc2 questionnaire reference customer headcount seats license subscription annual monthly board cfo vp director'
).split(' ');
const SYL = [
  'ka',
  'lo',
  'mi',
  'ne',
  'ru',
  'sa',
  'to',
  'vi',
  'ze',
  'po',
  'qu',
  'di',
  'fa',
  'gu',
  'he',
  'jo',
  'bi',
  'cy',
  'wa',
  'xo',
];

function rng(seed: number) {
  let s = seed;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
}

export function scaleCorpus(n: number, kind: 'topics' | 'uniform', seed = 7): string[] {
  const rnd = rng(seed);
  if (kind === 'uniform')
    return Array.from({ length: n }, () =>
      Array.from({ length: 120 }, () => SALES[Math.floor(rnd() * SALES.length)]!).join(' '),
    );
  const vocab = Array.from(
    { length: 8000 },
    (_, i) => SYL[i % 20]! + SYL[Math.floor(i / 20) % 20]! + SYL[Math.floor(i / 400) % 20]!,
  );
  const topics = Array.from({ length: 500 }, (_, t) => {
    const r = rng(1000 + t);
    return Array.from({ length: 40 }, () => vocab[Math.floor(r() * vocab.length)]!);
  });
  return Array.from({ length: n }, () => {
    const t = Math.min(499, Math.floor(500 * rnd() ** 2)); // more chunks about some topics than others
    return Array.from({ length: 120 }, () =>
      rnd() < 0.7 ? topics[t]![Math.floor(rnd() * 40)]! : SALES[Math.floor(rnd() * SALES.length)]!,
    ).join(' ');
  });
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const lit = (v: Float32Array) => '[' + Array.from(v).join(',') + ']';

function exactTop10(q: Float32Array, chunks: VectorChunk[]): string[] {
  const scored: [string, number][] = chunks.map((c) => {
    let s = 0;
    for (let i = 0; i < q.length; i++) s += q[i]! * c.values[i]!;
    return [c.id, s];
  });
  return scored
    .sort((a, b) => b[1] - a[1])
    .slice(0, 10)
    .map(([id]) => id);
}

export async function benchContextScale(o: ScaleOptions): Promise<ScaleResult> {
  const n = o.chunks;
  const corpus = o.corpus ?? 'topics';
  const embedder = new HashingEmbedder();
  const vectors = await embedder.embed(scaleCorpus(n, corpus));
  const chunks: VectorChunk[] = vectors.map((values, i) => ({
    id: `hubspot:email:${i}:0`,
    values,
    text: `chunk ${i}`,
    metadata: {
      provider: 'hubspot',
      kind: 'email',
      recordId: String(i),
      dealIds: [`d${i % 500}`],
      occurredAt: 1_700_000_000 + i,
    },
  }));
  // Every 100th chunk belongs to a small tenant (1 %), the rest to a large one; both in the one shared index.
  const small = chunks.filter((_, i) => i % 100 === 0);
  const large = chunks.filter((_, i) => i % 100 !== 0);
  const nq = o.queries ?? 100;
  const queries = await embedder.embed(scaleCorpus(nq, corpus, 99));

  const db: Db = await openDb(o.databaseUrl ? { databaseUrl: o.databaseUrl } : { dataDir: 'memory://' });
  try {
    await migrate(db, o.migrationsDir ?? 'migrations');

    // Baseline: multi-row INSERT ... VALUES with vector text, no index at all.
    await db.query('CREATE TABLE bench_baseline_chunks (LIKE context_chunks INCLUDING DEFAULTS)');
    let t0 = performance.now();
    for (let i = 0; i < n; i += 200) {
      const rows = chunks.slice(i, i + 200);
      const params: unknown[] = ['bench', embedder.id, embedder.dimensions];
      const values = rows.map((c) => {
        params.push(c.id, lit(c.values), JSON.stringify(c.metadata), c.text);
        const k = params.length;
        return `($1, $2, $${k - 3}, $3, $${k - 2}::vector, $${k - 1}::jsonb, $${k})`;
      });
      await db.query(
        `INSERT INTO bench_baseline_chunks (tenant_id, space, id, dims, embedding, metadata, content) VALUES ${values.join(', ')}`,
        params,
      );
    }
    const baselineSecs = (performance.now() - t0) / 1000;
    await db.query('DROP TABLE bench_baseline_chunks');

    // Bulk load through the store, then one graph build.
    const store = new PgVectorStore(db, {
      dimensions: embedder.dimensions,
      space: embedder.id,
      ...(o.rowsPerList ? { ivfRowsPerList: o.rowsPerList } : {}),
    });
    t0 = performance.now();
    for (let i = 0; i < large.length; i += 500) await store.upsert('large', large.slice(i, i + 500));
    for (let i = 0; i < small.length; i += 500) await store.upsert('small', small.slice(i, i + 500));
    const loadSecs = (performance.now() - t0) / 1000;
    t0 = performance.now();
    await store.settle({ rebuild: true });
    await store.analyze();
    const buildSecs = (performance.now() - t0) / 1000;

    // Near-real-time path: one chunk a call, straight into the graph (a sample, re-writing existing chunks).
    const sample = large.slice(0, Math.min(200, large.length));
    t0 = performance.now();
    for (const c of sample) await store.upsert('large', [c]);
    const nrtSecs = (performance.now() - t0) / 1000;

    const truth = new Map<VectorChunk[], string[][]>([
      [large, queries.map((q) => exactTop10(q, large))],
      [small, queries.map((q) => exactTop10(q, small))],
    ]);
    const measure = async (s: PgVectorStore, tenant: string, pool: VectorChunk[]) => {
      const lat: number[] = [];
      let hit = 0;
      let full = true;
      for (const [k, q] of queries.entries()) {
        const st = performance.now();
        const got = await s.query(tenant, q, { topK: 10 });
        lat.push(performance.now() - st);
        if (got.length < Math.min(10, pool.length)) full = false;
        const ids = new Set(got.map((m) => m.id));
        hit += truth.get(pool)![k]!.filter((id) => ids.has(id)).length;
      }
      return { recallAt10: hit / (queries.length * 10), p50Ms: pct(lat, 50), p99Ms: pct(lat, 99), full };
    };
    const built = (
      await db.query<{ am: string; options: string[] | null }>(
        `SELECT am.amname AS am, c.reloptions AS options FROM pg_class c JOIN pg_am am ON am.oid = c.relam WHERE c.relname = $1`,
        [`context_chunks_ann_${embedder.dimensions}`],
      )
    ).rows[0]!;
    const index = `${built.am}${built.options?.length ? ` (${built.options.join(', ')})` : ''}`;
    // One unmeasured pass first: the first setting's p99 would otherwise be the cold pass (pages read in).
    await measure(store, 'large', large);
    const qs: ScaleResult['queries'] = [];
    const ivf = built.am === 'ivfflat';
    for (const v of ivf ? (o.probes ?? [4, 6, 8, 12]) : (o.efSearch ?? [40, 100, 200, 400])) {
      const s = new PgVectorStore(db, {
        dimensions: embedder.dimensions,
        space: embedder.id,
        ...(ivf ? { probes: v } : { efSearch: v }),
      });
      const m = await measure(s, 'large', large);
      qs.push({
        setting: ivf ? 'probes' : 'ef_search',
        value: v,
        recallAt10: m.recallAt10,
        p50Ms: m.p50Ms,
        p99Ms: m.p99Ms,
      });
    }
    const sm = await measure(store, 'small', small);
    return {
      engine: db.engine,
      chunks: n,
      corpus,
      bulkChunksPerSec: n / loadSecs,
      baselineChunksPerSec: n / baselineSecs,
      bulkRatio: baselineSecs / loadSecs,
      buildSeconds: buildSecs,
      index,
      loadAndBuildChunksPerSec: n / (loadSecs + buildSecs),
      nearRealTimeChunksPerSec: sample.length / nrtSecs,
      queries: qs,
      smallTenant: { chunks: small.length, recallAt10: sm.recallAt10, p99Ms: sm.p99Ms, fullResults: sm.full },
    };
  } finally {
    await db.close();
  }
}

/** Lines for `npm run bench` and the standalone CLI. */
export function scaleLines(r: ScaleResult): string[] {
  const e = r.engine.padEnd(8);
  const f0 = (x: number) => x.toFixed(0);
  return [
    `${e} bulk load ${f0(r.bulkChunksPerSec)} chunks/s · baseline (multi-row INSERT of vector text, no index) ${f0(r.baselineChunksPerSec)} chunks/s · ratio ${r.bulkRatio.toFixed(2)} (${r.chunks} chunks, ${r.corpus})`,
    `${e} ${r.index} build after the load ${r.buildSeconds.toFixed(1)} s · load + build ${f0(r.loadAndBuildChunksPerSec)} chunks/s · near-real-time path (1 chunk a call, into the graph) ${f0(r.nearRealTimeChunksPerSec)} chunks/s`,
    ...r.queries.map(
      (q) =>
        `${e} ${q.setting} ${String(q.value).padStart(3)}: recall@10 ${q.recallAt10.toFixed(3)} · p50 ${q.p50Ms.toFixed(1)} ms · p99 ${q.p99Ms.toFixed(1)} ms`,
    ),
    `${e} 1 % tenant (${r.smallTenant.chunks} of ${r.chunks} chunks, shared index, default search setting): recall@10 ${r.smallTenant.recallAt10.toFixed(3)} · p99 ${r.smallTenant.p99Ms.toFixed(1)} ms · full results ${r.smallTenant.fullResults ? 'yes' : 'NO'}`,
  ];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const flag = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  if (args.includes('--help')) {
    process.stdout
      .write(`usage: npx tsx bench/context-scale.ts [--chunks N] [--corpus topics|uniform] [--ef 40,100,200,400] [--probes 4,6,8,12] [--pg URL]

The context index at scale on one engine: bulk load vs a multi-row INSERT baseline (ratio), the index build (HNSW, or
IVFFlat on PGlite from 20,000 rows), the near-real-time path, recall@10 and p50/p99 per hnsw.ef_search or
ivfflat.probes, and a 1 % tenant in the shared index.
  --chunks N     chunks in the table (default 100000)
  --corpus       topics (default: chunks with neighbourhoods) or uniform (every chunk equally far: worst case)
  --ef LIST      hnsw.ef_search values to measure (default 40,100,200,400)
  --probes LIST  ivfflat.probes values, when the build made IVFFlat (PGlite from 20,000 rows; default 4,6,8,12)
  --rows-per-list N  rows per IVFFlat list at the build (default: the store's)
  --pg URL       PostgreSQL with pgvector (a throw-away database is created on it); default: PGlite in memory
`);
    process.exit(0);
  }
  const pgUrl = flag('--pg');
  const run = (url: string | null) =>
    benchContextScale({
      databaseUrl: url,
      chunks: Number(flag('--chunks') ?? 100_000),
      corpus: (flag('--corpus') ?? 'topics') as 'topics' | 'uniform',
      ...(flag('--ef') ? { efSearch: flag('--ef')!.split(',').map(Number) } : {}),
      ...(flag('--probes') ? { probes: flag('--probes')!.split(',').map(Number) } : {}),
      ...(flag('--rows-per-list') ? { rowsPerList: Number(flag('--rows-per-list')) } : {}),
    });
  (pgUrl ? withFreshDatabase(pgUrl, run) : run(null))
    .then((r) => {
      for (const l of scaleLines(r)) process.stdout.write(`${l}\n`);
    })
    .catch((e) => {
      console.error(e);
      process.exitCode = 1;
    });
}
