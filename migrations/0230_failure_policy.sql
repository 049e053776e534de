-- One failure policy (src/lib/failure-action.ts, src/queue/failure-policy.ts).
-- Write-backs: a row of a paused or disconnected connection is parked (not failed) and resumed by the sweep
-- when the connection can write again; next_attempt_at is when its job is due, so the sweep can tell a row
-- whose job was lost from one that waits for a provider's Retry-After.
ALTER TABLE writeback_outbox ADD COLUMN parked_reason text;
ALTER TABLE writeback_outbox ADD COLUMN next_attempt_at timestamptz;
CREATE INDEX writeback_outbox_pending ON writeback_outbox (connection_id) WHERE status = 'pending';

-- Webhook batches: each one is retried on its own by the stale-inbox sweep and dead-lettered after a bounded
-- number of tries, so a poison batch never blocks the others.
ALTER TABLE webhook_batches ADD COLUMN attempts integer NOT NULL DEFAULT 0;
ALTER TABLE webhook_batches ADD COLUMN last_error text;
ALTER TABLE webhook_batches ADD COLUMN dead_at timestamptz;
