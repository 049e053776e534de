import type { Db, Queryable } from './db.js';
import { InvalidPayloadError } from '../core/errors.js';
import { assertTenantId, validateFilter, validateMetadata } from '../context/filter.js';
import { compileFilterSql } from './pgvector-filter-sql.js';
import { encodeContextCopy } from './pgvector-copy.js';
import type { Filter, QueryMatch, QueryOptions, VectorChunk, VectorStore } from '../context/types.js';
import { storableJson, storableText } from '../lib/storable.js';

/**
 * Vector store on the service's own PostgreSQL (PGlite in tests and single-node installs), table
 * `context_chunks` from migrations/0100_context_chunks.sql and 0320_context_bulk_load.sql.
 *
 * Isolation: `tenant_id = $n` is written into every statement by this class, outside the compiled
 * filter, and the filter compiler refuses the `tenantId` field; there is no code path that reads
 * or deletes rows without it (deleteTenant included; settle() only clears a flag).
 *
 * Writes: a call with fewer than `bulkRows` chunks (a webhook's email) goes straight into the HNSW graph, as
 * before. A larger call (a backfill page) is a bulk load: one binary COPY on PGlite, one unnest statement on
 * PostgreSQL, rows marked `pending` so the HNSW index skips them. Pending rows are answered at once by an exact
 * scan beside the HNSW scan, and settle() moves them into the graph later in small transactions.
 *
 * Search: HNSW (cosine) over `embedding::vector(D)` for rows `dims = D AND NOT pending` — or IVFFlat, which a
 * PGlite rebuild of a large dimension makes instead (rebuild()) — with pgvector 0.8's iterative index scan so that
 * selective filters (one tenant among many, one deal) keep scanning past the first `ef_search` candidates (or
 * `probes` lists); relaxed order, re-sorted here. When the scan still comes back short (it stops
 * after hnsw.max_scan_tuples, 20,000 by default), the same query runs again as an exact scan of the tenant's
 * rows, so a small tenant always gets min(topK, its matching rows).
 */
export interface PgVectorStoreOptions {
  /** A function when the embedder can change its space at run time (the local model falling back to hashing). */
  dimensions: number | (() => number);
  /** Embedder id: rows of one space are never compared with another's. Read at every call when a function. */
  space: string | (() => string);
  /** Rows per INSERT statement on the near-real-time path. Default 200. */
  insertBatch?: number;
  /** A call with at least this many chunks is a bulk load (pending rows, settled later). Default 50. */
  bulkRows?: number;
  /** hnsw.ef_search for topK 10 (raised with topK). Default 100, chosen by measurement (docs/benchmarks.md). */
  efSearch?: number;
  /** hnsw.max_scan_tuples for the iterative scan; default pgvector's (20,000). A short scan falls back to exact. */
  maxScanTuples?: number;
  /**
   * The index a rebuild makes on PGlite when the dimension holds at least this many rows: IVFFlat instead of HNSW
   * (IVF_MIN_ROWS by default; Infinity keeps HNSW). PostgreSQL always builds HNSW (in parallel, off the request path).
   */
  ivfMinRows?: number;
  /** ivfflat.probes for topK 10 (raised with topK), when the graph index is IVFFlat. Default IVF_PROBES. */
  probes?: number;
  /** Rows per IVFFlat list (cluster) at a rebuild, up to a million rows. Default IVF_ROWS_PER_LIST. */
  ivfRowsPerList?: number;
}

/** Nine significant digits write any float32 exactly (shorter than JavaScript's shortest double form). */
const toVectorLiteral = (v: Float32Array) => {
  let s = '[';
  for (let i = 0; i < v.length; i++) {
    if (i) s += ',';
    const x = v[i]!;
    s += x === 0 || !Number.isFinite(x) ? '0' : x.toPrecision(9);
  }
  return s + ']';
};

const UPSERT_TAIL = `ON CONFLICT (tenant_id, space, id) DO UPDATE SET dims = EXCLUDED.dims, embedding = EXCLUDED.embedding,
         metadata = EXCLUDED.metadata, content = EXCLUDED.content, pending = EXCLUDED.pending, updated_at = now()`;

/** Dimensions with a graph index (migrations/0320_context_bulk_load.sql and 0440_context_spaces.sql); keep in step. */
const ANN_DIMS: ReadonlySet<number> = new Set([384, 512, 896, 1536]);
/** The migrations' HNSW index of one dimension, for rebuild(). */
const hnswIndex = (d: number) =>
  `CREATE INDEX IF NOT EXISTS context_chunks_ann_${d} ON context_chunks USING hnsw ((embedding::vector(${d})) vector_cosine_ops) WITH (m = 16, ef_construction = 64) WHERE dims = ${d} AND NOT pending`;
