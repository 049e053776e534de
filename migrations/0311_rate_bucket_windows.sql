-- The shared request budget becomes a sliding-window log (issue 15, item 3): the send times reserved for the
-- last `capacity` calls of a lane, so a burst may use a whole window's allowance at once (a token bucket has to
-- trade its burst against its steady rate) while no window of `window_ms` ever holds more than `capacity` calls.
ALTER TABLE rate_buckets ADD COLUMN window_ms double precision NOT NULL DEFAULT 0;
ALTER TABLE rate_buckets ADD COLUMN slots double precision[] NOT NULL DEFAULT '{}';
