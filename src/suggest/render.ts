import { repTimeZone, type Evidence, type RuleVerdict, type Suggestion } from '../core/suggestion.js';
import { knownTimeZone, localDay, wallClock } from '../core/time-zone.js';
import { formatDay } from '../lib/dates.js';
import {
  ASKED_FIELD,
  AUTOMATIC_MAIL_SINCE,
  awayOf,
  CHASED_FIELD,
  CLOSE_DATE_PASSED,
  COMPETITOR_FIELD,
  CONTACT_LEFT,
  DEPARTURE_FIELD,
} from '../inference/deal-suggestions.js';

/** Notes the loop adds to what the rep reads: why the suggestion was thinned, how it was repaired. */
export interface RenderNotes {
  /** Per-rep suppression that applied (it was shown anyway). */
  suppression?: string | null;
  /** The first draft broke these rules and was regenerated once. */
  repairedFrom?: string[] | null;
  /** The template draft is English, the customer wrote in this language ("German"). */
  draftLanguage?: string | null;
}

/** What the text says about the records, resolved from the CRM (labels, names), not ids. */
export interface RenderFacts {
  now: number;
  dealName: string | null;
  dealUrl: string | null;
  /** The stage as the CRM shows it; null when the CRM could not be asked (the text then leaves the stage out). */
  stage: { label: string; pipeline: string | null } | null;
  companyName: string | null;
  companyUrl: string | null;
  /** The customer the suggestion is about (the draft's recipient, or whoever wrote the quoted message). */
  contactName: string | null;
  /** The record owner as the CRM knows them; null when unknown. */
  owner: { id: string; name: string; active: boolean; timeZone?: string | null } | null;
  /** The owner id on the record, when it has one. */
  ownerId: string | null;
  /** A draft email is written together with this task. */
  draftSubject: string | null;
}

/** The day of `iso` as the rep lives it (`timeZone`, from the CRM), else its UTC day; null when there is none. */
export const humanDate = (iso: string | undefined | null, timeZone: string | null = null): string | null => {
  if (!iso) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : formatDay(iso, timeZone);
};
/** The rep's time zone: the one the task's due time was set in, else the owner's as the CRM tells it. */
const zoneOf = (s: Suggestion, f: RenderFacts): string | null => repTimeZone(s, f.owner?.timeZone);
const DAY = 86_400_000;

const quoted = (name: string | null) => (name ? `"${name}"` : 'the deal');
const stageText = (f: RenderFacts) =>
  f.stage ? ` (stage: ${f.stage.label}${f.stage.pipeline ? `, ${f.stage.pipeline}` : ''})` : '';
const who = (f: RenderFacts) => f.contactName ?? (f.companyName ? `the contact at ${f.companyName}` : 'the customer');
/** `who` opening a sentence: "The customer raised…", not "the customer raised…" (a name is left as the CRM has it). */
const Who = (f: RenderFacts) => (f.contactName ? f.contactName : who(f).replace(/^the /, 'The '));

/** Newest evidence first, by the interaction's own date. */
const byDate = (e: readonly Evidence[]) =>
  [...e].sort((a, b) => (b.occurredAt ?? '').localeCompare(a.occurredAt ?? ''));

/** Signals behind a churn suggestion, in words (factor names the churn scorer gives them). */
const churnSignals = (s: Suggestion) =>
  s.explanation.factors
    .filter(
      (x) =>
        x.direction === '+' &&
        !x.name.startsWith('route: ') &&
        !x.name.startsWith('deal score') &&
        !x.name.startsWith('draft by') &&
        !x.name.startsWith('rep feedback') &&
        !x.name.startsWith('tenant usefulness'),
    )
    .map((x) => x.name);

/**
 * A follow-up waiting for the customer's return (`awayOf`): the sentence saying why it is due when it is, and that its
 * draft is for then, or ''.
 */
const awayNote = (s: Suggestion): string => {
  const away = awayOf(s);
  if (!away) return '';
  const day = formatDay(`${away.day}T12:00:00Z`);
  return ` Their latest email is an automatic reply: ${away.said === 'back' ? `they are back on ${day}` : `they are out of the office until ${day}`}, so this is due the first working day after.${s.draft ? ' The draft email is for their return: send it then, not before.' : ''}`;
};

