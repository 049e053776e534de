-- Context index for retrieval (src/inference/context/pgvector-store.ts).
-- One row per chunk. tenant_id is part of the key and of every query: tenant isolation is structural.
-- `space` is the embedder id: vectors from different embedders never meet in one query.
-- `embedding` is an untyped vector so several dimensions can share the table; each supported
-- dimension gets a partial HNSW expression index (pgvector's documented pattern), queried with
-- the same cast and predicate.
CREATE EXTENSION IF NOT EXISTS vector;

CREATE TABLE IF NOT EXISTS context_chunks (
  tenant_id text NOT NULL,
  space text NOT NULL,
  id text NOT NULL,
  dims integer NOT NULL,
  embedding vector NOT NULL,
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  content text,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, space, id),
  CONSTRAINT context_chunks_dims CHECK (vector_dims(embedding) = dims)
);

CREATE INDEX IF NOT EXISTS context_chunks_metadata ON context_chunks USING gin (metadata jsonb_path_ops);

CREATE INDEX IF NOT EXISTS context_chunks_hnsw_384 ON context_chunks
  USING hnsw ((embedding::vector(384)) vector_cosine_ops) WHERE dims = 384;

CREATE INDEX IF NOT EXISTS context_chunks_hnsw_1536 ON context_chunks
  USING hnsw ((embedding::vector(1536)) vector_cosine_ops) WHERE dims = 1536;
