-- Every retraining of a tenant's small models, kept (tenant_models holds only the one in service), so the console
-- shows model quality across retrainings (issue 17: AUC and calibration per tenant over time). Written in the same
-- statement as tenant_models (src/store/models.ts). A row with model_name NULL is an attempt that stored no model
-- (metrics.reason says why). The current models seed the history.
CREATE TABLE tenant_model_history (
  id bigserial PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  kind text NOT NULL,
  model_name text,
  rows integer NOT NULL,
  positives integer NOT NULL,
  validation_auc double precision,
  metrics jsonb NOT NULL DEFAULT '{}'::jsonb,
  trained_at timestamptz NOT NULL
);
CREATE INDEX tenant_model_history_tenant ON tenant_model_history (tenant_id, kind, trained_at);

INSERT INTO tenant_model_history (tenant_id, kind, model_name, rows, positives, validation_auc, metrics, trained_at)
SELECT tenant_id, kind, model_name, rows, positives, validation_auc, metrics, trained_at FROM tenant_models WHERE trained_at IS NOT NULL;
