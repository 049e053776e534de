-- Audit of every call to an external model (src/privacy/with-privacy.ts, src/store/audit.ts).
-- Only masked texts are stored: the prompt and the answer as the model saw and wrote them, with
-- placeholders ([EMAIL_1], [PERSON_2], ...) instead of personal data. The mapping back is never stored.
-- suggestion_id is null until the caller links the call to the suggestion it produced (the call happens
-- before the suggestion exists), and verdicts are filled in then. No foreign keys: an audit row is written
-- before its suggestion, and src/store/erase.ts deletes a tenant's rows explicitly.
-- record_refs: the CRM records the prompt was built from ([{"kind": "email", "externalId": "e-1"}]), so
-- deleting a record in the CRM finds the audit copies that quote it.
-- Plain PostgreSQL (no extensions): runs on PGlite and on any PostgreSQL 15 server.
CREATE TABLE model_calls (
  id text PRIMARY KEY,
  tenant_id text NOT NULL,
  connection_id text,
  suggestion_id text,
  task_kind text NOT NULL,
  model text NOT NULL,
  tier text NOT NULL,
  masked_prompt text NOT NULL,
  masked_response text,
  input_tokens integer NOT NULL DEFAULT 0,
  output_tokens integer NOT NULL DEFAULT 0,
  cost_usd numeric NOT NULL DEFAULT 0,
  error_code text,
  provider_request_id text,
  record_refs jsonb NOT NULL DEFAULT '[]'::jsonb,
  privacy_flags jsonb NOT NULL DEFAULT '[]'::jsonb,
  verdicts jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX model_calls_tenant ON model_calls (tenant_id, created_at);
CREATE INDEX model_calls_connection ON model_calls (connection_id);
CREATE INDEX model_calls_suggestion ON model_calls (suggestion_id) WHERE suggestion_id IS NOT NULL;
CREATE INDEX model_calls_record_refs ON model_calls USING gin (record_refs jsonb_path_ops);
