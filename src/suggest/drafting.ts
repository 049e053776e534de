import { normalizeDomain } from '../resolve/normalize/domain.js';
import type { Activity, Contact, Deal } from '../core/canonical.js';
import {
  repTimeZone,
  type DraftEmailPayload,
  type RuleVerdict,
  type Suggestion,
  type SuggestionType,
} from '../core/suggestion.js';
import type { RetrievedChunk } from '../context/index.js';
import { isCustomerTouch } from '../inference/deal-features.js';
import { isAutomatedMessage, isDeliveryFailure } from '../inference/automated-mail.js';
import { escapeRegExp } from '../lib/text.js';
import { isConversation } from '../inference/conversation.js';
import { awayOf, CONTACT_LEFT, sendersAmong } from '../inference/deal-suggestions.js';
import {
  draftEmail,
  toDraftEmailPayload,
  type DraftInput,
  type DraftKind,
  type DraftResult,
} from '../inference/drafting/index.js';
import type { BudgetState } from '../inference/router/budget.js';
import type { LlmClient } from '../llm/client.js';
import type { AnalyzeDeps } from './analyze-deps.js';
import { threadTopic } from '../lib/subject.js';
import { contactName, salutationName } from '../inference/drafting/salutation.js';

/** Which suggestion types come with a draft email, and which kind. */
export const DRAFT_KIND_OF: Partial<Record<SuggestionType, DraftKind>> = {
  churn_risk: 'retention',
  budget_risk: 'budget_reply',
  stale_deal_follow_up: 'stale_follow_up',
  unanswered_ask: 'answer_question',
};

export interface DraftFacts {
  deal: Deal | null;
  companyName: string | null;
  contacts: Contact[];
  /** Interactions the draft may refer to, any order. */
  activities: Activity[];
  /** The deal owner who sends and signs the draft (null: unknown, the draft is signed off without a name). */
  sender?: { name: string; email: string | null } | null;
}

const fullName = (c: Pick<Contact, 'firstName' | 'lastName' | 'email'>) => contactName(c.firstName, c.lastName);

/**
 * The message a draft answers: for a budget or churn signal, the newest customer message quoted as evidence;
 * for a quiet deal, the last customer interaction.
 */
export function threadOf(s: Suggestion, activities: readonly Activity[]): Activity | null {
  const live = activities.filter((a) => isCustomerTouch(a) && !a.archived);
  if (s.type !== 'stale_deal_follow_up') {
    const ids = new Set(s.evidence.map((e) => e.externalId));
    const quoted = live
      .filter((a) => ids.has(a.externalId))
      .sort((a, b) => b.occurredAt.localeCompare(a.occurredAt))[0];
    if (quoted) return quoted;
  }
  return live.sort((a, b) => b.occurredAt.localeCompare(a.occurredAt))[0] ?? null;
}

const MAX_CHUNKS = 6;

/** Activities as the context chunks the drafter cites (the same shape the context index returns). */
export function chunksOf(activities: readonly Activity[]): RetrievedChunk[] {
  return activities
    .filter((a) => isCustomerTouch(a) && !a.archived && (a.subject || a.body))
    .sort((a, b) => b.occurredAt.localeCompare(a.occurredAt))
    .slice(0, MAX_CHUNKS)
    .map((a) => {
      const source = {
        provider: a.provider,
        kind: a.kind,
        recordId: a.externalId,
        url: a.url,
        occurredAt: Math.floor(Date.parse(a.occurredAt) / 1000),
      };
      return {
        id: `${a.provider}:${a.kind}:${a.externalId}:0`,
        text: [a.subject, a.body].filter(Boolean).join('\n'),
        score: 1,
        source,
        metadata: { provider: a.provider, kind: a.kind, recordId: a.externalId },
      };
    });
}

// A contact asking not to be emailed (in any of their words below): closeloop drafts nothing to them. A request, not
// the word: "our contract lets us opt out in March" or a newsletter footer's "to unsubscribe, click here" is no opt-out.
const OPT_OUT = new RegExp(
  [
    String.raw`\bunsubscribe (?:me|us)\b`,
    String.raw`\b(?:please|kindly|want to|wish to|like to|need to|trying to)\s+unsubscribe\b`,
    String.raw`\bopt (?:me|us) out\b`,
    String.raw`\bopt(?:\s|-)?out of (?:(?:your|these|this|the|all|any|further|future|marketing|sales)\s+)*(?:e-?mails?|mailings?|mailing list|list|communications?|newsletters?|messages|contact)\b`,
    String.raw`\bstop (?:emailing|e-mailing|contacting)\b`,
    String.raw`\bstop sending (?:me|us)\b`,
    String.raw`\bremove (?:me|us) from (?:your|the|this) (?:list|mailing list|distribution list)\b`,
    String.raw`\b(?:do not|don['’]t) (?:email|contact|e-mail) (?:me|us)\b`,
    String.raw`\bno (?:further|more) (?:emails|contact)\b`,
  ].join('|'),
  'i',
);
/** A subject that is the request itself ("Unsubscribe", "Re: unsubscribe"). */
const OPT_OUT_SUBJECT = /^\s*(?:(?:re|aw|fw|fwd)\s*:\s*)*(?:unsubscribe|opt[\s-]?out|remove me)\s*[.!]*\s*$/i;

