import { z } from 'zod';
import { Evidence, Explanation, SuggestionType } from './suggestion.js';

/**
 * Request and response shapes of the JSON API under /api/v1. The handlers parse with these and
 * src/http/api-v1/openapi.ts renders the same objects into the OpenAPI 3.1 document, so the two cannot drift.
 */

/** A CRM record a card is shown on: ours, HubSpot's object type ids, or Salesforce's object names (lower case). */
export const CardRecordKind = z
  .enum(['deal', 'company', 'contact', '0-3', '0-2', '0-1', 'opportunity', 'account'])
  .meta({
    description:
      'deal, company or contact; HubSpot type ids 0-3, 0-2, 0-1 and Salesforce opportunity, account are accepted',
  });
const KIND_ALIASES: Record<z.infer<typeof CardRecordKind>, 'deal' | 'company' | 'contact'> = {
  deal: 'deal',
  company: 'company',
  contact: 'contact',
  '0-3': 'deal',
  '0-2': 'company',
  '0-1': 'contact',
  opportunity: 'deal',
  account: 'company',
};
/** The canonical kind a card's record type names. */
export const toRecordKind = (k: z.infer<typeof CardRecordKind>): 'deal' | 'company' | 'contact' => KIND_ALIASES[k];

const RecordId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a CRM record id');

export const CardAction = z
  .enum(['useful', 'not_useful', 'done'])
  .meta({ description: 'useful: keep it, it helped; not_useful: hide it and learn from it; done: the rep did it' });
export type CardAction = z.infer<typeof CardAction>;

export const CardSuggestion = z
  .object({
    id: z.string(),
    type: SuggestionType,
    title: z.string().meta({ description: 'the task subject, or the reason when there is no task' }),
    reason: z.string(),
    status: z.string(),
    createdAt: z.string(),
    dueAt: z.string().nullable(),
    evidence: z.array(Evidence),
    explanation: Explanation,
    feedback: z.array(CardAction).meta({ description: 'what this user already said about it' }),
  })
  .meta({ id: 'CardSuggestion' });
export type CardSuggestion = z.infer<typeof CardSuggestion>;

export const CardSuggestionsResponse = z
  .object({
    record: z.object({ kind: z.enum(['deal', 'company', 'contact']), externalId: z.string() }),
    suggestions: z.array(CardSuggestion),
  })
  .meta({ id: 'CardSuggestionsResponse' });
export type CardSuggestionsResponse = z.infer<typeof CardSuggestionsResponse>;

export const CardFeedbackRequest = z.object({ action: CardAction }).strict().meta({ id: 'CardFeedbackRequest' });
export const CardFeedbackResponse = z
  .object({
    suggestionId: z.string(),
    action: CardAction,
    recorded: z.boolean().meta({ description: 'false when this user had already said the same' }),
  })
  .meta({ id: 'CardFeedbackResponse' });
export type CardFeedbackResponse = z.infer<typeof CardFeedbackResponse>;

/** GET .../cards/hubspot/suggestions: the record; HubSpot appends portalId, userId, userEmail, appId itself. */
export const HubspotCardQuery = z.object({
  objectType: CardRecordKind,
  objectId: RecordId,
  portalId: z.string().regex(/^\d{1,20}$/),
  userId: z.string().regex(/^\d{1,20}$/),
  userEmail: z.string().max(320).optional(),
  appId: z.string().max(32).optional(),
});
/** Salesforce component (Apex through a Named Credential holding the tenant's API token). */
export const SalesforceCardQuery = z.object({
  orgId: z.string().regex(/^00D[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?$/, 'a Salesforce org id (00D...)'),
  userId: z.string().regex(/^005[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?$/, 'a Salesforce user id (005...)'),
  objectType: CardRecordKind,
  objectId: z.string().regex(/^[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?$/, 'a Salesforce record id'),
});
export const SalesforceCardFeedbackQuery = SalesforceCardQuery.pick({ orgId: true, userId: true });

export const ApiError = z
  .object({ error: z.string().meta({ description: 'stable UPPER_SNAKE code' }), message: z.string() })
  .meta({ id: 'Error' });

/** A draft of one rule file, linted or replayed with the others (the console's rules page); nothing is saved. */
export const RuleDraftRequest = z
  .object({
    file: z.string().regex(/^[A-Za-z0-9_.-]{1,100}\.json$/, 'a rule file name like limits.json'),
    text: z.string().max(512 * 1024),
  })
  .meta({ id: 'RuleDraftRequest' });
const RuleProblem = z.object({
  file: z.string(),
  line: z.number().int(),
  column: z.number().int(),
  message: z.string(),
});
export const RuleLintResponse = z
  .object({ problems: z.array(RuleProblem), ruleCount: z.number().int() })
  .meta({ id: 'RuleLintResponse' });
export const RuleReplaySummary = z
  .object({
    since: z.string(),
    total: z.number().int(),
    wouldPass: z.number().int(),
    wouldReview: z.number().int(),
    wouldBlock: z.number().int(),
    changed: z.number().int(),
    transitions: z.record(z.string(), z.number()),
    firedByRule: z.record(z.string(), z.number()),
    changedExamples: z.array(
      z.object({ suggestionId: z.string(), previous: z.string(), now: z.string(), fired: z.array(z.string()) }),
    ),
  })
  .meta({ id: 'RuleReplaySummary' });
/** The replay, or the lint problems that stopped it. */
export const RuleReplayResponse = z.union([RuleReplaySummary, RuleLintResponse]).meta({ id: 'RuleReplayResponse' });

export const RuleCaseFile = z
  .object({
    file: z.string(),
    error: z.string().nullable(),
    total: z.number().int(),
    passed: z.number().int(),
    failures: z.array(z.object({ name: z.string(), problems: z.array(z.string()) })),
  })
  .meta({ id: 'RuleCaseFile' });
/** The case tables run against the draft, or the lint problems that stopped them. */
export const RuleCasesResponse = z
  .union([z.object({ cases: z.array(RuleCaseFile) }), RuleLintResponse])
  .meta({ id: 'RuleCasesResponse' });
