import type { Suggestion } from '../core/index.js';
import type { GuardrailContext } from './context.js';
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
}

const once = <T>(f: () => T): (() => T) => {
  let done = false;
  let value: T;
  return () => {
    if (!done) { value = f(); done = true; }
    return value;
  };
};

/** The owner a suggestion is assigned to: the task's, else the draft's, else the suggestion's. */
export const effectiveOwnerId = (s: Suggestion): string | null => s.task?.ownerId ?? s.draft?.ownerId ?? s.ownerId;

/** Contacts the suggestion points at: associated contacts plus draft recipients. */
export const referencedContactIds = (s: Suggestion): string[] => [...new Set([...s.contactIds, ...(s.draft?.toContactIds ?? [])])];

export function createFactInput(suggestion: Suggestion, context: GuardrailContext): FactInput {
  const outgoing = [
    suggestion.draft ? `${suggestion.draft.subject}\n${suggestion.draft.body}` : '',
    suggestion.task?.taskType === 'EMAIL' ? suggestion.task.body : '',
  ].filter((t) => t !== '').join('\n\n');
  const claims = [
    suggestion.task ? `${suggestion.task.subject}\n${suggestion.task.body}` : '',
    suggestion.draft ? `${suggestion.draft.subject}\n${suggestion.draft.body}` : '',
  ].filter((t) => t !== '').join('\n\n');

  const { deal, contacts, owner } = context;
  const contactTexts = contacts.map((c) => [c.firstName, c.lastName, c.email, c.phone, c.title].filter(Boolean).join(' '));
  const dealTexts = deal ? [deal.name, deal.currency, deal.providerStage].filter((v): v is string => Boolean(v)) : [];

  return {
    suggestion,
    context,
    outgoingText: outgoing,
    claimText: claims,
    ungroundedClaims: once(() => findUngroundedClaims(claims, buildGroundingSources(
      [...context.retrievedText, ...context.allowList, ...contactTexts, ...dealTexts, owner?.name ?? ''],
      {
        numbers: deal?.amount != null ? [deal.amount] : [],
        // The suggestion's own due date is a structured, separately checked field, so quoting it is fine.
        isoDates: [deal?.closeDate, suggestion.task?.dueAt].filter((d): d is string => typeof d === 'string'),
      },
    ))),
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
  };
}
