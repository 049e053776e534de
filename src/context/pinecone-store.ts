import { AsyncLocalStorage } from 'node:async_hooks';
import { Pinecone, type Index, type RecordMetadata } from '@pinecone-database/pinecone';
import {
  AuthRevokedError,
  CloseloopError,
  InvalidPayloadError,
  NotFoundError,
  ProviderRejectedError,
  ProviderUnavailableError,
  QuotaExhaustedError,
  RateLimitedError,
} from '../core/errors.js';
import { decideRetry } from '../lib/retry-policy.js';
import { retryAfterAt } from '../../connectors/kit/rate-limit-headers.js';
import { assertTenantId, validateFilter, validateMetadata } from './filter.js';
import type { Filter, Metadata, QueryMatch, QueryOptions, VectorChunk, VectorStore } from './types.js';

/**
 * Vector store on Pinecone through the official client (9.x). One namespace per tenant: the client handle
 * is bound with `.namespace(ns)` for every call, so a filter can never reach another tenant's records.
 *
 * Limits honoured here (docs.pinecone.io operation limits): upsert <= 1,000 records AND <= 2 MB per request
 * (split by both, measured on the JSON we send), metadata <= 40 KB per record (chunk text is truncated to fit),
 * delete by ids <= 1,000 per call. The client retries 5xx itself but not 429: we retry 429 with backoff
 * (Retry-After honoured) through src/lib/retry-policy. Status codes are read from our own fetch wrapper,
 * never parsed out of error messages.
 */
export interface PineconeStoreOptions {
  apiKey: string;
  indexName: string;
  /** Data-plane host (`http://127.0.0.1:5081` for the fake). Without it the client asks the control plane once. */
  indexHost?: string;
  /** Control plane, default https://api.pinecone.io. */
  controllerHostUrl?: string;
  /** Namespace = prefix + tenantId. Default `tenant-`. */
  namespacePrefix?: string;
  maxRecordsPerUpsert?: number;
  /** Request-body budget for one upsert; default 1,900,000 bytes (5% under the 2 MB limit). */
  maxRequestBytes?: number;
  maxMetadataBytes?: number;
  /** Parallel upsert requests per call. Default 4. */
  concurrency?: number;
  /** 429 handling. Defaults: 6 attempts, 250 ms base, 20 s cap. */
  retry?: { maxAttempts?: number; baseMs?: number; capMs?: number };
  /** The client's own 5xx retries. Default 3. */
  clientMaxRetries?: number;
  fetchApi?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  onRetry?: (info: { op: string; attempt: number; delayMs: number; reason: string }) => void;
}

interface CallCtx {
  status?: number;
  headers?: Headers;
}

const TEXT_KEY = 'text';
const round7 = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(7)) : 0);

export class PineconeVectorStore implements VectorStore {
  readonly name = 'pinecone';
  private readonly index: Index<RecordMetadata>;
  private readonly prefix: string;
  private readonly maxRecords: number;
  private readonly maxBytes: number;
  private readonly maxMetadata: number;
  private readonly concurrency: number;
  private readonly retry: { maxAttempts: number; baseMs: number; capMs: number };
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly als = new AsyncLocalStorage<CallCtx>();

