-- Per-tenant small models, budget state, and what happened to every suggestion written back (src/feedback).

-- One serialized model per (tenant, kind): `deal_score` is a ScoringModel (src/inference/models) trained on the
-- tenant's closed won and lost deals; `usefulness` holds the per-type re-weighting learnt from outcomes.
-- claimed_at is a lease: a retrain claims the row first, so two processes never train one tenant at once.
CREATE TABLE tenant_models (
  tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  kind text NOT NULL,
  model_name text,
  model jsonb,
  rows integer NOT NULL DEFAULT 0,
  positives integer NOT NULL DEFAULT 0,
  validation_auc double precision,
  metrics jsonb NOT NULL DEFAULT '{}'::jsonb,
  trained_at timestamptz,
  claimed_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, kind)
);

-- The tenant's paid-model spend this month (src/inference/router/budget.ts BudgetState).
CREATE TABLE tenant_budgets (
  tenant_id text PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
  state jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- What happened after a write-back. target is the CRM id the outcome is about (the task or draft) or
-- `deal:<id>` for the deal's later outcome; one row per (suggestion, target, outcome).
-- outcome: task_completed | task_deleted | task_overdue | draft_sent | draft_discarded | deal_won | deal_lost
-- edit_distance: for draft_sent, the normalized edit distance between our draft and the sent text (0 = unchanged).
CREATE TABLE suggestion_outcomes (
  id bigserial PRIMARY KEY,
  suggestion_id text NOT NULL REFERENCES suggestions(id) ON DELETE CASCADE,
  tenant_id text NOT NULL,
  connection_id text NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
  outbox_id bigint,
  target text NOT NULL,
  outcome text NOT NULL,
  edit_distance double precision,
  detail jsonb NOT NULL DEFAULT '{}'::jsonb,
  occurred_at timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (suggestion_id, target, outcome)
);
CREATE INDEX suggestion_outcomes_connection ON suggestion_outcomes (connection_id, recorded_at);

-- Feedback looks write-backs up by the CRM id they created.
CREATE INDEX writeback_outbox_crm ON writeback_outbox (connection_id, crm_id) WHERE crm_id IS NOT NULL;
CREATE INDEX suggestions_deal ON suggestions (connection_id, deal_id) WHERE deal_id IS NOT NULL;

-- How the suggestion got through the rules: the first attempt's failed verdicts when it was repaired, and
-- the reasons it was held for review.
ALTER TABLE suggestions ADD COLUMN repair jsonb;