/**
 * The name a draft is signed with: the owner's name, never what the CRM shows in its place for a user without one (their
 * email address or user id, which the PII check rightly refuses in a draft and no rep signs with). Null: no name.
 */
export function signatureName(name: string | null | undefined): string | null {
  const n = name?.trim() ?? '';
  return n === '' || n.includes('@') || /^\d+$/.test(n) ? null : n;
}

/**
 * A customer's email written from an address no contact here has, nor a colleague of the rep's (a lead, a colleague of
 * theirs not on the deal): its writer is none of `contacts`, so none of them may be named as its writer or thanked for it.
 */
export function fromStranger(
  a: Activity,
  contacts: readonly Contact[],
  colleague: (email: string) => boolean,
): boolean {
  const writer = a.kind === 'email' && a.direction === 'inbound' ? a.from?.trim() : null;
  return Boolean(writer) && !colleague(writer!) && sendersAmong([a], contacts).length === 0;
}

/**
 * Whether an address is at the sender's own company (the same registrable domain as the deal owner's address), so
 * not a customer to email a sales reply to. Never for a sender at a free-mail provider (everyone is "at gmail.com").
 */
export function colleagueOf(senderEmail: string | null): (email: string) => boolean {
  // normalizeDomain: the address's registrable domain, null for a free-mail provider or no usable host.
  const own = normalizeDomain(senderEmail).registrable;
  if (!own) return () => false;
  return (email) => normalizeDomain(email).registrable === own;
}

/**
 * Whether an address is on the seller's side: at the deal owner's registrable domain (`colleagueOf`) or at one of the
 * company's own domains (trusted facts `ownDomains`).
 */
export function sellerSideOf(ownerEmail: string | null, ownDomains: readonly string[]): (email: string) => boolean {
  const owner = colleagueOf(ownerEmail);
  const own = new Set(ownDomains.map((d) => normalizeDomain(d).registrable).filter((d): d is string => Boolean(d)));
  return (email) => owner(email) || (own.size > 0 && own.has(normalizeDomain(email).registrable ?? ''));
}

/**
 * An email the rep received from their own side (a colleague's internal note on the deal, forwarded pricing): not
 * the customer's words, so never the evidence of a customer's concern or question. The sender is its From address;
 * without one, the contacts it is logged on, when every one of them is a colleague.
 */
export function isInternalMail(a: Activity, contacts: readonly Contact[], sellerSide: (email: string) => boolean) {
  if (a.kind !== 'email' || a.direction !== 'inbound') return false;
  if (a.from) return sellerSide(a.from);
  const on = a.associations.contacts
    .map((id) => contacts.find((c) => c.externalId === id)?.email)
    .filter((e): e is string => Boolean(e));
  return on.length > 0 && on.every(sellerSide);
}

/** The draft's activities without the mail the rep received from their own side (`isInternalMail`). */
function customerFacing(f: DraftFacts): Activity[] {
  const own = colleagueOf(f.sender?.email ?? null);
  return f.activities.filter((a) => !isInternalMail(a, f.contacts, own));
}

/**
 * Why the contact must not get a sales email, null when they may: the CRM records them as unsubscribed or their address
 * as bounced (`Contact.emailBlocked`); a delivery failure logged since the last email to them names their address
 * (`bounced`: the mail server says it is dead, and nothing has come from it since); or their latest inbound email asks
 * not to be emailed again (`asked`).
 */
