import { siblingEntry } from '../lib/threads.js';
import { createThreadPool, type ThreadPool } from '../lib/thread-pool.js';
import { HashingEmbedder, type HashingEmbedderOptions } from './hashing-embedder.js';
import type { Embedder } from './types.js';

/**
 * The local hashing embedder, run in worker threads (EMBEDDING_THREADS at once per process): the same vectors
 * and the same vector-space id as HashingEmbedder, without blocking the event loop on a large batch.
 */
export class ThreadedHashingEmbedder implements Embedder {
  readonly id: string;
  readonly dimensions: number;
  private readonly pool: ThreadPool<{ options: HashingEmbedderOptions; texts: string[] }, Float32Array[]>;

  constructor(
    threads: number,
    private readonly options: HashingEmbedderOptions = {},
  ) {
    const inline = new HashingEmbedder(options);
    this.id = inline.id;
    this.dimensions = inline.dimensions;
    this.pool = createThreadPool({ entry: siblingEntry(import.meta.url, 'embed-thread'), size: threads });
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    return this.pool.run({ options: this.options, texts });
  }

  /** Requests embedding in a thread now. */
  running(): number {
    return this.pool.running();
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
