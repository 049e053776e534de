import type { Embedder } from '../../context/types.js';
import { Lru } from '../../lib/lru.js';
import { splitSentences } from './sentences.js';

/**
 * Sentence vectors for the fused signal models (src/inference/signals/sentence-text-classifier.ts), by sentence
 * text: `extractSignals` is synchronous and runs in several places of one analysis (the suggestions, the deal
 * score's features, the rules' context), so the analysis embeds the sentences of its interactions once, up front
 * (`prepare`, async, in the encoder's worker thread), and every later call looks them up (`get`). A sentence with no
 * vector (not prepared, evicted, or the encoder failed) is read by the n-gram models alone, as before.
 *
 * The cache is bounded (least recently used sentences go first) and keyed by the exact sentence text, so it holds
 * no tenant's data beyond what that text is, and answers the same vector for the same text to every tenant.
 */
export interface SentenceVectorLookup {
  /** The encoder's vector space (SentenceEmbedder.id); the fused models are used only with their own encoder's. */
  readonly encoderId: string;
  get(sentence: string): Float32Array | undefined;
}

/** Sentences held at most (each 512 floats: 2 KB; 10,000 ≈ 20 MB). */
const MAX_SENTENCES = 10_000;
/** Longer sentences are not embedded (the encoder's cost grows with length; such a "sentence" is a paste). */
const MAX_CHARS = 1_000;

export class SignalSentenceVectors implements SentenceVectorLookup {
  private readonly cache: Lru<string, Float32Array>;
  /** The only vector space kept, the encoder's at construction: after a fallback (hashing) its vectors are not sentence vectors. */
  private readonly space: string;

  constructor(
    private readonly encoder: Pick<Embedder, 'id' | 'embed'>,
    private readonly opts: { max?: number; onError?: (err: unknown) => void } = {},
  ) {
    this.cache = new Lru(opts.max ?? MAX_SENTENCES);
    this.space = encoder.id;
  }

  get encoderId(): string {
    return this.encoder.id;
  }

  get size(): number {
    return this.cache.size;
  }

  get(sentence: string): Float32Array | undefined {
    return this.cache.get(sentence);
  }

  /**
   * Embeds the sentences of `texts` (as `extractSignals` splits them) that are not cached yet. Never throws: when
   * the encoder fails, those sentences stay on the n-gram models and `onError` hears why.
   */
  async prepare(texts: readonly string[]): Promise<void> {
    const missing = new Set<string>();
    for (const t of texts)
      for (const s of splitSentences(t))
        if (s.quote.length <= MAX_CHARS && this.get(s.quote) === undefined) missing.add(s.quote);
    if (missing.size === 0 || this.encoder.id !== this.space) return;
    const list = [...missing];
    let vectors: Float32Array[];
    try {
      vectors = await this.encoder.embed(list);
    } catch (err) {
      this.opts.onError?.(err);
      return;
    }
    // An encoder that fell back to another space (hashing) during the call: those are not sentence vectors.
    if (this.encoder.id !== this.space) return;
    list.forEach((s, i) => this.cache.set(s, vectors[i]!));
  }
}
