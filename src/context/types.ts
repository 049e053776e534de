/**
 * Contracts of the context layer: embedders turn text into unit vectors, vector stores keep
 * per-tenant chunks and answer nearest-neighbour queries with metadata filters.
 *
 * Tenancy is structural: every VectorStore method takes the tenant id as its own argument and the
 * store scopes by it (a column in pgvector, a namespace in Pinecone). A filter can never widen it.
 */

export interface Embedder {
  /** Stable id of the vector space (model + dimension + version); vectors from different ids never mix. */
  readonly id: string;
  readonly dimensions: number;
  /** One L2-normalised vector per input, in input order. */
  embed(texts: string[]): Promise<Float32Array[]>;
}

/** Pinecone's metadata value types (no null). Lists are lists of strings. */
export type MetadataValue = string | number | boolean | string[];
export type Metadata = Record<string, MetadataValue>;

export interface VectorChunk {
  id: string;
  values: Float32Array;
  metadata: Metadata;
  /** Chunk text. pgvector keeps it in its own column; Pinecone keeps it in metadata `text` (truncated to fit 40 KB). */
  text?: string;
}

export type Scalar = string | number | boolean;
export interface FieldOps {
  $eq?: Scalar;
  $ne?: Scalar;
  $gt?: number;
  $gte?: number;
  $lt?: number;
  $lte?: number;
  $in?: Scalar[];
  $nin?: Scalar[];
  $exists?: boolean;
}
/**
 * Pinecone's filter language (subset we support on every store):
 * `{field: value}` (= `$eq`), `{field: {$op: value}}`, `{$and: [...]}`, `{$or: [...]}`; several keys = AND.
 * On a list-valued field (`dealIds`), `$eq`/`$in` match when the list contains a value and `$ne`/`$nin`
 * when it contains none. `$ne`/`$nin` also match records without the field.
 */
export type Filter = { $and?: Filter[]; $or?: Filter[] } & {
  [field: string]: Scalar | FieldOps | Filter[] | undefined;
};

export interface QueryOptions {
  topK: number;
  filter?: Filter;
}

export interface QueryMatch {
  id: string;
  /** Cosine similarity, higher is closer. */
  score: number;
  metadata: Metadata;
  text?: string;
}

export interface VectorStore {
  readonly name: string;
  upsert(tenantId: string, chunks: VectorChunk[]): Promise<void>;
  query(tenantId: string, vector: Float32Array, opts: QueryOptions): Promise<QueryMatch[]>;
  deleteByIds(tenantId: string, ids: string[]): Promise<void>;
  deleteByFilter(tenantId: string, filter: Filter): Promise<void>;
  deleteTenant(tenantId: string): Promise<void>;
  /**
   * Stores that take bulk loads outside their ANN index (pgvector: `pending` rows) fold them in here, until
   * `deadline` (epoch ms); `rebuild` lets it rebuild the index when most of it is pending. Everything stored is
   * queryable before and after; only query cost changes.
   */
  settle?(o: { deadline?: number; rebuild?: boolean }): Promise<{ settled: number; pending: number }>;
}
