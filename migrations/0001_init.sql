-- closeloop core schema. Forward-only: never edit once merged; add a new file.

CREATE TABLE tenants (
  id text PRIMARY KEY,
  name text,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- One installed CRM account (HubSpot portal / Salesforce org). Webhooks are routed by (provider, account_id).
CREATE TABLE connections (
  id text PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  provider text NOT NULL,
  account_id text NOT NULL,
  api_base text NOT NULL,
  display_name text,
  -- AES-256-GCM ciphertexts (iv.tag.data, base64); never plain tokens.
  access_token_enc text NOT NULL,
  refresh_token_enc text,
  token_expires_at timestamptz,
  token_metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  status text NOT NULL DEFAULT 'active', -- active | paused | needs_reconnect | failed
  status_reason text,
  paused_until timestamptz,
  failure_count integer NOT NULL DEFAULT 0,
  backfill_done_at timestamptz,
  last_sync_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (provider, account_id)
);

-- Server-side OAuth state: random, short-lived, deleted on first use.
CREATE TABLE oauth_states (
  state text PRIMARY KEY,
  provider text NOT NULL,
  code_verifier text,
  tenant_hint text,
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Resume points: one per (connection, stream), saved after every page.
CREATE TABLE sync_checkpoints (
  connection_id text NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
  stream text NOT NULL,
  checkpoint jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connection_id, stream)
);

-- Canonical records (src/core/canonical.ts), one row per CRM record.
CREATE TABLE records (
  connection_id text NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
  kind text NOT NULL,
  external_id text NOT NULL,
  data jsonb NOT NULL,
  provider_updated_at timestamptz NOT NULL,
  archived boolean NOT NULL DEFAULT false,
  synced_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connection_id, kind, external_id)
);
CREATE INDEX records_deal_assoc ON records USING gin ((data -> 'associations' -> 'deals'));
CREATE INDEX records_kind ON records (connection_id, kind, provider_updated_at);

-- Webhook inbox: raw events as received, keyed by the provider's event id (dedupe).
CREATE TABLE webhook_inbox (
  id bigserial PRIMARY KEY,
  provider text NOT NULL,
  account_id text NOT NULL,
  event_id text NOT NULL,
  connection_id text REFERENCES connections(id) ON DELETE CASCADE,
  payload jsonb NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  processed_at timestamptz,
  UNIQUE (provider, account_id, event_id)
);
CREATE INDEX webhook_inbox_pending ON webhook_inbox (id) WHERE processed_at IS NULL;

-- Suggestions: one per situation (dedupe_key), with the full explanation and every rule verdict.
CREATE TABLE suggestions (
  id text PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  connection_id text NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
  type text NOT NULL,
  dedupe_key text NOT NULL,
  deal_id text,
  owner_id text,
  status text NOT NULL, -- allowed | review | blocked | written | write_failed
  payload jsonb NOT NULL,
  verdicts jsonb NOT NULL DEFAULT '[]'::jsonb,
  model text,
  tier text,
  cost_usd numeric NOT NULL DEFAULT 0,
  confidence double precision,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (connection_id, dedupe_key)
);
CREATE INDEX suggestions_owner_day ON suggestions (connection_id, owner_id, created_at);

-- Write-back outbox: every CRM write happens once. idempotency_key is derived from the suggestion id.
CREATE TABLE writeback_outbox (
  id bigserial PRIMARY KEY,
  suggestion_id text NOT NULL REFERENCES suggestions(id) ON DELETE CASCADE,
  connection_id text NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
  action text NOT NULL, -- create_task | create_draft_email
  idempotency_key text NOT NULL UNIQUE,
  payload jsonb NOT NULL,
  status text NOT NULL DEFAULT 'pending', -- pending | done | failed
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  crm_id text,
  crm_url text,
  created_at timestamptz NOT NULL DEFAULT now(),
  done_at timestamptz
);
