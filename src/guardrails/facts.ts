import { z } from 'zod';
import { DEAL_STAGE_ORDER } from '../core/index.js';
import { effectiveOwnerId, referencedContactIds, type FactInput } from './fact-input.js';
import { CLAIM_KINDS, formatClaim } from './text/grounding.js';
import {
  findInjectionAttempts,
  findPaymentInstructions,
  findPromptLeaks,
  findUnapprovedLinks,
  findUnapprovedOffers,
} from './text/injection.js';

/**
 * Every fact a rule may use. Names are a stable contract with the admins' rule files: never
 * rename one, add a new one instead. `rules/README.md` documents each in plain words, and a test
 * keeps the two in step.
 */
export type FactType = 'boolean' | 'number' | 'string' | 'string[]' | 'stage';

export interface FactDefinition {
  type: FactType;
  /** True when the fact can be null (no deal, no due date...). */
  nullable: boolean;
  description: string;
  /** Schema of the condition's `params`, for facts that take them. */
  params?: z.ZodType<Record<string, unknown>>;
  /** Whether a condition must give params. */
  paramsRequired?: boolean;
  compute(input: FactInput, params: Record<string, unknown>): unknown;
}

const DAY_MS = 86_400_000;
const fact = (d: Omit<FactDefinition, 'nullable'> & { nullable?: boolean }): FactDefinition => ({
  nullable: false,
  ...d,
});
const linkedDeal = (i: FactInput) => {
  const d = i.context.deal;
  return d !== null && i.suggestion.dealId !== null && d.externalId === i.suggestion.dealId && !d.archived ? d : null;
};

