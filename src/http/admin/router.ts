import express from 'express';
import { requestScope } from '../../auth/request-scope.js';
import {
  casesForDraft,
  connectionViews,
  lintDraft,
  OUTCOME_WEEKS,
  outcomesView,
  replayDraft,
  ruleCases,
  ruleFiles,
  suggestionFeed,
} from '../../console/console-service.js';
import { RuleCasesResponse, RuleDraftRequest, RuleLintResponse, RuleReplayResponse } from '../../core/api.js';
import type { Connector } from '../../core/connector.js';
import { CloseloopError, ErrorCode, InvalidPayloadError, isCloseloopError, NotFoundError } from '../../core/errors.js';
import { approveSuggestion, dismissSuggestion, type ReviewDeps } from '../../suggest/review.js';
import { ConsoleReads, type Store } from '../../store/index.js';
import { parseInput, singleQuery } from '../api-v1/parse.js';
import { connectionsPage, outcomesPage, rulesPage, suggestionsPage, type FeedQuery, type Notice } from './pages.js';
import { page } from './html.js';
import { formBody, jsonBody } from '../body-limits.js';

export interface ConsoleDeps {
  store: Store;
  connectorFor: (provider: string) => Connector;
  /** Providers with an install flow configured (the install buttons). */
  installable: () => string[];
  /** The rules folder this process loads; null hides the rules page's contents. */
  rulesDir: string | null;
  /** Rule case tables (RULES_CASES_DIR); null: the page says none are configured. */
  rulesCasesDir: string | null;
  now: () => number;
  /** The review queue's service (src/suggest/review.ts), the same one /api/v1/suggestions calls. */
  review: ReviewDeps;
}

export const CONSOLE_PAGES = ['/admin', '/admin/suggestions', '/admin/rules', '/admin/outcomes'] as const;
/** The review forms of the suggestions page (urlencoded, `_csrf` field checked by the guard); 303 back to the feed. */
export const REVIEW_FORMS = {
  approve: '/admin/suggestions/:id/approve',
  dismiss: '/admin/suggestions/:id/dismiss',
} as const;
/**
 * The admin says the org problem a write-back ran into (a validation rule) is fixed: the connection's write issues are
 * cleared and its parked write-backs resume with the next sweep (if the rule still refuses them, the first one records
 * it again). Urlencoded `_csrf` form; 303 back to /admin.
 */
export const SETUP_FIXED_FORM = '/admin/connections/:id/setup-fixed';
export const RULE_PATHS = {
  lint: '/api/v1/admin/rules/lint',
  replay: '/api/v1/admin/rules/replay',
  cases: '/api/v1/admin/rules/cases',
} as const;