interface Text {
  subject: string;
  happened: string;
  why: string;
  next: string;
}

function textOf(s: Suggestion, f: RenderFacts): Text {
  const zone = zoneOf(s, f);
  const deal = quoted(f.dealName);
  const ev = byDate(s.evidence);
  const latest = ev[0];
  const latestDate = humanDate(latest?.occurredAt, zone);
  const draft = f.draftSubject ? ` A draft email ("${f.draftSubject}") is ready for you to review and send.` : '';
  switch (s.type) {
    case 'stale_deal_follow_up': {
      const lastAt = latest?.occurredAt ? Date.parse(latest.occurredAt) : null;
      const days = lastAt !== null && Number.isFinite(lastAt) ? Math.floor((f.now - lastAt) / DAY) : null;
      const closed = s.explanation.factors
        .find((x) => x.name.startsWith(`${CLOSE_DATE_PASSED}=`))
        ?.name.slice(CLOSE_DATE_PASSED.length + 1);
      const closeDate = closed ? humanDate(`${closed}T12:00:00Z`) : null;
      const pastClose = closeDate ? ` Its close date, ${closeDate}, has passed.` : '';
      // Automatic mail logged since (an out-of-office reply, a bounce): the rep sees it on the record, so the text
      // does not claim that no email came, and says why it does not count.
      const automatic = Number(
        s.explanation.factors
          .find((x) => x.name.startsWith(`${AUTOMATIC_MAIL_SINCE}=`))
          ?.name.slice(AUTOMATIC_MAIL_SINCE.length + 1) ?? 0,
      );
      const logged =
        automatic > 0
          ? `no one has written, called or met about it and no note or task has been logged since then; the ${automatic === 1 ? 'one email' : `${automatic} emails`} logged since ${automatic === 1 ? 'is' : 'are'} automatic (an out-of-office reply, a delivery failure, a calendar notice or a newsletter), not someone writing.`
          : 'no email, call, meeting, note or task has been logged since then.';
      return {
        subject: `Follow up on ${f.dealName ?? 'this deal'}${f.contactName ? ` with ${f.contactName}` : ''}: no activity for ${days ?? 'many'} days`,
        happened:
          (latest?.occurredAt
            ? `Nothing has happened on ${deal}${stageText(f)} since ${latestDate}: ${logged}`
            : `Nothing has been logged on ${deal}${stageText(f)} since it was created.`) +
          pastClose +
          awayNote(s),
        why: 'An open deal that goes quiet this long tends to slip or stall; a short check-in now keeps it moving.',
        next: `Get in touch with ${who(f)} and agree on a concrete next step with a date${closeDate ? ', then move the close date to when it can really close' : ''}.${draft}`,
      };
    }
    case 'budget_risk': {
      // The budget quotes; what else the same message said (a question, a competitor) is quoted beside them.
      const raised = ev.filter((e) => e.field !== ASKED_FIELD && e.field !== COMPETITOR_FIELD);
      const raisedDate = humanDate(raised[0]?.occurredAt, zone);
      const times =
        raised.length > 1
          ? ` (${raised.length} times, most recently on ${raisedDate})`
          : raisedDate
            ? ` on ${raisedDate}`
            : '';
      const asked = ev.some((e) => e.field === ASKED_FIELD);
      const rival = ev.some((e) => e.field === COMPETITOR_FIELD);
      const also = [asked ? 'asked a question' : null, rival ? 'named a competitor' : null].filter(Boolean);
      const alsoText = also.length ? ` In the same email they also ${also.join(' and ')} (quoted below).` : '';
      const alsoNext = [
        asked ? 'answer their question in the same reply' : null,
        rival
          ? 'find out what the competitor is offering, so the conversation is about value and not price alone'
          : null,
      ].filter(Boolean);
      return {
        subject: `Answer ${f.contactName ? `${f.contactName}'s` : 'the'} budget concern${asked ? ' and question' : ''} on ${f.dealName ?? 'this deal'}`,
        happened: `${Who(f)} raised a budget problem${times} while ${deal} is late in the sales process${stageText(f)}.${alsoText}`,
        why: `A budget problem raised this late usually means a delay, a smaller order or a lost deal unless it is addressed before signature${rival ? ', and a competitor in the picture makes that more likely' : ''}.`,
        next: `Talk to ${who(f)} about what they can fund now (scope, phasing or timing) before the contract goes any further${alsoNext.length ? `; ${alsoNext.join(', and ')}` : ''}.${draft}`,
      };
    }
    case 'unanswered_ask': {
      // The question itself, not the notice that its asker has left (quoted beside it).
      const asked =
        ev.find((e) => e.field !== DEPARTURE_FIELD && e.field !== ASKED_FIELD && e.field !== CHASED_FIELD) ?? latest;
      // A reminder ("Any update on this?"): the earlier request it chases is quoted beside it.
      const chased = ev.find((e) => e.field === CHASED_FIELD);
      const chasedDate = humanDate(chased?.occurredAt, zone);
      // More than one request in the email: each is quoted, none is dropped.
      const several = ev.some((e) => e.field === ASKED_FIELD);
      const askedAt = asked?.occurredAt ? Date.parse(asked.occurredAt) : null;
      const askedDate = humanDate(asked?.occurredAt, zone);
      const days = askedAt !== null && Number.isFinite(askedAt) ? Math.floor((f.now - askedAt) / DAY) : null;
      if (s.explanation.factors.some((x) => x.name === CONTACT_LEFT)) {
        const gone = f.contactName ?? 'The contact who asked';
        return {
          subject: `${gone} has left${f.companyName ? ` ${f.companyName}` : ''}: find who took over their request on ${f.dealName ?? 'this deal'}`,
          happened: `${gone} asked for something on ${deal}${stageText(f)}${askedDate ? ` on ${askedDate}` : ''} and has since left${f.companyName ? ` ${f.companyName}` : ' the company'} (both quoted below); it has had no answer${days !== null && days >= 1 ? ` for ${days} day${days === 1 ? '' : 's'}` : ''}.`,
          why: 'A deal whose contact has left stalls unless someone else on their side picks it up; the person who took over needs the answer, and to hear from you first.',
          next: `Find out who took over from ${f.contactName ?? 'them'} (the quotes below may name them), add that person to the deal and answer them.${draft}`,
        };
      }
      return {
        subject: `Answer ${f.contactName ? `${f.contactName}'s` : "the customer's"} question${several ? 's' : ''} on ${f.dealName ?? 'this deal'}`,
        happened: `${Who(f)} ${chased ? `wrote again${askedDate ? ` on ${askedDate}` : ''} about an earlier request on ${deal}${stageText(f)}${chasedDate ? ` (of ${chasedDate})` : ''}, both quoted below,` : `asked ${several ? 'more than one thing' : 'for something'} on ${deal}${stageText(f)}${askedDate ? ` on ${askedDate}` : ''} (quoted below),`} and it has had no answer${days !== null && days >= 1 ? ` for ${days} day${days === 1 ? '' : 's'}` : ''}: no email sent, no call and no meeting since.`,
        why: 'A buyer left waiting for an answer loses momentum, and often asks someone else; a prompt answer is the cheapest way to keep the deal moving.',
        next: `Reply to ${who(f)} with the answer${several ? ' to each question' : ''}, or say when they will have it.${draft}`,
      };
    }
    case 'no_next_step':
      return {
        subject: `Plan the next step for ${f.dealName ?? 'this deal'}`,
        happened: `${deal}${stageText(f)} was last worked on ${latestDate ?? 'a while ago'} and nothing is planned: no open task and no meeting ahead.${awayNote(s)}`,
        why: 'Deals without a scheduled next step drift; a date in the calendar is the best predictor that a deal keeps moving.',
        next: `Book a meeting or set a dated task with ${who(f)} for the next step.`,
      };
    case 'churn_risk': {
      const signals = churnSignals(s);
      return {
        subject: `Check in with ${f.companyName ?? 'this customer'}: signs they may not renew`,
        happened: `${f.companyName ?? 'This customer'}, an existing customer, ${signals.length ? signals.join(', and ') : 'shows signs of leaving'}${latestDate ? ` (latest on ${latestDate})` : ''}.`,
        why: 'These are the signals that usually come before a cancellation or a lost renewal; a personal call now is when it can still be turned around.',
        next: `Call ${who(f)} to hear the concerns and agree on what will change.${draft}`,
      };
    }
    default:
      return { subject: s.task?.subject ?? 'Review this suggestion', happened: s.reason, why: '', next: draft.trim() };
  }
}

