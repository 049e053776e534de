import express from 'express';
import { requestScope } from '../auth/request-scope.js';
import { InvalidPayloadError } from '../core/errors.js';
import { parseSince } from '../guardrails/replay.js';
import type { Store } from '../store/index.js';
import { buildReport, type FeedbackReport } from './report.js';

/** The acceptance report for suggestions created since `since` (ISO), optionally for one tenant. */
export async function feedbackReport(store: Pick<Store, 'feedback'>, since: string, tenantId: string | null = null): Promise<FeedbackReport> {
  return buildReport(await store.feedback.reportRows(new Date(since), tenantId), since);
}

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
      try { since = sinceArg.length <= 40 ? parseSince(sinceArg, new Date(deps.now())) : null; } catch { since = null; }
      const sinceMs = since ? Date.parse(since) : NaN;
      if (!since || !Number.isFinite(sinceMs) || sinceMs < deps.now() - MAX_SINCE_DAYS * 86_400_000 || sinceMs > deps.now()) throw new InvalidPayloadError(`since: expected e.g. 30d, 24h or an ISO date within ${MAX_SINCE_DAYS} days`, { where: 'GET /admin/feedback' });
      res.json(buildReport(await requestScope(res).reads.feedbackRows(new Date(since)), since));
    } catch (e) { next(e); }
  });
  return router;
}
