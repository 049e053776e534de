import type { Embedder } from './types.js';

/**
 * Local default embedder: no network, no model file, deterministic across processes and machines.
 *
 * Features (the hashing trick, signed to cancel collision bias):
 *  - word unigrams and word bigrams over lower-cased, accent-folded tokens, with a fixed English stop list;
 *  - character 3..5-grams of each word with boundary marks (`<deal>` → `<de`, `dea`, ... `al>`), which
 *    tolerate typos, plurals and product codes;
 *  - sublinear term frequency `1 + ln(tf)`, no IDF (a stateless embedder cannot know the corpus).
 * Each feature group is L2-normalised on its own, mixed with fixed weights, then the sum is L2-normalised,
 * so cosine similarity = dot product. See README.md for the variants measured and why this mix won.
 */
export interface HashingEmbedderOptions {
  dimensions?: number;
  /** Group weights; 0 disables a group. Default { word: 1, bigram: 0.5, char: 2 }. */
  weights?: { word: number; bigram: number; char: number };
  charMin?: number;
  charMax?: number;
  stopWords?: boolean;
}

export const DEFAULT_HASHING: Required<HashingEmbedderOptions> = {
  dimensions: 384,
  weights: { word: 1, bigram: 0.5, char: 2 },
  charMin: 3,
  charMax: 5,
  stopWords: true,
};

/** Small fixed list of English function words (never learned from data). */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a an the and or but if then else of to in on at by for with from as into onto over under about above below up down out off ' +
    'is are was were be been being am do does did done have has had having will would shall should can could may might must ' +
    'i me my mine we us our ours you your yours he him his she her hers it its they them their theirs this that these those ' +
    'there here what which who whom whose when where why how all any both each few more most other some such no nor not only ' +
    'own same so than too very just also s t re ve ll d m o y via per'
  ).split(/\s+/),
);

const TOKEN = /[\p{L}\p{N}]+/gu;

export function tokenize(text: string): string[] {
  const folded = text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
  return folded.match(TOKEN) ?? [];
}

const FNV_OFFSET = 0x811c9dc5;
const fnvStep = (h: number, c: number) => Math.imul(h ^ c, 0x01000193) >>> 0;
function fnvString(seed: number, s: string): number {
  let h = seed;
  for (let i = 0; i < s.length; i++) h = fnvStep(h, s.charCodeAt(i));
  return h;
}
/** murmur3 finaliser: decorrelates the sign bit from the bucket. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}
// Distinct seeds per feature group so "ab" the word and "ab" the n-gram land apart.
const SEED_WORD = fnvString(FNV_OFFSET, 'w\u0001');
const SEED_BIGRAM = fnvString(FNV_OFFSET, 'b\u0001');
const SEED_CHAR = fnvString(FNV_OFFSET, 'c\u0001');

export class HashingEmbedder implements Embedder {
  readonly id: string;
  readonly dimensions: number;
  private readonly o: Required<HashingEmbedderOptions>;

  constructor(opts: HashingEmbedderOptions = {}) {
    this.o = { ...DEFAULT_HASHING, ...opts, weights: { ...DEFAULT_HASHING.weights, ...opts.weights } };
    if (!Number.isInteger(this.o.dimensions) || this.o.dimensions < 8)
      throw new RangeError('dimensions must be an integer >= 8');
    this.dimensions = this.o.dimensions;
    const w = this.o.weights;
    this.id = `hashing-v1:d${this.dimensions}:w${w.word}-b${w.bigram}-c${w.char}:n${this.o.charMin}-${this.o.charMax}:${this.o.stopWords ? 'stop' : 'nostop'}`;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    return texts.map((t) => this.embedOne(t));
  }

  embedOne(text: string): Float32Array {
    const d = this.dimensions;
    const { weights, charMin, charMax, stopWords } = this.o;
    const tokens = tokenize(text);
    const content = stopWords ? tokens.filter((t) => !STOP_WORDS.has(t)) : tokens;
    const out = new Float32Array(d);
    const group = (counts: Map<number, number>, weight: number) => {
      if (weight === 0 || counts.size === 0) return;
      const g = new Float64Array(d);
      for (const [h, c] of counts) {
        const m = mix(h);
        g[m % d]! += ((m & 0x80000000) !== 0 ? -1 : 1) * (1 + Math.log(c));
      }
      let n = 0;
      for (let i = 0; i < d; i++) n += g[i]! * g[i]!;
      if (n === 0) return;
      const s = weight / Math.sqrt(n);
      for (let i = 0; i < d; i++) out[i]! += g[i]! * s;
    };
    const bump = (m: Map<number, number>, h: number) => m.set(h, (m.get(h) ?? 0) + 1);

    if (weights.word) {
      const m = new Map<number, number>();
      for (const t of content) bump(m, fnvString(SEED_WORD, t));
      group(m, weights.word);
    }
    if (weights.bigram) {
      const m = new Map<number, number>();
      for (let i = 1; i < content.length; i++)
        bump(m, fnvString(fnvStep(fnvString(SEED_BIGRAM, content[i - 1]!), 0x20), content[i]!));
      group(m, weights.bigram);
    }
    if (weights.char) {
      const m = new Map<number, number>();
      for (const t of content) {
        const w = `<${t}>`;
        for (let i = 0; i < w.length; i++) {
          let h = SEED_CHAR;
          for (let n = 1; n <= charMax && i + n <= w.length; n++) {
            h = fnvStep(h, w.charCodeAt(i + n - 1));
            if (n >= charMin) bump(m, h);
          }
        }
      }
      group(m, weights.char);
    }
    let n = 0;
    for (let i = 0; i < d; i++) n += out[i]! * out[i]!;
    if (n > 0) {
      const s = 1 / Math.sqrt(n);
      for (let i = 0; i < d; i++) out[i]! *= s;
    }
    return out;
  }
}
