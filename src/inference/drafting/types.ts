import type { ActivityKind, Contact, Deal } from '../../core/canonical.js';
import type { ErrorCode } from '../../core/errors.js';
import type { RetrievedChunk } from '../../context/index.js';
import type { CostLine, Usage } from '../../llm/cost.js';
import type { RouteDecision } from '../router/route.js';

/**
 * retention: churn risk on an account; budget_reply: answer a budget concern; stale_follow_up: a quiet deal;
 * answer_question: a customer's question or request left without an answer.
 */
export const DRAFT_KINDS = ['retention', 'budget_reply', 'stale_follow_up', 'answer_question'] as const;
export type DraftKind = (typeof DRAFT_KINDS)[number];

export interface DraftInteraction {
  kind: ActivityKind;
  externalId: string;
  /** ISO-8601. */
  occurredAt: string;
  subject: string | null;
}

export interface DraftInput {
  kind: DraftKind;
  tenantId: string;
  contact: Pick<Contact, 'externalId' | 'firstName' | 'lastName' | 'title'>;
  deal: Pick<Deal, 'externalId' | 'name' | 'stage' | 'amount' | 'currency' | 'closeDate'> | null;
  companyName: string | null;
  /** The newest customer interaction. When absent, the newest dated retrieved chunk stands in. */
  lastInteraction: DraftInteraction | null;
  /** Retrieved context, best first (ContextIndexer.retrieve). Labelled c1, c2, ... in the prompt. */
  chunks: RetrievedChunk[];
  ownerId: string | null;
  /** The deal owner who sends it: the draft is signed with this name (none: signed off without a name). */
  sender?: { name: string } | null;
  /** The sender's time zone (from the CRM): days the draft names are the ones the rep lived, as in the task beside it. */
  timeZone?: string | null;
  /**
   * The contact's automatic reply said they are away (a follow-up waiting for their return): the draft is sent when
   * they are back, so it welcomes them back rather than chasing a silence that was an absence.
   */
  customerAway?: boolean;
}

/** A context chunk the draft relies on, resolved from its prompt label to the CRM record it came from. */
export interface DraftCitation {
  label: string;
  chunkId: string;
  recordKind: string;
  recordId: string;
  url: string | null;
}

export interface DraftResult {
  kind: DraftKind;
  subject: string;
  body: string;
  citations: DraftCitation[];
  /** `gpt-4o-mini-2024-07-18` for a model draft, `template:<kind>@1` for a template one. */
  model: string;
  tier: 'large' | 'rules';
  generator: 'llm' | 'template';
  /** Tokens of every call behind this draft, a failed model attempt included. */
  usage: Usage;
  costUsd: number;
  /** One line per call; the caller stores them with the suggestion and applies them to the budget. */
  costs: CostLine[];
  route: RouteDecision;
  /** Set when the model was chosen but failed and the template stood in. */
  fallback: { code: ErrorCode; message: string; raw: string | null } | null;
}
