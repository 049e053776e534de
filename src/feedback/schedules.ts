/** Overdue outcomes hourly; models retrain nightly (each tenant at most once per RETRAIN_MIN_INTERVAL_MS). */
export const FEEDBACK_SCHEDULES = { overdueCron: '15 * * * *', retrainCron: '30 3 * * *' } as const;
