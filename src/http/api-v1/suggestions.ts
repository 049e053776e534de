import express from 'express';
import { z } from 'zod';
import { InvalidPayloadError, NotFoundError } from '../../core/errors.js';
import type { Guard } from '../../suggest/analyze-deps.js';
import {
  approveSuggestion,
  dismissSuggestion,
  listSuggestions,
  REVIEWABLE_STATUSES,
  type ReviewDeps,
} from '../../suggest/review.js';
import { requestScope } from '../../auth/request-scope.js';
import { registerOperations } from './operations.js';
import { parseInput, singleQuery } from './parse.js';
import { jsonBody } from '../body-limits.js';

export const SUGGESTION_PATHS = {
  list: '/api/v1/suggestions',
  approve: '/api/v1/suggestions/:id/approve',
  dismiss: '/api/v1/suggestions/:id/dismiss',
} as const;

const ListQuery = z.strictObject({
  status: z.enum(REVIEWABLE_STATUSES).default('review'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  /** Operators only: which tenant (the guard checks it). */
  tenant: z.string().max(128).optional(),
});
const DismissBody = z.strictObject({ reason: z.string().trim().max(500).optional() }).default({});
const SUGGESTION_ID = /^[A-Za-z0-9_:.-]{1,128}$/;

/** What a reviewer sees of one suggestion (src/suggest/review.ts ReviewItem). */
const ReviewItemSchema = z
  .object({
    id: z.string(),
    type: z.string(),
    status: z.string(),
    createdAt: z.string(),
    connectionId: z.string(),
    provider: z.string(),
    dealId: z.string().nullable(),
    companyId: z.string().nullable(),
    ownerId: z.string().nullable(),
    heldBecause: z.array(z.string()).meta({ description: 'the rules that held it, each with its message' }),
    task: z.object({ subject: z.string(), body: z.string(), priority: z.string() }).nullable(),
    draft: z.object({ subject: z.string(), body: z.string(), to: z.string().nullable() }).nullable(),
    evidence: z.array(z.record(z.string(), z.unknown())),
    explanation: z.unknown(),
    closedReason: z.string().nullable(),
  })
  .meta({ id: 'ReviewSuggestion' });
const IdParam = z.object({ id: z.string().meta({ description: 'suggestion id' }) });

registerOperations([
  {
    method: 'get',
    path: SUGGESTION_PATHS.list,
    operationId: 'listSuggestions',
    tags: ['review'],
    security: 'tenant',
    summary: "Suggestions of the caller's tenant in one status (default: held for review), newest first",
    query: ListQuery,
    response: z.object({ suggestions: z.array(ReviewItemSchema) }),
    errors: [400, 401, 403],
  },
  {
    method: 'post',
    path: SUGGESTION_PATHS.approve,
    operationId: 'approveSuggestion',
    tags: ['review'],
    security: 'tenant',
    summary: 'Approve a held suggestion: its task and draft are written back (still through the output gate)',
    params: IdParam,
    response: z.object({ suggestion: ReviewItemSchema }),
    errors: [401, 403, 404, 409],
  },
  {
    method: 'post',
    path: SUGGESTION_PATHS.dismiss,
    operationId: 'dismissSuggestion',
    tags: ['review'],
    security: 'tenant',
    summary: 'Dismiss a held suggestion (recorded as feedback)',
    params: IdParam,
    body: DismissBody,
    response: z.object({ suggestion: ReviewItemSchema }),
    errors: [400, 401, 403, 404, 409, 415],
  },
]);

/**
 * The review queue (`GET /api/v1/suggestions?status=review`, `POST .../:id/approve`, `POST .../:id/dismiss`). Thin:
 * the tenant comes from the access guard mounted on /api (an operator names one with ?tenant=), the work is in
 * src/suggest/review.ts.
 */
export function createSuggestionsRouter(
  deps: Omit<ReviewDeps, 'guardrails'> & { guardrails: Pick<Guard, 'trusted'> | null },
): express.Router {
  const router = express.Router();
  const review = { ...deps, guardrails: (deps.guardrails ?? {}) as ReviewDeps['guardrails'] };
  const tenantOf = (res: express.Response): string => {
    const t = requestScope(res).tenantId;
    if (!t)
      throw new InvalidPayloadError('name the tenant: ?tenant=<id> (operators see every tenant)', {
        where: 'api/v1/suggestions',
      });
    return t;
  };
  const idOf = (req: express.Request): string => {
    const id = String(req.params.id);
    if (!SUGGESTION_ID.test(id)) throw new NotFoundError('no such suggestion');
    return id;
  };
  const by = (res: express.Response) => requestScope(res).principal.subject;

  router.get(SUGGESTION_PATHS.list, async (req, res, next) => {
    try {
      const q = parseInput(
        ListQuery,
        singleQuery(req.query as Record<string, unknown>, 'GET suggestions'),
        'GET suggestions',
      );
      res.json({ suggestions: await listSuggestions(deps.store, tenantOf(res), q.status, q.limit) });
    } catch (e) {
      next(e);
    }
  });
  router.post(SUGGESTION_PATHS.approve, jsonBody('4kb'), async (req, res, next) => {
    try {
      res.json({ suggestion: await approveSuggestion(review, tenantOf(res), idOf(req), by(res)) });
    } catch (e) {
      next(e);
    }
  });
  router.post(SUGGESTION_PATHS.dismiss, jsonBody('4kb'), async (req, res, next) => {
    try {
      const body = parseInput(DismissBody, req.body ?? {}, 'POST suggestions/dismiss');
      res.json({ suggestion: await dismissSuggestion(review, tenantOf(res), idOf(req), body.reason ?? null, by(res)) });
    } catch (e) {
      next(e);
    }
  });
  return router;
}
