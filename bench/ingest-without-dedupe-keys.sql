-- NOT a migration: what the request statement would be with the dedupe keys moved to the worker (docs/benchmarks.md,
-- issue 15). It writes the batch rows only, no event ids, so redeliveries are NOT deduplicated: for measuring only.
-- To measure: cp bench/ingest-without-dedupe-keys.sql migrations/0401_x.sql && npm run bench -- --only=ingest;
-- then rm migrations/0401_x.sql.
CREATE OR REPLACE FUNCTION webhook_record_delivery(text, text, text, text, text, text, text, text)
RETURNS TABLE (o_batch_id text, o_accepted integer) LANGUAGE plpgsql AS $$
BEGIN
  RETURN QUERY
  WITH a AS MATERIALIZED (
    SELECT x.ord, x.account_id, x.connection_id, x.total::int AS total, nextval('webhook_batches_id_seq') AS id
      FROM ROWS FROM (json_array_elements_text($2::json), json_array_elements_text($3::json), json_array_elements_text($4::json))
           WITH ORDINALITY AS x(account_id, connection_id, total, ord)
  ), b AS (
    INSERT INTO webhook_batches (id, provider, account_id, connection_id, events, event_count, trace_context)
    SELECT a.id, $1::text, a.account_id, a.connection_id,
           CASE WHEN (SELECT count(*) FROM a) = 1 THEN $7::json ELSE $7::json -> (a.ord - 1)::int END, a.total, $8::text
      FROM a
  )
  SELECT a.id::text, a.total FROM a ORDER BY a.ord;
END
$$;
