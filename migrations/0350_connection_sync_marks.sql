-- When each connection last applied a change (webhook, Outbound Message, CDC event, ingest), for the sync-lag
-- metric (closeloop_sync_lag_seconds = now - the newer of this and connections.last_sync_at). Written by the
-- change step at most every few seconds per connection (src/store/sync-marks.ts); its own narrow table, so
-- the write never waits on the connection row (token refreshes lock that one).
CREATE TABLE connection_sync_marks (
  connection_id text PRIMARY KEY REFERENCES connections(id) ON DELETE CASCADE,
  last_change_at timestamptz NOT NULL
);
