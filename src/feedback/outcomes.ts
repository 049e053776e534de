import type { Activity, Deal } from '../core/canonical.js';
import { normalizedEditDistance, SAME_EMAIL_MAX_DISTANCE, UNCHANGED_MAX_DISTANCE } from './edit-distance.js';

/**
 * What happened to a suggestion after it was written back. One row per (suggestion, target, outcome):
 * the target is the CRM id of the task or draft we created, or `deal:<id>` for the deal's later result.
 */
export const OUTCOMES = [
  'task_completed',
  'task_deleted',
  'task_overdue',
  'draft_sent',
  'draft_discarded',
  'deal_won',
  'deal_lost',
  // Said in the record's card (HubSpot app card, Salesforce component); target `user:<crm user id>`.
  'card_useful',
  'card_not_useful',
  'card_done',
  // A reviewer turned a held suggestion down in the review queue; target `review:<suggestion id>`.
  'review_dismissed',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** The rep acted on it. */
export const POSITIVE: ReadonlySet<Outcome> = new Set(['task_completed', 'draft_sent', 'card_useful', 'card_done']);
/** The rep did not: deleted, discarded, or left overdue. */
export const NEGATIVE: ReadonlySet<Outcome> = new Set([
  'task_deleted',
  'task_overdue',
  'draft_discarded',
  'card_not_useful',
  'review_dismissed',
]);

export interface OutcomeEvent {
  outcome: Outcome;
  /** For draft_sent: 0 = sent unchanged, 1 = nothing of ours left. */
  editDistance: number | null;
  occurredAt: string;
  detail: Record<string, unknown>;
}

export interface WrittenRef {
  action: 'create_task' | 'create_draft_email';
  crmId: string;
  /** The draft as we wrote it (subject + text), for create_draft_email. */
  draft: { subject: string; body: string } | null;
}

const DONE_STATUSES = new Set(['COMPLETED']);
const SENT_EMAIL_STATUSES = new Set(['SENT', 'REPLIED', 'FORWARDED']);

/**
 * A change to the CRM record we created (the task, or the draft: a HubSpot EMAIL task or a Salesforce
 * EmailMessage). Null when nothing worth recording happened (still open, still a draft).
 */
export function outcomeOfOwnRecord(ref: WrittenRef, rec: Activity): OutcomeEvent | null {
  const at = rec.updatedAt;
  if (rec.archived) {
    return {
      outcome: ref.action === 'create_draft_email' ? 'draft_discarded' : 'task_deleted',
      editDistance: null,
      occurredAt: at,
      detail: { kind: rec.kind },
    };
  }
  if (rec.kind === 'task' && rec.status !== null && DONE_STATUSES.has(rec.status.toUpperCase())) {
    return { outcome: 'task_completed', editDistance: null, occurredAt: at, detail: { status: rec.status } };
  }
  // Salesforce: the draft EmailMessage itself turns from DRAFT into SENT, possibly edited.
  if (
    ref.action === 'create_draft_email' &&
    rec.kind === 'email' &&
    rec.status !== null &&
    SENT_EMAIL_STATUSES.has(rec.status.toUpperCase()) &&
    ref.draft
  ) {
    return sentOutcome(ref.draft, rec);
  }
  return null;
}

export function sentOutcome(draft: { subject: string; body: string }, email: Activity): OutcomeEvent {
  const d = normalizedEditDistance(draft.body, email.body ?? '');
  return {
    outcome: 'draft_sent',
    editDistance: d,
    occurredAt: email.occurredAt,
    detail: {
      emailId: email.externalId,
      unchanged: d <= UNCHANGED_MAX_DISTANCE,
      subjectChanged: normalizedEditDistance(draft.subject, email.subject ?? '') > UNCHANGED_MAX_DISTANCE,
    },
  };
}

/**
 * HubSpot logs a sent email as a new engagement, not as a change to our draft task: the outgoing email
 * that is closest to one of the candidate drafts (and close enough to be it) is taken as that draft sent.
 */
export function matchSentEmail<T extends { draft: { subject: string; body: string } }>(
  email: Activity,
  candidates: T[],
): { candidate: T; distance: number } | null {
  if (email.kind !== 'email' || email.direction !== 'outbound' || email.archived) return null;
  if (email.status !== null && email.status.toUpperCase() === 'DRAFT') return null;
  let best: { candidate: T; distance: number } | null = null;
  for (const c of candidates) {
    const distance = normalizedEditDistance(c.draft.body, email.body ?? '');
    if (distance <= SAME_EMAIL_MAX_DISTANCE && (!best || distance < best.distance)) best = { candidate: c, distance };
  }
  return best;
}

/** A deal that closed after the suggestion about it was written. */
export function dealOutcome(deal: Deal, writtenAt: Date): OutcomeEvent | null {
  if (!deal.isClosed) return null;
  const closedAt = deal.closeDate ?? deal.updatedAt;
  // The close date a rep types may be a day off; what matters is that it closed after we suggested.
  if (Date.parse(deal.updatedAt) < writtenAt.getTime()) return null;
  return {
    outcome: deal.isWon ? 'deal_won' : 'deal_lost',
    editDistance: null,
    occurredAt: closedAt,
    detail: { stage: deal.providerStage },
  };
}

/** Per suggestion: accepted when any positive outcome exists, ignored when only negative ones do. */
export function verdictOf(outcomes: readonly Outcome[]): 'accepted' | 'ignored' | 'pending' {
  if (outcomes.some((o) => POSITIVE.has(o))) return 'accepted';
  if (outcomes.some((o) => NEGATIVE.has(o))) return 'ignored';
  return 'pending';
}
