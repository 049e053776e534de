-- The request path's one statement (src/store/inbox.ts insertDelivery) as a PL/pgSQL function: the session keeps
-- its parsed statement and plan (SPI plan cache), so a webhook no longer pays to parse, analyse and plan this
-- multi-CTE statement on every request (on PGlite about half the statement's CPU; docs/benchmarks.md, issue 15).
-- Still ONE statement per request (SELECT ... FROM webhook_record_delivery(...)), autocommitted: one commit.
-- Arguments, each text (lists as json text): $1 provider; per account $2 ids, $3 connections, $4 counts of unique
-- events; per event $5 event ids and $6 the account's ordinal (1-based); $7 the events (one account: its json
-- array; several: an array of them); $8 the trace context (null when tracing is off). One row per account, in
-- order: the batch id (null when every event of the account was known) and the events it accepted.
-- The event key is the one of migrations/0101: provider || ':' || length(account) || ':' || account || ':' || event id.
CREATE OR REPLACE FUNCTION webhook_record_delivery(text, text, text, text, text, text, text, text)
RETURNS TABLE (o_batch_id text, o_accepted integer) LANGUAGE plpgsql AS $$
BEGIN
  RETURN QUERY
  WITH a AS MATERIALIZED (
    SELECT x.ord, x.account_id, x.connection_id, x.total::int AS total, nextval('webhook_batches_id_seq') AS id
      FROM ROWS FROM (json_array_elements_text($2::json), json_array_elements_text($3::json), json_array_elements_text($4::json))
           WITH ORDINALITY AS x(account_id, connection_id, total, ord)
  ), ins AS (
    INSERT INTO webhook_event_ids (key, batch_id)
    SELECT $1::text || ':' || length(a.account_id) || ':' || a.account_id || ':' || e.event_id, a.id
      FROM ROWS FROM (json_array_elements_text($5::json), json_array_elements_text($6::json)) AS e(event_id, acc) JOIN a ON a.ord = e.acc::int
    ON CONFLICT DO NOTHING RETURNING batch_id, key
  ), won AS (SELECT batch_id, count(*)::int AS accepted FROM ins GROUP BY batch_id),
  ev AS (SELECT a.*, CASE WHEN (SELECT count(*) FROM a) = 1 THEN $7::json ELSE $7::json -> (a.ord - 1)::int END AS events FROM a),
  b AS (
    INSERT INTO webhook_batches (id, provider, account_id, connection_id, events, event_count, trace_context)
    SELECT ev.id, $1::text, ev.account_id, ev.connection_id,
           CASE WHEN won.accepted = ev.total THEN ev.events ELSE (
             SELECT json_agg(x.e ORDER BY x.i) FROM json_array_elements(ev.events) WITH ORDINALITY AS x(e, i)
              WHERE EXISTS (SELECT 1 FROM ins WHERE ins.batch_id = ev.id AND ins.key = $1::text || ':' || length(ev.account_id) || ':' || ev.account_id || ':' || (x.e ->> 'eventId'))) END,
           won.accepted, $8::text
      FROM ev JOIN won ON won.batch_id = ev.id
  )
  SELECT CASE WHEN won.accepted > 0 THEN a.id::text END AS id, coalesce(won.accepted, 0)::int AS accepted
    FROM a LEFT JOIN won ON won.batch_id = a.id ORDER BY a.ord;
END
$$;
