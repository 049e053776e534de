import type { Activity, Contact, Deal } from '../core/canonical.js';
import { DEAL_STAGE_ORDER } from '../core/canonical.js';
import type { Evidence, Suggestion } from '../core/suggestion.js';
import { formatDay, workingDayAfter, workingDue } from '../lib/dates.js';
import { stableId } from '../lib/ids.js';
import { isCustomerTouch } from './deal-features.js';
import { isAutomatedMessage } from './automated-mail.js';
import { meetingAhead, plannedNextStep } from './next-step.js';
import { awayUntil } from './away.js';
import { isConversation, isSellersOwn, reportsAnswer } from './conversation.js';
import { departureNotice } from './departure.js';
import { quoteWindow } from './quote-window.js';
import { elapsedMs, withRouteStep } from './router/steps.js';
import {
  deniedTypes,
  extractSignals,
  FUSED_TEXT_MODEL,
  LEXICON_MODEL,
  TEXT_MODEL,
  type ExtractOptions,
  type Signal,
} from './signals/index.js';
import { isReminder, withdrawsRequest } from './signals/lexicon.js';
import type { SignalType } from './signals/types.js';
import { splitSentences } from './signals/sentences.js';
import { signalText } from './signals/email-text.js';
import { contactName } from './drafting/salutation.js';
import { ABOUT_PRICE, FIRM_COMPETITOR, MEETING_ASK } from './drafting/concerns.js';

export interface DealAnalysisInput {
  tenantId: string;
  connectionId: string;
  provider: string;
  deal: Deal;
  /** Live activities associated with the deal. */
  activities: Activity[];
  /**
   * Mail the rep received from their own side on the deal (a colleague's note, forwarded pricing), kept out of
   * `activities` because it is not the customer talking: it still says the deal is being worked, so it counts for when
   * the deal was last worked (a quiet deal, a next step) and for nothing else.
   */
  internalMail?: readonly Activity[];
  now: number;
  /** The deal owner's time zone (IANA, from the CRM), when known: tasks fall due in their working day. */
  timeZone?: string | null;
  staleDealDays: number;
  /** The deal's contacts, to say who wrote what. */
  contacts?: Contact[];
  /**
   * Whether a quoted request may be put to the rep as a question to answer (src/suggest: not an instruction the
   * guardrails withhold). A request that may not is no unanswered question here, so the deal keeps the suggestion it
   * would have had without it (a next step to plan).
   */
  askable?: (quote: string) => boolean;
  /** The tenant's fine-tuned signal models (src/suggest/scorer.ts tenantSignalModels); shipped models otherwise. */
  signals?: Pick<ExtractOptions, 'classifiers' | 'fusedClassifiers' | 'classifiersVersion' | 'vectors'>;
}

const DAY = 24 * 60 * 60 * 1000;
/** The factor of a stale-deal suggestion whose deal's close date has passed (`close_date_passed=YYYY-MM-DD`). */
export const CLOSE_DATE_PASSED = 'close_date_passed';
/**
 * The factor of a stale-deal suggestion on whose deal automatic mail (auto-replies, bounces, calendar notices,
 * newsletters) arrived after the last real activity (`automatic_mail_since=N`): the task must not say no email came.
 */
export const AUTOMATIC_MAIL_SINCE = 'automatic_mail_since';
/**
 * The factor of a follow-up whose customer's latest message is an away notice naming their return
 * (`away_until=YYYY-MM-DD`): the task is due the first working day after it.
 */
export const AWAY_UNTIL = 'away_until';
/** As `AWAY_UNTIL`, when the away notice names the first day back (`away_back_on=YYYY-MM-DD`: "back on 14 December"). */
export const AWAY_BACK_ON = 'away_back_on';
/** The customer's return a follow-up waits for, from its factor (`AWAY_UNTIL` or `AWAY_BACK_ON`), or null. */
export function awayOf(s: {
  explanation?: Pick<Suggestion['explanation'], 'factors'>;
}): { day: string; said: 'until' | 'back' } | null {
  for (const f of s.explanation?.factors ?? []) {
    const m = /^(away_until|away_back_on)=(\d{4}-\d{2}-\d{2})$/.exec(f.name);
    if (m) return { day: m[2]!, said: m[1] === AWAY_BACK_ON ? 'back' : 'until' };
  }
  return null;
}
/** The factor of an unanswered question whose asker has since left the company. */
export const CONTACT_LEFT = 'asker_left_the_company';
/** `Evidence.field` of the quote saying the asker has left (beside the question itself). */
export const DEPARTURE_FIELD = 'departure';
/**
 * `Evidence.field` of what else the message that raised a budget problem says: a question or request of theirs
 * (`ASKED_FIELD`), a competitor they named (`COMPETITOR_FIELD`). One task answers the whole message.
 */
