import { z } from 'zod';
import {
  ApiError,
  RuleCasesResponse,
  RuleDraftRequest,
  RuleLintResponse,
  RuleReplayResponse,
  CardFeedbackRequest,
  CardFeedbackResponse,
  CardSuggestionsResponse,
  HubspotCardQuery,
  SalesforceCardFeedbackQuery,
  SalesforceCardQuery,
} from '../../core/api.js';
import { CARD_PATHS } from './cards.js';

/** How an operation is authenticated (OpenAPI security scheme names). */
export type ApiSecurity = 'hubspotSignature' | 'tenant' | 'none';

/**
 * One JSON operation under /api/v1: the zod schemas its handler parses with, rendered into /api/v1/openapi.json.
 * A route mounted under /api/v1 without an entry here fails tests/src/http/openapi.test.ts.
 */
export interface ApiOperation {
  method: 'get' | 'post' | 'put' | 'delete';
  /** Express path syntax (`:id`). */
  path: string;
  operationId: string;
  summary: string;
  tags: string[];
  security: ApiSecurity;
  query?: z.ZodObject;
  params?: z.ZodObject;
  body?: z.ZodType;
  response: z.ZodType;
  /** Error statuses the operation documents (body: Error). */
  errors: number[];
}

const SuggestionIdParam = z.object({ id: z.string().meta({ description: 'suggestion id' }) });

const CARD_OPERATIONS: ApiOperation[] = [
  {
    method: 'get',
    path: CARD_PATHS.hubspotList,
    operationId: 'hubspotCardSuggestions',
    tags: ['cards'],
    security: 'hubspotSignature',
    summary:
      "HubSpot app card: the record's open suggestions (called through hubspot.fetch, which appends portalId, userId, userEmail, appId)",
    query: HubspotCardQuery,
    response: CardSuggestionsResponse,
    errors: [400, 401, 403],
  },
  {
    method: 'post',
    path: CARD_PATHS.hubspotFeedback,
    operationId: 'hubspotCardFeedback',
    tags: ['cards'],
    security: 'hubspotSignature',
    summary: 'HubSpot app card: Useful / Not useful / Done on one suggestion',
    query: HubspotCardQuery.pick({ portalId: true, userId: true, userEmail: true, appId: true }),
    params: SuggestionIdParam,
    body: CardFeedbackRequest,
    response: CardFeedbackResponse,
    errors: [400, 401, 403, 404],
  },
  {
    method: 'get',
    path: CARD_PATHS.salesforceList,
    operationId: 'salesforceCardSuggestions',
    tags: ['cards'],
    security: 'tenant',
    summary:
      "Salesforce component (Apex + Named Credential): the record's open suggestions; the org must belong to the token's tenant",
    query: SalesforceCardQuery,
    response: CardSuggestionsResponse,
    errors: [400, 401, 403],
  },
  {
    method: 'post',
    path: CARD_PATHS.salesforceFeedback,
    operationId: 'salesforceCardFeedback',
    tags: ['cards'],
    security: 'tenant',
    summary: 'Salesforce component: Useful / Not useful / Done on one suggestion',
    query: SalesforceCardFeedbackQuery,
    params: SuggestionIdParam,
    body: CardFeedbackRequest,
    response: CardFeedbackResponse,
    errors: [400, 401, 403, 404, 415],
  },
];

const CONSOLE_OPERATIONS: ApiOperation[] = [
  {
    method: 'post',
    path: '/api/v1/admin/rules/lint',
    operationId: 'lintRuleDraft',
    tags: ['console'],
    security: 'tenant',
    summary: 'Lint a draft of one rule file together with the others (nothing is saved)',
    body: RuleDraftRequest,
    response: RuleLintResponse,
    errors: [400, 401, 403, 404, 415],
  },
  {
    method: 'post',
    path: '/api/v1/admin/rules/replay',
    operationId: 'replayRuleDraft',
    tags: ['console'],
    security: 'tenant',
    summary:
      "What the rules with this draft would have done to the tenant's suggestions of the last 7 days (or the lint problems that stop it)",
    body: RuleDraftRequest,
    response: RuleReplayResponse,
    errors: [400, 401, 403, 404, 415],
  },
  {
    method: 'post',
    path: '/api/v1/admin/rules/cases',
    operationId: 'runRuleCasesOnDraft',
    tags: ['console'],
    security: 'tenant',
    summary:
      'Run the rule case tables (RULES_CASES_DIR) against the rules with this draft (or the lint problems that stop it)',
    body: RuleDraftRequest,
    response: RuleCasesResponse,
    errors: [400, 401, 403, 404, 415],
  },
];

/** The document itself (open: it describes the API, no tenant data). */
export const OPENAPI_PATH = '/api/v1/openapi.json';

const operations: ApiOperation[] = [...CARD_OPERATIONS, ...CONSOLE_OPERATIONS];

/** Every documented operation. Routers add theirs with registerOperations at module load. */
export function apiOperations(): readonly ApiOperation[] {
  return operations;
}

export function registerOperations(ops: ApiOperation[]): void {
  for (const op of ops) if (!operations.some((o) => o.method === op.method && o.path === op.path)) operations.push(op);
}

export { ApiError };
