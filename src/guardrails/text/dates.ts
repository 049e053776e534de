import { loadChrono } from '../../lib/chrono.js';
import { MONTHS } from './words.js';

/**
 * Calendar dates written in free text. Numeric dates are ambiguous (3/4 is March 4 in the US, April 3
 * elsewhere), so every plausible reading is kept and a date is grounded when any reading matches a source
 * date. Given a reference time, relative expressions that name a day ("next Friday", "on Monday",
 * "in two weeks") are read too, by chrono-node, as the day they mean then; vague ones ("today",
 * "this week", "next week", "end of quarter") name no day a reader could act on and are not claims.
 */
export interface DateReading {
  year: number | null;
  month: number;
  day: number | null;
}
export interface DateMention {
  text: string;
  readings: DateReading[];
  start: number;
  end: number;
  relative?: boolean;
}

const MONTH_NAMES =
  'January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec';
const DAY = String.raw`(\d{1,2})(?:st|nd|rd|th)?`;
const PATTERNS: { re: RegExp; read(m: RegExpExecArray): DateReading[] }[] = [
  {
    re: /\b(\d{4})-(\d{1,2})-(\d{1,2})(?=\b|T)/g,
    read: (m) => [{ year: +m[1]!, month: +m[2]!, day: +m[3]! }],
  },
  {
    re: new RegExp(String.raw`\b(${MONTH_NAMES})\.?\s+${DAY}\b(?:,?\s+(\d{4})\b)?`, 'g'),
    read: (m) => [{ month: MONTHS[m[1]!.toLowerCase()]!, day: +m[2]!, year: m[3] ? +m[3] : null }],
  },
  {
    re: new RegExp(String.raw`\b${DAY}(?:\s+of)?\s+(${MONTH_NAMES})\b(?:,?\s+(\d{4})\b)?`, 'g'),
    read: (m) => [{ month: MONTHS[m[2]!.toLowerCase()]!, day: +m[1]!, year: m[3] ? +m[3] : null }],
  },
  {
    // "March 2026": a month-level date.
    re: new RegExp(String.raw`\b(${MONTH_NAMES})\.?,?\s+(\d{4})\b`, 'g'),
    read: (m) => [{ month: MONTHS[m[1]!.toLowerCase()]!, day: null, year: +m[2]! }],
  },
  {
    // 3/15, 15/03/2026, 15.03.2026 (dots only with a year, so that decimals are not dates).
    re: /(?<![\d/.,])(\d{1,2})\/(\d{1,2})(?:\/(\d{4}|\d{2}))?(?![\d/])|(?<![\d/.,])(\d{1,2})\.(\d{1,2})\.(\d{4})(?!\d)(?!\.\d)/g,
    read: (m) => {
      const a = +(m[1] ?? m[4])!,
        b = +(m[2] ?? m[5])!;
      const y = m[3] ?? m[6];
      const year = y === undefined ? null : y.length === 2 ? 2000 + +y : +y;
      return [
        { month: a, day: b, year },
        { month: b, day: a, year },
      ];
    },
  },
];

const isValid = (r: DateReading): boolean =>
  r.month >= 1 && r.month <= 12 && (r.day === null || (r.day >= 1 && r.day <= 31));

/**
 * Relative expressions that pin a day: a weekday name, "the day after tomorrow", "in N days/weeks", "N weeks from
 * now". Plain "tomorrow" and "yesterday" are left out, like "today": they place the writer's own next step or
 * something just said ("I will call you tomorrow"), not a deadline or appointment the customer acts on.
 */
const DAY_NAMING =
  /\bday after tomorrow\b|\bin\s+(?:\d+|a|one|two|three|four|five|six|seven|ten|a couple of|a few)\s+(?:days?|weeks?)\b|\b(?:days?|weeks?)\s+from\s+(?:now|today)\b/i;

const WEEKDAY_NAME = /\b(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\b/i;

function relativeDates(text: string, ref: Date, taken: [number, number][]): DateMention[] {
  const out: DateMention[] = [];
  for (const r of loadChrono().en.parse(text, ref, { forwardDate: true })) {
    const t = r.text.replace(/[\s,.;:!?]+$/, '');
    const start = r.index;
    const end = r.index + t.length;
    if (taken.some(([s, e]) => start < e && end > s)) continue;
    // Forward-looking and day-precise only: a weekday by name or DAY_NAMING ("for 20 days", "3 days ago" are not
    // appointments, and chrono's certainty flags cannot tell them apart).
    if (!(WEEKDAY_NAME.test(t) || DAY_NAMING.test(t)) || /\bago\b/i.test(t)) continue;
    const d = r.start.date();
    out.push({
      text: t.trim(),
      readings: [{ year: d.getFullYear(), month: d.getMonth() + 1, day: d.getDate() }],
      start,
      end,
      relative: true,
    });
  }
  return out;
}

/** Dates in `text`; with `ref` (the time the text is written for) also the days relative expressions name. */
export function findDates(text: string, ref?: Date): DateMention[] {
  const out: DateMention[] = [];
  const taken: [number, number][] = [];
  for (const { re, read } of PATTERNS) {
    for (const m of text.matchAll(re)) {
      const start = m.index,
        end = m.index + m[0].length;
      if (taken.some(([s, e]) => start < e && end > s)) continue;
      if (m[0] === '24/7') continue;
      const readings = read(m as RegExpExecArray).filter(isValid);
      if (readings.length === 0) continue;
      taken.push([start, end]);
      out.push({ text: m[0].trim(), readings, start, end });
    }
  }
  if (ref) out.push(...relativeDates(text, ref, taken));
  return out.sort((x, y) => x.start - y.start);
}

/** A claimed date is grounded by a source date that is at least as specific and agrees on every known part. */
export const readingGroundedBy = (claim: DateReading, source: DateReading): boolean =>
  claim.month === source.month &&
  (claim.day === null || claim.day === source.day) &&
  (claim.year === null || source.year === null || claim.year === source.year);

/** Readings of an ISO timestamp (deal close date, task due date) as a source date. */
export const readingOfIso = (iso: string): DateReading | null => {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  return m ? { year: +m[1]!, month: +m[2]!, day: +m[3]! } : null;
};
