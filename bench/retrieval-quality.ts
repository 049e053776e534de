import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'csv-parse/sync';
import { HashingEmbedder, type HashingEmbedderOptions } from '../src/context/hashing-embedder.js';
import type { Embedder } from '../src/context/types.js';

/**
 * Retrieval-quality check for embedders: query -> document retrieval by cosine over a whole corpus,
 * scored by recall@1, recall@10 and MRR. Three sets:
 *  - `paraphrase`: our own 40 CRM paraphrase pairs (tests/fixtures/context/paraphrase-pairs.json);
 *  - `amazon_google`: each Amazon product with a true match retrieves among all Google products;
 *  - `dblp_acm`: each DBLP paper with a true match retrieves among all ACM papers.
 * The entity sets are read at run time from the shared data folder and never copied into the repo.
 *
 *   npx tsx bench/retrieval-quality.ts [--data ../shared/data] [--fixture tests/fixtures/context/paraphrase-pairs.json]
 */
export interface RetrievalSet {
  name: string;
  queries: { text: string; relevant: Set<number> }[];
  docs: string[];
}
export interface RetrievalScore {
  set: string;
  queries: number;
  docs: number;
  recallAt1: number;
  recallAt10: number;
  mrr: number;
}

export async function scoreRetrieval(embedder: Embedder, set: RetrievalSet): Promise<RetrievalScore> {
  const docs = await embedder.embed(set.docs);
  const qs = await embedder.embed(set.queries.map((q) => q.text));
  let r1 = 0,
    r10 = 0,
    mrr = 0;
  const d = embedder.dimensions;
  qs.forEach((q, qi) => {
    const scores = docs.map((v) => {
      let s = 0;
      for (let i = 0; i < d; i++) s += q[i]! * v[i]!;
      return s;
    });
    const rel = set.queries[qi]!.relevant;
    // Rank of the best relevant doc; ties with non-relevant docs count half (expected rank under random
    // tie-breaking), so an all-zero query vector scores like chance, not like a perfect hit.
    let best = -Infinity;
    for (const j of rel) best = Math.max(best, scores[j]!);
    let higher = 0,
      ties = 0;
    scores.forEach((s, j) => {
      if (rel.has(j)) return;
      if (s > best) higher++;
      else if (s === best) ties++;
    });
    const rank = 1 + higher + ties / 2;
    if (rank < 2) r1 += 2 - rank; // fractional credit for a tie at the top
    if (rank <= 10) r10++;
    mrr += 1 / rank;
  });
  const n = set.queries.length;
  return { set: set.name, queries: n, docs: set.docs.length, recallAt1: r1 / n, recallAt10: r10 / n, mrr: mrr / n };
}

export function paraphraseSet(fixture: string): RetrievalSet {
  const { pairs } = JSON.parse(readFileSync(fixture, 'utf8')) as { pairs: { q: string; d: string }[] };
  return {
    name: 'paraphrase',
    docs: pairs.map((p) => p.d),
    queries: pairs.map((p, i) => ({ text: p.q, relevant: new Set([i]) })),
  };
}

/** Entity-resolution pairs as retrieval: queries from source `qSource`, corpus = every record of the other source. */
export function pairsSet(
  dir: string,
  name: string,
  qSource: string,
  text: (r: Record<string, string>) => string,
): RetrievalSet {
  const rows = parse(readFileSync(path.join(dir, 'dev.csv')), { columns: true }) as Record<string, string>[];
  const pairs = parse(readFileSync(path.join(dir, 'dev_pairs.csv')), { columns: true }) as {
    record_id_a: string;
    record_id_b: string;
  }[];
  const docsRows = rows.filter((r) => r.source !== qSource);
  const docIndex = new Map(docsRows.map((r, i) => [r.record_id!, i]));
  const byId = new Map(rows.map((r) => [r.record_id!, r]));
  const rel = new Map<string, Set<number>>();
  for (const p of pairs) {
    for (const [a, b] of [
      [p.record_id_a, p.record_id_b],
      [p.record_id_b, p.record_id_a],
    ] as const) {
      const qa = byId.get(a);
      const j = docIndex.get(b);
      if (qa?.source === qSource && j !== undefined) rel.set(a, (rel.get(a) ?? new Set()).add(j));
    }
  }
  return {
    name,
    docs: docsRows.map(text),
    queries: [...rel].map(([id, relevant]) => ({ text: text(byId.get(id)!), relevant })),
  };
}

/**
 * Same set with one deterministic typo (adjacent swap) in every query word of 5+ letters: tests robustness to
 * misspelling.
 */
