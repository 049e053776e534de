-- Context index at scale (issue 15 item 4, issue 14 item 5; src/store/pgvector-store.ts).
-- `pending`: rows written by a bulk load (a backfill) are stored and queryable at once, but kept out of the
-- HNSW graph, whose one-row-at-a-time insert is the cost of indexing (~3-10 ms a row on PGlite). Queries read
-- them with an exact scan beside the HNSW scan; PgVectorStore.settle() later clears the flag in small
-- transactions, which extends the graph in the background (the schedule "context-settle", src/jobs/cron.ts).
-- The HNSW indexes are rebuilt with a predicate that leaves pending rows out, and with the graph parameters
-- chosen by measurement (docs/benchmarks.md, "context index"). Skipped, like 0100, where pgvector is absent.
DO $$
BEGIN
  IF to_regclass('context_chunks') IS NOT NULL THEN
    ALTER TABLE context_chunks ADD COLUMN IF NOT EXISTS pending boolean NOT NULL DEFAULT false;
    CREATE INDEX IF NOT EXISTS context_chunks_pending ON context_chunks (tenant_id, space) WHERE pending;
    DROP INDEX IF EXISTS context_chunks_hnsw_384;
    DROP INDEX IF EXISTS context_chunks_hnsw_1536;
    CREATE INDEX IF NOT EXISTS context_chunks_ann_384 ON context_chunks USING hnsw ((embedding::vector(384)) vector_cosine_ops)
      WITH (m = 16, ef_construction = 64) WHERE dims = 384 AND NOT pending;
    CREATE INDEX IF NOT EXISTS context_chunks_ann_1536 ON context_chunks USING hnsw ((embedding::vector(1536)) vector_cosine_ops)
      WITH (m = 16, ef_construction = 64) WHERE dims = 1536 AND NOT pending;
  END IF;
END
$$;
