/**
 * String and number similarity functions used by pairwise scoring. All return a value in [0, 1]
 * (1 = identical) and are pure. Implemented here on purpose: no string-metric dependency.
 */
import { basicFold } from '../normalize/text.js';
import { editDistance } from '../../lib/edit-distance.js';

/** Jaro similarity. */
export function jaro(a: string, b: string): number {
  if (a === b) return a.length === 0 ? 1 : 1;
  const la = a.length;
  const lb = b.length;
  if (la === 0 || lb === 0) return 0;
  const window = Math.max(0, Math.floor(Math.max(la, lb) / 2) - 1);
  const matchedB = new Uint8Array(lb);
  const matchedA = new Uint8Array(la);
  let matches = 0;
  for (let i = 0; i < la; i++) {
    const lo = Math.max(0, i - window);
    const hi = Math.min(lb - 1, i + window);
    const c = a.charCodeAt(i);
    for (let j = lo; j <= hi; j++) {
      if (matchedB[j] === 0 && b.charCodeAt(j) === c) {
        matchedA[i] = 1;
        matchedB[j] = 1;
        matches++;
        break;
      }
    }
  }
  if (matches === 0) return 0;
  let t = 0;
  let k = 0;
  for (let i = 0; i < la; i++) {
    if (matchedA[i] === 0) continue;
    while (matchedB[k] === 0) k++;
    if (a.charCodeAt(i) !== b.charCodeAt(k)) t++;
    k++;
  }
  const m = matches;
  return (m / la + m / lb + (m - t / 2) / m) / 3;
}

/** Jaro-Winkler with the usual prefix scale 0.1 over at most 4 characters. */
export function jaroWinkler(a: string, b: string, prefixScale = 0.1): number {
  const j = jaro(a, b);
  if (j === 0) return 0;
  let prefix = 0;
  const max = Math.min(4, a.length, b.length);
  while (prefix < max && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  return j + prefix * prefixScale * (1 - j);
}

/** Optimal-string-alignment distance (Levenshtein plus adjacent transpositions). */
export const damerauLevenshtein = (a: string, b: string): number => editDistance(a, b, { transpositions: true });

/** Edit similarity 1 - d / max(len). */
export function editSimilarity(a: string, b: string): number {
  const m = Math.max(a.length, b.length);
  return m === 0 ? 1 : 1 - damerauLevenshtein(a, b) / m;
}

/** Word tokens after folding case, diacritics and punctuation. */
export function tokenize(value: string): string[] {
  const f = basicFold(value);
  return f === '' ? [] : f.split(' ');
}

/** Padded character q-grams as a set ("ab" with q=3 → "##a", "#ab", "ab#", "b##"). */
export function qgrams(value: string, q = 3): Set<string> {
  const pad = '#'.repeat(q - 1);
  const s = `${pad}${value}${pad}`;
  const out = new Set<string>();
  for (let i = 0; i + q <= s.length; i++) out.add(s.slice(i, i + q));
  return out;
}

export function jaccard<T>(a: Set<T>, b: Set<T>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let inter = 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const x of small) if (large.has(x)) inter++;
  return inter / (a.size + b.size - inter);
}

export const qgramJaccard = (a: string, b: string, q = 3): number => jaccard(qgrams(a, q), qgrams(b, q));

/**
 * Token-set similarity: each token of the shorter side is paired with its best Jaro-Winkler match
 * on the other side (Monge-Elkan), averaged, so word order and one-sided extra words matter less.
 */
export function mongeElkan(a: string[], b: string[]): number {
  if (a.length === 0 || b.length === 0) return a.length === b.length ? 1 : 0;
  const [s, l] = a.length <= b.length ? [a, b] : [b, a];
  let sum = 0;
  for (const x of s) {
    let best = 0;
    for (const y of l) {
      const v = x === y ? 1 : jaroWinkler(x, y);
      if (v > best) best = v;
      if (best === 1) break;
    }
    sum += best;
  }
  return sum / s.length;
}

/** Relative numeric closeness: 1 - |a-b| / max(|a|,|b|), clipped to [0,1]; NaN inputs → 0. */
export function numericCloseness(a: number, b: number): number {
  if (!Number.isFinite(a) || !Number.isFinite(b)) return 0;
  if (a === b) return 1;
  const d = Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
  return Math.max(0, 1 - d);
}

/** A sparse, L2-normalized TF-IDF vector: term ids ascending with their weights. */
export interface SparseVector {
  ids: Int32Array;
  weights: Float64Array;
  /** L2 norm before normalization. */ norm: number;
}

/**
 * TF-IDF over one field of a record set. IDF = ln((N + 1) / (df + 1)) + 1 (smoothed), computed from
 * the records it is built on, so rare words ("almaden") weigh more than common ones ("university").
 */
export class TfIdfIndex {
  private readonly vocab = new Map<string, number>();
  private df: number[] = [];
  private docs = 0;

  /** Counts document frequencies; call for every document before `vector`. */
  add(tokens: string[]): void {
    this.docs++;
    for (const t of new Set(tokens)) {
      let id = this.vocab.get(t);
      if (id === undefined) {
        id = this.vocab.size;
        this.vocab.set(t, id);
        this.df.push(0);
      }
      this.df[id]!++;
    }
  }

  idf(token: string): number {
    const id = this.vocab.get(token);
    const df = id === undefined ? 0 : this.df[id]!;
    return Math.log((this.docs + 1) / (df + 1)) + 1;
  }

  vector(tokens: string[]): SparseVector {
    const tf = new Map<number, number>();
    for (const t of tokens) {
      const id = this.vocab.get(t);
      if (id === undefined) continue;
      tf.set(id, (tf.get(id) ?? 0) + 1);
    }
    const ids = [...tf.keys()].sort((x, y) => x - y);
    const weights = new Float64Array(ids.length);
    let norm = 0;
    ids.forEach((id, i) => {
      const w = (1 + Math.log(tf.get(id)!)) * (Math.log((this.docs + 1) / (this.df[id]! + 1)) + 1);
      weights[i] = w;
      norm += w * w;
    });
    norm = Math.sqrt(norm);
    if (norm > 0) for (let i = 0; i < weights.length; i++) weights[i]! /= norm;
    return { ids: Int32Array.from(ids), weights, norm };
  }
}

export function cosine(a: SparseVector, b: SparseVector): number {
  let i = 0;
  let j = 0;
  let dot = 0;
  while (i < a.ids.length && j < b.ids.length) {
    const x = a.ids[i]!;
    const y = b.ids[j]!;
    if (x === y) {
      dot += a.weights[i]! * b.weights[j]!;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return Math.min(1, dot);
}

/**
 * IDF-weighted containment: how much of the smaller side's TF-IDF mass the other side covers
 * ("Almaden" in "IBM Almaden Research Center" → high), 1 when one token set contains the other.
 */
export function containment(a: SparseVector, b: SparseVector): number {
  if (a.norm === 0 || b.norm === 0) return 0;
  const dot = cosine(a, b) * a.norm * b.norm;
  return Math.min(1, dot / Math.min(a.norm * a.norm, b.norm * b.norm));
}
