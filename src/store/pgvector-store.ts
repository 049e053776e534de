import type { Db, Queryable } from './db.js';
import { InvalidPayloadError } from '../core/errors.js';
import { assertTenantId, validateFilter, validateMetadata } from '../context/filter.js';
import { compileFilterSql } from './pgvector-filter-sql.js';
import type { Filter, QueryMatch, QueryOptions, VectorChunk, VectorStore } from '../context/types.js';

/**
 * Vector store on the service's own PostgreSQL (PGlite in tests and single-node installs), table
 * `context_chunks` from migrations/0100_context_chunks.sql.
 *
 * Isolation: `tenant_id = $n` is written into every statement by this class, outside the compiled
 * filter, and the filter compiler refuses the `tenantId` field; there is no code path that reads
 * or deletes rows without it (deleteTenant included).
 *
 * Search: HNSW (cosine) over `embedding::vector(D)` for rows `dims = D`, with pgvector 0.8's iterative
 * index scan so that selective filters (one tenant among many, one deal) still fill topK instead of
 * returning the few rows that survived the first `ef_search` candidates. Relaxed order -> re-sorted here.
 */
export interface PgVectorStoreOptions {
  dimensions: number;
  /** Embedder id: rows of one space are never compared with another's. */
  space: string;
  /** Rows per INSERT statement. Default 200. */
  insertBatch?: number;
}

const toVectorLiteral = (v: Float32Array) => {
  let s = '[';
  for (let i = 0; i < v.length; i++) { if (i) s += ','; s += Number.isFinite(v[i]!) ? v[i]! : 0; }
  return s + ']';
};

export class PgVectorStore implements VectorStore {
  readonly name = 'pgvector';
  private readonly dims: number;
  private readonly space: string;
  private readonly insertBatch: number;

  constructor(private readonly db: Db, o: PgVectorStoreOptions) {
    if (!Number.isInteger(o.dimensions) || o.dimensions < 1 || o.dimensions > 16000) throw new RangeError('dimensions must be an integer in 1..16000');
    this.dims = o.dimensions; // an integer, safe to inline (the partial index predicate needs a literal)
    this.space = o.space;
    this.insertBatch = o.insertBatch ?? 200;
  }

  async upsert(tenantId: string, chunks: VectorChunk[]): Promise<void> {
    assertTenantId(tenantId);
    if (chunks.length === 0) return;
    for (const c of chunks) {
      if (!c.id) throw new InvalidPayloadError('chunk id is required', { where: 'pgvector upsert' });
      if (c.values.length !== this.dims) throw new InvalidPayloadError(`chunk ${c.id} has ${c.values.length} dimensions, store expects ${this.dims}`, { where: 'pgvector upsert' });
      validateMetadata(c.metadata, c.id);
    }
    // Last write wins inside one call (Postgres refuses two rows with one key in one INSERT).
    const unique = [...new Map(chunks.map((c) => [c.id, c])).values()];
    await this.db.transaction(async (tx) => {
      for (let i = 0; i < unique.length; i += this.insertBatch) {
        await this.insertRows(tx, tenantId, unique.slice(i, i + this.insertBatch));
      }
    });
  }

  private async insertRows(tx: Queryable, tenantId: string, rows: VectorChunk[]): Promise<void> {
    const params: unknown[] = [tenantId, this.space, this.dims];
    const values = rows.map((c) => {
      params.push(c.id, toVectorLiteral(c.values), JSON.stringify(c.metadata), c.text ?? null);
      const n = params.length;
      return `($1, $2, $${n - 3}, $3, $${n - 2}::vector, $${n - 1}::jsonb, $${n})`;
    });
    await tx.query(
      `INSERT INTO context_chunks (tenant_id, space, id, dims, embedding, metadata, content) VALUES ${values.join(', ')}
       ON CONFLICT (tenant_id, space, id) DO UPDATE SET dims = EXCLUDED.dims, embedding = EXCLUDED.embedding,
         metadata = EXCLUDED.metadata, content = EXCLUDED.content, updated_at = now()`,
      params,
    );
  }