export function emailBlockedBy(
  contact: string | Contact | undefined,
  activities: readonly Activity[],
): 'opted_out' | 'bounced' | 'asked' | null {
  if (contact === undefined) return null;
  if (typeof contact !== 'string' && contact.emailBlocked) return contact.emailBlocked;
  const contactId = typeof contact === 'string' ? contact : contact.externalId;
  const address = typeof contact === 'string' ? null : (contact.email?.trim().toLowerCase() ?? null);
  const fromThem = (a: Activity) =>
    a.kind === 'email' &&
    a.direction === 'inbound' &&
    !a.archived &&
    !isAutomatedMessage(a) &&
    (a.from ? a.from.trim().toLowerCase() === address : a.associations.contacts.includes(contactId));
  if (address) {
    const mentions = new RegExp(`(?<![\\w.+-])${escapeRegExp(address)}(?![\\w-]|\\.[\\w-])`, 'i');
    const bounce = activities
      .filter((a) => !a.archived && isDeliveryFailure(a) && mentions.test(a.body ?? ''))
      .sort((a, b) => b.occurredAt.localeCompare(a.occurredAt))[0];
    if (bounce && !activities.some((a) => fromThem(a) && a.occurredAt > bounce.occurredAt)) return 'bounced';
  }
  const latest = activities
    .filter(
      (a) =>
        a.kind === 'email' &&
        a.direction === 'inbound' &&
        !a.archived &&
        !isAutomatedMessage(a) &&
        a.associations.contacts.includes(contactId),
    )
    .sort((a, b) => b.occurredAt.localeCompare(a.occurredAt))[0];
  if (latest === undefined) return null;
  return OPT_OUT_SUBJECT.test(latest.subject ?? '') || OPT_OUT.test(`${latest.subject ?? ''}\n${latest.body ?? ''}`)
    ? 'asked'
    : null;
}

/** True when the contact must not get a sales email (`emailBlockedBy`). */
export function hasOptedOut(contact: string | Contact | undefined, activities: readonly Activity[]): boolean {
  return emailBlockedBy(contact, activities) !== null;
}

/**
 * The rep has spoken with the customer since the concern was raised (a call that connected, a meeting that took
 * place, after the newest evidence): an email proposing to "set up a short call to go through this" is moot. The
 * newest such conversation.
 */
export function spokenSince(
  evidence: readonly { occurredAt?: string | null }[],
  activities: readonly Activity[],
  now: number,
): Activity | null {
  const since = evidence
    .map((e) => e.occurredAt ?? '')
    .sort()
    .at(-1);
  if (!since) return null;
  return (
    activities
      .filter((a) => a.occurredAt > since && isConversation(a, now))
      .sort((a, b) => b.occurredAt.localeCompare(a.occurredAt))[0] ?? null
  );
}

/**
 * The draft's input: addressed to the first of the suggestion's contacts that has an email address and has not asked
 * to stop being emailed. Null when none has.
 */
export function draftInputFor(s: Suggestion, kind: DraftKind, f: DraftFacts): DraftInput | null {
  // The person who asked has left: the rep is to find who took over, not to write to an empty mailbox.
  if (s.type === 'unanswered_ask' && s.explanation.factors.some((x) => x.name === CONTACT_LEFT)) return null;
  const byId = new Map(f.contacts.map((c) => [c.externalId, c]));
  const customer = customerFacing(f);
  const last = threadOf(s, customer);
  // Addressed to whoever wrote the message it answers, else the first of the suggestion's contacts with an address;
  // never to a colleague of the sender (a contact at the seller's own domain, copied on the thread).
  const candidates = [
    ...(last?.direction !== 'outbound'
      ? [
          ...sendersAmong(last ? [last] : [], f.contacts).map((c) => c.externalId),
          ...(last?.associations.contacts ?? []),
        ]
      : []),
    ...s.contactIds,
  ];
  const colleague = colleagueOf(f.sender?.email ?? null);
  // A reply to a customer's message goes to whoever wrote it. Written by a stranger to this deal, another contact would
  // be thanked for words they never wrote, so no draft; the task still names the message for the rep to answer.
  if (last && fromStranger(last, f.contacts, colleague)) return null;
  const to = candidates
    .map((id) => byId.get(id))
    .find((c): c is Contact =>
      Boolean(c && !c.archived && c.email && !colleague(c.email) && !hasOptedOut(c, f.activities)),
    );
  if (!to) return null;
  // No email proposing a conversation that already took place.
  if (s.evidence.length > 0 && spokenSince(s.evidence, f.activities, Date.parse(s.createdAt))) return null;
  const signedAs = signatureName(f.sender?.name);
  return {
    kind,
    tenantId: s.tenantId,
    contact: { externalId: to.externalId, firstName: to.firstName, lastName: to.lastName, title: to.title },
    deal: f.deal
      ? {
          externalId: f.deal.externalId,
          name: f.deal.name,
          stage: f.deal.stage,
          amount: f.deal.amount,
          currency: f.deal.currency,
          closeDate: f.deal.closeDate,
        }
      : null,
    companyName: f.companyName,
    lastInteraction: last
      ? { kind: last.kind, externalId: last.externalId, occurredAt: last.occurredAt, subject: last.subject }
      : null,
    // A colleague's internal mail is neither the thread replied to nor context the drafter may quote to the customer.
    chunks: chunksOf(customer),
    ownerId: s.ownerId,
    sender: signedAs ? { name: signedAs } : null,
    timeZone: repTimeZone(s),
    // A follow-up due on the customer's return (their auto-reply named it): the draft is for then.
    ...(awayOf(s) ? { customerAway: true } : {}),
  };
}