export const ASKED_FIELD = 'also_asked';
export const COMPETITOR_FIELD = 'competitor';
/** `Evidence.field` of the earlier request a reminder ("Any update on this?") chases, quoted beside the reminder. */
export const CHASED_FIELD = 'chased_request';
const MAX_QUOTE = 280;
/**
 * A deal talked to in the last N days but with nothing planned next gets a "set a next step" task after this many quiet
 * days.
 */
export const noNextStepDays = (staleDealDays: number): number => Math.max(3, Math.floor(staleDealDays / 2));

const KIND_WORD: Record<string, string> = {
  email: 'email',
  call: 'call notes',
  meeting: 'meeting notes',
  note: 'note',
  task: 'task',
};

/** Whether the contact sent this email (its sender address, when the CRM gives it, is theirs). */
const isSender = (a: Pick<Activity, 'from'>, c: Pick<Contact, 'email'>): boolean =>
  Boolean(a.from && c.email && a.from.toLowerCase() === c.email.toLowerCase());

/**
 * The contacts who sent these messages (by sender address), in the order of `contacts`: the author is named, quoted
 * and answered before the others on the message.
 */
export const sendersAmong = <C extends Pick<Contact, 'email'>>(
  messages: readonly Pick<Activity, 'from'>[],
  contacts: readonly C[],
): C[] => contacts.filter((c) => messages.some((a) => isSender(a, c)));

/**
 * "Carl Gauss's email of 2 December 2026" (the author for customer messages, else the kind alone); the day as the rep
 * lives it when their time zone is known.
 */
export function activityLabel(a: Activity, contacts: readonly Contact[] = [], timeZone: string | null = null): string {
  const named = (c: Contact) => Boolean(c.firstName || c.lastName);
  const author =
    a.direction === 'inbound'
      ? [
          ...sendersAmong([a], contacts),
          ...contacts.filter((c) => a.associations.contacts.includes(c.externalId)),
        ].find(named)
      : undefined;
  const name = author ? contactName(author.firstName, author.lastName) : null;
  const what = KIND_WORD[a.kind] ?? a.kind;
  return `${name ? `${name}'s ${what}` : `the ${what}`} of ${formatDay(a.occurredAt, timeZone)}`;
}

const evidenceOf = (
  a: Activity,
  quote: string,
  /** The deal's contacts (the author is named) and the rep's time zone (the day is theirs). */
  who: { contacts?: readonly Contact[]; timeZone?: string | null },
  dealUrl: string | null = null,
  focus: ((part: string) => number) | null = null,
): Evidence => ({
  recordKind: a.kind,
  externalId: a.externalId,
  quote: quoteWindow(quote, focus, MAX_QUOTE),
  url: a.url ?? dealUrl,
  field: 'body',
  label: activityLabel(a, who.contacts ?? [], who.timeZone ?? null),
  occurredAt: a.occurredAt,
});

/** How strongly a part of a long sentence carries the signal it is quoted for (its clause is kept in the quote). */
const focusOn =
  (type: SignalType, i: Pick<DealAnalysisInput, 'signals'>) =>
  (part: string): number =>
    Math.max(
      0,
      ...extractSignals(part, i.signals)
        .filter((x) => x.type === type)
        .map((x) => x.confidence),
    );

/** The first sentence of a body (what a rep recognises the message by), or null. */
const firstSentence = (body: string | null): string | null => {
  const t = (body ?? '')
    .replace(/\s+/g, ' ')
    .replace(/^(hi|hello|dear)\b[^,.!]*[,.!]\s*/i, '')
    .trim();
  if (!t) return null;
  const m = /^.{20,200}?[.!?](\s|$)/.exec(t);
  return (m ? m[0] : t.slice(0, 200)).trim();
};

/** A quote's words, case and spacing aside: the same words sent twice are one signal (also src/suggest/situation.ts). */
export const quoteWords = (quote: string): string => quote.toLowerCase().replace(/\s+/g, ' ').trim();

/**
 * Every activity kind counts as "something happened" (open tasks included), except closeloop's own write-backs, which
 * the caller leaves out.
 */
