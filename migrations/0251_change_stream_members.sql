-- CDC subscriptions spread fairly (src/sync/change-streams.ts, src/store/change-streams.ts): every worker process
-- that supervises change streams heartbeats here; each holds at most ceil(streams / live members) leases and hands
-- the excess back when another member joins, so streams rebalance as workers come and go.
CREATE TABLE change_stream_members (
  owner text PRIMARY KEY,
  heartbeat_at timestamptz NOT NULL DEFAULT now()
);