/** Threading, recipient and sender for the write-back: a reply in the thread of the message that raised it. */
export function addressDraft(payload: DraftEmailPayload, s: Suggestion, f: DraftFacts): DraftEmailPayload {
  const thread = threadOf(s, customerFacing(f));
  const to = f.contacts.find((c) => c.externalId === payload.toContactIds[0]);
  const inReplyTo =
    thread && thread.direction !== 'outbound' && thread.kind === 'email'
      ? { kind: thread.kind, externalId: thread.externalId, subject: thread.subject }
      : null;
  // "Re: " and the thread's topic: a gateway's "[EXTERNAL]" and a pile of "RE: AW: Fwd:" are not written again.
  const original = threadTopic(inReplyTo?.subject);
  return {
    ...payload,
    subject: inReplyTo && original ? `Re: ${original}` : payload.subject,
    inReplyTo,
    to: to?.email ? { name: fullName(to), email: to.email } : null,
    from: f.sender ?? null,
    // The names as the draft was written with them: it follows a rename in the CRM (src/suggest/follow-draft.ts).
    writtenFor: {
      dealName: f.deal?.name?.trim() || null,
      greeting: to ? salutationName(to.firstName, to.lastName) : null,
    },
  };
}

export interface Drafted {
  input: DraftInput;
  result: DraftResult;
  payload: DraftEmailPayload;
  latencyMs?: number;
}

export async function makeDraft(
  deps: AnalyzeDeps,
  input: DraftInput,
  budget: BudgetState,
  llm: LlmClient | null = deps.llm ?? null,
): Promise<Drafted> {
  const started = performance.now();
  const result = await draftEmail(input, {
    llm,
    budget,
    localOnly: deps.localOnly,
    prices: deps.prices,
    logger: deps.logger,
  });
  return {
    input,
    result,
    payload: toDraftEmailPayload(result, input),
    latencyMs: Math.round((performance.now() - started) * 100) / 100,
  };
}

/** The model is asked again with the rules its draft broke: the same prompt, its answer, then the violations. */
export function withRepairRequest(
  llm: LlmClient,
  previous: { subject: string; body: string },
  violations: RuleVerdict[],
): LlmClient {
  const problems = violations
    .filter((v) => !v.passed)
    .map((v) => `- ${v.rule}: ${v.message ?? 'failed'}`)
    .join('\n');
  return {
    model: llm.model,
    complete: (req) =>
      llm.complete({
        ...req,
        messages: [
          ...req.messages,
          { role: 'assistant', content: JSON.stringify({ subject: previous.subject, body: previous.body }) },
          {
            role: 'user',
            content: `Your draft broke these business rules:\n${problems}\nWrite the draft again so that it breaks none of them. Keep every other instruction. Answer with the JSON object the response format asks for.`,
          },
        ],
      }),
  };
}

/**
 * The template drafter has no model to ask: regenerate without the element that offended. The elements it
 * takes from the CRM are the last interaction's subject, its date (with the chunks that carry it), the deal
 * name and the contact's first name; those quoted in a failed rule's message are dropped. When no message
 * names one, the interaction (subject and date) goes, the most variable part.
 */
export function withoutOffendingElements(input: DraftInput, violations: RuleVerdict[]): DraftInput {
  const text = violations
    .filter((v) => !v.passed)
    .map((v) => v.message ?? '')
    .join('\n')
    .toLowerCase();
  const names = (s: string | null | undefined) =>
    Boolean(s && s.trim().length > 1 && text.includes(s.trim().toLowerCase()));
  const out: DraftInput = { ...input };
  let dropped = false;
  if (
    input.lastInteraction?.subject &&
    (names(input.lastInteraction.subject) ||
      input.lastInteraction.subject.split(/\s+/).some((w) => w.length > 3 && names(w)))
  ) {
    out.lastInteraction = { ...input.lastInteraction, subject: null };
    dropped = true;
  }
  if (input.deal?.name && names(input.deal.name)) {
    out.deal = { ...input.deal, name: null };
    dropped = true;
  }
  if (input.contact.firstName && names(input.contact.firstName)) {
    out.contact = { ...input.contact, firstName: null };
    dropped = true;
  }
  if (!dropped) {
    out.lastInteraction = null;
    out.chunks = [];
  }
  return out;
}
