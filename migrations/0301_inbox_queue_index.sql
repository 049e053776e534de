-- migrate: no-transaction
-- The claim walks the connections that have waiting batches (a skip scan over this index) and takes the oldest
-- batches of each (src/store/inbox.ts). The old received_at index served the stale-inbox sweep, which the claim
-- replaces: dropped, so the request path still maintains two indexes.
CREATE INDEX CONCURRENTLY IF NOT EXISTS webhook_batches_lane ON webhook_batches ((coalesce(connection_id, '')), id) WHERE processed_at IS NULL AND dead_at IS NULL;
DROP INDEX CONCURRENTLY IF EXISTS webhook_batches_pending;
