-- migrate: no-transaction
-- Inbox retention (src/store/inbox.ts prune, run by the 10-minute sweep in src/jobs/cron.ts): processed batches and
-- the event ids they hold are deleted once older than the longest provider redelivery window. Event ids are found by
-- their batch, so they get an index on batch_id (written by the worker since the dedupe moved there, not by the
-- webhook request). Built concurrently: the table is live.
CREATE INDEX CONCURRENTLY IF NOT EXISTS webhook_event_ids_batch ON webhook_event_ids (batch_id);
