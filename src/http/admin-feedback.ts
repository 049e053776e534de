import express from 'express';
import { requestScope } from '../auth/request-scope.js';
import { InvalidPayloadError } from '../core/errors.js';
import { parseSince } from '../guardrails/replay.js';
import { feedbackReport } from '../feedback/report.js';

/** Oldest `since` accepted: bounds the query (and keeps absurd values like 99999999999d a 400, not a date overflow). */
const MAX_SINCE_DAYS = 3660;

/**
 * `GET /admin/feedback?since=30d&tenant=<id>`: acceptance rates per suggestion type, per rep and per rule (JSON).
 * Mounted behind the access guard (src/http/guard.ts): the tenant is the caller's, or for an operator `?tenant=`.
 */
export function createFeedbackRouter(deps: { now: () => number }): express.Router {
  const router = express.Router();
  router.get('/admin/feedback', async (req, res, next) => {
    try {
      const sinceArg = typeof req.query.since === 'string' ? req.query.since : '30d';
      let since: string | null = null;
      try {
        since = sinceArg.length <= 40 ? parseSince(sinceArg, new Date(deps.now())) : null;
      } catch {
        since = null;
      }
      const sinceMs = since ? Date.parse(since) : NaN;
      if (
        !since ||
        !Number.isFinite(sinceMs) ||
        sinceMs < deps.now() - MAX_SINCE_DAYS * 86_400_000 ||
        sinceMs > deps.now()
      )
        throw new InvalidPayloadError(`since: expected e.g. 30d, 24h or an ISO date within ${MAX_SINCE_DAYS} days`, {
          where: 'GET /admin/feedback',
        });
      const reads = requestScope(res).reads;
      res.json(await feedbackReport((d) => reads.feedbackRows(d), since));
    } catch (e) {
      next(e);
    }
  });
  return router;
}