function viewer(store: Store, res: express.Response) {
  const s = requestScope(res);
  // Scoped to the tenant the guard resolved, in SQL (src/store/console-reads.ts).
  return {
    scope: s,
    reads: new ConsoleReads(store.db, s.tenantId),
    who: s.principal.subject,
    csrf: s.principal.kind === 'session' ? s.principal.csrfToken : null,
  };
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
// eslint-disable-next-line no-control-regex -- the point is to find them
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

/** A real calendar day the feed can filter on (its end, the next midnight, still a valid timestamp). */
function isFeedDay(v: string): boolean {
  if (!DAY.test(v)) return false;
  const t = Date.parse(`${v}T00:00:00Z`);
  return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === v && v >= '1970-01-01' && v <= '9998-12-31';
}
const SUGGESTION_ID = /^[A-Za-z0-9_:.-]{1,128}$/;
const FEED_KEYS = ['status', 'type', 'owner', 'deal', 'since', 'until'];

/** The admin console (server-rendered pages) and its JSON actions. Mounted behind the /admin and /api guard. */
export function createConsoleRouter(d: ConsoleDeps): express.Router {
  const router = express.Router();
  // The CRM's name as its manifest gives it; a provider no connector knows keeps its id.
  const crmName = (provider: string): string => {
    try {
      return d.connectorFor(provider).manifest.displayName;
    } catch {
      return provider;
    }
  };

  router.get('/admin', async (_req, res, next) => {
    try {
      const v = viewer(d.store, res);
      const [conns, dead, quarantined] = await Promise.all([
        connectionViews(v.scope.reads, v.reads, d.connectorFor, d.now()),
        v.reads.deadBatches(),
        v.reads.quarantined(),
      ]);
      page(res, {
        title: 'Connections',
        path: '/admin',
        who: v.who,
        csrfToken: v.csrf,
        body: connectionsPage(
          conns,
          d.installable().map((p) => ({ provider: p, name: crmName(p) })),
          dead,
          quarantined,
          v.csrf,
        ),
      });
    } catch (e) {
      next(e);
    }
  });

  router.post(SETUP_FIXED_FORM, formBody('8kb'), async (req, res, next) => {
    try {
      const id = String(req.params.id);
      if (id.length > 200) throw new NotFoundError('no such connection');
      // Tenant-scoped: an admin clears only a connection of their own tenant (an operator any).
      if (!(await d.store.connections.clearWriteIssues(id, requestScope(res).tenantId)))
        throw new NotFoundError(`no connection ${id}`);
      if (req.accepts(['html', 'json']) === 'json') res.json({ id, writeIssues: [] });
      else res.redirect(303, '/admin');
    } catch (e) {
      next(e);
    }
  });

  const feedQuery = (raw: Record<string, string>): FeedQuery => {
    const q: FeedQuery = {
      status: raw.status ?? '',
      type: raw.type ?? '',
      owner: raw.owner ?? '',
      deal: raw.deal ?? '',
      since: raw.since ?? '',
      until: raw.until ?? '',
    };
    for (const k of ['since', 'until'] as const)
      if (q[k] && !isFeedDay(q[k])) throw new InvalidPayloadError(`${k}: a date from 1970 to 9998, like 2026-03-01`);
    for (const k of ['status', 'type', 'owner', 'deal'] as const) {
      if (q[k].length > 128) throw new InvalidPayloadError(`${k}: too long`);
      if (CONTROL_CHARS.test(q[k])) throw new InvalidPayloadError(`${k}: control characters are not allowed`);
    }
    return q;
  };
  const renderFeed = async (res: express.Response, q: FeedQuery, notice: Notice | null, status = 200) => {
    const v = viewer(d.store, res);
    const until = q.until ? new Date(Date.parse(q.until) + 86_400_000) : undefined;
    const [rows, facets] = await Promise.all([
      suggestionFeed(v.reads, {
        status: q.status || undefined,
        type: q.type || undefined,
        owner: q.owner || undefined,
        deal: q.deal || undefined,
        since: q.since ? new Date(q.since) : undefined,
        until,
        limit: 200,
      }),
      v.reads.feedFacets(),
    ]);
    res.status(status);
    page(res, {
      title: 'Suggestions',
      path: '/admin/suggestions',
      who: v.who,
      csrfToken: v.csrf,
      body: suggestionsPage(rows, q, facets, { csrf: v.csrf, notice, crmName }),
    });
  };

  router.get('/admin/suggestions', async (req, res, next) => {
    try {
      const raw = singleQuery(req.query, 'GET /admin/suggestions');
      const done = raw.done === 'approved' || raw.done === 'dismissed' ? raw.done : null;
      const id = raw.id && SUGGESTION_ID.test(raw.id) ? raw.id : null;
      await renderFeed(res, feedQuery(raw), done && id ? { kind: done, id } : null);
    } catch (e) {
      next(e);
    }
  });

  // Approve / dismiss a held suggestion from the feed: plain forms (they work without script), the same service as
  // POST /api/v1/suggestions/:id/approve|dismiss, then back to the feed the reviewer was looking at.
  const form = formBody('8kb');
  for (const action of ['approve', 'dismiss'] as const) {
    router.post(REVIEW_FORMS[action], form, async (req, res, next) => {
      let q: FeedQuery = feedQuery({});
      try {
        const id = String(req.params.id);
        if (!SUGGESTION_ID.test(id)) throw new NotFoundError('no such suggestion');
        const body = (req.body ?? {}) as Record<string, unknown>;
        const back =
          typeof body.back === 'string' && body.back.length <= 1024
            ? Object.fromEntries(new URLSearchParams(body.back))
            : {};
        // The feed to go back to: a filter that is not valid is dropped, so the action's own outcome still shows.
        q = feedQuery(
          Object.fromEntries(
            Object.entries(back).filter(([k, v]) => {
              if (!FEED_KEYS.includes(k)) return false;
              try {
                feedQuery({ [k]: v });
                return true;
              } catch {
                return false;
              }
            }),
          ),
        );
        const reason = typeof body.reason === 'string' ? body.reason.trim() : '';
        if (reason.length > 500) throw new InvalidPayloadError('reason: at most 500 characters');
        const s = requestScope(res);
        // An operator sees every tenant: the suggestion's own tenant is the one acted for.
        const tenantId = s.tenantId ?? (await d.store.suggestions.get(id))?.tenant_id;
        if (!tenantId) throw new NotFoundError(`no suggestion ${id}`);
        if (action === 'approve') await approveSuggestion(d.review, tenantId, id, s.principal.subject);
        else await dismissSuggestion(d.review, tenantId, id, reason || null, s.principal.subject);
        const to = new URLSearchParams(Object.entries(q).filter(([, v]) => v !== ''));
        to.set('done', action === 'approve' ? 'approved' : 'dismissed');
        to.set('id', id);
        res.redirect(303, `/admin/suggestions?${to.toString()}`);
      } catch (e) {
        // A caller's mistake (not held any more, refused by the output gate, unknown id) is shown on the feed itself.
        const status = isCloseloopError(e) ? e.status : undefined;
        if (
          isCloseloopError(e) &&
          status !== undefined &&
          status >= 400 &&
          status < 500 &&
          req.accepts(['html', 'json']) === 'html'
        ) {
          try {
            await renderFeed(res, q, { kind: 'error', message: e.message }, status);
          } catch (e2) {
            next(e2);
          }
          return;
        }
        next(e);
      }
    });
  }

  router.get('/admin/rules', async (_req, res, next) => {
    try {
      const v = viewer(d.store, res);
      const files = d.rulesDir ? (await ruleFiles(d.rulesDir)).files : [];
      const valid = files.every((f) => f.problems.length === 0);
      const cases = d.rulesDir && d.rulesCasesDir && valid ? await ruleCases(d.rulesDir, d.rulesCasesDir) : null;
      page(res, {
        title: 'Rules',
        path: '/admin/rules',
        who: v.who,
        csrfToken: v.csrf,
        body: rulesPage(files, d.rulesDir !== null, cases),
      });
    } catch (e) {
      next(e);
    }
  });

  router.get('/admin/outcomes', async (req, res, next) => {
    try {
      const v = viewer(d.store, res);
      const raw = singleQuery(req.query, 'GET /admin/outcomes');
      const weeks = raw.weeks === undefined || raw.weeks === '' ? 12 : Number(raw.weeks);
      if (!(OUTCOME_WEEKS as readonly number[]).includes(weeks))
        throw new InvalidPayloadError(`weeks: one of ${OUTCOME_WEEKS.join(', ')}`);
      page(res, {
        title: 'Outcomes',
        path: '/admin/outcomes',
        who: v.who,
        csrfToken: v.csrf,
        body: outcomesPage(await outcomesView(v.scope.reads, v.reads, d.now(), weeks), weeks, OUTCOME_WEEKS),
      });
    } catch (e) {
      next(e);
    }
  });

  const rulesDir = (): string => {
    if (!d.rulesDir) throw new CloseloopError(ErrorCode.NOT_FOUND, 'no rules folder is configured', { status: 404 });
    return d.rulesDir;
  };
  const json = jsonBody('1mb');
  router.post(RULE_PATHS.lint, json, async (req, res, next) => {
    try {
      const b = parseInput(RuleDraftRequest, req.body ?? {}, 'POST rules/lint');
      res.json(RuleLintResponse.parse(await lintDraft(rulesDir(), b.file, b.text)));
    } catch (e) {
      next(e);
    }
  });
  router.post(RULE_PATHS.replay, json, async (req, res, next) => {
    try {
      const b = parseInput(RuleDraftRequest, req.body ?? {}, 'POST rules/replay');
      res.json(
        RuleReplayResponse.parse(
          await replayDraft(d.store, requestScope(res).tenantId, rulesDir(), b.file, b.text, d.now()),
        ),
      );
    } catch (e) {
      next(e);
    }
  });
  router.post(RULE_PATHS.cases, json, async (req, res, next) => {
    try {
      const b = parseInput(RuleDraftRequest, req.body ?? {}, 'POST rules/cases');
      if (!d.rulesCasesDir)
        throw new CloseloopError(ErrorCode.NOT_FOUND, 'no rule case tables are configured (RULES_CASES_DIR)', {
          status: 404,
        });
      res.json(RuleCasesResponse.parse(await casesForDraft(rulesDir(), d.rulesCasesDir, b.file, b.text)));
    } catch (e) {
      next(e);
    }
  });
  return router;
}
