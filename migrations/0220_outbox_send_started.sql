-- Write-ahead mark for CRM writes: set before the provider call, so a retry after a crash between
-- "created in the CRM" and "recorded here" knows the record may already exist (issue 11, item 2).
ALTER TABLE writeback_outbox ADD COLUMN send_started_at timestamptz;
