import { pathToFileURL } from 'node:url';
import { HashingEmbedder } from '../src/context/hashing-embedder.js';
import { PineconeVectorStore } from '../src/context/pinecone-store.js';
import type { Filter, VectorChunk, VectorStore } from '../src/context/types.js';

/**
 * Context-layer benchmarks. `scale` 1 = the numbers (100,000 chunks in one tenant, the worst case
 * for a per-tenant index); 0.05 runs in well under a minute.
 *
 *   npx tsx bench/context-index.ts [scale]
 *
 * Metrics: embedding throughput of the local embedder on ~120-word chunks; Pinecone adapter upsert throughput
 * (vectors precomputed, so this is the adapter alone; batches of up to 1,000 records / 1.9 MB, 4 in parallel) and
 * query latency p50/p99 (topK 10) unfiltered and with a metadata filter. The pgvector store is measured by
 * bench/context-scale.ts on each engine.
 * The Pinecone numbers are the real client against the local fake on loopback: they measure our adapter and
 * the client's overhead plus a brute-force scan, not Pinecone's service latency.
 */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
}
export interface BenchOptions {
  scale?: number;
  queries?: number;
  migrationsDir?: string;
  /** Start a Pinecone-compatible server; default: the local fake in tests/fakes/pinecone. */
  startPinecone?: (dimension: number) => Promise<{ url: string; close(): Promise<void> }>;
}

const WORDS = (
  'renewal contract pricing discount security review budget meeting quarter signature procurement legal onboarding champion ' +
  'integration pilot invoice demo dashboard churn expansion upsell competitor salesforce hubspot proposal quote timeline approval ' +
  'stakeholder sponsor evaluation requirement deadline kickoff training support ticket escalation migration api webhook sso okta ' +
  'gdpr dpa soc2 questionnaire reference customer headcount seats license subscription annual monthly board cfo vp director'
).split(' ');

function corpus(n: number, seed = 7): string[] {
  let s = seed;
  const rnd = () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
  return Array.from({ length: n }, () =>
    Array.from({ length: 120 }, () => WORDS[Math.floor(rnd() * WORDS.length)]!).join(' '),
  );
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const r2 = (x: number) => Math.round(x * 100) / 100;

export async function benchContext(o: BenchOptions = {}): Promise<BenchResult[]> {
  const scale = o.scale ?? 1;
  const n = Math.max(1000, Math.round(100_000 * scale));
  const nq = o.queries ?? Math.max(50, Math.min(300, Math.round(300 * scale * 4)));
  const out: BenchResult[] = [];
  const embedder = new HashingEmbedder();

  // 1. embedding throughput (a slice of the corpus; every chunk is then embedded for real below)
  const texts = corpus(n);
  let t0 = performance.now();
  const vectors = await embedder.embed(texts);
  let secs = (performance.now() - t0) / 1000;
  out.push({ name: 'context.embed.hashing.throughput', value: Math.round(n / secs), unit: 'chunks/s' });

  const kinds = ['email', 'call', 'meeting', 'note'];
  const chunks: VectorChunk[] = vectors.map((values, i) => ({
    id: `hubspot:${kinds[i % 4]}:${Math.floor(i / 3)}:${i % 3}`,
    values,
    metadata: {
      provider: 'hubspot',
      kind: kinds[i % 4]!,
      recordId: String(Math.floor(i / 3)),
      dealIds: [`d${i % 500}`],
      occurredAt: 1_700_000_000 + i,
    },
    text: texts[i]!,
  }));
  const queryVecs = await embedder.embed(corpus(nq, 99));
  const filter: Filter = { kind: 'email', occurredAt: { $gt: 1_700_000_000 + Math.floor(n / 2) } };

  const measure = async (label: string, store: VectorStore, afterLoad?: () => Promise<void>) => {
    t0 = performance.now();
    for (let i = 0; i < chunks.length; i += 1000) await store.upsert('bench', chunks.slice(i, i + 1000));
    await afterLoad?.();
    secs = (performance.now() - t0) / 1000;
    out.push({ name: `context.index.${label}.throughput`, value: Math.round(n / secs), unit: 'chunks/s' });
    for (const [suffix, f] of [
      ['', undefined],
      ['.filtered', filter],
    ] as const) {
      const lat: number[] = [];
      for (const q of queryVecs) {
        const s = performance.now();
        await store.query('bench', q, { topK: 10, ...(f ? { filter: f } : {}) });
        lat.push(performance.now() - s);
      }
      out.push({ name: `context.query.${label}${suffix}.p50`, value: r2(pct(lat, 50)), unit: 'ms' });
      out.push({ name: `context.query.${label}${suffix}.p99`, value: r2(pct(lat, 99)), unit: 'ms' });
    }
  };

  // 2. pgvector: bench/context-scale.ts (bulk load vs baseline, graph build, recall and latency per ef_search, 1 %
  // tenant)
  // 3. Pinecone adapter (real client) against the local fake
  const start =
    o.startPinecone ??
    (async (dimension: number) => {
      const { startFakePinecone } = await import('../tests/fakes/pinecone/server.js');
      return startFakePinecone({ apiKey: 'bench', dimension });
    });
  const server = await start(embedder.dimensions);
  try {
    await measure(
      'pinecone_fake',
      new PineconeVectorStore({ apiKey: 'bench', indexName: 'crm-idx', indexHost: server.url }),
    );
  } finally {
    await server.close();
  }
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = process.argv[2];
  if (arg === '--help' || arg === '-h') {
    process.stdout.write(`usage: npx tsx bench/context-index.ts [SCALE]

Context-layer benchmarks: local embedding throughput, and the Pinecone adapter's upsert throughput and query latency
(p50 / p99, topK 10, with and without a metadata filter) against the local Pinecone fake. SCALE 1 (the default) is
100,000 chunks in one tenant; 0.05 runs in well under a minute. Part of \`npm run bench -- --only=context\`.
`);
    process.exit(0);
  }
  const scale = Number(arg ?? '1');
  if (!(scale > 0)) {
    process.stderr.write(`context-index: SCALE must be a positive number, got "${arg}"\n`);
    process.exit(2);
  }
  benchContext({ scale })
    .then((rs) => {
      for (const r of rs) console.log(`${r.name.padEnd(48)} ${String(r.value).padStart(10)} ${r.unit}`);
    })
    .catch((e) => {
      console.error(e);
      process.exitCode = 1;
    });
}
