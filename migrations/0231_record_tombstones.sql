-- A record deleted at its source is erased everywhere (src/sync/apply-changes.ts). What stays is this marker:
-- ids and a time, no content, so a stale read (a poll page or a late retry older than the deletion) cannot bring
-- the record back; any newer version (a restore, an undelete) replaces the marker. Swept after 30 days.
CREATE TABLE record_tombstones (
  connection_id text NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
  kind text NOT NULL,
  external_id text NOT NULL,
  -- Versions stamped before this time are older than the deletion.
  deleted_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connection_id, kind, external_id)
);
CREATE INDEX record_tombstones_created ON record_tombstones (created_at);
