/**
 * Candidate generation without comparing all pairs:
 * 1. an inverted index over blocking keys (words of text/name fields, 3-letter prefixes and
 *    suffixes of name words, code values and code halves; for text fields also the initials of word
 *    runs that some record writes as an acronym, so "IIT" meets "Indian Institute of Technology"), where keys shared by
 * more than
 *    `keyCap` records are dropped as stop-keys; each record keeps its `neighbours` best partners
 *    ranked by the summed IDF of shared keys (meta-blocking), so the output is O(n · k);
 * 2. sorted neighbourhood over two sort keys (fields in order, fields reversed), window `window`.
 * Work is bounded by Σ_keys min(df, cap)², linear in n for a fixed cap.
 */
import type { Prepared } from './compare.js';

export interface BlockingOptions {
  neighbours: number;
  keyCap: number;
  window: number;
  /** Only pairs whose records come from different sources (two-source linkage). */
  crossSourceOnly: boolean;
  /** Only pairs whose records come from the same source (within-source duplicate estimate). */
  sameSourceOnly?: boolean;
}

/** Blocking keys of one record. */
export function blockingKeys(p: Prepared, i: number): string[] {
  const keys = new Set<string>();
  for (const f of p.fields) {
    if (f.feature !== f.spec.name) continue;
    const kind = f.spec.kind;
    if (kind === 'text' || kind === 'name') {
      for (const t of f.tokens[i]!) {
        if (t.length < 2 && !/\d/.test(t)) continue;
        keys.add(`w:${t}`);
        if (kind === 'name' && t.length >= 4) {
          keys.add(`p:${t.slice(0, 3)}`);
          keys.add(`s:${t.slice(-3)}`);
        }
      }
      // "Indian Institute of Technology" also answers to the key of the token "iit"
      if (f.initials) for (const a of f.initials[i]!) keys.add(`w:${a}`);
    } else if (kind === 'code' || kind === 'exact') {
      const v = f.text[i]!;
      if (v === '') continue;
      keys.add(`${f.spec.name}=${v}`);
      if (kind === 'code' && v.length >= 4) {
        const h = Math.floor(v.length / 2);
        keys.add(`${f.spec.name}<${v.slice(0, h)}`);
        keys.add(`${f.spec.name}>${v.slice(h)}`);
      }
    }
  }
  return [...keys];
}

/** Candidate pairs as a flat list [i0, j0, i1, j1, ...] with i < j, deduplicated. */
export function candidatePairs(p: Prepared, sources: (string | null)[], opts: BlockingOptions): Uint32Array {
  const n = p.records.length;
  const srcId = new Int32Array(n);
  const srcMap = new Map<string | null, number>();
  sources.forEach((s, i) => {
    if (!srcMap.has(s)) srcMap.set(s, srcMap.size);
    srcId[i] = srcMap.get(s)!;
  });
  const allowed = (i: number, j: number): boolean =>
    (!opts.crossSourceOnly || srcId[i] !== srcId[j]) && (!opts.sameSourceOnly || srcId[i] === srcId[j]);

  // inverted index
  const keyIds = new Map<string, number>();
  const recKeys: Int32Array[] = new Array(n);
  const postings: number[][] = [];
  for (let i = 0; i < n; i++) {
    const ks = blockingKeys(p, i);
    const ids = new Int32Array(ks.length);
    ks.forEach((k, x) => {
      let id = keyIds.get(k);
      if (id === undefined) {
        id = postings.length;
        keyIds.set(k, id);
        postings.push([]);
      }
      postings[id]!.push(i);
      ids[x] = id;
    });
    recKeys[i] = ids;
  }
  const idf = postings.map((l) => (l.length > opts.keyCap || l.length < 2 ? 0 : Math.log(n / l.length)));

  const seen = new Set<number>();
  const out: number[] = [];
  const add = (i: number, j: number): void => {
    if (i === j || !allowed(i, j)) return;
    const [a, b] = i < j ? [i, j] : [j, i];
    const key = a * n + b; // n ≤ ~9e7 keeps this below 2^53
    if (seen.has(key)) return;
    seen.add(key);
    out.push(a, b);
  };

  const score = new Float64Array(n);
  const touched: number[] = [];
  const k = opts.neighbours;
  for (let i = 0; i < n; i++) {
    for (const key of recKeys[i]!) {
      const w = idf[key]!;
      if (w === 0) continue;
      for (const j of postings[key]!) {
        if (j === i || !allowed(i, j)) continue;
        if (score[j] === 0) touched.push(j);
        score[j] = score[j]! + w;
      }
    }
    if (touched.length <= k) {
      for (const j of touched) add(i, j);
    } else {
      touched.sort((x, y) => score[y]! - score[x]!);
      for (let x = 0; x < k; x++) add(i, touched[x]!);
    }
    for (const j of touched) score[j] = 0;
    touched.length = 0;
  }

  // sorted neighbourhood on two orderings of the concatenated field values
  const base = p.fields.filter((f) => f.feature === f.spec.name);
  const forward = p.records.map((_, i) => base.map((f) => f.text[i]).join(' '));
  const backward = p.records.map((_, i) =>
    [...base]
      .reverse()
      .map((f) => f.text[i])
      .join(' '),
  );
  for (const keysArr of [forward, backward]) {
    const order = Array.from({ length: n }, (_, i) => i).sort((x, y) =>
      keysArr[x]! < keysArr[y]! ? -1 : keysArr[x]! > keysArr[y]! ? 1 : 0,
    );
    for (let x = 0; x < n; x++) {
      for (let y = x + 1; y < Math.min(n, x + opts.window); y++) add(order[x]!, order[y]!);
    }
  }
  return Uint32Array.from(out);
}