const lastActivityAt = (activities: readonly Activity[], now: number): Activity | undefined =>
  activities
    // An auto-reply, a bounce or a newsletter on the deal is not the deal being worked.
    .filter((a) => !a.archived && !(a.kind === 'email' && (a.status ?? '').toUpperCase() === 'DRAFT'))
    .filter((a) => !isAutomatedMessage(a))
    .map((a) => ({ a, at: a.kind === 'task' ? (a.updatedAt ?? a.occurredAt) : a.occurredAt }))
    // A date that cannot be true (an email "sent" in 2999, a meeting more than a year out) says nothing about whether
    // the deal is being worked: it would keep the deal "active" for ever.
    .filter(({ a, at }) => Date.parse(at) <= now + (a.kind === 'meeting' ? 366 : 1) * DAY)
    .sort((x, y) => y.at.localeCompare(x.at))[0]?.a;

/**
 * When the customer's latest message is an away notice naming the day they are back ("I am out of the office until
 * January 5"), and that day is still ahead: a follow-up is due the first working day after it (in the rep's time
 * zone), and says why.
 */
function customerAway(i: DealAnalysisInput): { dueAt: string; until: string; factor: string; sentence: string } | null {
  const latest = i.activities
    .filter(
      (a) =>
        !a.archived &&
        a.kind === 'email' &&
        a.direction === 'inbound' &&
        (a.status ?? '').toUpperCase() !== 'DRAFT' &&
        Date.parse(a.occurredAt) <= i.now + DAY,
    )
    .sort((x, y) => y.occurredAt.localeCompare(x.occurredAt))[0];
  const back = latest ? awayUntil(latest) : null;
  if (!latest || !back) return null;
  const dueAt = workingDayAfter(back.year, back.month, back.day, i.timeZone);
  // Back already (the follow-up is due tomorrow anyway), or a day no one sets an away notice for.
  if (Date.parse(dueAt) <= i.now + DAY || Date.parse(dueAt) > i.now + 366 * DAY) return null;
  const until = `${back.year}-${String(back.month).padStart(2, '0')}-${String(back.day).padStart(2, '0')}`;
  const contacts = i.contacts ?? [];
  const named = (c: Contact) => Boolean(c.firstName || c.lastName);
  const who = [
    ...sendersAmong([latest], contacts),
    ...contacts.filter((c) => latest.associations.contacts.includes(c.externalId)),
  ].find(named);
  const name = who ? (who.firstName ?? contactName(who.firstName, who.lastName)) : 'The contact';
  const day = formatDay(`${until}T12:00:00Z`);
  return {
    dueAt,
    until,
    factor: `${back.said === 'back' ? AWAY_BACK_ON : AWAY_UNTIL}=${until}`,
    sentence:
      back.said === 'back'
        ? `${name} is out of the office and back on ${day} (automatic reply of ${formatDay(latest.occurredAt, i.timeZone)}), so this is due the first working day after.`
        : `${name} is out of the office until ${day} (automatic reply of ${formatDay(latest.occurredAt, i.timeZone)}), so this is due the first working day after.`,
  };
}

/**
 * Deal suggestions computed from the synced record alone (rules tier, no model call):
 * (a) follow up a deal with no customer activity for N days; (b) flag a budget problem raised in an
 * interaction while the deal is in Negotiation or later; (c) a deal still being worked (activity in the
 * stale window) with no next step planned: no open task and no meeting ahead. Pure: same input, same suggestions (ids
 * and
 * dedupe keys are derived from the situation, so re-running never yields a second one).
 */
