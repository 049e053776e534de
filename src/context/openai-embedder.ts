import OpenAI from 'openai';
import { InvalidPayloadError } from '../core/errors.js';
import { mapOpenAIError } from '../llm/openai-errors.js';
import type { Embedder } from './types.js';

/**
 * Embeddings through the official `openai` client (any OpenAI-compatible server via baseURL).
 * The SDK requests `encoding_format: "base64"` and decodes little-endian float32 itself; we keep that default.
 * Inputs are sent in batches bounded by count and by an estimate of tokens (the API caps both per request).
 */
export interface OpenAIEmbedderOptions {
  apiKey: string;
  baseURL?: string;
  model?: string;
  /** Requested output size (text-embedding-3-* support shortening). Default 1536. */
  dimensions?: number;
  /** Inputs per request; the API allows 2048. Default 256. */
  batchSize?: number;
  /** Rough token budget per request (chars / 4); the API allows 300,000. Default 250,000. */
  maxTokensPerRequest?: number;
  /** Per-input cap in characters, so one huge chunk cannot exceed the 8,192-token input limit. Default 24,000. */
  maxCharsPerInput?: number;
  /** The SDK's own retries (408/409/429/5xx, honouring retry-after). Default 2. */
  maxRetries?: number;
  timeoutMs?: number;
  /** For tests: a pre-built client. */
  client?: OpenAI;
}

const estimateTokens = (s: string) => Math.ceil(s.length / 4);

export class OpenAIEmbedder implements Embedder {
  readonly id: string;
  readonly dimensions: number;
  readonly model: string;
  private readonly client: OpenAI;
  private readonly batchSize: number;
  private readonly maxTokens: number;
  private readonly maxChars: number;

  constructor(o: OpenAIEmbedderOptions) {
    this.model = o.model ?? 'text-embedding-3-small';
    this.dimensions = o.dimensions ?? 1536;
    this.batchSize = Math.min(2048, Math.max(1, o.batchSize ?? 256));
    this.maxTokens = o.maxTokensPerRequest ?? 250_000;
    this.maxChars = o.maxCharsPerInput ?? 24_000;
    this.id = `openai:${this.model}:d${this.dimensions}`;
    this.client =
      o.client ??
      new OpenAI({
        apiKey: o.apiKey,
        baseURL: o.baseURL,
        maxRetries: o.maxRetries ?? 2,
        timeout: o.timeoutMs ?? 60_000,
      });
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    const out: Float32Array[] = new Array(texts.length);
    for (const batch of this.batches(texts)) {
      const vectors = await this.request(batch.map((i) => texts[i]!.slice(0, this.maxChars) || ' '));
      batch.forEach((i, k) => {
        out[i] = vectors[k]!;
      });
    }
    return out;
  }

  /** Index batches bounded by count and by estimated tokens. */
  private *batches(texts: string[]): Generator<number[]> {
    let cur: number[] = [];
    let tokens = 0;
    for (let i = 0; i < texts.length; i++) {
      const t = estimateTokens(texts[i]!.slice(0, this.maxChars));
      if (cur.length > 0 && (cur.length >= this.batchSize || tokens + t > this.maxTokens)) {
        yield cur;
        cur = [];
        tokens = 0;
      }
      cur.push(i);
      tokens += t;
    }
    if (cur.length) yield cur;
  }

  private async request(input: string[]): Promise<Float32Array[]> {
    let res: OpenAI.Embeddings.CreateEmbeddingResponse;
    try {
      res = await this.client.embeddings.create({ model: this.model, input, dimensions: this.dimensions });
    } catch (e) {
      throw mapOpenAIError(e, { where: 'POST /embeddings', now: Date.now() });
    }
    if (!res || !Array.isArray(res.data) || res.data.length !== input.length) {
      throw new InvalidPayloadError(
        `POST /embeddings: expected ${input.length} embeddings, got ${Array.isArray(res?.data) ? res.data.length : 'none'}`,
        { provider: 'openai', where: 'POST /embeddings' },
      );
    }
    const out: Float32Array[] = new Array(input.length);
    for (const item of res.data) {
      const v = item.embedding as unknown as Float32Array | number[];
      if (
        !Number.isInteger(item.index) ||
        item.index < 0 ||
        item.index >= input.length ||
        v.length !== this.dimensions
      ) {
        throw new InvalidPayloadError(
          `POST /embeddings: item ${item.index} has ${v.length} dimensions, expected ${this.dimensions}`,
          { provider: 'openai', where: 'POST /embeddings' },
        );
      }
      out[item.index] = normalise(v instanceof Float32Array ? v : Float32Array.from(v));
    }
    return out;
  }
}

/** OpenAI vectors are unit length already; re-normalising guards shortened or third-party vectors. */
function normalise(v: Float32Array): Float32Array {
  let n = 0;
  for (let i = 0; i < v.length; i++) n += v[i]! * v[i]!;
  if (n > 0 && Math.abs(n - 1) > 1e-4) {
    const s = 1 / Math.sqrt(n);
    for (let i = 0; i < v.length; i++) v[i]! *= s;
  }
  return v;
}
