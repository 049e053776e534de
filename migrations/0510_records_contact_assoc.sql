-- migrate: no-transaction
-- Which live deals name a changed contact among their own associations (src/store/records.ts `dealsNaming`: a
-- Salesforce opportunity names its contacts through contact roles; the contact record names no opportunity). Asked on
-- every applied batch of live contact changes; without this index it read every deal of the connection. Built
-- concurrently: the table is live.
CREATE INDEX CONCURRENTLY IF NOT EXISTS records_contact_assoc ON records USING gin ((data -> 'associations' -> 'contacts'));