export function withTypos(set: RetrievalSet): RetrievalSet {
  let seed = 12345;
  const rnd = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const typo = (w: string) => {
    if (w.length < 5) return w;
    const i = 1 + Math.floor(rnd() * (w.length - 2));
    return w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2);
  };
  return {
    name: `${set.name}+typos`,
    docs: set.docs,
    queries: set.queries.map((q) => ({ ...q, text: q.text.split(' ').map(typo).join(' ') })),
  };
}

export const VARIANTS: { name: string; opts: HashingEmbedderOptions }[] = [
  { name: 'A word unigrams', opts: { weights: { word: 1, bigram: 0, char: 0 } } },
  { name: 'B word uni+bigrams', opts: { weights: { word: 1, bigram: 0.5, char: 0 } } },
  { name: 'C char 3-5 only', opts: { weights: { word: 0, bigram: 0, char: 1 } } },
  { name: 'D uni+bi+char, char weight 1', opts: { weights: { word: 1, bigram: 0.5, char: 1 } } },
  { name: 'E uni+bi+char, char weight 2 (default)', opts: {} },
  { name: 'F E without stop list', opts: { stopWords: false } },
  { name: 'G E, char weight 3', opts: { weights: { word: 1, bigram: 0.5, char: 3 } } },
  { name: 'H E at 256 dims', opts: { dimensions: 256 } },
  { name: 'I E at 1024 dims', opts: { dimensions: 1024 } },
];

export function loadSets(dataDir: string, fixture: string): RetrievalSet[] {
  const sets = [paraphraseSet(fixture)];
  if (existsSync(path.join(dataDir, 'amazon_google', 'dev.csv'))) {
    const ag = pairsSet(
      path.join(dataDir, 'amazon_google'),
      'amazon_google',
      'amazon',
      (r) => `${r.title ?? ''} ${r.manufacturer ?? ''}`,
    );
    sets.push(ag, withTypos(ag));
  } else {
    process.stderr.write(
      `(optional data missing: ${path.join(dataDir, 'amazon_google', 'dev.csv')}; amazon_google skipped)\n`,
    );
  }
  if (existsSync(path.join(dataDir, 'dblp_acm', 'dev.csv'))) {
    sets.push(
      pairsSet(path.join(dataDir, 'dblp_acm'), 'dblp_acm', 'dblp', (r) => `${r.title ?? ''}. ${r.authors ?? ''}`),
    );
  } else {
    process.stderr.write(`(optional data missing: ${path.join(dataDir, 'dblp_acm', 'dev.csv')}; dblp_acm skipped)\n`);
  }
  return sets;
}

const USAGE = `usage: npx tsx bench/retrieval-quality.ts [--data ../shared/data] [--fixture tests/fixtures/context/paraphrase-pairs.json]

Retrieval quality of the hashing embedder's variants (recall@1, recall@10, MRR) on our paraphrase pairs and, when
the shared data folder has them, on amazon_google and dblp_acm as query → document retrieval (also with typos).
Prints one Markdown table. The local embedders side by side (hashing, USE Lite, fusion): bench/embedders.ts.
`;

async function main(argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    return;
  }
  const unknown = argv.filter((a) => a.startsWith('-') && !['--data', '--fixture'].includes(a));
  if (unknown.length > 0) {
    process.stderr.write(`retrieval-quality: unknown option ${unknown[0]}\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const arg = (k: string, dflt: string) => {
    const i = argv.indexOf(k);
    return i >= 0 && argv[i + 1] ? argv[i + 1]! : dflt;
  };
  const sets = loadSets(
    arg('--data', '../shared/data'),
    arg('--fixture', 'tests/fixtures/context/paraphrase-pairs.json'),
  );
  const fmt = (x: number) => x.toFixed(3);
  console.log(
    `| variant | ${sets.map((s) => `${s.name} (${s.queries.length}q/${s.docs.length}d) R@1 / R@10 / MRR`).join(' | ')} | embed ms |`,
  );
  console.log(`| --- | ${sets.map(() => '---').join(' | ')} | --- |`);
  for (const v of VARIANTS) {
    const e = new HashingEmbedder(v.opts);
    const t0 = performance.now();
    const scores: RetrievalScore[] = [];
    for (const s of sets) scores.push(await scoreRetrieval(e, s));
    const ms = performance.now() - t0;
    console.log(
      `| ${v.name} | ${scores.map((s) => `${fmt(s.recallAt1)} / ${fmt(s.recallAt10)} / ${fmt(s.mrr)}`).join(' | ')} | ${ms.toFixed(0)} |`,
    );
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