export function suggestForDeal(i: DealAnalysisInput): Suggestion[] {
  const { deal } = i;
  if (deal.archived || deal.isClosed) return [];
  const out: Suggestion[] = [];
  const nowIso = new Date(i.now).toISOString();
  const base = {
    tenantId: i.tenantId,
    connectionId: i.connectionId,
    provider: i.provider,
    dealId: deal.externalId,
    contactIds: deal.associations.contacts.slice(0, 5),
    companyId: deal.associations.companies[0] ?? null,
    ownerId: deal.ownerId,
    draft: null,
    createdAt: nowIso,
  };
  const dealName = deal.name ?? `deal ${deal.externalId}`;

  // (a) stale deal: nothing of any kind (email, call, meeting, note, task) for N days.
  const touches = i.activities.filter(isCustomerTouch).sort((a, b) => b.occurredAt.localeCompare(a.occurredAt));
  const lastAny = lastActivityAt([...i.activities, ...(i.internalMail ?? [])], i.now);
  const lastAnyAt = lastAny
    ? Date.parse(lastAny.kind === 'task' ? (lastAny.updatedAt ?? lastAny.occurredAt) : lastAny.occurredAt)
    : deal.createdAt
      ? Date.parse(deal.createdAt)
      : null;
  const last = touches[0];
  const lastAt = last ? Date.parse(last.occurredAt) : deal.createdAt ? Date.parse(deal.createdAt) : null;
  // A meeting in the calendar (a meeting logged ahead, or an invitation for a future day, which is automatic mail and
  // so no activity) is a next step in place: the deal is waiting for it, not quiet.
  const meeting = meetingAhead(i.activities, i.now);
  const away = customerAway(i);
  if (lastAnyAt !== null && i.now - lastAnyAt >= i.staleDealDays * DAY && !meeting) {
    const days = Math.floor((i.now - lastAnyAt) / DAY);
    const dedupeKey = `stale_deal_follow_up:${deal.externalId}:${new Date(lastAnyAt).toISOString()}`;
    const evidence: Evidence[] = lastAny
      ? [evidenceOf(lastAny, firstSentence(lastAny.body) ?? lastAny.subject ?? '(no text)', i, deal.url)]
      : [
          {
            recordKind: 'deal',
            externalId: deal.externalId,
            quote: `${dealName}: created on ${deal.createdAt?.slice(0, 10)}, nothing logged since`,
            url: deal.url,
            field: 'createdAt',
            label: 'the deal record',
            occurredAt: deal.createdAt ?? undefined,
          },
        ];
    // A close date already behind it: the forecast counts a deal nobody is working, and it should be either revived or
    // moved. That, or a deal this late in the process, is as urgent as one quiet twice as long.
    const closeAt = deal.closeDate ? Date.parse(deal.closeDate) : Number.NaN;
    const closePassed = Number.isFinite(closeAt) && closeAt < i.now - DAY ? deal.closeDate!.slice(0, 10) : null;
    const late = (deal.stage ? DEAL_STAGE_ORDER[deal.stage] : 0) >= DEAL_STAGE_ORDER.negotiation;
    // The auto-replies, bounces and calendar notices logged since: not the deal being worked, but the rep sees them.
    const automatic = i.activities.filter(
      (a) =>
        !a.archived &&
        isAutomatedMessage(a) &&
        Date.parse(a.occurredAt) > lastAnyAt &&
        Date.parse(a.occurredAt) <= i.now + DAY,
    ).length;
    const reason = `No activity of any kind on "${dealName}" for ${days} days while it is still open${closePassed ? `, and its close date (${closePassed}) has passed` : ''}.${away ? ` ${away.sentence}` : ''}`;
    out.push({
      ...base,
      id: stableId('sug', i.connectionId, dedupeKey),
      type: 'stale_deal_follow_up',
      dedupeKey,
      reason,
      evidence,
      task: {
        subject: `Follow up on ${dealName}`.slice(0, 255),
        body: reason,
        dueAt: away?.dueAt ?? workingDue(i.now, DAY, i.timeZone),
        timeZone: i.timeZone ?? null,
        priority: days >= 2 * i.staleDealDays || closePassed || late ? 'HIGH' : 'MEDIUM',
        ownerId: deal.ownerId,
        taskType: 'TODO',
      },
      explanation: {
        model: 'rules:stale-deal@2',
        tier: 'rules',
        confidence: 1,
        costUsd: 0,
        factors: [
          { name: `days_since_last_activity=${days}`, direction: '+', weight: 1 },
          ...(closePassed ? [{ name: `${CLOSE_DATE_PASSED}=${closePassed}`, direction: '+' as const, weight: 1 }] : []),
          ...(automatic > 0
            ? [{ name: `${AUTOMATIC_MAIL_SINCE}=${automatic}`, direction: '+' as const, weight: 0 }]
            : []),
          ...(late ? [{ name: `deal_stage=${deal.stage}`, direction: '+' as const, weight: 1 }] : []),
          ...(away ? [{ name: away.factor, direction: '-' as const, weight: 0 }] : []),
        ],
      },
    });
  }

  // (c) no next step: recently worked, not stale, nothing planned
  const quietDays = lastAt === null ? null : Math.floor((i.now - lastAt) / DAY);
  const planned = plannedNextStep(i.activities, i.now) !== null;
  const anyQuiet = lastAnyAt === null ? null : Math.floor((i.now - lastAnyAt) / DAY);
  if (
    last &&
    quietDays !== null &&
    quietDays >= noNextStepDays(i.staleDealDays) &&
    anyQuiet !== null &&
    anyQuiet < i.staleDealDays &&
    !planned
  ) {
    const dedupeKey = `no_next_step:${deal.externalId}:${last.externalId}`;
    const reason = `"${dealName}" was last worked ${quietDays} days ago and has no next step: no open task and no meeting planned.${away ? ` ${away.sentence}` : ''}`;
    out.push({
      ...base,
      id: stableId('sug', i.connectionId, dedupeKey),
      type: 'no_next_step',
      dedupeKey,
      reason,
      evidence: [evidenceOf(last, firstSentence(last.body) ?? last.subject ?? '(no text)', i, deal.url)],
      task: {
        subject: `Set a next step for ${dealName}`.slice(0, 255),
        body: reason,
        dueAt: away?.dueAt ?? workingDue(i.now, DAY, i.timeZone),
        timeZone: i.timeZone ?? null,
        priority: 'MEDIUM',
        ownerId: deal.ownerId,
        taskType: 'TODO',
      },
      explanation: {
        model: 'rules:no-next-step@1',
        tier: 'rules',
        confidence: 1,
        costUsd: 0,
        factors: [
          { name: `days_since_last_activity=${quietDays}`, direction: '+', weight: 1 },
          { name: 'open_tasks=0, meetings_ahead=0', direction: '+', weight: 1 },
          ...(away ? [{ name: away.factor, direction: '-' as const, weight: 0 }] : []),
        ],
      },
    });
  }

  // (b) budget problem while the deal is in Negotiation or later: one suggestion per deal, every message that raised it
  // as evidence, until it is answered (the rep replied and the customer wrote again without raising it).
  const stageOrder = deal.stage ? DEAL_STAGE_ORDER[deal.stage] : 0;
  if (stageOrder >= DEAL_STAGE_ORDER.negotiation) {
    const raised: { a: Activity; quote: string; confidence: number; model: string }[] = [];
    const seenWords = new Set<string>();
    const started = performance.now();
    for (const a of touches) {
      if (isSellersOwn(a, i.now)) continue;
      const text = signalText(a);
      // A sentence of the message is the quote; its subject line ("Price") only when the body says nothing of it.
      const inSubject = (x: Signal) => (a.subject ? x.evidence.start < a.subject.length : false);
      const budget = extractSignals(text, i.signals)
        .filter((x) => x.type === 'budget_constraint')
        .sort((x, y) => Number(inSubject(x)) - Number(inSubject(y)) || y.confidence - x.confidence)[0];
      // The same words in a second message (a resent email) are one raising of the problem: the newest one kept.
      if (budget && !seenWords.has(quoteWords(budget.evidence.quote))) {
        seenWords.add(quoteWords(budget.evidence.quote));
        raised.push({ a, quote: budget.evidence.quote, confidence: budget.confidence, model: budget.model });
      }
    }
    const newest = raised[0];
    const signalsMs = elapsedMs(started, performance.now());
    if (newest && !budgetAnswered(touches, newest.a) && !budgetCleared(touches, newest.a)) {
      const step = signalStep(newest.model, signalsMs);
      const dedupeKey = `budget_risk:${deal.externalId}`;
      const reason = `A budget problem was raised ${raised.length > 1 ? `${raised.length} times` : 'once'} while "${dealName}" is in negotiation.`;
      out.push({
        ...base,
        id: stableId('sug', i.connectionId, dedupeKey),
        type: 'budget_risk',
        dedupeKey,
        reason,
        evidence: [
          ...raised.slice(0, 5).map((r) => evidenceOf(r.a, r.quote, i, deal.url, focusOn('budget_constraint', i))),
          ...alsoSaid(newest.a, newest.quote, i).map((x) => ({
            ...evidenceOf(newest.a, x.evidence.quote, i, deal.url, focusOn(x.type, i)),
            field: x.type === 'explicit_ask' ? ASKED_FIELD : COMPETITOR_FIELD,
          })),
        ],
        task: {
          subject: `Answer the budget concern on ${dealName}`.slice(0, 255),
          body: reason,
          dueAt: workingDue(i.now, DAY, i.timeZone),
          timeZone: i.timeZone ?? null,
          priority: 'HIGH',
          ownerId: deal.ownerId,
          taskType: 'TODO',
        },
        explanation: withRouteStep(
          {
            model: newest.model,
            tier: step.tier,
            confidence: Math.max(...raised.map((r) => r.confidence)),
            costUsd: 0,
            factors: [
              { name: 'signal=budget_constraint', direction: '+', weight: Number(newest.confidence.toFixed(3)) },
              { name: `deal_stage=${deal.stage}`, direction: '+', weight: 1 },
            ],
          },
          step,
        ),
      });
    }
  }
  // (d) an unanswered question: the customer asked for something (a document, a date, an answer) and, a day later,
  // nobody on the seller's side has answered (no email sent, no call that connected, no meeting since).
  const found = unansweredAsk(i, touches);
  const ask =
    found &&
    [found.quote, ...found.others, ...(found.chased ? [found.chased.quote] : [])].every(i.askable ?? (() => true))
      ? found
      : null;
  // A suggestion already answering the same email (a budget concern quoting the question beside it) stands; a next
  // step to plan, quoting the question as the last touch, gives way below (a week-old question is still to answer).
  if (
    ask &&
    !out.some(
      (s) =>
        s.type === 'stale_deal_follow_up' ||
        (s.type !== 'no_next_step' && s.evidence.some((e) => e.externalId === ask.a.externalId)),
    )
  ) {
    const days = Math.floor((i.now - Date.parse(ask.a.occurredAt)) / DAY);
    // The person who asked has since left the company (their own mail or their old mailbox's automatic reply says
    // so): the rep is to find who took over, not to answer someone who is gone. Their notice is quoted beside the ask.
    const left = departureNotice(i.activities, ask.a);
    const dedupeKey = `unanswered_ask:${deal.externalId}:${ask.a.externalId}`;
    const reason = `A question of the customer on "${dealName}" has had no answer for ${days} day${days === 1 ? '' : 's'}.`;
    // Answering the question is the next step: no second task asking to plan one.
    const planNext = out.findIndex((s) => s.type === 'no_next_step');
    if (planNext >= 0) out.splice(planNext, 1);
    out.push({
      ...base,
      id: stableId('sug', i.connectionId, dedupeKey),
      type: 'unanswered_ask',
      dedupeKey,
      reason,
      evidence: [
        evidenceOf(ask.a, ask.quote, i, deal.url, focusOn('explicit_ask', i)),
        ...(ask.chased
          ? [
              {
                ...evidenceOf(ask.chased.a, ask.chased.quote, i, deal.url, focusOn('explicit_ask', i)),
                field: CHASED_FIELD,
              },
            ]
          : []),
        ...ask.others.map((q) => ({
          ...evidenceOf(ask.a, q, i, deal.url, focusOn('explicit_ask', i)),
          field: ASKED_FIELD,
        })),
        ...(left && left.quote !== ask.quote
          ? [{ ...evidenceOf(left.a, left.quote, i, deal.url), field: DEPARTURE_FIELD }]
          : []),
      ],
      task: {
        subject: `Answer the customer's question on ${dealName}`.slice(0, 255),
        body: reason,
        dueAt: workingDue(i.now, DAY / 2, i.timeZone),
        timeZone: i.timeZone ?? null,
        priority: days >= 3 || left ? 'HIGH' : 'MEDIUM',
        ownerId: deal.ownerId,
        taskType: 'TODO',
      },
      explanation: withRouteStep(
        {
          model: ask.model,
          tier: ask.step.tier,
          confidence: ask.confidence,
          costUsd: 0,
          factors: [
            { name: 'signal=explicit_ask', direction: '+', weight: Number(ask.confidence.toFixed(3)) },
            { name: `days_unanswered=${days}`, direction: '+', weight: 1 },
            ...(left ? [{ name: CONTACT_LEFT, direction: '+' as const, weight: 1 }] : []),
          ],
        },
        ask.step,
      ),
    });
  }
  // Answering the budget concern (a conversation about what they can fund) is the next step: no second task on the
  // same deal asking to plan one.
  if (out.some((s) => s.type === 'budget_risk')) {
    const planNext = out.findIndex((s) => s.type === 'no_next_step');
    if (planNext >= 0) out.splice(planNext, 1);
  }
  return out;
}

