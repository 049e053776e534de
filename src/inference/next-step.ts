import type { Activity } from '../core/canonical.js';
import { loadChrono } from '../lib/chrono.js';
import { isAwayNotice } from './automated-mail.js';

const DAY = 24 * 60 * 60 * 1000;
/** A meeting further out than this is no date anyone set (as for meetings in `lastActivityAt`). */
const MAX_AHEAD = 366 * DAY;

/**
 * Calendar notices that put a meeting in the calendar: Google's "Invitation: Demo @ Tue Dec 15, 2026 10am" (and its
 * "Updated invitation", "Updated invitation with note", "Invitation updated"), "New event:", "Updated event:", and an
 * attendee's "Accepted:" or "Tentative:". The prefix is the subject's first word: a reply or an auto-reply quoting one
 * ("Automatic reply: Invitation: …", "Re: Invitation: …") is a message about it, not the calendar's.
 */
const ON =
  /^(?:(?:updated\s+)?invitation(?:\s+updated)?(?:\s+with\s+note)?|new\s+event|updated\s+event|accepted|tentative(?:ly\s+accepted)?)\s*:\s*/i;
/** Notices that take a meeting out of the calendar: "Declined: Demo @ …", "Canceled event: …", "Cancelled: …". */
const OFF =
  /^(?:declined|cancel+ed(?:\s+(?:event|invitation))?|event\s+cancel+ed|invitation\s+cancel+ed)(?:\s+with\s+note)?\s*:\s*/i;
/** A calendar's invitation told by its body (an Outlook or Google invitation logged with the meeting's title only). */
const INVITE_BODY = /\byou have been invited to (?:the following|an?) event\b|\binvitation from google calendar\b/i;
/** The line of an invitation that says when the meeting is ("When: Tuesday, December 15, 2026 10:00 AM-11:00 AM"). */
const WHEN_LINE = /^[ \t*]*(?:when|wann|quand|cuándo)[ \t*]*:?[ \t]*([^\n]*)(?:\n[ \t]*([^\n]*))?/im;

interface Notice {
  activity: Activity;
  /** The meeting's title as a key (the same meeting's invitation, update and decline share it). */
  key: string;
  title: string;
  on: boolean;
  /** Where the notice says when the meeting is: the subject's "@ …" part, else its "When:" line. */
  whenText: string | null;
}

function noticeOf(a: Activity): Notice | null {
  if (a.kind !== 'email' || a.archived || (a.status ?? '').toUpperCase() === 'DRAFT') return null;
  const subject = (a.subject ?? '').trim();
  const on = ON.exec(subject);
  const off = on ? null : OFF.exec(subject);
  let rest: string;
  if (on || off) rest = subject.slice((on ?? off)![0].length);
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
    on: Boolean(on) || !off,
    whenText: at >= 0 ? rest.slice(at + 2).trim() : whenLine || null,
  };
}

/** When the meeting a notice is about starts (a day it names; the year the next one after the notice was sent). */
function startOf(n: Notice): number | null {
  if (!n.whenText) return null;
  const ref = new Date(n.activity.occurredAt);
  if (!Number.isFinite(ref.getTime())) return null;
  const r = loadChrono().parse(n.whenText.slice(0, 300), ref, { forwardDate: true })[0];
  if (!r || !(r.start.isCertain('day') || r.start.isCertain('weekday'))) return null;
  const t = r.start.date().getTime();
  return Number.isFinite(t) ? t : null;
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
  // The latest notice for each meeting says whether it is on (a decline after the invitation takes it off).
  const latest = new Map<string, Notice>();
  for (const n of activities
    .filter((a) => a.kind === 'email' && Date.parse(a.occurredAt) <= now + DAY)
    .map(noticeOf)
    .filter((n): n is Notice => n !== null)
    .sort((x, y) => x.activity.occurredAt.localeCompare(y.activity.occurredAt)))
    latest.set(n.key, n);
  for (const n of latest.values()) {
    if (!n.on) continue;
    const t = startOf(n);
    if (t !== null && t > now && t <= now + MAX_AHEAD)
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