/** Task subjects hold 255 characters in both CRMs (Salesforce Task.Subject, HubSpot hs_task_subject). */
const MAX_SUBJECT = 255;

/**
 * A subject longer than the field, cut at the last word that fits and marked "…": a deal or person's name cut in the
 * middle of a word reads as another name. Counted in UTF-16 units as the CRMs count, never splitting a character.
 */
export function fitSubject(subject: string, max = MAX_SUBJECT): string {
  if (subject.length <= max) return subject;
  let out = '';
  for (const ch of subject) {
    if (out.length + ch.length > max - 1) break;
    out += ch;
  }
  const space = out.lastIndexOf(' ');
  // One very long word (a URL, a name without spaces): cut inside it rather than lose most of the subject.
  if (space >= max / 2 && /\S/.test(subject[out.length] ?? ' ')) out = out.slice(0, space);
  return `${out.replace(/[\s,;:.–—-]+$/u, '')}…`;
}

/** The subject of a task closeloop closes: "Closed: " before what it said, fitted to the field like any subject. */
export const closedTaskSubject = (subject: string | null | undefined): string =>
  fitSubject(`Closed: ${subject ?? 'suggestion'}`);

/** The task subject: what to do, in the rep's words. */
export function renderTaskSubject(s: Suggestion, f: RenderFacts): string {
  return fitSubject(textOf(s, f).subject);
}

