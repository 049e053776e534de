import type { Activity } from '../core/canonical.js';
import { CHRONO_LANGS, chronoFor } from '../lib/chrono.js';
import { isAwayNotice } from './automated-mail.js';
import { calendarPrefix, isCalendarNotice, type CalendarLang, type CalendarNoticeKind } from './calendar-notice.js';

const DAY = 24 * 60 * 60 * 1000;
/** A meeting further out than this is no date anyone set (as for meetings in `lastActivityAt`). */
const MAX_AHEAD = 366 * DAY;

/** A calendar's invitation told by its body (an Outlook or Google invitation logged with the meeting's title only). */
const INVITE_BODY = /\byou have been invited to (?:the following|an?) event\b|\binvitation from google calendar\b/i;
/**
 * The line of an invitation that says when the meeting is ("When: Tuesday, December 15, 2026 10:00 AM-11:00 AM",
 * "Wann: …", "Quand : …", "Cuándo: …", "Wanneer: …", "Quando: …").
 */
const WHEN_LINE =
  /^[ \t*]*(?:when|wann|quand|cuándo|wanneer|quando|fecha|datum|date)[ \t*]*:?[ \t]*([^\n]*)(?:\n[ \t]*([^\n]*))?/im;
/** Lines of an invitation naming its organiser ("morgan@vendorly.example - organizer", "Organisateur : …"). */
const ORGANISER_LINE = /organi[sz](?:er|ateur|ator|ador|zatore)|veranstalter|besitzer|\borganizer\b/i;
const ADDRESS = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;

interface Notice {
  activity: Activity;
  /** The meeting's title as a key (the same meeting's invitation, update and decline share it). */
  key: string;
  title: string;
  kind: CalendarNoticeKind;
  lang: CalendarLang;
  /** Where the notice says when the meeting is: the subject's "@ …" part, else its "When:" line. */
  whenText: string | null;
}

function noticeOf(a: Activity): Notice | null {
  if (a.kind !== 'email' || a.archived || (a.status ?? '').toUpperCase() === 'DRAFT') return null;
  const subject = (a.subject ?? '').trim();
  const prefix = isCalendarNotice(subject, a.body) ? calendarPrefix(subject) : null;
  let rest: string;
  if (prefix) rest = subject.slice(prefix.length);
  else if (INVITE_BODY.test((a.body ?? '').slice(0, 1_500))) rest = subject;
  else return null;
  if (isAwayNotice(a)) return null;
  const at = rest.search(/\s@\s/);
  const title = (at >= 0 ? rest.slice(0, at) : rest).trim();
  const when = WHEN_LINE.exec((a.body ?? '').slice(0, 3_000));
  const whenLine = when ? when[1]!.trim() || (when[2]?.trim() ?? '') : '';
  return {
    activity: a,
    key: title.toLowerCase().replace(/\s+/g, ' '),
    title,
    kind: prefix?.kind ?? 'invitation',
    lang: prefix?.lang ?? 'en',
    whenText: at >= 0 ? rest.slice(at + 2).trim() : whenLine || null,
  };
}

/** An abbreviated weekday before the day ("Di. 15. Dez.", "mar. 15 déc."): read past, chrono takes it for the day. */
const SHORT_WEEKDAY = /^\s*\p{L}{2,4}\.?,?\s+(?=\d)/u;

/** When the meeting a notice is about starts (a day it names; the year the next one after the notice was sent). */
function startOf(n: Notice): number | null {
  if (!n.whenText) return null;
  const ref = new Date(n.activity.occurredAt);
  if (!Number.isFinite(ref.getTime())) return null;
  const text = n.whenText.slice(0, 300).replace(SHORT_WEEKDAY, '');
  for (const lang of [n.lang, ...CHRONO_LANGS.filter((l) => l !== n.lang)]) {
    const r = chronoFor(lang).parse(text, ref, { forwardDate: true })[0];
    if (!r || r.index > 12 || !(r.start.isCertain('day') || r.start.isCertain('weekday'))) continue;
    const t = r.start.date().getTime();
    if (Number.isFinite(t)) return t;
  }
  return null;
}

const domainOf = (address: string): string => address.slice(address.lastIndexOf('@') + 1).toLowerCase();

/**
 * Whether a meeting is still on, from its notices in time order: the organiser's cancellation takes it off; an
 * attendee's decline takes only that attendee off, so the meeting is off once every external attendee known (those
 * who answered, and the guests the invitation lists) declined; a new invitation or update asks them all again.
 */
