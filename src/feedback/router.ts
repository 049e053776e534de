import express from 'express';
import { InvalidPayloadError } from '../core/errors.js';
import { parseSince } from '../guardrails/replay.js';
import type { Store } from '../store/index.js';
import { buildReport, type FeedbackReport } from './report.js';

/** The acceptance report for suggestions created since `since` (ISO), optionally for one tenant. */
export async function feedbackReport(store: Pick<Store, 'feedback'>, since: string, tenantId: string | null = null): Promise<FeedbackReport> {
  return buildReport(await store.feedback.reportRows(new Date(since), tenantId), since);
}

/** `GET /admin/feedback?since=30d&tenant=<id>`: acceptance rates per suggestion type, per rep and per rule (JSON). */
export function createFeedbackRouter(deps: { store: Store; now: () => number }): express.Router {
  const router = express.Router();
  router.get('/admin/feedback', async (req, res, next) => {
    try {
      const sinceArg = typeof req.query.since === 'string' ? req.query.since : '30d';
      const since = parseSince(sinceArg, new Date(deps.now()));
      if (!since) throw new InvalidPayloadError(`since: expected e.g. 30d, 24h or an ISO date, got "${sinceArg}"`, { where: 'GET /admin/feedback' });
      const tenant = typeof req.query.tenant === 'string' && req.query.tenant !== '' ? req.query.tenant : null;
      res.json(await feedbackReport(deps.store, since, tenant));
    } catch (e) { next(e); }
  });
  return router;
}