  async query(tenantId: string, vector: Float32Array, opts: QueryOptions): Promise<QueryMatch[]> {
    assertTenantId(tenantId);
    const topK = opts.topK;
    if (!Number.isInteger(topK) || topK < 1 || topK > 10_000) throw new InvalidPayloadError('topK must be an integer in 1..10000', { where: 'pgvector query' });
    if (vector.length !== this.dims) throw new InvalidPayloadError(`query vector has ${vector.length} dimensions, store expects ${this.dims}`, { where: 'pgvector query' });
    if (opts.filter !== undefined) validateFilter(opts.filter);
    const d = this.dims;
    const params: unknown[] = [toVectorLiteral(vector), tenantId, this.space, topK];
    const where = opts.filter ? compileFilterSql(opts.filter, 'metadata', params) : 'true';
    const ef = Math.min(1000, Math.max(40, topK * 2));
    const rows = await this.db.transaction(async (tx) => {
      await tx.query(`SET LOCAL hnsw.iterative_scan = relaxed_order`);
      await tx.query(`SET LOCAL hnsw.ef_search = ${ef}`);
      return (await tx.query<{ id: string; metadata: Record<string, unknown>; content: string | null; distance: number }>(
        `SELECT id, metadata, content, embedding::vector(${d}) <=> $1::vector(${d}) AS distance
           FROM context_chunks
          WHERE tenant_id = $2 AND space = $3 AND dims = ${d} AND (${where})
          ORDER BY embedding::vector(${d}) <=> $1::vector(${d})
          LIMIT $4`,
        params,
      )).rows;
    });
    return rows
      .map((r) => ({ id: r.id, score: 1 - Number(r.distance), metadata: r.metadata as QueryMatch['metadata'], ...(r.content !== null ? { text: r.content } : {}) }))
      .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
  }

  async deleteByIds(tenantId: string, ids: string[]): Promise<void> {
    assertTenantId(tenantId);
    if (ids.length === 0) return;
    await this.db.query('DELETE FROM context_chunks WHERE tenant_id = $1 AND space = $2 AND id = ANY($3::text[])', [tenantId, this.space, ids]);
  }

  async deleteByFilter(tenantId: string, filter: Filter): Promise<void> {
    assertTenantId(tenantId);
    validateFilter(filter);
    const params: unknown[] = [tenantId, this.space];
    const where = compileFilterSql(filter, 'metadata', params);
    await this.db.query(`DELETE FROM context_chunks WHERE tenant_id = $1 AND space = $2 AND (${where})`, params);
  }

  /** Removes the tenant's chunks in every space (offboarding). */
  async deleteTenant(tenantId: string): Promise<void> {
    assertTenantId(tenantId);
    await this.db.query('DELETE FROM context_chunks WHERE tenant_id = $1', [tenantId]);
  }

  /**
   * Refresh planner statistics after a bulk load. Without them a freshly filled table looks empty to the
   * planner, which then picks an exact scan (correct, but linear in the tenant's rows) over HNSW.
   * PGlite runs no autovacuum, so backfills should call this; Postgres's autovacuum does it eventually.
   */
  async analyze(): Promise<void> {
    await this.db.query('ANALYZE context_chunks');
  }

  /** Chunk count for one tenant in this space (tests, stats). */
  async count(tenantId: string): Promise<number> {
    assertTenantId(tenantId);
    const r = await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM context_chunks WHERE tenant_id = $1 AND space = $2', [tenantId, this.space]);
    return r.rows[0]?.n ?? 0;
  }
}

/** Whether the context index table exists (PostgreSQL without the pgvector extension skips its migration). */
export async function contextTableReady(db: Queryable): Promise<boolean> {
  const r = await db.query<{ ok: boolean }>("SELECT to_regclass('context_chunks') IS NOT NULL AS ok");
  return r.rows[0]?.ok === true;
}
