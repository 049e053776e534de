-- The request path records a delivery and nothing else (issue 15): one webhook_batches row per account, its events
-- as one json text, in ONE statement (autocommit: one commit, durable before the 2xx). The dedupe by provider event
-- id moved to the worker that claims the batch (src/sync/process-inbox.ts): it skips events whose key another
-- batch already holds, before any CRM read, and writes the keys of the events it processed in the same transaction
-- that marks the batch processed. webhook_event_ids keeps its meaning (key = provider || ':' || length(account) ||
-- ':' || account || ':' || event id, as in migrations/0101); rows written by the old request path carry the batch
-- that won them, so a batch recorded before this migration is still processed whole.
-- Arguments, each text (lists as json text): $1 provider; per account $2 ids, $3 connections, $4 event counts;
-- $5 the events (one account: its json array; several: an array of them); $6 the trace context (null when tracing
-- is off). One row per account, in order: its batch id. PL/pgSQL so the session keeps the plan (migrations/0400).
CREATE OR REPLACE FUNCTION webhook_record_batches(text, text, text, text, text, text)
RETURNS TABLE (o_batch_id text) LANGUAGE plpgsql AS $$
BEGIN
  RETURN QUERY
  WITH a AS MATERIALIZED (
    SELECT x.ord, x.account_id, x.connection_id, x.total::int AS total, nextval('webhook_batches_id_seq') AS id
      FROM ROWS FROM (json_array_elements_text($2::json), json_array_elements_text($3::json), json_array_elements_text($4::json))
           WITH ORDINALITY AS x(account_id, connection_id, total, ord)
  ), b AS (
    INSERT INTO webhook_batches (id, provider, account_id, connection_id, events, event_count, trace_context)
    SELECT a.id, $1::text, a.account_id, a.connection_id,
           CASE WHEN (SELECT count(*) FROM a) = 1 THEN $5::json ELSE $5::json -> (a.ord - 1)::int END, a.total, $6::text
      FROM a
  )
  SELECT a.id::text FROM a ORDER BY a.ord;
END
$$;

-- webhook_record_delivery (migrations/0400) stays: web processes of the previous release call it until a rolling
-- deploy replaces them, and the batches they record are processed by the new workers as above.