/**
 * The same index as IVFFlat with `lists` clusters. PGlite builds on one thread inside WebAssembly: HNSW at 100,000
 * chunks takes minutes there (a k-means and one pass over the rows: seconds). pgvector's guidance: rows / 1,000
 * lists up to a million rows, sqrt(rows) beyond; probes about sqrt(lists), here chosen by measurement
 * (docs/benchmarks.md, bench/context-scale.ts).
 */
const ivfIndex = (d: number, lists: number) =>
  `CREATE INDEX IF NOT EXISTS context_chunks_ann_${d} ON context_chunks USING ivfflat ((embedding::vector(${d})) vector_cosine_ops) WITH (lists = ${lists}) WHERE dims = ${d} AND NOT pending`;
export const ivfLists = (rows: number, rowsPerList = IVF_ROWS_PER_LIST): number =>
  Math.max(10, Math.round(rows <= 1_000_000 ? rows / rowsPerList : Math.sqrt(rows)));
/** Rows per list (docs/benchmarks.md: fewer rows per list, fewer vectors read per probe for the same recall). */
export const IVF_ROWS_PER_LIST = 250;
/** PGlite rebuilds a dimension of at least this many rows as IVFFlat (below it HNSW builds in seconds). */
export const IVF_MIN_ROWS = 20_000;
/** ivfflat.probes for topK 10 (docs/benchmarks.md: recall@10 and p99 by probes at 100,000 chunks). */
export const IVF_PROBES = 4;
/** Memory for one index build: an in-memory HNSW build is several times faster than one that spills. */
const BUILD_MEMORY = '512MB';
/**
 * Largest dimension PGlite rebuilds in one blocking build from settle() (IVFFlat: about 20 s per 100,000 rows on one
 * core); beyond it rows are settled a batch at a time.
 */
const PGLITE_REBUILD_ROWS = 150_000;

export class PgVectorStore implements VectorStore {
  readonly name = 'pgvector';
  private readonly dimsOf: () => number;
  private readonly spaceOf: () => string;
  private readonly insertBatch: number;
  private readonly bulkRows: number;
  private readonly efSearch: number;
  private readonly maxScanTuples: number | null;
  private readonly ivfMinRows: number;
  private readonly probes: number;
  private readonly ivfRowsPerList: number;

  constructor(
    private readonly db: Db,
    o: PgVectorStoreOptions,
  ) {
    const dims = o.dimensions;
    const space = o.space;
    this.dimsOf = typeof dims === 'function' ? dims : () => dims;
    this.spaceOf = typeof space === 'function' ? space : () => space;
    void this.dims; // validated now, and at every read
    this.insertBatch = o.insertBatch ?? 200;
    this.bulkRows = Math.max(1, o.bulkRows ?? 50);
    this.efSearch = Math.min(1000, Math.max(10, Math.floor(o.efSearch ?? 100)));
    this.maxScanTuples = o.maxScanTuples !== undefined ? Math.max(1, Math.floor(o.maxScanTuples)) : null;
    this.ivfMinRows = o.ivfMinRows ?? IVF_MIN_ROWS;
    this.probes = Math.max(1, Math.floor(o.probes ?? IVF_PROBES));
    this.ivfRowsPerList = Math.max(1, o.ivfRowsPerList ?? IVF_ROWS_PER_LIST);
  }

  /** An integer, checked at every read, so safe to inline (the partial index predicate needs a literal). */
  private get dims(): number {
    const d = this.dimsOf();
    if (!Number.isInteger(d) || d < 1 || d > 16000) throw new RangeError('dimensions must be an integer in 1..16000');
    return d;
  }

  private get space(): string {
    return this.spaceOf();
  }

