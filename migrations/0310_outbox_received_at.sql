-- When the change that led to a write reached closeloop (the webhook's receipt), so webhook-to-task latency
-- is measured from the rows themselves, whichever worker or process wrote them (issue 15, item 3).
ALTER TABLE writeback_outbox ADD COLUMN received_at timestamptz;
