const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** `3 March 2025`, in UTC: how a task or draft names the day of an interaction. */
export const formatDay = (iso: string): string => {
  const d = new Date(iso);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
};

/**
 * When a task made at `now` is due, `ms` later, moved off a weekend: a task due on a Saturday is one nobody sees until
 * Monday and shows as overdue there. A due time that falls on a Saturday or Sunday (UTC; the rep's own time zone is not
 * known to the CRM APIs we read) moves to the Monday at the same time of day. ISO 8601.
 */
export const workingDue = (now: number, ms: number): string => {
  const due = new Date(now + ms);
  const day = due.getUTCDay();
  if (day === 6) due.setUTCDate(due.getUTCDate() + 2);
  else if (day === 0) due.setUTCDate(due.getUTCDate() + 1);
  return due.toISOString();
};