  async upsert(tenantId: string, chunks: VectorChunk[]): Promise<void> {
    assertTenantId(tenantId);
    if (chunks.length === 0) return;
    for (const c of chunks) {
      if (!c.id) throw new InvalidPayloadError('chunk id is required', { where: 'pgvector upsert' });
      if (c.values.length !== this.dims)
        throw new InvalidPayloadError(`chunk ${c.id} has ${c.values.length} dimensions, store expects ${this.dims}`, {
          where: 'pgvector upsert',
        });
      validateMetadata(c.metadata, c.id);
    }
    // Last write wins inside one call (Postgres refuses two rows with one key in one INSERT).
    const unique = [...new Map(chunks.map((c) => [c.id, c])).values()];
    if (unique.length >= this.bulkRows) return this.bulkLoad(tenantId, unique);
    await this.db.transaction(async (tx) => {
      for (let i = 0; i < unique.length; i += this.insertBatch) {
        await this.insertRows(tx, tenantId, unique.slice(i, i + this.insertBatch));
      }
    });
  }

  private async insertRows(tx: Queryable, tenantId: string, rows: VectorChunk[]): Promise<void> {
    const params: unknown[] = [tenantId, this.space, this.dims];
    const values = rows.map((c) => {
      params.push(
        c.id,
        toVectorLiteral(c.values),
        storableJson(c.metadata),
        c.text == null ? null : storableText(c.text),
      );
      const n = params.length;
      return `($1, $2, $${n - 3}, $3, $${n - 2}::vector, $${n - 1}::jsonb, $${n}, false)`;
    });
    await tx.query(
      `INSERT INTO context_chunks (tenant_id, space, id, dims, embedding, metadata, content, pending) VALUES ${values.join(', ')} ${UPSERT_TAIL}`,
      params,
    );
  }

