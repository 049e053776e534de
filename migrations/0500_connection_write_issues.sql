-- Setup problems a write-back ran into, and non-blocking setup warnings, shown in /admin/connections with setup_issues:
-- write_issues: what the account's own setup refused (a Salesforce validation rule, an org-required field), one
-- sentence each with the account's message; while any remain the connection's write-backs are parked, and one of them
-- is tried again at write_probe_at (src/writeback/process-outbox.ts). Cleared when that write succeeds or an admin
-- marks them fixed.
-- setup_warnings: what the install check found that does not stop write-backs (Salesforce: fields hidden from the
-- integration user by field-level security, read as empty).
ALTER TABLE connections ADD COLUMN write_issues jsonb;
ALTER TABLE connections ADD COLUMN write_probe_at timestamptz;
ALTER TABLE connections ADD COLUMN setup_warnings jsonb;