/**
 * What else the message that raised the budget problem says, beside the budget sentence: the request or question it
 * makes (the explicit-ask signal in a request's form, not taken back) and a competitor it names. At most one of each,
 * the firmest; a sentence is quoted once (the budget sentence itself is already the evidence).
 */
function alsoSaid(a: Activity, budgetQuote: string, i: Pick<DealAnalysisInput, 'signals'>): Signal[] {
  const text = signalText(a);
  const signals = extractSignals(text, i.signals);
  const used = new Set([quoteWords(budgetQuote)]);
  const out: Signal[] = [];
  // Asking to talk is answered by the conversation the budget task proposes, and a question about the price ("why is
  // it so expensive?") by the budget conversation itself: no other question.
  const ask = openAskIn(a, i.signals, (q) => !MEETING_ASK.test(q) && !ABOUT_PRICE.test(q)).found;
  if (ask && !used.has(quoteWords(ask.evidence.quote))) {
    out.push(ask);
    used.add(quoteWords(ask.evidence.quote));
  }
  const rival = signals
    .filter(
      (x) => x.type === 'competitor' && x.confidence >= FIRM_COMPETITOR && !used.has(quoteWords(x.evidence.quote)),
    )
    .sort((x, y) => y.confidence - x.confidence)[0];
  if (rival) out.push(rival);
  return out;
}

