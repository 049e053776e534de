-- Retractions: when a CRM record a task or draft was based on is deleted (or erased on request), the suggestions
-- about it are erased, and with them their outbox rows; the task and draft closeloop wrote would stay open in the CRM,
-- quoting words that no longer exist, and the next analysis of the deal would write a second task beside them. A
-- retraction is an outbox row without a suggestion: it closes the task (or withdraws the draft) whose CRM id it
-- holds in target_crm_id, with closeloop's own fixed words (src/privacy/erase.ts).
ALTER TABLE writeback_outbox ALTER COLUMN suggestion_id DROP NOT NULL;
ALTER TABLE writeback_outbox ADD COLUMN target_crm_id text;
-- Every existing row has its suggestion: NOT VALID skips the scan under the exclusive lock, VALIDATE then checks
-- without blocking writes.
ALTER TABLE writeback_outbox ADD CONSTRAINT writeback_outbox_retraction CHECK (
  suggestion_id IS NOT NULL OR (target_crm_id IS NOT NULL AND action IN ('close_task', 'withdraw_draft'))
) NOT VALID;
ALTER TABLE writeback_outbox VALIDATE CONSTRAINT writeback_outbox_retraction;