  /** Many rows in one statement, marked pending (outside the HNSW graph until settle()). One transaction. */
  private async bulkLoad(tenantId: string, rows: VectorChunk[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      if (tx.copyFrom) {
        await tx.query(
          'CREATE TEMP TABLE IF NOT EXISTS context_chunks_load (id text, embedding vector, metadata jsonb, content text) ON COMMIT DELETE ROWS',
        );
        await tx.copyFrom(
          "COPY context_chunks_load FROM '/dev/blob' WITH (FORMAT binary)",
          encodeContextCopy(
            rows.map((c) => ({
              id: c.id,
              values: c.values,
              metadataJson: storableJson(c.metadata),
              text: c.text == null ? null : storableText(c.text),
            })),
          ),
        );
        await tx.query(
          `INSERT INTO context_chunks (tenant_id, space, id, dims, embedding, metadata, content, pending)
          SELECT $1, $2, id, $3, embedding, metadata, content, true FROM context_chunks_load ${UPSERT_TAIL}`,
          [tenantId, this.space, this.dims],
        );
        return;
      }
      for (let i = 0; i < rows.length; i += 2000) {
        const slice = rows.slice(i, i + 2000);
        await tx.query(
          `INSERT INTO context_chunks (tenant_id, space, id, dims, embedding, metadata, content, pending)
          SELECT $1, $2, u.id, $3, u.e::vector, u.m::jsonb, u.c, true FROM unnest($4::text[], $5::text[], $6::text[], $7::text[]) AS u(id, e, m, c) ${UPSERT_TAIL}`,
          [
            tenantId,
            this.space,
            this.dims,
            slice.map((c) => c.id),
            slice.map((c) => toVectorLiteral(c.values)),
            slice.map((c) => storableJson(c.metadata)),
            slice.map((c) => (c.text == null ? null : storableText(c.text))),
          ],
        );
      }
    });
  }

  /**
   * Move pending rows (any tenant, any space) into the HNSW graph: up to `maxRows` or until `deadline`, `batch`
   * rows a transaction so other writers and readers interleave. With `rebuild`, a table at least half pending is
   * folded by one index build instead (rebuild()). A missing graph index is always rebuilt first.
   * Returns how many rows moved and how many still wait.
   */
  async settle(
    o: { maxRows?: number; batch?: number; deadline?: number; rebuild?: boolean } = {},
  ): Promise<{ settled: number; pending: number }> {
    // A graph index lost to a crash mid-rebuild, or a table mostly pending (a first backfill) where the caller
    // allows it: one build instead of row-by-row inserts.
    const index = ANN_DIMS.has(this.dims) ? await this.annIndex() : null;
    if (ANN_DIMS.has(this.dims) && !index?.valid)
      return { settled: (await this.rebuild()).rows, pending: await this.pendingCount() };
    if (o.rebuild) {
      const c = (
        await this.db.query<{ pending: number; total: number }>(
          `SELECT count(*) FILTER (WHERE pending)::int AS pending, count(*)::int AS total FROM context_chunks WHERE dims = ${this.dims}`,
        )
      ).rows[0]!;
      // An IVFFlat index built for a quarter of today's rows reads four times the rows per probe: rebuilt.
      const outgrown = index?.lists != null && c.total > 4 * index.lists * this.ivfRowsPerList;
      // PGlite blocks its one connection for the build: seconds (HNSW below ivfMinRows rows, IVFFlat above), so
      // only up to PGLITE_REBUILD_ROWS; beyond it rows are settled a batch at a time.
      const blockingOk = this.db.engine === 'postgres' || c.total <= PGLITE_REBUILD_ROWS;
      if (((c.pending > 0 && c.pending * 2 >= c.total) || outgrown) && blockingOk)
        return { settled: (await this.rebuild()).rows, pending: await this.pendingCount() };
    }
    const maxRows = o.maxRows ?? Number.MAX_SAFE_INTEGER;
    const batch = Math.max(1, o.batch ?? 200);
    let settled = 0;
    while (settled < maxRows && (o.deadline === undefined || Date.now() < o.deadline)) {
      const r = await this.db.query(
        `UPDATE context_chunks c SET pending = false
           FROM (SELECT tenant_id, space, id FROM context_chunks WHERE pending LIMIT $1 FOR UPDATE SKIP LOCKED) p
          WHERE c.tenant_id = p.tenant_id AND c.space = p.space AND c.id = p.id`,
        [Math.min(batch, maxRows - settled)],
      );
      if (r.affectedRows === 0) break;
      settled += r.affectedRows;
    }
    return { settled, pending: await this.pendingCount() };
  }

  /**
   * Fold every pending row of this dimension into the graph with one index build instead of row-by-row inserts
   * (an HNSW build from scratch runs 5-17x faster than inserting the same rows one by one). Worth it when most of
   * the table is pending, as after a first backfill: meanwhile queries of every tenant are exact scans (correct,
   * slower). PostgreSQL drops and builds the index CONCURRENTLY, so writes go on; PGlite holds its one connection
   * for the build, and from `ivfMinRows` rows builds IVFFlat (lists by `ivfRowsPerList`) instead of HNSW, whose
   * single-threaded WebAssembly build takes minutes at 100,000 rows. If the process dies between the drop and the
   * build, the next settle() builds it again.
   */
  async rebuild(): Promise<{ rows: number }> {
    const d = this.dims;
    const name = `context_chunks_ann_${d}`;
    if (!ANN_DIMS.has(d)) {
      const r = await this.db.query(`UPDATE context_chunks SET pending = false WHERE dims = ${d} AND pending`);
      return { rows: r.affectedRows };
    }
    let def = hnswIndex(d);
    if (this.db.engine === 'postgres') {
      return this.db.session(async (s) => {
        await s.query(`SET maintenance_work_mem = '${BUILD_MEMORY}'`);
        await s.query(`DROP INDEX CONCURRENTLY IF EXISTS ${name}`);
        const r = await s.query(`UPDATE context_chunks SET pending = false WHERE dims = ${d} AND pending`);
        await s.query(def.replace('CREATE INDEX', 'CREATE INDEX CONCURRENTLY'));
        await s.query('RESET maintenance_work_mem');
        return { rows: r.affectedRows };
      });
    }
    return this.db.transaction(async (tx) => {
      await tx.query(`SET LOCAL maintenance_work_mem = '${BUILD_MEMORY}'`);
      await tx.query(`DROP INDEX IF EXISTS ${name}`);
      const r = await tx.query(`UPDATE context_chunks SET pending = false WHERE dims = ${d} AND pending`);
      const rows = (await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM context_chunks WHERE dims = ${d}`))
        .rows[0]!.n;
      if (rows >= this.ivfMinRows) def = ivfIndex(d, ivfLists(rows, this.ivfRowsPerList));
      await tx.query(def);
      return { rows: r.affectedRows };
    });
  }

  /**
   * The graph index of this dimension: valid or not (a build that died leaves it missing or INVALID), and its
   * IVFFlat lists (null for HNSW).
   */
  private async annIndex(): Promise<{ valid: boolean; lists: number | null } | null> {
    const r = await this.db.query<{ ok: boolean; options: string[] | null }>(
      `SELECT i.indisvalid AS ok, c.reloptions AS options FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = $1`,
      [`context_chunks_ann_${this.dims}`],
    );
    const row = r.rows[0];
    if (!row) return null;
    const lists = row.options?.find((x) => x.startsWith('lists='));
    return { valid: row.ok === true, lists: lists ? Number(lists.slice(6)) : null };
  }

  /** Rows waiting for settle() (every tenant and space). */
  async pendingCount(): Promise<number> {
    const r = await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM context_chunks WHERE pending');
    return r.rows[0]?.n ?? 0;
  }

  async query(tenantId: string, vector: Float32Array, opts: QueryOptions): Promise<QueryMatch[]> {
    assertTenantId(tenantId);
    const topK = opts.topK;
    if (!Number.isInteger(topK) || topK < 1 || topK > 10_000)
      throw new InvalidPayloadError('topK must be an integer in 1..10000', { where: 'pgvector query' });
    if (vector.length !== this.dims)
      throw new InvalidPayloadError(`query vector has ${vector.length} dimensions, store expects ${this.dims}`, {
        where: 'pgvector query',
      });
    if (opts.filter !== undefined) validateFilter(opts.filter);
    const d = this.dims;
    const params: unknown[] = [toVectorLiteral(vector), tenantId, this.space, topK];
    const where = opts.filter ? compileFilterSql(opts.filter, 'metadata', params) : 'true';
    const ef = Math.min(1000, Math.max(this.efSearch, topK * 2));
    const probes = Math.min(1000, Math.ceil((this.probes * Math.max(10, topK)) / 10));
    const select = `SELECT id, metadata, content, pending, embedding::vector(${d}) <=> $1::vector(${d}) AS distance
           FROM context_chunks
          WHERE tenant_id = $2 AND space = $3 AND dims = ${d} AND (${where})`;
    const order = `ORDER BY embedding::vector(${d}) <=> $1::vector(${d}) LIMIT $4`;
    type Row = {
      id: string;
      metadata: Record<string, unknown>;
      content: string | null;
      pending: boolean;
      distance: number;
    };
    const rows = await this.db.transaction(async (tx) => {
      // Both index types' settings (the dimension's graph index is HNSW, or IVFFlat after a large PGlite rebuild),
      // transaction-local, in one round trip.
      const settings: [string, string][] = [
        ['hnsw.iterative_scan', 'relaxed_order'],
        ['hnsw.ef_search', String(ef)],
        ['ivfflat.iterative_scan', 'relaxed_order'],
        ['ivfflat.probes', String(probes)],
        ...(this.maxScanTuples !== null
          ? [['hnsw.max_scan_tuples', String(this.maxScanTuples)] as [string, string]]
          : []),
      ];
      await tx.query(
        `SELECT ${settings.map((_, i) => `set_config($${2 * i + 1}, $${2 * i + 2}, true)`).join(', ')}`,
        settings.flat(),
      );
      // The graph (settled rows) and an exact scan of the rows a bulk load left pending, merged below.
      const found = (
        await tx.query<Row>(`(${select} AND NOT pending ${order}) UNION ALL (${select} AND pending ${order})`, params)
      ).rows;
      if (found.filter((r) => !r.pending).length >= topK) return found;
      // The graph came back short: the tenant (or the filter) has fewer settled rows than topK, or the iterative
      // scan gave up at hnsw.max_scan_tuples before it met enough of them. An exact scan of the tenant's rows
      // (found through the primary key, not the graph) settles which.
      await tx.query('SET LOCAL enable_indexscan = off');
      return (await tx.query<Row>(`${select} ${order}`, params)).rows;
    });
    return rows
      .map((r) => ({
        id: r.id,
        score: 1 - Number(r.distance),
        metadata: r.metadata as QueryMatch['metadata'],
        ...(r.content !== null ? { text: r.content } : {}),
      }))
      .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1))
      .slice(0, topK);
  }

  async deleteByIds(tenantId: string, ids: string[]): Promise<void> {
    assertTenantId(tenantId);
    if (ids.length === 0) return;
    await this.db.query('DELETE FROM context_chunks WHERE tenant_id = $1 AND space = $2 AND id = ANY($3::text[])', [
      tenantId,
      this.space,
      ids,
    ]);
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
    const r = await this.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM context_chunks WHERE tenant_id = $1 AND space = $2',
      [tenantId, this.space],
    );
    return r.rows[0]?.n ?? 0;
  }
}

/** Whether the context index table exists (PostgreSQL without the pgvector extension skips its migration). */
export async function contextTableReady(db: Queryable): Promise<boolean> {
  const r = await db.query<{ ok: boolean }>("SELECT to_regclass('context_chunks') IS NOT NULL AS ok");
  return r.rows[0]?.ok === true;
}