/**
 * An ask the lexicon also read as a request, beyond REQUEST_FORM: a reminder ("Just following up on my previous
 * email."), a request in German, French, Spanish, Italian, Portuguese or Dutch ("Bitte senden Sie …"). extractSignals
 * already ran the lexicon over the sentence: its cue is the signal itself or is named in `cue`.
 */
const inRequestForm = (ask: Signal): boolean => ask.model === LEXICON_MODEL || ask.cue !== undefined;

/** A sentence that asks: a question mark, or the usual forms of a request. */
const REQUEST_FORM =
  /[?？]|\b(?:please|pls|kindly|could you|can you|would you|will you|let (?:me|us) know|send|share|need|looking for|waiting (?:for|on)|any update|confirm|advise)\b|ください|下さい|いただけ|頂け|でしょうか|请|請|能否|可否|麻[烦煩]|주세요|주시겠|주실/i;

/** How far back the request a reminder chases is looked for. */
const CHASED_WITHIN_MS = 60 * DAY;

/** The other requests of an unanswered email quoted beside the main one (a second question is not dropped). */
const MAX_OTHER_ASKS = 2;

/** How long a customer's question may wait for the seller's answer before it becomes a task. */
export const UNANSWERED_ASK_MS = DAY;

/** A learned signal model is the small tier (local, trained, calibrated); a lexicon cue is the rules tier. */
function signalStep(model: string, latencyMs: number) {
  const learned = model.startsWith(TEXT_MODEL) || model.startsWith(FUSED_TEXT_MODEL);
  return {
    task: 'extract_signals',
    tier: learned ? ('small' as const) : ('rules' as const),
    model,
    costUsd: 0,
    latencyMs,
    reason: learned
      ? model.includes(':tenant')
        ? "the tenant's fine-tuned sentence model (calibrated), lexicon as explanation"
        : model.startsWith(FUSED_TEXT_MODEL)
          ? 'shipped sentence model on n-grams and the sentence encoder (calibrated), lexicon as explanation'
          : 'shipped sentence model (calibrated), lexicon as explanation'
      : 'lexicon cue (the learned model was below its threshold)',
  };
}