function evidenceLines(s: Suggestion, f: RenderFacts): string[] {
  const out: string[] = [];
  const shown = new Set<string>();
  for (const e of byDate(s.evidence)) {
    // The same words sent twice (a resent email) are quoted once: the newest, with its record.
    const words = e.quote.replace(/\s+/g, ' ').trim().toLowerCase();
    if (shown.has(words)) continue;
    shown.add(words);
    const label =
      e.label ??
      (e.recordKind === 'deal' || e.recordKind === 'company' ? `the ${e.recordKind} record` : `a ${e.recordKind}`);
    const what =
      e.field === ASKED_FIELD
        ? s.type === 'unanswered_ask'
          ? 'They also asked, in'
          : 'Their question, from'
        : e.field === COMPETITOR_FIELD
          ? 'The competitor, from'
          : e.field === CHASED_FIELD
            ? 'The request it follows up on, from'
            : 'Quote from';
    out.push(`${what} ${label}: "${e.quote.replace(/\s+/g, ' ').trim()}"`);
    const when = relativeDayNote(e.quote, e.occurredAt, f.now, zoneOf(s, f));
    if (when) out.push(`  ${when}`);
    const url = e.url ?? (s.type === 'churn_risk' ? f.companyUrl : f.dealUrl);
    if (url) out.push(`  Open the record: ${url}`);
  }
  return out;
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
/** A day named relative to when the message was written: "tomorrow", "next Friday", "this week", "by Thursday". */
const RELATIVE_DAY =
  /\b(?:(the day after tomorrow|tomorrow)|(next|this|this coming|coming|on|by|until|before)\s+(monday|tuesday|wednesday|thursday|friday|saturday|sunday)|(?:(?:the\s+)?end of\s+)?(this|next)\s+week)\b/i;

/**
 * A quote that names a day relative to its own date ("can we talk next Friday?" in an email of ten days ago): the day
 * of the week it was written, and, when even the latest day the words can mean is behind us, that the day has passed.
 * The rep reads the quote days later; "next Friday" is not the Friday after today. Null for a quote written today or
 * without such words.
 */
export function relativeDayNote(
  quote: string,
  occurredAt: string | null | undefined,
  now: number,
  timeZone: string | null = null,
): string | null {
  const m = RELATIVE_DAY.exec(quote);
  const at = occurredAt ? Date.parse(occurredAt) : Number.NaN;
  if (!m || !Number.isFinite(at)) return null;
  // Days as the rep lives them (their zone from the CRM), else UTC days.
  const zone = knownTimeZone(timeZone);
  const dayStart = (t: number) => Date.parse(`${localDay(t, zone)}T00:00:00Z`);
  if (dayStart(at) >= dayStart(now)) return null;
  const wrote = zone ? wallClock(at, zone).weekday : new Date(at).getUTCDay();
  // The latest day the words can mean, in days after the day it was written.
  let latest: number;
  if (m[1]) latest = /after/i.test(m[1]) ? 2 : 1;
  else if (m[3]) {
    const ahead = (WEEKDAYS.findIndex((d) => d.toLowerCase() === m[3]!.toLowerCase()) - wrote + 7) % 7 || 7;
    // "next Friday" may mean the coming one or the one a week later.
    latest = m[2]!.toLowerCase() === 'next' ? ahead + 7 : ahead;
  } else latest = 7 - wrote + (m[4]!.toLowerCase() === 'next' ? 7 : 0);
  const passed = dayStart(at) + latest * DAY < dayStart(now);
  return `"${m[0]}" was written on ${WEEKDAYS[wrote]}, ${formatDay(new Date(at).toISOString(), zone)}${passed ? ': that day has passed' : ''}.`;
}

/**
 * The owner line when the task cannot go to the record's owner (unknown or deactivated): visible, never a failed write.
 */
export function ownerFallbackLine(f: RenderFacts): string | null {
  if (f.owner?.active) return null;
  if (!f.ownerId)
    return 'This record has no owner in the CRM, so this task is not assigned to a rep: please assign it.';
  if (f.owner && !f.owner.active)
    return `The record's owner, ${f.owner.name}, is deactivated in the CRM, so this task could not be assigned to them: please assign it to the rep who now covers it.`;
  return `The record's owner (user id ${f.ownerId}) is not a user the CRM knows, so this task could not be assigned to them: please assign it.`;
}

/**
 * closeloop's own lines in a task (its structure and closing note, and the line that opens an update, `updated`): the
 * output gate and the rules trust them as its wording. The day of an update is the day closeloop wrote it, no claim
 * about the deal: it is today, which a customer's email of yesterday does not ground.
 */
export function ownLines(
  s: Suggestion,
  _verdicts: RuleVerdict[],
  notes: RenderNotes,
  updated: { at: number; facts: RenderFacts } | null = null,
): string[] {
  return [...(updated ? [updateLine(s, updated.facts, updated.at)] : []), '--', 'Evidence:', ...closingLines(s, notes)];
}

/** The line that opens a task updated with new evidence, dated in the owner's zone. */
const updateLine = (s: Suggestion, f: RenderFacts, at: number): string =>
  `Updated on ${humanDate(new Date(at).toISOString(), zoneOf(s, f))}: new evidence below.`;

/** How sure closeloop is, in words (the figure itself is in the explanation: console, API, cards). */
const sureness = (confidence: number) => (confidence >= 0.85 ? 'high' : confidence >= 0.6 ? 'medium' : 'low');

/** What weighed the evidence, in words (the model's versioned name is in the explanation). */
const method = (tier: Suggestion['explanation']['tier']) =>
  tier === 'rules' ? "closeloop's standard rules" : tier === 'small' ? "closeloop's trained models" : 'an AI model';

/**
 * The closing note a rep reads: what the suggestion rests on and how sure it is, in plain words, and that it is a
 * suggestion to review. The technical route (model ids, rule verdicts, cost, latency) stays in the suggestion's
 * explanation, shown in the console, the API and the cards, never in the CRM task.
 */
function closingLines(s: Suggestion, notes: RenderNotes): string[] {
  const x = s.explanation;
  const lines = [`Based on the evidence above, weighed by ${method(x.tier)} (confidence: ${sureness(x.confidence)}).`];
  const draftStep = x.route?.find((r) => r.task === 'draft_email');
  if (s.draft && draftStep)
    lines.push(
      draftStep.tier === 'rules'
        ? notes.draftLanguage
          ? `The draft email is written from a template in English (no AI model drafted it), but the customer wrote in ${notes.draftLanguage}: write it in ${notes.draftLanguage} before sending.`
          : 'The draft email is written from a template (no AI model drafted it): make it your own before sending.'
        : 'The draft email was written by an AI model: check every line before sending.',
    );
  if (notes.repairedFrom?.length)
    lines.push("The first version of the draft did not pass closeloop's checks and was rewritten once.");
  if (notes.suppression)
    lines.push('You have left several suggestions like this one unused lately, so closeloop now shows fewer of them.');
  lines.push('Suggested by closeloop — review before acting.');
  return lines;
}

/**
 * The task a rep reads: what happened, why it matters, what to do next, the quoted evidence with a link to the
 * record, then a short closing note in plain words. Plain text; connectors convert to their markup.
 */
export function renderTaskBody(
  s: Suggestion,
  _verdicts: RuleVerdict[],
  notes: RenderNotes,
  f: RenderFacts,
  update: { at: number } | null = null,
): string {
  const t = textOf(s, f);
  const lines: string[] = [];
  const fallback = ownerFallbackLine(f);
  if (fallback) lines.push(fallback, '');
  if (update) lines.push(updateLine(s, f, update.at), '');
  lines.push(`What happened: ${t.happened}`);
  if (t.why) lines.push(`Why it matters: ${t.why}`);
  if (t.next) lines.push(`Next step: ${t.next}`);
  const ev = evidenceLines(s, f);
  if (ev.length) lines.push('', 'Evidence:', ...ev);
  lines.push('', '--', ...closingLines(s, notes));
  return lines.join('\n');
}

/**
 * The update on its own, for a task whose body the rep edited: appended below the rep's text (never replacing it) by
 * the connector (connectors/kit/task-merge.ts). `changed` is the new evidence, or the re-quoted evidence when `edited`.
 */
export function renderTaskUpdateBlock(
  s: Suggestion,
  f: RenderFacts,
  changed: Suggestion['evidence'],
  at: number,
  edited = false,
): string {
  const when = humanDate(new Date(at).toISOString(), zoneOf(s, f));
  const lines = [
    edited
      ? `Updated by closeloop on ${when}: a quoted message was edited in the CRM; it now reads as below.`
      : `Updated by closeloop on ${when}: new evidence below.`,
  ];
  const ev = evidenceLines({ ...s, evidence: changed }, f);
  if (ev.length) lines.push('', 'Evidence:', ...ev);
  lines.push('', '--', 'Suggested by closeloop — review before acting.');
  return lines.join('\n');
}

/**
 * The update block of a follow-up moved to the customer's return (appended below a body the rep rewrote): when it is
 * due now, and why.
 */
export function renderTaskRetimeBlock(s: Suggestion, f: RenderFacts, at: number): string {
  const zone = zoneOf(s, f);
  const due = s.task ? humanDate(s.task.dueAt, zone) : null;
  return [
    `Updated by closeloop on ${humanDate(new Date(at).toISOString(), zone) ?? 'today'}:${awayNote(s)}${due ? ` Now due ${due}.` : ''}`,
    '',
    '--',
    'Suggested by closeloop — review before acting.',
  ].join('\n');
}

/** The task body once closeloop withdraws it: the one-line reason first, the original text kept below. */
export function renderWithdrawnBody(reason: string, previousBody: string): string {
  return [`Closed by closeloop: ${reason}`, '', 'Original suggestion:', previousBody].join('\n');
}

/** The draft as written to the CRM: the email itself and nothing else (what the rep needs is in the task). */
export function renderDraftBody(s: Suggestion): string {
  if (!s.draft) throw new Error('renderDraftBody: suggestion has no draft');
  return s.draft.body;
}
