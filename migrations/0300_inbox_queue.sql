-- The inbox is the queue (src/store/inbox.ts, src/sync/inbox-runner.ts): webhook_batches rows are claimed by
-- workers directly, with FOR UPDATE SKIP LOCKED, instead of through a pg-boss job written beside every delivery.
-- run_after: not before this time (a retry's backoff, the end of a pause); NULL = now.
-- lease_until: a worker holds the batch until then (heartbeats extend it); a lease that ran out means the worker
-- died (kill -9): the batch is claimed again and the lost try counts. Both stay NULL on the request path.
ALTER TABLE webhook_batches ADD COLUMN run_after timestamptz;
ALTER TABLE webhook_batches ADD COLUMN lease_until timestamptz;
-- The W3C trace context of the request that recorded the batch (only when tracing is on; src/sync/inbox-trace.ts).
ALTER TABLE webhook_batches ADD COLUMN trace_context text;

-- Round-robin between connections (per-tenant fairness): a claim serves the connections with waiting batches in
-- the order they were last served, so one tenant's flood or backfill cannot starve another tenant's webhooks.
-- connection_id '' stands for batches stored without a connection (retired by the worker).
CREATE TABLE inbox_lanes (
  connection_id text PRIMARY KEY,
  served_at timestamptz NOT NULL
);
