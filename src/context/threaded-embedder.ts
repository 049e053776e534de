import { siblingEntry } from '../lib/threads.js';
import { createThreadPool, type ThreadPool } from '../lib/thread-pool.js';
import type { HashingEmbedderOptions } from './hashing-embedder.js';
import { HashingFallback, LocalEmbedder, type LocalEmbedderSpec } from './local-embedder.js';
import type { EmbedRequest, EmbedResponse } from './embed-thread.js';
import type { Embedder } from './types.js';

/** Texts below which a call stays on one thread (the message round trips cost more than they save). */
const MIN_PER_THREAD = 8;

/**
 * A local embedder (hashing, sentence model or their fusion) run in worker threads (EMBEDDING_THREADS at once per
 * process): the same vectors and the same vector-space id as the inline LocalEmbedder, without blocking the event
 * loop on a large batch or on the model's inference.
 *
 * Fallback: when a thread cannot load the sentence model it answers with hashing vectors and says so; from then on
 * this embedder is the hashing one (id and dimensions change before those vectors are handed out) and asks every
 * thread for hashing. An answer still in the old space that arrives after the switch is embedded again, so callers
 * only ever get vectors of the space `id` names when the call returns.
 */
export class ThreadedEmbedder implements Embedder {
  private spec: LocalEmbedderSpec;
  private current: { id: string; dimensions: number };
  private readonly hashingSpace: { id: string; dimensions: number };
  private readonly pool: ThreadPool<EmbedRequest, EmbedResponse>;
  private readonly fallback: HashingFallback;
  /** Load time of the sentence model in the thread that loaded it first (ms). */
  modelLoadMs: number | null = null;

  constructor(
    private readonly threads: number,
    spec: LocalEmbedderSpec,
    onFallback: (reason: string) => void = () => {},
  ) {
    this.fallback = new HashingFallback(onFallback);
    // The inline embedder names the space (and notices missing model packages without a thread).
    const inline = new LocalEmbedder(spec);
    this.spec = inline.fallbackReason ? { kind: 'hashing', options: spec.options } : spec;
    this.current = { id: inline.id, dimensions: inline.dimensions };
    this.hashingSpace = { id: inline.hashing.id, dimensions: inline.hashing.dimensions };
    if (inline.fallbackReason) this.fellBack(inline.fallbackReason);
    this.pool = createThreadPool({ entry: siblingEntry(import.meta.url, 'embed-thread'), size: threads });
  }

  get id(): string {
    return this.current.id;
  }
  get dimensions(): number {
    return this.current.dimensions;
  }

  /** Set when a thread fell back to hashing. */
  get fallbackReason(): string | null {
    return this.fallback.reason;
  }

  private fellBack(reason: string): void {
    this.fallback.trip(reason, () => {
      this.spec = { kind: 'hashing', options: this.spec.options };
      this.current = this.hashingSpace;
    });
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    // One index job embeds a whole page in one call: spread it over the threads (the model is the slow part).
    const parts = Math.min(this.threads, Math.ceil(texts.length / MIN_PER_THREAD));
    if (parts <= 1) return (await this.embedPart(texts)).vectors;
    const size = Math.ceil(texts.length / parts);
    const slices: string[][] = [];
    for (let i = 0; i < texts.length; i += size) slices.push(texts.slice(i, i + size));
    const out = await Promise.all(slices.map((s) => this.embedPart(s)));
    // A fallback during the call may have left earlier slices in the old space: those are embedded again.
    for (let i = 0; i < out.length; i++)
      if (out[i]!.space !== this.current.id) out[i] = await this.embedPart(slices[i]!);
    return out.flatMap((o) => o.vectors);
  }

  private async embedPart(texts: string[]): Promise<{ vectors: Float32Array[]; space: string }> {
    for (let attempt = 0; ; attempt++) {
      const r = await this.pool.run({ spec: this.spec, texts });
      if (r.modelLoadMs !== null) this.modelLoadMs ??= r.modelLoadMs;
      if (r.fallback) this.fellBack(r.fallback);
      if (r.space === this.current.id) return { vectors: r.vectors, space: r.space };
      // In another space than ours now (a thread that still had the model answered after the switch): again.
      if (attempt >= 2) throw new Error(`embedder thread answered in space ${r.space}, expected ${this.current.id}`);
    }
  }

  /** Requests embedding in a thread now. */
  running(): number {
    return this.pool.running();
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** The hashing embedder in threads (the same vectors and id as HashingEmbedder). */
export class ThreadedHashingEmbedder extends ThreadedEmbedder {
  constructor(threads: number, options: HashingEmbedderOptions = {}) {
    super(threads, { kind: 'hashing', options });
  }
}
