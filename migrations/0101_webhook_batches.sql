-- Webhook intake with a lean request path (src/sync/webhook-intake.ts, src/store/inbox.ts).
-- One row per accepted delivery and account (the new events of one request, as one json array), with the
-- processing state on it; the dedupe key lives in a narrow table of event ids. Both are written by one
-- statement per request, in the same transaction as the pg-boss job. No foreign keys on the request path:
-- erasure (src/store/erase.ts) reaches both tables, and the worker retires batches whose connection is gone.
CREATE TABLE webhook_batches (
  id bigserial PRIMARY KEY,
  provider text NOT NULL,
  account_id text NOT NULL,
  connection_id text,
  -- json, not jsonb: stored as sent, no decomposition on the request path (read whole by the worker).
  events json NOT NULL,
  event_count integer NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  processed_at timestamptz
);
CREATE INDEX webhook_batches_pending ON webhook_batches (received_at) WHERE processed_at IS NULL;

-- The provider's event identity, (provider, account_id, event_id), as ONE key: a redelivered event is ignored.
-- key = provider || ':' || length(account_id) || ':' || account_id || ':' || event_id (injective: provider ids
-- hold no ':' and the length delimits the account). COLLATE "C": byte comparisons, the cheapest unique index.
CREATE TABLE webhook_event_ids (
  key text COLLATE "C" PRIMARY KEY,
  batch_id bigint NOT NULL
);

-- Carry the per-event inbox over: every event id keeps deduplicating, pending events stay pending (the
-- stale-inbox sweeper requeues them; jobs queued for the old rows find nothing and finish).
-- Groups of at most 1,000 rows per batch.
CREATE TEMPORARY TABLE webhook_inbox_groups ON COMMIT DROP AS
  SELECT nextval('webhook_batches_id_seq') AS batch_id, provider, account_id, connection_id, pending, chunk
  FROM (SELECT DISTINCT provider, account_id, connection_id, processed_at IS NULL AS pending, id / 1000 AS chunk FROM webhook_inbox) d;

INSERT INTO webhook_batches (id, provider, account_id, connection_id, events, event_count, received_at, processed_at)
SELECT g.batch_id, g.provider, g.account_id, g.connection_id, json_agg(w.payload ORDER BY w.id), count(*), min(w.received_at),
       CASE WHEN g.pending THEN NULL ELSE max(w.processed_at) END
  FROM webhook_inbox_groups g
  JOIN webhook_inbox w ON w.provider = g.provider AND w.account_id = g.account_id AND w.connection_id IS NOT DISTINCT FROM g.connection_id
                      AND (w.processed_at IS NULL) = g.pending AND w.id / 1000 = g.chunk
 GROUP BY g.batch_id, g.provider, g.account_id, g.connection_id, g.pending;

INSERT INTO webhook_event_ids (key, batch_id)
SELECT w.provider || ':' || length(w.account_id) || ':' || w.account_id || ':' || w.event_id, g.batch_id
  FROM webhook_inbox_groups g
  JOIN webhook_inbox w ON w.provider = g.provider AND w.account_id = g.account_id AND w.connection_id IS NOT DISTINCT FROM g.connection_id
                      AND (w.processed_at IS NULL) = g.pending AND w.id / 1000 = g.chunk
ON CONFLICT DO NOTHING;

DROP TABLE webhook_inbox;
