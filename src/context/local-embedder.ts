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

export class LocalEmbedder implements Embedder {
  private primary: Embedder;
  private sentence: SentenceEmbedder | null;
  readonly hashing: HashingEmbedder;
  /** Why the model-backed embedder fell back to hashing (null while it has not). */
  fallbackReason: string | null = null;

  constructor(
    readonly spec: LocalEmbedderSpec,
    private readonly onFallback: (reason: string) => void = () => {},
  ) {
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

  private fallBack(reason: string): void {
    if (this.fallbackReason) return;
    this.fallbackReason = reason;
    this.primary = this.hashing;
    this.sentence = null;
    this.onFallback(reason);
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