/**
 * The newest inbound email that asks for something (the explicit-ask signal) and that the seller has not answered:
 * no email sent, call or meeting after it (`answeredAfter`), older than `UNANSWERED_ASK_MS`. Null when there is none.
 */
export function unansweredAsk(
  i: Pick<DealAnalysisInput, 'now' | 'signals'>,
  touches: readonly Activity[],
): {
  a: Activity;
  quote: string;
  /** The email's other open requests, in the order it makes them (at most `MAX_OTHER_ASKS`). */
  others: string[];
  /** When the request is a reminder that does not say what of: the customer's earlier request it chases. */
  chased: { a: Activity; quote: string } | null;
  confidence: number;
  model: string;
  step: ReturnType<typeof signalStep>;
} | null {
  const started = performance.now();
  const asks = touches
    .filter((a) => a.kind === 'email' && a.direction === 'inbound' && Date.parse(a.occurredAt) <= i.now)
    .sort((a, b) => b.occurredAt.localeCompare(a.occurredAt));
  for (const [k, a] of asks.entries()) {
    // Everything older than an answered one was answered with it.
    if (answeredAfter(touches, a, i.now)) return null;
    const { found, open, withdrawn } = openAskIn(a, i.signals);
    // Taken back by the customer after their last request ("Never mind, I found it"): nothing older is open either.
    if (withdrawn) return null;
    if (i.now - Date.parse(a.occurredAt) < UNANSWERED_ASK_MS) continue;
    if (found)
      return {
        a,
        quote: found.evidence.quote,
        others: open
          .filter((x) => x !== found && quoteWords(x.evidence.quote) !== quoteWords(found.evidence.quote))
          .slice(0, MAX_OTHER_ASKS)
          .map((x) => x.evidence.quote),
        chased: isReminder(found.evidence.quote) ? chasedRequest(a, asks.slice(k + 1), i.signals) : null,
        confidence: found.confidence,
        model: found.model,
        step: signalStep(found.model, elapsedMs(started, performance.now())),
      };
  }
  return null;
}

