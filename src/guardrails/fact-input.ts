import { repTimeZone, type Suggestion } from '../core/index.js';
import { interactionDays } from '../core/time-zone.js';
import type { GuardrailContext } from './context.js';
import { checkOutput, describeProblems, FREEMAIL_DOMAINS, neutraliseQuote, type GateFacts } from './output-gate.js';
import { EMPTY_TRUSTED, type TrustedFacts } from './trusted-facts.js';
import { maxDiscountPercent } from './text/discounts.js';
import { buildGroundingSources, findUngroundedClaims, type Claim } from './text/grounding.js';
import { findPii } from './text/pii.js';
import { findForbiddenPromises } from './text/promises.js';
import { findToneIssues } from './text/tone.js';

/**
 * One suggestion and its context, with the text analyses computed at most once per evaluation.
 * "Outgoing text" is what a customer would read: the draft email, or the body of an EMAIL task.
 * "Claim text" is everything the model wrote that a rep will act on: task subject and body plus the draft.
 */
export interface FactInput {
  readonly suggestion: Suggestion;
  readonly context: GuardrailContext;
  readonly outgoingText: string;
  readonly claimText: string;
  ungroundedClaims(): Claim[];
  maxDiscountPercent(): number;
  forbiddenPromises(): string[];
  piiInOutgoingText(): string[];
  toneIssues(): string[];
  /** Domains the company trusts and the customer's own (the company record's domain, free-mail providers excluded). */
  trustedDomains(): string[];
  /** The output gate's findings on the suggestion's parts (see output-gate.ts), one line each. */
  ungroundedActionable(): string[];
}

const once = <T>(f: () => T): (() => T) => {
  let done = false;
  let value: T;
  return () => {
    if (!done) {
      value = f();
      done = true;
    }
    return value;
  };
};

/** The owner a suggestion is assigned to: the task's, else the draft's, else the suggestion's. */
export const effectiveOwnerId = (s: Suggestion): string | null => s.task?.ownerId ?? s.draft?.ownerId ?? s.ownerId;

/** Contacts the suggestion points at: associated contacts plus draft recipients. */
export const referencedContactIds = (s: Suggestion): string[] => [
  ...new Set([...s.contactIds, ...(s.draft?.toContactIds ?? [])]),
];

/**
 * What the output gate may take as grounds, from what the rules know (the loop gives the gate more: record links of
 * the suggestion's evidence).
 */
export function gateFactsFromContext(
  suggestion: Suggestion,
  context: GuardrailContext,
  trusted: TrustedFacts,
): GateFacts {
  const { deal } = context;
  return {
    trusted,
    now: context.now,
    deal: deal
      ? { amount: deal.amount, currency: deal.currency, closeDate: deal.closeDate, createdAt: deal.createdAt }
      : null,
    company: context.companyDomain ? { domain: context.companyDomain } : null,
    contacts: context.contacts.map((c) => ({ email: c.email, phone: c.phone })),
    // Interaction dates as the loop writes them (core/time-zone.ts `interactionDayLine`: the UTC day, and the day in
    // the rep's zone beside it when that is another), and the task's own due date.
    dates: [...context.retrievedText.flatMap(interactionDays), ...(suggestion.task ? [suggestion.task.dueAt] : [])],
    timeZone: repTimeZone(suggestion),
    thread: context.retrievedText,
    recordLinks: context.recordLinks ?? [],
  };
}

export function createFactInput(
  suggestion: Suggestion,
  context: GuardrailContext,
  trusted: TrustedFacts = EMPTY_TRUSTED,
): FactInput {
  const outgoing = [
    suggestion.draft ? `${suggestion.draft.subject}\n${suggestion.draft.body}` : '',
    suggestion.task?.taskType === 'EMAIL' ? suggestion.task.body : '',
  ]
    .filter((t) => t !== '')
    .join('\n\n');
  const own = new Set((context.ownLines ?? []).map((l) => l.trim()).filter(Boolean));
  const repText = (body: string) =>
    own.size
      ? body
          .split('\n')
          .filter((l) => !own.has(l.trim()))
          .join('\n')
      : body;
  const claims = [
    suggestion.task ? `${suggestion.task.subject}\n${repText(suggestion.task.body)}` : '',
    suggestion.draft ? `${suggestion.draft.subject}\n${suggestion.draft.body}` : '',
  ]
    .filter((t) => t !== '')
    .join('\n\n');

  const { deal, contacts, owner } = context;
  const contactTexts = contacts.map((c) =>
    [c.firstName, c.lastName, c.email, c.phone, c.title].filter(Boolean).join(' '),
  );
  const dealTexts = deal ? [deal.name, deal.currency, deal.providerStage].filter((v): v is string => Boolean(v)) : [];

  return {
    suggestion,
    context,
    outgoingText: outgoing,
    claimText: claims,
    ungroundedClaims: once(() =>
      findUngroundedClaims(
        claims,
        buildGroundingSources(
          [...context.retrievedText, ...context.allowList, ...contactTexts, ...dealTexts, owner?.name ?? ''],
          {
            numbers: deal?.amount != null ? [deal.amount] : [],
            // The suggestion's own due date is a structured, separately checked field, so quoting it is fine.
            isoDates: [deal?.closeDate, suggestion.task?.dueAt].filter((d): d is string => typeof d === 'string'),
            // "next Friday" in a draft is the Friday after the draft was written; the same phrase in a source is read
            // alike.
            ref: new Date(context.now),
          },
        ),
      ),
    ),
    maxDiscountPercent: once(() => maxDiscountPercent(outgoing, deal?.amount ?? null)),
    forbiddenPromises: once(() => findForbiddenPromises(outgoing)),
    piiInOutgoingText: once(() => {
      const recipients = new Set(suggestion.draft?.toContactIds ?? suggestion.contactIds);
      const r = contacts.filter((c) => recipients.has(c.externalId));
      return findPii(outgoing, {
        emails: r.map((c) => c.email).filter((e): e is string => e !== null),
        phones: r.map((c) => c.phone).filter((p): p is string => p !== null),
        other: context.allowList,
      });
    }),
    toneIssues: once(() => findToneIssues(outgoing)),
    trustedDomains: once(() => [
      ...trusted.ownDomains,
      ...trusted.linkDomains,
      // The company record's domain; not the contacts' email domains (see GuardrailContext.companyDomain).
      ...[
        context.companyDomain
          ?.toLowerCase()
          .replace(/^https?:\/\//, '')
          .replace(/^www\./, '')
          .replace(/\/.*$/, '') ?? '',
      ].filter((d) => d && !FREEMAIL_DOMAINS.has(d)),
    ]),
    ungroundedActionable: once(() => {
      // The loop shows quotes neutralised (instructions withheld); the rules judge them the same way.
      const gf = gateFactsFromContext(suggestion, context, trusted);
      const quotes = suggestion.evidence.map((e) => neutraliseQuote(e.quote, gf));
      const v = checkOutput(
        {
          action: suggestion.draft ? 'create_draft_email' : 'create_task',
          payload: { task: suggestion.task, reason: suggestion.reason, evidence: quotes, draft: suggestion.draft },
          quotes,
          own: context.ownLines,
        },
        gf,
      );
      return describeProblems(v.problems);
    }),
  };
}
