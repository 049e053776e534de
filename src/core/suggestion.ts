import { z } from 'zod';

/** What closeloop proposes to a rep. Produced by inference, checked by guardrails, written back by writeback. */
export const SuggestionType = z.enum([
  'stale_deal_follow_up',
  'budget_risk',
  'churn_risk',
  'no_next_step',
  'unanswered_ask',
  'competitor_mention',
  'duplicate_record',
  'draft_email',
]);
export type SuggestionType = z.infer<typeof SuggestionType>;

/** One data point behind a suggestion: the quoted evidence and the record it came from. */
export const Evidence = z.object({
  recordKind: z.string(),
  externalId: z.string(),
  /** Short verbatim quote from the record (or a field=value statement). */
  quote: z.string(),
  url: z.string().nullable(),
  field: z.string().nullable(),
  /** Who said it and when, as a rep reads it ("Carl Gauss's email of 2 December 2026"). */
  label: z.string().optional(),
  /** ISO time of the interaction quoted. */
  occurredAt: z.string().optional(),
});
export type Evidence = z.infer<typeof Evidence>;

/** One inference step behind a suggestion: which router tier and model served which task, at what cost and speed. */
export const RouteStep = z.object({
  task: z.string(),
  tier: z.enum(['rules', 'small', 'large']),
  model: z.string(),
  /**
   * Why this tier: the router's one line (e.g. "no large model configured", "cold-start rules: 12 closed deals < 200").
   */
  reason: z.string(),
  costUsd: z.number().nonnegative(),
  /** Wall time of the step in milliseconds (inference only, no queue or network wait of other steps). */
  latencyMs: z.number().nonnegative(),
});
export type RouteStep = z.infer<typeof RouteStep>;

export const Explanation = z.object({
  model: z.string(),
  tier: z.enum(['rules', 'small', 'large']),
  confidence: z.number().min(0).max(1),
  factors: z.array(z.object({ name: z.string(), direction: z.enum(['+', '-']), weight: z.number() })),
  costUsd: z.number().nonnegative(),
  /** Every routed step that produced this suggestion (signals, scoring, drafting), in order. */
  route: z.array(RouteStep).optional(),
});
export type Explanation = z.infer<typeof Explanation>;

export const TaskPayload = z.object({
  subject: z.string().min(1).max(255),
  body: z.string(),
  dueAt: z.string().datetime({ offset: true }),
  /**
   * The owner's time zone (IANA) the due time was set in, when the CRM told it: the rep's weekend and working hours;
   * Salesforce's ActivityDate (a date without time) is the due day there.
   */
  timeZone: z.string().max(64).nullable().optional(),
  priority: z.enum(['LOW', 'MEDIUM', 'HIGH']),
  ownerId: z.string().nullable(),
  /** Task type hint: TODO, CALL or EMAIL (an EMAIL task carries a draft for the rep to send). */
  taskType: z.enum(['TODO', 'CALL', 'EMAIL']),
});
export type TaskPayload = z.infer<typeof TaskPayload>;

export const DraftEmailPayload = z.object({
  subject: z.string().min(1),
  body: z.string().min(1),
  toContactIds: z.array(z.string()),
  ownerId: z.string().nullable(),
  /** The message this draft answers: the connector threads the reply on it where the CRM can. */
  inReplyTo: z
    .object({ kind: z.string(), externalId: z.string(), subject: z.string().nullable() })
    .nullable()
    .optional(),
  /** The recipient as the email shows it. */
  to: z.object({ name: z.string().nullable(), email: z.string() }).nullable().optional(),
  /** The sender: the deal owner (HubSpot owner, Salesforce User). */
  from: z.object({ name: z.string(), email: z.string().nullable() }).nullable().optional(),
  /**
   * The CRM names the draft was written with (the deal's name, the name it greets the recipient by): a draft follows
   * a rename by them (src/suggest/follow-draft.ts). Never written to the CRM.
   */
  writtenFor: z.object({ dealName: z.string().nullable(), greeting: z.string().nullable() }).nullable().optional(),
});
export type DraftEmailPayload = z.infer<typeof DraftEmailPayload>;

export const Suggestion = z.object({
  id: z.string(),
  tenantId: z.string(),
  connectionId: z.string(),
  provider: z.string(),
  type: SuggestionType,
  /** Deterministic key: the same situation never yields two suggestions (see dedupeKey in inference). */
  dedupeKey: z.string(),
  dealId: z.string().nullable(),
  contactIds: z.array(z.string()),
  companyId: z.string().nullable(),
  ownerId: z.string().nullable(),
  task: TaskPayload.nullable(),
  draft: DraftEmailPayload.nullable(),
  reason: z.string(),
  evidence: z.array(Evidence),
  explanation: Explanation,
  createdAt: z.string().datetime({ offset: true }),
});
export type Suggestion = z.infer<typeof Suggestion>;

export type RuleVerdict = { rule: string; passed: boolean; message: string | null };

/**
 * The zone the rep reads a suggestion's days in: the one its task's due time was set in (the CRM user's zone at the
 * analysis), else the owner's zone as the CRM tells it now, else none (UTC days). Every text about the suggestion (task
 * body, draft, withdrawal reasons) and the checks of those texts name days in this zone.
 */
export const repTimeZone = (
  s: { task?: { timeZone?: string | null } | null },
  ownerZone?: string | null,
): string | null => s.task?.timeZone ?? ownerZone ?? null;
