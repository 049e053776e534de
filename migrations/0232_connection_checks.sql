-- What closeloop checked about a connection, shown in /admin/connections:
-- setup_issues: the install check (src/sync/connection-checks.ts; e.g. Salesforce's Closeloop_Key__c missing or
-- read-only), one sentence each; an empty array = ready; null = not checked (providers without a check).
-- completeness: the backfill completeness check, per kind {crm, store, missing, extra, repaired} and when it ran.
ALTER TABLE connections ADD COLUMN setup_issues jsonb;
ALTER TABLE connections ADD COLUMN setup_checked_at timestamptz;
ALTER TABLE connections ADD COLUMN completeness jsonb;
