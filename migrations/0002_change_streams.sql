-- Change streams (Salesforce Change Data Capture): one row per connection with a stream.
-- replay_position is the connector's opaque resume point, written in the same transaction as the records of the
-- event it follows, so a restart resumes exactly after the last stored event.
-- lease_owner / lease_expires_at: one subscriber per connection across every worker process. A worker takes the
-- lease with an UPDATE ... WHERE lease_expires_at < now() RETURNING, renews it while subscribed and clears it on
-- stop; every position write is fenced by the lease owner, so a worker that lost its lease cannot move it.
-- Plain PostgreSQL (no extensions): runs on PGlite and on any PostgreSQL 15 server.
CREATE TABLE change_streams (
  connection_id text PRIMARY KEY REFERENCES connections(id) ON DELETE CASCADE,
  replay_position text,
  position_updated_at timestamptz,
  lease_owner text,
  lease_expires_at timestamptz NOT NULL DEFAULT '-infinity',
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
