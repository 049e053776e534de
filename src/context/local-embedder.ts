import { HashingEmbedder, type HashingEmbedderOptions } from './hashing-embedder.js';
import { FusionEmbedder, SentenceEmbedder, sentenceModelInstalled } from './sentence-embedder.js';
import type { Embedder } from './types.js';

/**
 * The local embedders (no network) by name, and the fallback to hashing when the sentence model cannot load.
 *
 *  - `hashing`: HashingEmbedder, 384 dims, ~5,000 short chunks/s on one thread, lexical only;
 *  - `sentence`: USE Lite alone, 512 dims;
 *  - `fusion`: hashing ⊕ USE Lite, 896 dims (the best retrieval on bench/embedders.ts's sets, at tens of chunks a
 *    second per thread instead of thousands).
 *
 * `EMBEDDINGS=local` (the default) is hashing: a backfill must index at store speed (thousands of chunks a second),
 * which the model cannot; deployments that want semantic recall choose `fusion` and size EMBEDDING_THREADS for it.
 *
 * A model-backed embedder whose model fails to load (packages missing, a corrupt shard, WebAssembly refused)
 * answers with the hashing embedder from then on: its `id` and `dimensions` change to hashing's before any vector
 * is returned, so the store files those vectors in the hashing space (PgVectorStore reads the space per call), and
 * `onFallback` is told once. Vectors of two spaces are never mixed in one answer.
 */
export type LocalEmbedderSpec =
  | { kind: 'hashing'; options?: HashingEmbedderOptions }
  | { kind: 'sentence'; options?: HashingEmbedderOptions; modelDir?: string }
  | { kind: 'fusion'; weight?: number; options?: HashingEmbedderOptions; modelDir?: string };

function build(spec: LocalEmbedderSpec): { primary: Embedder; sentence: SentenceEmbedder | null } {
  if (spec.kind === 'hashing') return { primary: new HashingEmbedder(spec.options), sentence: null };
  const sentence = new SentenceEmbedder({ modelDir: spec.modelDir });
  if (spec.kind === 'sentence') return { primary: sentence, sentence };
  return { primary: new FusionEmbedder(sentence, spec.weight, spec.options), sentence };
}

/**
 * The one-way switch of a model-backed embedder to hashing (LocalEmbedder inline, ThreadedEmbedder across threads):
 * the first reason wins, the embedder switches its space before the listener hears of it, and it hears once.
 */
export class HashingFallback {
  /** Why the embedder fell back to hashing (null while it has not). */
  reason: string | null = null;
  constructor(private readonly listener: (reason: string) => void = () => {}) {}

  trip(reason: string, switchOver: () => void): void {
    if (this.reason) return;
    this.reason = reason;
    switchOver();
    this.listener(reason);
  }
}

export class LocalEmbedder implements Embedder {
  private primary: Embedder;
  private sentence: SentenceEmbedder | null;
  readonly hashing: HashingEmbedder;
  private readonly fallback: HashingFallback;

  constructor(
    readonly spec: LocalEmbedderSpec,
    onFallback: (reason: string) => void = () => {},
  ) {
    this.fallback = new HashingFallback(onFallback);
    this.hashing = new HashingEmbedder(spec.options);
    ({ primary: this.primary, sentence: this.sentence } = build(spec));
    // Not installed at all: hashing from the start (no load attempt to wait for).
    if (this.sentence && !sentenceModelInstalled()) this.fallBack('sentence model packages are not installed');
  }

  get id(): string {
    return this.primary.id;
  }
  get dimensions(): number {
    return this.primary.dimensions;
  }
  /** Milliseconds the model took to load in this thread (null: not loaded, or hashing). */
  get modelLoadMs(): number | null {
    return this.sentence?.loadMs ?? null;
  }

  /** Why the model-backed embedder fell back to hashing (null while it has not). */
  get fallbackReason(): string | null {
    return this.fallback.reason;
  }

  private fallBack(reason: string): void {
    this.fallback.trip(reason, () => {
      this.primary = this.hashing;
      this.sentence = null;
    });
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    if (this.sentence) {
      try {
        await this.sentence.load();
      } catch (e) {
        this.fallBack(`sentence model failed to load: ${(e as Error)?.message ?? String(e)}`);
      }
    }
    return this.primary.embed(texts);
  }
}

/** EMBEDDINGS (local, hashing, sentence, fusion) → spec; `local` (the default) is hashing. */
export function localSpec(name: string): LocalEmbedderSpec {
  switch (name) {
    case 'hashing':
    case 'local':
      return { kind: 'hashing' };
    case 'sentence':
      return { kind: 'sentence' };
    case 'fusion':
      return { kind: 'fusion' };
    default:
      throw new RangeError(`unknown local embedder ${name}`);
  }
}
