-- Access control (issue 13): people signed in with their CRM, API tokens for the CLI and automation,
-- rate limits that hold across processes, single-use OAuth state markers, in-flight CRM writes.

-- Browser sessions after "sign in with HubSpot / Salesforce". Only a hash of the cookie value is stored.
CREATE TABLE sessions (
  id_hash text PRIMARY KEY,
  -- NULL for an operator session (every tenant); otherwise the one tenant the CRM account belongs to.
  tenant_id text REFERENCES tenants(id) ON DELETE CASCADE,
  role text NOT NULL,                -- admin | operator
  provider text NOT NULL,
  account_id text NOT NULL,
  user_id text NOT NULL,
  user_label text,
  csrf_token text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz
);
CREATE INDEX sessions_expiry ON sessions (expires_at);

-- API tokens for the CLI and automation: hashed at rest (SHA-256 of a 256-bit random secret), one tenant each, revocable.
CREATE TABLE api_tokens (
  id text PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  name text NOT NULL,
  token_hash text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  expires_at timestamptz,
  revoked_at timestamptz
);
CREATE INDEX api_tokens_tenant ON api_tokens (tenant_id);

-- Fixed-window counters for unauthenticated routes, shared by every process on the database.
CREATE TABLE rate_limits (
  key text PRIMARY KEY,
  window_start timestamptz NOT NULL,
  hits integer NOT NULL
);

-- OAuth state is signed and carries its own expiry; a row is written only when the user comes back from the
-- provider's consent (so /install and /auth/login write nothing), and makes the state single-use.
CREATE TABLE oauth_state_uses (
  nonce text PRIMARY KEY,
  expires_at timestamptz NOT NULL
);

-- A CRM write in flight holds a claim extended by heartbeat; one that ended without an answer is in doubt and is
-- resolved by lookup before any retry creates anything.
ALTER TABLE writeback_outbox ADD COLUMN claimed_until timestamptz;
ALTER TABLE writeback_outbox ADD COLUMN claim_token text;
ALTER TABLE writeback_outbox ADD COLUMN in_doubt_since timestamptz;
