/** Date and datetime formats the Salesforce APIs use. */

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** REST/SOQL datetime: `2024-06-03T16:01:00.000+0000`. */
export function formatDateTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}+0000`;
}

/** CDC payloads and Bulk API CSV use the `Z` form: `2024-06-03T16:01:00.000Z`. */
export function formatIsoZ(ms: number): string {
  return new Date(ms).toISOString();
}

export function formatDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

const DATETIME_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,3})?(Z|[+-]\d{2}:?\d{2})$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses the ISO-8601 datetime forms Salesforce accepts (`Z`, `+0000`, `+00:00`); null when invalid. */
export function parseDateTime(value: string): number | null {
  const m = DATETIME_RE.exec(value);
  if (!m) return null;
  const zone = m[8] === 'Z' ? 'Z' : `${m[8]!.slice(0, 3)}:${m[8]!.slice(-2)}`;
  const ms = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${m[7] ?? ''}${zone}`);
  return Number.isNaN(ms) ? null : ms;
}

export function parseDate(value: string): number | null {
  if (!DATE_RE.test(value)) return null;
  const ms = Date.parse(`${value}T00:00:00Z`);
  return Number.isNaN(ms) ? null : ms;
}

/** Salesforce stores datetimes with second precision. */
export function truncateToSecond(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

export function truncateToMinute(ms: number): number {
  return Math.floor(ms / 60_000) * 60_000;
}

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
