-- Cluster-wide schedules (src/jobs/cron.ts, src/store/schedules.ts): every process runs the same cron, and the
-- first process to claim a (schedule, tick) row runs that tick; the others skip it. The tick is the database's
-- clock rounded to the schedule's minute, so processes with slightly skewed clocks agree on it.
CREATE TABLE schedule_ticks (
  name text NOT NULL,
  tick timestamptz NOT NULL,
  claimed_by text NOT NULL,
  claimed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (name, tick)
);
