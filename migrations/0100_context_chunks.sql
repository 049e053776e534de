-- Context index for retrieval (src/inference/context/pgvector-store.ts).
-- One row per chunk. tenant_id is part of the key and of every query: tenant isolation is structural.
-- `space` is the embedder id: vectors from different embedders never meet in one query.
-- `embedding` is an untyped vector so several dimensions can share the table; each supported
-- dimension gets a partial HNSW expression index (pgvector's documented pattern), queried with
-- the same cast and predicate.
-- PGlite always has pgvector (@electric-sql/pglite-pgvector). A PostgreSQL server may not: then this
-- migration creates nothing and the pgvector store reports VECTOR_STORE_UNAVAILABLE when used
-- (install pgvector on the server, or use Pinecone). A later migration can retry once it is installed.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector') THEN
    EXECUTE 'CREATE EXTENSION IF NOT EXISTS vector';
    EXECUTE $q$
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
      )
    $q$;
    EXECUTE 'CREATE INDEX IF NOT EXISTS context_chunks_metadata ON context_chunks USING gin (metadata jsonb_path_ops)';
    EXECUTE 'CREATE INDEX IF NOT EXISTS context_chunks_hnsw_384 ON context_chunks USING hnsw ((embedding::vector(384)) vector_cosine_ops) WHERE dims = 384';
    EXECUTE 'CREATE INDEX IF NOT EXISTS context_chunks_hnsw_1536 ON context_chunks USING hnsw ((embedding::vector(1536)) vector_cosine_ops) WHERE dims = 1536';
  END IF;
END
$$;
