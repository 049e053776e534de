-- Webhook events that failed validation in an otherwise valid (signed) delivery: kept aside, never dropped.
-- The rest of the delivery is accepted and answered 2xx, because HubSpot does not retry a 4xx (issue 11, item 4).
CREATE TABLE webhook_quarantine (
  id bigserial PRIMARY KEY,
  provider text NOT NULL,
  account_id text,
  connection_id text REFERENCES connections(id) ON DELETE CASCADE,
  reason text NOT NULL,
  payload jsonb NOT NULL,
  received_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_quarantine_conn ON webhook_quarantine (connection_id, id);

-- One token bucket per (provider, account, app, lane), shared by every worker process (issue 11, item 8).
-- tokens may go negative: a negative balance is a queue of reserved calls, each told how long to wait.
CREATE TABLE rate_buckets (
  bucket_key text PRIMARY KEY,
  capacity double precision NOT NULL,
  refill_per_ms double precision NOT NULL,
  tokens double precision NOT NULL,
  updated_ms bigint NOT NULL,
  blocked_until_ms bigint NOT NULL DEFAULT 0,
  daily_remaining bigint,
  calls bigint NOT NULL DEFAULT 0,
  throttled bigint NOT NULL DEFAULT 0
);