function stillOn(notices: readonly Notice[]): boolean {
  let on = false;
  let guests = new Set<string>();
  let answers = new Map<string, 'yes' | 'no'>();
  // The seller's side: the inviter of an invitation the rep sent, and the organiser lines.
  const own = new Set<string>();
  for (const n of notices) {
    const from = n.activity.from?.trim().toLowerCase() || null;
    if (n.kind === 'invitation') {
      on = true;
      answers = new Map();
      guests = new Set();
      if (from) own.add(domainOf(from));
      for (const line of (n.activity.body ?? '').slice(0, 3_000).split('\n')) {
        for (const m of line.matchAll(ADDRESS)) {
          const address = m[0].toLowerCase();
          if (ORGANISER_LINE.test(line)) own.add(domainOf(address));
          else guests.add(address);
        }
      }
    } else if (n.kind === 'cancelled') {
      on = false;
    } else {
      // An answer with no invitation logged still says a meeting is planned (or, declined, that it is not).
      if (!on && n.kind === 'accepted') on = true;
      answers.set(from ?? `unknown:${n.activity.externalId}`, n.kind === 'declined' ? 'no' : 'yes');
    }
  }
  if (!on) return answers.size > 0 && [...answers.values()].some((v) => v === 'yes');
  if (![...answers.values()].includes('no')) return true;
  // Everyone outside the seller's side who was asked or answered.
  const external = new Set(
    [...guests, ...answers.keys()].filter((x) => x.startsWith('unknown:') || !own.has(domainOf(x))),
  );
  return [...external].some((x) => answers.get(x) !== 'no');
}

export interface PlannedMeeting {
  /** The meeting activity, or the calendar notice that scheduled it. */
  activity: Activity;
  /** The meeting's title when a calendar notice names it. */
  title: string | null;
  startsAt: number;
}

/**
 * The first meeting ahead of `now` on these activities: a meeting activity dated in the future, or a meeting a
 * calendar notice scheduled ("Invitation: Demo @ Tue Dec 15") and no later notice for it declined or cancelled. An
 * auto-reply is none, whatever its subject quotes. A date more than a year out is no date anyone set.
 */
export function meetingAhead(activities: readonly Activity[], now: number): PlannedMeeting | null {
  const found: PlannedMeeting[] = [];
  for (const a of activities) {
    if (a.archived || a.kind !== 'meeting') continue;
    const t = Date.parse(a.occurredAt);
    if (t > now && t <= now + MAX_AHEAD) found.push({ activity: a, title: null, startsAt: t });
  }
  // Each meeting's notices in time order say whether it is on (an organiser's cancellation, or every external
  // attendee declining, takes it off) and when it is (the latest notice naming its time).
  const byMeeting = new Map<string, Notice[]>();
  for (const n of activities
    .filter((a) => a.kind === 'email' && Date.parse(a.occurredAt) <= now + DAY)
    .map(noticeOf)
    .filter((n): n is Notice => n !== null)
    .sort((x, y) => x.activity.occurredAt.localeCompare(y.activity.occurredAt)))
    byMeeting.set(n.key, [...(byMeeting.get(n.key) ?? []), n]);
  for (const notices of byMeeting.values()) {
    if (!stillOn(notices)) continue;
    // The organiser's latest word on the time, else an answer's.
    const timed = [...notices].reverse().filter((n) => n.kind !== 'cancelled' && n.kind !== 'declined');
    const n = timed.find((x) => x.kind === 'invitation' && x.whenText) ?? timed.find((x) => x.whenText);
    const t = n ? startOf(n) : null;
    if (n && t !== null && t > now && t <= now + MAX_AHEAD)
      found.push({ activity: n.activity, title: n.title || null, startsAt: t });
  }
  return found.sort((x, y) => x.startsAt - y.startsAt)[0] ?? null;
}

export type NextStep = { kind: 'task'; activity: Activity } | ({ kind: 'meeting' } & PlannedMeeting);

/**
 * What is planned next on a deal, if anything: an open task, or a meeting ahead (`meetingAhead`: a meeting activity in
 * the future or a calendar invitation for a future day).
 */
export function plannedNextStep(activities: readonly Activity[], now: number): NextStep | null {
  const task = activities.find(
    (a) => !a.archived && a.kind === 'task' && (a.status ?? '').toUpperCase() !== 'COMPLETED',
  );
  if (task) return { kind: 'task', activity: task };
  const meeting = meetingAhead(activities, now);
  return meeting ? { kind: 'meeting', ...meeting } : null;
}