export const FACTS = {
  suggestionType: fact({
    type: 'string',
    description:
      'The kind of suggestion: stale_deal_follow_up, budget_risk, churn_risk, no_next_step, unanswered_ask, competitor_mention, duplicate_record or draft_email.',
    compute: (i) => i.suggestion.type,
  }),
  confidence: fact({
    type: 'number',
    description: "The model's confidence, from 0 to 1.",
    compute: (i) => i.suggestion.explanation.confidence,
  }),
  evidenceCount: fact({
    type: 'number',
    description: 'How many pieces of evidence (quoted records) the suggestion cites.',
    compute: (i) => i.suggestion.evidence.length,
  }),
  hasDraft: fact({
    type: 'boolean',
    description: 'True when the suggestion contains text a customer would read: a draft email, or an EMAIL task body.',
    compute: (i) => i.outgoingText !== '',
  }),
  dueDateInPast: fact({
    type: 'boolean',
    description: "True when the task's due date is before the evaluation time. False when there is no task.",
    compute: (i) => i.suggestion.task !== null && Date.parse(i.suggestion.task.dueAt) < Date.parse(i.context.now),
  }),
  daysUntilDue: fact({
    type: 'number',
    nullable: true,
    description: 'Whole days from now until the task is due (negative when overdue); empty when there is no task.',
    compute: (i) =>
      i.suggestion.task ? Math.floor((Date.parse(i.suggestion.task.dueAt) - Date.parse(i.context.now)) / DAY_MS) : null,
  }),
  taskPriority: fact({
    type: 'string',
    nullable: true,
    description: "The task's priority: LOW, MEDIUM or HIGH; empty when there is no task.",
    compute: (i) => i.suggestion.task?.priority ?? null,
  }),
  dealReferenced: fact({
    type: 'boolean',
    description: 'True when the suggestion is attached to a deal.',
    compute: (i) => i.suggestion.dealId !== null,
  }),
  dealExists: fact({
    type: 'boolean',
    description:
      'True when the suggestion is attached to a deal and that deal exists in the CRM copy (not deleted or archived).',
    compute: (i) => linkedDeal(i) !== null,
  }),
  dealIsClosed: fact({
    type: 'boolean',
    description: 'True when the attached deal is closed (won or lost). False when there is no deal.',
    compute: (i) => linkedDeal(i)?.isClosed ?? false,
  }),
  dealStage: fact({
    type: 'stage',
    nullable: true,
    description:
      "The attached deal's stage: prospecting, qualification, proposal, negotiation, closed_won or closed_lost; empty when unknown.",
    compute: (i) => linkedDeal(i)?.stage ?? null,
  }),
  dealStageOrder: fact({
    type: 'number',
    nullable: true,
    description:
      'The stage as a number: prospecting 1, qualification 2, proposal 3, negotiation 4, closed 5; empty when unknown.',
    compute: (i) => {
      const s = linkedDeal(i)?.stage;
      return s ? DEAL_STAGE_ORDER[s] : null;
    },
  }),
  ownerAssigned: fact({
    type: 'boolean',
    description: 'True when the suggestion names an owner (the rep it is for).',
    compute: (i) => effectiveOwnerId(i.suggestion) !== null,
  }),
  ownerExists: fact({
    type: 'boolean',
    description:
      'True when the suggestion names an owner and that user exists and is active in the CRM. False when no owner is named.',
    compute: (i) => {
      const id = effectiveOwnerId(i.suggestion);
      return id !== null && i.context.owner?.id === id && i.context.owner.exists;
    },
  }),
  contactsExist: fact({
    type: 'boolean',
    description:
      'True when every contact the suggestion refers to (including draft recipients) exists. True when it refers to none.',
    compute: (i) => {
      const known = new Set(i.context.contacts.filter((c) => !c.archived).map((c) => c.externalId));
      return referencedContactIds(i.suggestion).every((id) => known.has(id));
    },
  }),
  repSuggestionsToday: fact({
    type: 'number',
    description: 'How many suggestions the same rep has already received today (not counting this one).',
    compute: (i) => i.context.repSuggestionsToday,
  }),
  signals: fact({
    type: 'string[]',
    description: 'The signal types detected on the interaction the suggestion came from.',
    compute: (i) => i.context.signals,
  }),
  hasSignal: fact({
    type: 'boolean',
    description: 'True when the given signal was detected. Needs params, e.g. "params": { "signal": "budget_cut" }.',
    params: z.strictObject({ signal: z.string().min(1) }),
    paramsRequired: true,
    compute: (i, p) => i.context.signals.includes(String(p.signal)),
  }),
  outgoingText: fact({
    type: 'string',
    description:
      'The text a customer would read (draft subject and body, EMAIL task body); empty when none. Use it with containsAny to ban your own phrases.',
    compute: (i) => i.outgoingText,
  }),
  ungroundedClaims: fact({
    type: 'string[]',
    description:
      'Amounts, percentages, discounts, dates and names (people, companies, products) in the task or draft that appear nowhere in the retrieved context, the allow-list or the CRM record. Each entry reads "kind: text", e.g. "amount: $12,000". Optional params {"kinds": ["amount", "date"]} keeps only those kinds.',
    params: z.strictObject({ kinds: z.array(z.enum(CLAIM_KINDS)).min(1) }),
    compute: (i, p) => {
      const kinds = Array.isArray(p.kinds) ? new Set(p.kinds as string[]) : null;
      return i
        .ungroundedClaims()
        .filter((c) => kinds === null || kinds.has(c.kind))
        .map(formatClaim);
    },
  }),
  maxDiscountPercent: fact({
    type: 'number',
    description:
      'The largest discount offered in outgoing text, in percent (an amount off counts against the deal amount); 0 when none.',
    compute: (i) => i.maxDiscountPercent(),
  }),
  forbiddenPromises: fact({
    type: 'string[]',
    description: 'Promises found in outgoing text, such as "guarantee", "free forever", "we will refund", "risk-free".',
    compute: (i) => i.forbiddenPromises(),
  }),
  piiInOutgoingText: fact({
    type: 'string[]',
    description:
      "Email addresses, phone numbers, card numbers and IBANs in outgoing text other than the recipient's own and the allow-list (shown masked).",
    compute: (i) => i.piiInOutgoingText(),
  }),
  toneIssues: fact({
    type: 'string[]',
    description:
      'Shouting (words in capitals, "!!!"), insults and pressure phrases ("act now", "last chance") in outgoing text.',
    compute: (i) => i.toneIssues(),
  }),
  injectionInContext: fact({
    type: 'string[]',
    description:
      'Phrases in the retrieved context (the emails and notes the model read) that address an AI rather than a person: "ignore your instructions", "SYSTEM:", "you are now in admin mode", hidden HTML comments, invisible characters. Evidence of a prompt-injection attempt.',
    compute: (i) => findInjectionAttempts(i.context.retrievedText),
  }),
  promptLeaks: fact({
    type: 'string[]',
    description:
      'Traces of the model\'s own instructions in outgoing text: "crm_data", "system prompt", "as an AI", unresolved privacy placeholders such as [PERSON_2], template variables other than {{rep_signature}}, a template\'s unfilled blanks ("Hi [First Name],", "[Your Name]", "<insert date>", "XX%", "Lorem ipsum").',
    compute: (i) => findPromptLeaks(i.outgoingText),
  }),
  paymentInstructions: fact({
    type: 'string[]',
    description:
      'Instructions about where or how to send money in task or draft text: wire transfers, bank or account details, IBAN, routing or sort codes, gift cards, crypto.',
    compute: (i) => findPaymentInstructions(i.claimText),
  }),
  unapprovedLinks: fact({
    type: 'string[]',
    description:
      "Web addresses in outgoing text whose domain is not on the allow-list, the trusted domains (rules/trusted-facts.json) or the customer's own domain (the company record's domain).",
    // The company's own and trusted domains (rules/trusted-facts.json) and the customer's own (the company record's
    // domain; not a contact's email domain, which whoever writes in chooses) are approved too.
    compute: (i) =>
      findUnapprovedLinks(i.outgoingText, [...i.context.allowList, ...i.trustedDomains().map((d) => `https://${d}`)]),
  }),
  unapprovedOffers: fact({
    type: 'string[]',
    description:
      'Discounts, and amounts in a sentence about price or payment, offered in outgoing text that are not on the allow-list (an amount may also be the deal amount). Unlike grounding, a figure found only in an email does not count: the customer wrote it. Each entry reads "discount: 10%" or "price: $5,000".',
    compute: (i) => findUnapprovedOffers(i.outgoingText, i.context.allowList, linkedDeal(i)?.amount ?? null),
  }),
  ungroundedActionable: fact({
    type: 'string[]',
    description:
      "What the output gate finds in a task or draft: links, e-mail addresses, phone numbers, payment details, amounts, percentages, codes, dates and concessions (free, refund, guarantee...) that are neither on the trusted lists (rules/trusted-facts.json) nor in the deal's own data, text that is hidden or encoded, and instructions taken from someone else's text (addressed to an assistant, moving money, new bank details, sharing data, changing recipients, skipping verification). A customer's figures are allowed inside a labelled quote. One entry per finding.",
    compute: (i) => i.ungroundedActionable(),
  }),
} satisfies Record<string, FactDefinition>;

export type FactName = keyof typeof FACTS;
export const FACT_NAMES = Object.keys(FACTS) as FactName[];
export const isFactName = (n: string): n is FactName => Object.prototype.hasOwnProperty.call(FACTS, n);
