import type { Evidence, Suggestion } from '../core/suggestion.js';
import { quoteWords } from '../inference/deal-suggestions.js';
import { withRouteStep } from '../inference/router/steps.js';

/**
 * A suggestion's identity: tenant × record × situation kind. `<type>:deal:<id>` for deal situations,
 * `<type>:company:<id>` for account ones. One live suggestion per key (migration 0200).
 */
export function situationKeyOf(s: Pick<Suggestion, 'type' | 'dealId' | 'companyId' | 'id'>): string {
  if (s.type === 'churn_risk' || !s.dealId) return `${s.type}:company:${s.companyId ?? s.id}`;
  return `${s.type}:deal:${s.dealId}`;
}

/** The situation keys deal analysis owns for one deal. */
export const DEAL_SITUATIONS = ['stale_deal_follow_up', 'budget_risk', 'no_next_step', 'unanswered_ask'] as const;
export const dealSituationKeys = (dealId: string): string[] => DEAL_SITUATIONS.map((t) => `${t}:deal:${dealId}`);

export const evidenceKey = (e: Pick<Evidence, 'recordKind' | 'externalId'>): string =>
  `${e.recordKind}:${e.externalId}`;

/** The words of a quote, for spotting the same words sent twice (a resent email is not a second signal). */
export const quoteKey = (e: Pick<Evidence, 'quote'>): string => `quote:${quoteWords(e.quote)}`;

/**
 * One quoted part of a record: the record, and what the quote is there for (`Evidence.field`: the message's budget
 * sentence, and beside it the question or the competitor the same message names).
 */
const partKey = (e: Pick<Evidence, 'recordKind' | 'externalId' | 'field'>): string =>
  `${evidenceKey(e)}#${e.field ?? 'body'}`;

/**
 * Evidence of `next` not already in `current` (the same part of the same record, or the same words from another
 * record), newest first.
 */
export function newEvidence(current: readonly Evidence[], next: readonly Evidence[]): Evidence[] {
  const seen = new Set(current.flatMap((e) => [partKey(e), quoteKey(e)]));
  return next.filter((e) => {
    if (seen.has(partKey(e)) || seen.has(quoteKey(e))) return false;
    seen.add(partKey(e)).add(quoteKey(e));
    return true;
  });
}

/**
 * Evidence of `next` from a record `current` already quotes, with other words: the message was edited in the CRM, so
 * the quote is replaced (a task must not keep words the customer's email no longer says).
 */
export function editedEvidence(current: readonly Evidence[], next: readonly Evidence[]): Evidence[] {
  const words = new Map(current.map((e) => [partKey(e), quoteWords(e.quote)]));
  return next.filter((e) => {
    const had = words.get(partKey(e));
    return had !== undefined && had !== quoteWords(e.quote);
  });
}

const PRIORITY_RANK = { LOW: 0, MEDIUM: 1, HIGH: 2 } as const;

/**
 * The live suggestion with a new signal folded in: the new evidence first, then what it had (capped), the higher
 * priority of the two (a repeated signal raises it one step), the newer reason and explanation.
 */
export function mergeInto(live: Suggestion, proposed: Suggestion, maxEvidence = 6): Suggestion {
  const added = newEvidence(live.evidence, proposed.evidence);
  const edited = new Map(editedEvidence(live.evidence, proposed.evidence).map((e) => [partKey(e), e]));
  const evidence = [...added, ...live.evidence.map((e) => edited.get(partKey(e)) ?? e)].slice(0, maxEvidence);
  let task = live.task;
  if (task && proposed.task) {
    const a = PRIORITY_RANK[task.priority];
    const b = PRIORITY_RANK[proposed.task.priority];
    const bumped =
      added.length > 0 && live.type !== 'stale_deal_follow_up'
        ? Math.min(2, Math.max(a, b) + (a === b ? 1 : 0))
        : Math.max(a, b);
    const priority = (Object.keys(PRIORITY_RANK) as (keyof typeof PRIORITY_RANK)[]).find(
      (k) => PRIORITY_RANK[k] === bumped,
    )!;
    task = { ...task, priority, ownerId: proposed.task.ownerId ?? task.ownerId };
  }
  return {
    ...live,
    evidence,
    task,
    reason: proposed.reason,
    contactIds: live.contactIds.length ? live.contactIds : proposed.contactIds,
    explanation: keptDraftRoute(live, {
      ...proposed.explanation,
      costUsd: live.explanation.costUsd + proposed.explanation.costUsd,
    }),
  };
}

/**
 * The draft already written stays with the live suggestion, and so does how it was made: its route step (tier, model,
 * cost, latency) and its "draft by" factor, which the newer explanation (no draft of its own) would otherwise drop.
 */
function keptDraftRoute(live: Suggestion, e: Suggestion['explanation']): Suggestion['explanation'] {
  const step = live.draft ? live.explanation.route?.find((r) => r.task === 'draft_email') : undefined;
  if (!step || e.route?.some((r) => r.task === 'draft_email')) return e;
  const how = live.explanation.factors.filter((f) => f.name.startsWith('draft by '));
  return withRouteStep({ ...e, factors: [...e.factors.filter((f) => !f.name.startsWith('draft by ')), ...how] }, step);
}
