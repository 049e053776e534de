import { instantOf, knownTimeZone, wallClock } from '../core/time-zone.js';

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

/**
 * `3 March 2025`: how a task or draft names the day of an interaction; the day in `timeZone` (the rep's, from the CRM)
 * when known, else in UTC (an email received at 23:30 UTC arrived the next morning for a rep in Tokyo).
 */
export const formatDay = (iso: string, timeZone?: string | null): string => {
  const zone = knownTimeZone(timeZone);
  const t = Date.parse(iso);
  if (zone && Number.isFinite(t)) {
    const w = wallClock(t, zone);
    return `${w.day} ${MONTHS[w.month - 1]} ${w.year}`;
  }
  const d = new Date(iso);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
};

/** Working hours in the rep's own time zone: a task is due inside them (HubSpot shows the due time beside the date). */
export const WORK_START_HOUR = 9;
export const WORK_END_HOUR = 17;

/**
 * When a task made at `now` is due, `ms` later, moved off a weekend: a task due on a Saturday is one nobody sees until
 * Monday and shows as overdue there. With the rep's time zone (`timeZone`, IANA; from the CRM: the Salesforce user's
 * TimeZoneSidKey, the HubSpot account's time zone) the weekend is the rep's, and the due time is kept inside the rep's
 * working hours on that day (a task due at 03:00 is due at 09:00, one due at 22:00 at 17:00 the same day: the date the
 * rep reads does not move). Without one, a due time that falls on a Saturday or Sunday in UTC moves to the Monday at
 * the same time of day. ISO 8601.
 */
export const workingDue = (now: number, ms: number, timeZone?: string | null): string => {
  const zone = knownTimeZone(timeZone);
  if (!zone) {
    const due = new Date(now + ms);
    const day = due.getUTCDay();
    if (day === 6) due.setUTCDate(due.getUTCDate() + 2);
    else if (day === 0) due.setUTCDate(due.getUTCDate() + 1);
    return due.toISOString();
  }
  const w = wallClock(now + ms, zone);
  const shift = w.weekday === 6 ? 2 : w.weekday === 0 ? 1 : 0;
  // The local calendar day (moved off the weekend), then the time inside working hours on it.
  const day = new Date(Date.UTC(w.year, w.month - 1, w.day + shift));
  const minutes = shift
    ? WORK_START_HOUR * 60
    : Math.min(Math.max(w.hour * 60 + w.minute, WORK_START_HOUR * 60), WORK_END_HOUR * 60);
  return new Date(
    instantOf(
      zone,
      day.getUTCFullYear(),
      day.getUTCMonth() + 1,
      day.getUTCDate(),
      Math.floor(minutes / 60),
      minutes % 60,
    ),
  ).toISOString();
};

/**
 * The first working day (Monday to Friday) after the calendar day `y-m-d`, at the start of working hours in `timeZone`
 * (the rep's, IANA), or at that hour UTC without one: when a task waiting for someone back on that day falls due. ISO 8601.
 */
export const workingDayAfter = (y: number, m: number, d: number, timeZone?: string | null): string => {
  const day = new Date(Date.UTC(y, m - 1, d + 1));
  while (day.getUTCDay() === 0 || day.getUTCDay() === 6) day.setUTCDate(day.getUTCDate() + 1);
  const zone = knownTimeZone(timeZone);
  const [yy, mm, dd] = [day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate()];
  return new Date(
    zone ? instantOf(zone, yy, mm, dd, WORK_START_HOUR, 0) : Date.UTC(yy, mm - 1, dd, WORK_START_HOUR),
  ).toISOString();
};