/**
 * The request a reminder chases: the newest earlier email of the customer's (within `CHASED_WITHIN_MS`) that makes a
 * request of its own (not another reminder). A reply between the two does not settle it: the reminder says it is still
 * open.
 */
function chasedRequest(
  reminder: Activity,
  older: readonly Activity[],
  signals: DealAnalysisInput['signals'],
): { a: Activity; quote: string } | null {
  const at = Date.parse(reminder.occurredAt);
  for (const o of older) {
    if (at - Date.parse(o.occurredAt) > CHASED_WITHIN_MS) break;
    const { found } = openAskIn(o, signals, (q) => !isReminder(q));
    if (found) return { a: o, quote: found.evidence.quote };
  }
  return null;
}

/**
 * The request an email still makes: the body's own sentences (a subject line is a topic, not a request) that the
 * explicit-ask signal reads as a question or a request, except those the writer takes back further on ("Could you send
 * the SOC 2 report? Never mind, I found it."). `withdrawn`: a sentence after every remaining request takes one back
 * (a later "Please disregard my previous email" or "Hat sich erledigt" closes the older requests too).
 */
function openAskIn(
  a: Activity,
  signals: DealAnalysisInput['signals'],
  counts: (quote: string) => boolean = () => true,
): { found: Signal | undefined; open: Signal[]; withdrawn: boolean } {
  const text = signalText({ ...a, subject: null });
  const asks = extractSignals(text, signals).filter(
    (x) =>
      x.type === 'explicit_ask' &&
      (REQUEST_FORM.test(x.evidence.quote) || inRequestForm(x)) &&
      counts(x.evidence.quote),
  );
  const askAt = new Set(asks.map((x) => x.evidence.start));
  const lastWithdrawal = splitSentences(text)
    .filter((x) => !askAt.has(x.start) && withdrawsRequest(x.quote))
    .at(-1)?.start;
  const open = lastWithdrawal === undefined ? asks : asks.filter((x) => x.evidence.start > lastWithdrawal);
  return {
    found: [...open].sort((x, y) => y.confidence - x.confidence)[0],
    open,
    withdrawn: lastWithdrawal !== undefined && open.length === 0,
  };
}

/**
 * The seller's answer after this message: an email sent, a call that connected, a meeting that took place, or a note
 * of the rep's reporting the answer (`reportsAnswer`).
 */
export function answeredAfter(touches: readonly Activity[], a: Activity, now: number): Activity | null {
  return (
    touches
      .filter(
        (x) =>
          x.occurredAt > a.occurredAt &&
          Date.parse(x.occurredAt) <= now &&
          ((x.kind === 'email' && x.direction === 'outbound' && !x.archived) ||
            isConversation(x, now) ||
            reportsAnswer(x, now)),
      )
      .sort((x, y) => x.occurredAt.localeCompare(y.occurredAt))[0] ?? null
  );
}

/**
 * The customer took the concern back after raising it: a later message of theirs says the budget is there after all
 * ("finance approved the budget after all", "the freeze was lifted", "the price is fine"), with nothing contrastive
 * after it in the sentence (the lexicon's "cleared" phrases, `deniedTypes`). The newest such message, if any.
 */
export function budgetCleared(touches: readonly Activity[], raised: Activity): Activity | null {
  return (
    touches
      .filter((a) => a.occurredAt > raised.occurredAt && !isSellersOwn(a, Number.POSITIVE_INFINITY))
      .sort((a, b) => b.occurredAt.localeCompare(a.occurredAt))
      .find((a) => splitSentences(signalText(a)).some((x) => deniedTypes(x.quote).has('budget_constraint'))) ?? null
  );
}

/**
 * The seller answered after the budget message: an email or note of theirs, or a conversation (a call that connected,
 * a meeting that took place; a voicemail answers nothing). The task asks the rep to answer the concern, and its draft
 * is a reply to the message: once they answered, both are done, whatever the customer writes next (a new budget
 * message raises it again). The first such answer, if any.
 */
export function budgetAnswered(
  touches: readonly Activity[],
  raised: Activity,
): { repliedAt: string; reply: Activity } | null {
  const reply = touches
    .filter((a) => a.occurredAt > raised.occurredAt && !a.archived)
    .sort((a, b) => a.occurredAt.localeCompare(b.occurredAt))
    .find((a) =>
      a.kind === 'call' || a.kind === 'meeting'
        ? isConversation(a, Number.POSITIVE_INFINITY)
        : a.direction === 'outbound' && !(a.kind === 'email' && (a.status ?? '').toUpperCase() === 'DRAFT'),
    );
  return reply ? { repliedAt: reply.occurredAt, reply } : null;
}
