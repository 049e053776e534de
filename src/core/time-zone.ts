/**
 * Time zones without a library: the runtime's IANA database through Intl (Node ships full ICU). Pure functions, used
 * by the suggestion layer (a task's due time in the rep's working day, the rep's own day for the daily cap) and by
 * connectors whose CRM stores a due date without a time (Salesforce's ActivityDate is the due day in the rep's zone).
 */
/** The IANA time zone `tz` when the runtime knows it (`America/Los_Angeles`, `US/Eastern`), else null. */
export function knownTimeZone(tz: string | null | undefined): string | null {
  if (!tz || typeof tz !== 'string' || tz.length > 64) return null;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return tz;
  } catch {
    return null;
  }
}

export interface WallClock {
  year: number;
  month: number; // 1–12
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number; // 0 = Sunday
}

const formats = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** The wall clock in `tz` at instant `t`. */
export function wallClock(t: number, tz: string): WallClock {
  let f = formats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    formats.set(tz, f);
  }
  const parts = Object.fromEntries(f.formatToParts(new Date(t)).map((p) => [p.type, p.value]));
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: WEEKDAYS.indexOf(parts.weekday ?? ''),
  };
}

/** The zone's offset from UTC at instant `t`, in milliseconds (positive east of Greenwich). */
export function utcOffsetMs(t: number, tz: string): number {
  const w = wallClock(t, tz);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(t / 1000) * 1000;
}

/**
 * The instant at which the wall clock in `tz` reads the given local date and time (the earlier one when a clock
 * change repeats it, the first valid one after a gap).
 */
export function instantOf(tz: string, y: number, mo: number, d: number, h: number, mi: number): number {
  const asUtc = Date.UTC(y, mo - 1, d, h, mi);
  let t = asUtc;
  // Two corrections reach a fixed point for every real zone (the offset at the guess, then at the corrected guess).
  for (let i = 0; i < 2; i++) t = asUtc - utcOffsetMs(t, tz);
  return t;
}

/** `2026-12-07`: the calendar day of instant `t` in `tz` (UTC when the zone is unknown). */
export function localDay(t: number, tz: string | null | undefined): string {
  const zone = knownTimeZone(tz);
  if (!zone) return new Date(t).toISOString().slice(0, 10);
  const w = wallClock(t, zone);
  return `${String(w.year).padStart(4, '0')}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
}

/** The start (local midnight) of the day that holds instant `t` in `tz` (UTC midnight when the zone is unknown). */
export function startOfLocalDay(t: number, tz: string | null | undefined): number {
  const zone = knownTimeZone(tz);
  if (!zone) {
    const d = new Date(t);
    d.setUTCHours(0, 0, 0, 0);
    return d.getTime();
  }
  const w = wallClock(t, zone);
  return instantOf(zone, w.year, w.month, w.day, 0, 0);
}

/**
 * How the guardrails' context names an interaction's day, one line per interaction: `email on 2026-12-05`, or
 * `email on 2026-12-05 (2026-12-06 in Asia/Tokyo)` when the day where the rep lives is another. `interactionDays`
 * reads the days back out of such lines (the output gate grounds a date a task names on them).
 */
export function interactionDayLine(kind: string, iso: string, zone: string | null): string {
  const utc = iso.slice(0, 10);
  const t = Date.parse(iso);
  const local = zone && Number.isFinite(t) ? localDay(t, zone) : utc;
  return `${kind} on ${local === utc ? utc : `${utc} (${local} in ${zone})`}`;
}

const INTERACTION_DAY_LINE = /^[a-z_]+ on (\d{4}-\d{2}-\d{2})(?: \((\d{4}-\d{2}-\d{2}) in [^)\n]+\))?$/gm;

/** The days (UTC, and the rep's where it differs) of every `interactionDayLine` in `text`. */
export function interactionDays(text: string): string[] {
  return [...text.matchAll(INTERACTION_DAY_LINE)].flatMap((m) => (m[2] ? [m[1]!, m[2]] : [m[1]!]));
}
