-- Sources beyond the CRM (src/sources): ingest keys, Slack bindings, Slack event dedupe.
-- Interactions themselves are canonical activities in `records`, under the connection the key or binding
-- belongs to (provider `ingest` / `slack`), so they take the same ingest and index path as CRM activities.

-- Ingest keys, one or more per connection. Only the SHA-256 of the whole key is kept; `id` is the public
-- prefix printed with the key ("clk_<12 hex>") so a key can be found and revoked without knowing it.
CREATE TABLE ingest_keys (
  id text PRIMARY KEY,
  connection_id text NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
  secret_sha256 text NOT NULL,
  label text,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);
CREATE INDEX ingest_keys_connection ON ingest_keys (connection_id);

-- A Slack workspace (team) belongs to exactly one connection; `domain` is the workspace subdomain used to
-- build permalinks (https://<domain>.slack.com/archives/...), when the admin gave it.
CREATE TABLE slack_teams (
  team_id text PRIMARY KEY,
  connection_id text NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
  domain text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- A channel of a bound team tied to one CRM company: its messages are associated with that company.
CREATE TABLE slack_channels (
  team_id text NOT NULL REFERENCES slack_teams(team_id) ON DELETE CASCADE,
  channel_id text NOT NULL,
  company_id text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (team_id, channel_id)
);

-- Slack Events API deliveries seen, keyed by Slack's event_id (retries carry the same id).
CREATE TABLE slack_events (
  team_id text NOT NULL,
  event_id text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (team_id, event_id)
);
CREATE INDEX slack_events_received ON slack_events (received_at);

-- Participant email -> contact lookups (src/store/sources.ts contactsByEmailKeys): a loose key that folds
-- case, dots and +tags of the local part (and googlemail.com -> gmail.com). It can only over-match the
-- exact normalized email (src/resolve/normalize/email.ts), which the caller then checks in code.
CREATE INDEX records_contact_email_loose ON records (
  connection_id,
  (regexp_replace(split_part(split_part(lower(btrim(data ->> 'email')), '@', 1), '+', 1), '\.', '', 'g')
    || '@' || regexp_replace(split_part(lower(btrim(data ->> 'email')), '@', 2), '^googlemail\.com$', 'gmail.com'))
) WHERE kind = 'contact';
