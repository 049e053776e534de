-- migrate: no-transaction
-- Closeloop's own records include the ones a retraction closes (src/store/outbox.ts ownCrmIds): looked up by CRM id
-- beside writeback_outbox_crm. Built concurrently: the table is live.
CREATE INDEX CONCURRENTLY IF NOT EXISTS writeback_outbox_target ON writeback_outbox (connection_id, target_crm_id)
  WHERE target_crm_id IS NOT NULL;
