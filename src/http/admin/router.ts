import express from 'express';
import { requestScope } from '../../auth/request-scope.js';
import { casesForDraft, connectionViews, lintDraft, outcomesView, replayDraft, ruleCases, ruleFiles, suggestionFeed } from '../../console/console-service.js';
import { RuleCasesResponse, RuleDraftRequest, RuleLintResponse, RuleReplayResponse } from '../../core/api.js';
import type { Connector } from '../../core/connector.js';
import { CloseloopError, ErrorCode, InvalidPayloadError } from '../../core/errors.js';
import { ConsoleReads, type Store } from '../../store/index.js';
import { parseInput, singleQuery } from '../api-v1/parse.js';
import { connectionsPage, outcomesPage, rulesPage, suggestionsPage, type FeedQuery } from './pages.js';
import { page } from './html.js';

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
}

export const CONSOLE_PAGES = ['/admin', '/admin/suggestions', '/admin/rules', '/admin/outcomes'] as const;
export const RULE_PATHS = { lint: '/api/v1/admin/rules/lint', replay: '/api/v1/admin/rules/replay', cases: '/api/v1/admin/rules/cases' } as const;

function viewer(store: Store, res: express.Response) {
  const s = requestScope(res);
  // Scoped to the tenant the guard resolved, in SQL (src/store/console-reads.ts).
  return { scope: s, reads: new ConsoleReads(store.db, s.tenantId), who: s.principal.subject, csrf: s.principal.kind === 'session' ? s.principal.csrfToken : null };
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The admin console (server-rendered pages) and its JSON actions. Mounted behind the /admin and /api guard. */
export function createConsoleRouter(d: ConsoleDeps): express.Router {
  const router = express.Router();

  router.get('/admin', async (_req, res, next) => {
    try {
      const v = viewer(d.store, res);
      const [conns, dead] = await Promise.all([connectionViews(v.scope.reads, v.reads, d.connectorFor, d.now()), v.reads.deadBatches()]);
      page(res, { title: 'Connections', path: '/admin', who: v.who, csrfToken: v.csrf, body: connectionsPage(conns, d.installable(), dead) });
    } catch (e) { next(e); }
  });

  router.get('/admin/suggestions', async (req, res, next) => {
    try {
      const v = viewer(d.store, res);
      const raw = singleQuery(req.query, 'GET /admin/suggestions');
      const q: FeedQuery = { status: raw.status ?? '', type: raw.type ?? '', owner: raw.owner ?? '', deal: raw.deal ?? '', since: raw.since ?? '', until: raw.until ?? '' };
      for (const k of ['since', 'until'] as const) if (q[k] && !DAY.test(q[k])) throw new InvalidPayloadError(`${k}: a date like 2026-03-01`);
      for (const k of ['status', 'type', 'owner', 'deal'] as const) if (q[k].length > 128) throw new InvalidPayloadError(`${k}: too long`);
      const until = q.until ? new Date(Date.parse(q.until) + 86_400_000) : undefined;
      const [rows, facets] = await Promise.all([
        suggestionFeed(v.reads, { status: q.status || undefined, type: q.type || undefined, owner: q.owner || undefined, deal: q.deal || undefined, since: q.since ? new Date(q.since) : undefined, until, limit: 200 }),
        v.reads.feedFacets(),
      ]);
      page(res, { title: 'Suggestions', path: '/admin/suggestions', who: v.who, csrfToken: v.csrf, body: suggestionsPage(rows, q, facets) });
    } catch (e) { next(e); }
  });

  router.get('/admin/rules', async (_req, res, next) => {
    try {
      const v = viewer(d.store, res);
      const files = d.rulesDir ? (await ruleFiles(d.rulesDir)).files : [];
      const valid = files.every((f) => f.problems.length === 0);
      const cases = d.rulesDir && d.rulesCasesDir && valid ? await ruleCases(d.rulesDir, d.rulesCasesDir) : null;
      page(res, { title: 'Rules', path: '/admin/rules', who: v.who, csrfToken: v.csrf, body: rulesPage(files, d.rulesDir !== null, cases) });
    } catch (e) { next(e); }
  });

  router.get('/admin/outcomes', async (_req, res, next) => {
    try {
      const v = viewer(d.store, res);
      page(res, { title: 'Outcomes', path: '/admin/outcomes', who: v.who, csrfToken: v.csrf, body: outcomesPage(await outcomesView(v.scope.reads, v.reads, d.now())) });
    } catch (e) { next(e); }
  });

  const rulesDir = (): string => {
    if (!d.rulesDir) throw new CloseloopError(ErrorCode.NOT_FOUND, 'no rules folder is configured', { status: 404 });
    return d.rulesDir;
  };
  const json = express.json({ limit: '1mb' });
  router.post(RULE_PATHS.lint, json, async (req, res, next) => {
    try {
      const b = parseInput(RuleDraftRequest, req.body ?? {}, 'POST rules/lint');
      res.json(RuleLintResponse.parse(await lintDraft(rulesDir(), b.file, b.text)));
    } catch (e) { next(e); }
  });
  router.post(RULE_PATHS.replay, json, async (req, res, next) => {
    try {
      const b = parseInput(RuleDraftRequest, req.body ?? {}, 'POST rules/replay');
      res.json(RuleReplayResponse.parse(await replayDraft(d.store, requestScope(res).tenantId, rulesDir(), b.file, b.text, d.now())));
    } catch (e) { next(e); }
  });
  router.post(RULE_PATHS.cases, json, async (req, res, next) => {
    try {
      const b = parseInput(RuleDraftRequest, req.body ?? {}, 'POST rules/cases');
      if (!d.rulesCasesDir) throw new CloseloopError(ErrorCode.NOT_FOUND, 'no rule case tables are configured (RULES_CASES_DIR)', { status: 404 });
      res.json(RuleCasesResponse.parse(await casesForDraft(rulesDir(), d.rulesCasesDir, b.file, b.text)));
    } catch (e) { next(e); }
  });
  return router;
}