  constructor(private readonly o: PineconeStoreOptions) {
    const base = o.fetchApi ?? globalThis.fetch;
    const als = this.als;
    const observingFetch = async (input: any, init?: any): Promise<Response> => {
      const res = await base(input, init);
      const ctx = als.getStore();
      if (ctx) {
        ctx.status = res.status;
        ctx.headers = res.headers;
      }
      return res;
    };
    const pc = new Pinecone({
      apiKey: o.apiKey,
      ...(o.controllerHostUrl ? { controllerHostUrl: o.controllerHostUrl } : {}),
      fetchApi: observingFetch as any,
      maxRetries: o.clientMaxRetries ?? 3,
    });
    this.index = o.indexHost ? pc.index({ name: o.indexName, host: o.indexHost }) : pc.index({ name: o.indexName });
    this.prefix = o.namespacePrefix ?? 'tenant-';
    this.maxRecords = Math.min(1000, o.maxRecordsPerUpsert ?? 1000);
    this.maxBytes = Math.min(2_000_000, o.maxRequestBytes ?? 1_900_000);
    this.maxMetadata = Math.min(40_960, o.maxMetadataBytes ?? 40_000);
    this.concurrency = Math.max(1, o.concurrency ?? 4);
    this.retry = { maxAttempts: 6, baseMs: 250, capMs: 20_000, ...o.retry };
    this.sleep = o.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  namespaceOf(tenantId: string): string {
    assertTenantId(tenantId);
    return `${this.prefix}${tenantId}`;
  }

  async upsert(tenantId: string, chunks: VectorChunk[]): Promise<void> {
    const ns = this.index.namespace(this.namespaceOf(tenantId));
    if (chunks.length === 0) return;
    const batches = this.planUpserts(chunks);
    let next = 0;
    const worker = async () => {
      while (next < batches.length) {
        const b = batches[next++]!;
        await this.call('upsert', () => ns.upsert({ records: b }));
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, batches.length) }, worker));
  }

  /** Records -> request batches within both the count and the byte limit. Exposed for tests. */
  planUpserts(chunks: VectorChunk[]): { id: string; values: number[]; metadata: RecordMetadata }[][] {
    const envelope = 64 + 2 * (this.prefix.length + 128); // {"vectors":[...],"namespace":"..."}
    const batches: { id: string; values: number[]; metadata: RecordMetadata }[][] = [];
    let cur: { id: string; values: number[]; metadata: RecordMetadata }[] = [];
    let bytes = envelope;
    for (const c of chunks) {
      if (!c.id || c.id.length > 512)
        throw new InvalidPayloadError(`chunk id must be 1..512 characters: ${c.id.slice(0, 40)}`, {
          where: 'pinecone upsert',
        });
      validateMetadata(c.metadata, c.id);
      const rec = { id: c.id, values: Array.from(c.values, round7), metadata: this.fitMetadata(c) };
      const size = Buffer.byteLength(JSON.stringify(rec), 'utf8') + 1;
      if (size + envelope > this.maxBytes)
        throw new InvalidPayloadError(`chunk ${c.id} alone is ${size} bytes, over the upsert request limit`, {
          where: 'pinecone upsert',
        });
      if (cur.length > 0 && (cur.length >= this.maxRecords || bytes + size > this.maxBytes)) {
        batches.push(cur);
        cur = [];
        bytes = envelope;
      }
      cur.push(rec);
      bytes += size;
    }
    if (cur.length) batches.push(cur);
    return batches;
  }

  /** Metadata plus chunk text under `text`, the text cut (on a code-point boundary) until the JSON fits the limit. */
  private fitMetadata(c: VectorChunk): RecordMetadata {
    const md: Metadata = { ...c.metadata };
    if (c.text !== undefined) md[TEXT_KEY] = c.text;
    const bytes = Buffer.byteLength(JSON.stringify(md), 'utf8');
    if (bytes <= this.maxMetadata) return md as RecordMetadata;
    const text = typeof md[TEXT_KEY] === 'string' ? (md[TEXT_KEY] as string) : '';
    const without = Buffer.byteLength(JSON.stringify({ ...md, [TEXT_KEY]: '', textTruncated: true }), 'utf8');
    if (without > this.maxMetadata)
      throw new InvalidPayloadError(
        `metadata of ${c.id} is ${without} bytes without its text; limit ${this.maxMetadata}`,
        { where: 'pinecone upsert' },
      );
    // Longest code-point prefix whose JSON fits (binary search; escapes make bytes per character vary).
    const cps = Array.from(text);
    md.textTruncated = true;
    const fits = (k: number) => {
      md[TEXT_KEY] = cps.slice(0, k).join('');
      return Buffer.byteLength(JSON.stringify(md), 'utf8') <= this.maxMetadata;
    };
    let lo = 0,
      hi = cps.length;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (fits(mid)) lo = mid;
      else hi = mid - 1;
    }
    fits(lo);
    return md as RecordMetadata;
  }

  async query(tenantId: string, vector: Float32Array, opts: QueryOptions): Promise<QueryMatch[]> {
    const ns = this.index.namespace(this.namespaceOf(tenantId));
    if (!Number.isInteger(opts.topK) || opts.topK < 1 || opts.topK > 10_000)
      throw new InvalidPayloadError('topK must be an integer in 1..10000', { where: 'pinecone query' });
    if (opts.filter !== undefined) validateFilter(opts.filter);
    const res = await this.call('query', () =>
      ns.query({
        topK: opts.topK,
        vector: Array.from(vector, round7),
        includeMetadata: true,
        includeValues: false,
        ...(opts.filter ? { filter: opts.filter as object } : {}),
      }),
    );
    return (res.matches ?? []).map((m) => {
      const md = { ...(m.metadata ?? {}) } as Metadata;
      const text = typeof md[TEXT_KEY] === 'string' ? (md[TEXT_KEY] as string) : undefined;
      delete md[TEXT_KEY];
      delete md.textTruncated;
      return { id: m.id, score: m.score ?? 0, metadata: md, ...(text !== undefined ? { text } : {}) };
    });
  }

  async deleteByIds(tenantId: string, ids: string[]): Promise<void> {
    const ns = this.index.namespace(this.namespaceOf(tenantId));
    for (let i = 0; i < ids.length; i += 1000) {
      const slice = ids.slice(i, i + 1000);
      await this.call('delete', () => ns.deleteMany({ ids: slice }), { notFoundIsOk: true });
    }
  }

  async deleteByFilter(tenantId: string, filter: Filter): Promise<void> {
    const ns = this.index.namespace(this.namespaceOf(tenantId));
    validateFilter(filter);
    await this.call('delete', () => ns.deleteMany({ filter: filter as object }), { notFoundIsOk: true });
  }

  async deleteTenant(tenantId: string): Promise<void> {
    const ns = this.index.namespace(this.namespaceOf(tenantId));
    await this.call('deleteAll', () => ns.deleteAll(), { notFoundIsOk: true });
  }

  /** Run one client call: classify its failure by HTTP status, retry 429s, map to our error catalog. */
  private async call<T>(op: string, fn: () => Promise<T>, o: { notFoundIsOk?: boolean } = {}): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const ctx: CallCtx = {};
      try {
        return await this.als.run(ctx, fn);
      } catch (e) {
        const err = mapPineconeError(e, ctx, op);
        if (o.notFoundIsOk && err instanceof NotFoundError) return undefined as T; // namespace already gone: nothing to delete
        if (!(err instanceof RateLimitedError)) throw err;
        const d = decideRetry(err, attempt, { ...this.retry, idempotent: true, now: Date.now() });
        if (!d.retry) throw err;
        const delayMs = Math.min(d.delayMs, this.retry.capMs);
        this.o.onRetry?.({ op, attempt, delayMs, reason: d.reason });
        await this.sleep(delayMs);
      }
    }
  }
}

/** The only reader of Pinecone failures. `ctx.status` comes from our fetch wrapper (last response seen). */
export function mapPineconeError(e: unknown, ctx: CallCtx, op: string): CloseloopError {
  if (e instanceof CloseloopError) return e;
  const where = `pinecone ${op}`;
  const status = ctx.status !== undefined && ctx.status >= 400 ? ctx.status : undefined;
  const msg = `${where}: ${(e as Error)?.message ?? String(e)}`;
  const d = { provider: 'pinecone', where, status, cause: e };
  if (status === 429) {
    return new RateLimitedError(msg, { ...d, retryAt: retryAfterAt(ctx.headers, Date.now()) ?? undefined });
  }
  if (status === 401) return new AuthRevokedError(msg, d);
  if (status === 402) return new QuotaExhaustedError(msg, d);
  if (status === 404) return new NotFoundError(msg, d);
  if (status !== undefined && status >= 500) return new ProviderUnavailableError(msg, d);
  if (status !== undefined) return new ProviderRejectedError(msg, { ...d, status });
  const name = (e as Error)?.name ?? '';
  if (name === 'PineconeArgumentError') return new InvalidPayloadError(msg, d);
  return new ProviderUnavailableError(msg, d); // connection errors, retries exhausted
}
