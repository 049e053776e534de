-- Local semantic embeddings (issue 18 item 2; src/context/sentence-embedder.ts, src/store/context-spaces.ts).
-- context_spaces: the embedder (vector space) each tenant's context index is built with. When the configured
-- embedder changes (EMBEDDINGS, a new model version, or the model falling back to hashing), a worker re-queues
-- the tenant's activities for indexing in the new space and drops its rows of the old one; queries only ever read
-- the current space (context_chunks.space), so an index is never queried with another embedder's vectors.
CREATE TABLE IF NOT EXISTS context_spaces (
  tenant_id text PRIMARY KEY,
  space text NOT NULL,
  dims integer NOT NULL,
  previous_space text,
  switched_at timestamptz NOT NULL DEFAULT now(),
  reindex_jobs integer NOT NULL DEFAULT 0
);
-- Graph indexes for the sentence model alone (512 dims) and the fusion (384 + 512 = 896), same parameters and
-- predicate as 0320's (keep PgVectorStore's ANN_INDEX in step). Skipped where pgvector is absent.
DO $$
BEGIN
  IF to_regclass('context_chunks') IS NOT NULL THEN
    CREATE INDEX IF NOT EXISTS context_chunks_ann_512 ON context_chunks USING hnsw ((embedding::vector(512)) vector_cosine_ops)
      WITH (m = 16, ef_construction = 64) WHERE dims = 512 AND NOT pending;
    CREATE INDEX IF NOT EXISTS context_chunks_ann_896 ON context_chunks USING hnsw ((embedding::vector(896)) vector_cosine_ops)
      WITH (m = 16, ef_construction = 64) WHERE dims = 896 AND NOT pending;
  END IF;
END
$$;
