import { randomUUID } from 'node:crypto';
import express from 'express';
import { clearedSessionCookie, signOut } from '../auth/sessions.js';
import { requestScope } from '../auth/request-scope.js';
import type { Connector } from '../core/connector.js';
import { CloseloopError, ErrorCode, isCloseloopError } from '../core/errors.js';
import { withLogContext } from '../lib/log-context.js';
import type { Logger } from '../lib/logger.js';
import { contextFromHeaders, inSpan, otelContext, SpanStatusCode, startRequestSpan } from '../lib/tracing.js';
import type { Metrics } from '../lib/metrics.js';
import { acceptWebhook } from '../sync/webhook-intake.js';
import type { ChangeSubscriber } from '../sync/change-events.js';
import { connectionHealth } from '../sync/connection-health.js';
import type { WorkQueue } from '../queue/index.js';
import type { Wakeup } from '../store/wakeup.js';
import type { Store } from '../store/index.js';
import { renderSignIn, renderSummary, summarize } from './summary.js';
import { createSourcesRouter } from './sources.js';
import { createFeedbackRouter } from './admin-feedback.js';
import { createHealth, type Health } from '../lib/health.js';
import { createHealthRouter } from './health.js';
import { createHubspotCardRouter, createSalesforceCardRouter } from './api-v1/cards.js';
import { createSuggestionsRouter } from './api-v1/suggestions.js';
import type { ReviewDeps } from '../suggest/review.js';
import type { Guard } from '../suggest/analyze-deps.js';
import { openApiDocument } from './api-v1/openapi.js';
import { CONSOLE_PAGES, createConsoleRouter } from './admin/router.js';
import { OPENAPI_PATH } from './api-v1/operations.js';

/** Readiness from a bare flag (apps built without checks, such as tests of the HTTP layer). */
function flagHealth(isReady: () => boolean): Health {
  const h = createHealth({
    ready: async () => {
      if (!isReady()) throw new Error('not ready');
    },
  });
  h.setStarted(true);
  return h;
}
import { limitDepth, rawBody } from './body-limits.js';
import { errorHandler, notFound } from './errors.js';
import { accessGuard, authenticate } from './guard.js';
import { LogSampler } from './log-sampler.js';
import { methodNotAllowed } from './methods.js';
import { rateLimit } from './rate-limit.js';

export interface InstallHandlers {
  start: express.RequestHandler;
  callback: express.RequestHandler;
}

export interface AppDeps {
  store: Store;
  queue: WorkQueue;
  /** Wakes inbox workers after a webhook is recorded (src/store/wakeup.ts); without it they find it by polling. */
  inboxWakeup?: Wakeup | null;
  metrics: Metrics;
  logger: Logger;
  connectorFor: (provider: string) => Connector;
  providers: () => string[];
  installFor: (provider: string) => InstallHandlers | null;
  /** Sign in with the CRM (admin pages); null when the provider has no sign-in or is not configured. */
  signInFor: (provider: string) => InstallHandlers | null;
  webhookSecretFor: (provider: string) => string | null;
  /** Public origin the providers call (signatures cover the full URL). */
  publicUrl: () => string;
  webhookToleranceMs: number;
  isReady: () => boolean;
  /** Liveness and readiness checks (src/lib/health.ts); without them /readyz is the isReady flag. */
  health?: Health;
  now: () => number;
  /** SLACK_SIGNING_SECRET; null turns POST /slack/events off. */
  slackSigningSecret: string | null;
  /**
   * Told of every change the ingest and Slack sources apply (src/sync/change-events.ts: feedback); from src/main.ts.
   */
  changeSubscribers: readonly ChangeSubscriber[];
  /** The rules folder this process loads (the console's rules page lints and replays drafts against it). */
  rulesDir?: string | null;
  /** Rule case tables the console runs (RULES_CASES_DIR); null: none. */
  rulesCasesDir?: string | null;
  access: {
    operatorTokens: readonly string[];
    metricsToken: string | null;
    trustProxy: boolean | number | string;
    rateLimitPerMinute: number;
  };
  /** The rules' trusted facts, for the output gate when a reviewer approves a held suggestion. */
  guardrails?: Pick<Guard, 'trusted'> | null;
}

/**
 * The URLs a provider may have signed for this request: PUBLIC_URL joined to the path (a trailing slash on
 * PUBLIC_URL or a path prefix a reverse proxy strips must not break it), then the URL the reverse proxy
 * reports (X-Forwarded-Proto/Host, honoured only for a trusted proxy: TRUST_PROXY). Signatures are checked against
 * these exact strings.
 */
export function publicRequestUrls(publicUrl: string, req: express.Request): string[] {
  const base = new URL(publicUrl);
  const prefix = base.pathname.replace(/\/+$/, '');
  const path = req.originalUrl;
  const joined = `${base.origin}${prefix !== '' && !path.startsWith(`${prefix}/`) ? prefix : ''}${path}`;
  const forwarded = `${req.protocol}://${req.host ?? base.host}${path}`;
  return [...new Set([joined, forwarded, `${base.origin}${path}`])];
}

/** The Content-Security-Policy of every response the console's pages do not replace. */
export const BASELINE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/**
 * Webhook bodies: HubSpot batches at most 100 events per request; Outbound Messages carry at most 100 notifications.
 */
export const WEBHOOK_BODY_LIMIT = '2mb';

/**
 * Thin HTTP layer: parse input, call a module, map errors to status codes. The route table and who may call each
 * route is docs/security.md; tests/src/http/route-table.test.ts checks it against the routes mounted here.
 */
export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.access.trustProxy);
  const sampler = new LogSampler();
  app.use((req, res, next) => {
    const given = req.header('x-request-id');
    const id = given && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
    res.setHeader('x-request-id', id);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Referrer-Policy', 'no-referrer');
    // Every answer, HTML or not, starts from a policy that runs nothing and loads nothing but inline styles: the
    // sign-in and summary pages need no more, and a CRM value that slipped through escaping (a javascript: link, a
    // <base>, a <script>) does nothing. The console's pages set their own, with a nonce for their one script.
    res.setHeader('Content-Security-Policy', BASELINE_CSP);
    (req as any).id = id;
    // A SERVER span per request (continuing the caller's traceparent, if any; a no-op without tracing), and the
    // request id on every log line written while handling it.
    const { span, context } = startRequestSpan(
      `${req.method} ${req.path.split('/').slice(0, 2).join('/') || '/'}`,
      contextFromHeaders(req.headers),
      { 'http.request.method': req.method, 'url.path': req.path, 'closeloop.request_id': id },
    );
    res.once('finish', () => {
      const route = (req.route as { path?: string } | undefined)?.path;
      if (route) span.updateName(`${req.method} ${req.baseUrl}${route}`);
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    res.once('close', () => {
      if (!res.writableFinished) span.end();
    });
    otelContext.with(context, () => withLogContext({ requestId: id }, next));
  });

  // A path of the route table asked with a method it does not take: 405 with Allow (OPTIONS: 204 with Allow), not the
  // 404 of a path that names nothing. Routes behind the tenant guard are checked after it (strangers get the 401).
  app.use(methodNotAllowed({ after: (r) => r.guard === 'tenant' }));

  // The HubSpot app card (hubspot.fetch): authenticated by HubSpot's v3 signature over the raw request, so it is
  // mounted before any JSON parser and before the tenant guard of /api/**.
  app.use(
    createHubspotCardRouter({
      store: deps.store,
      connectorFor: deps.connectorFor,
      appSecretFor: deps.webhookSecretFor,
      publicUrl: deps.publicUrl,
      toleranceMs: deps.webhookToleranceMs,
      now: deps.now,
    }),
  );
  // The API contract, generated from the zod schemas the handlers use; open (it holds no tenant data).
  let openapi: object | null = null;
  app.get(OPENAPI_PATH, (_req, res) => {
    res.json((openapi ??= openApiDocument(deps.publicUrl())));
  });

  const guardDeps = {
    store: deps.store,
    now: deps.now,
    operatorTokens: deps.access.operatorTokens,
    metricsToken: deps.access.metricsToken,
    publicOrigin: () => new URL(deps.publicUrl()).origin,
  };
  // ONE guard for everything under /admin and /api, mounted before any of their routes: a router added later under
  // these prefixes (e.g. /api/v1/suggestions) is authenticated and tenant-scoped without doing anything.
  const guard = accessGuard(guardDeps);
  // The console's pages: a browser that is not signed in gets the sign-in page rather than a 401 JSON body.
  app.use(async (req, res, next) => {
    try {
      if (req.method !== 'GET' || !(CONSOLE_PAGES as readonly string[]).includes(req.path)) return next();
      if (req.accepts(['html', 'json']) !== 'html' || req.header('authorization')) return next();
      if (await authenticate(guardDeps, req).catch(() => null)) return next();
      res.status(401).setHeader('Cache-Control', 'no-store');
      res.type('html').send(renderSignIn(deps.providers().filter((p) => deps.signInFor(p) !== null)));
    } catch (e) {
      next(e);
    }
  });
  app.use(['/admin', '/api'], guard);
  // No route takes a control character (U+0000-U+001F, U+007F) in its path, and the database refuses U+0000 in text:
  // such a path names nothing (404), whatever id it carries. After the guard, so a stranger still gets the 401 first.
  app.use((req, _res, next) => {
    // eslint-disable-next-line no-control-regex -- the point is to find them
    if (/%(?:[01][0-9a-f]|7f)/i.test(req.path) || /[\u0000-\u001f\u007f]/.test(req.path))
      return next(new CloseloopError(ErrorCode.NOT_FOUND, 'no such resource', { status: 404 }));
    next();
  });
  app.use(methodNotAllowed());

  // Unauthenticated entry points get a per-client rate limit held in the database.
  const perMinute = deps.access.rateLimitPerMinute;
  app.use('/install', rateLimit(deps.store, 'install', perMinute, deps.now));
  app.use('/oauth', rateLimit(deps.store, 'oauth', perMinute, deps.now));
  app.use(['/auth/login', '/auth/callback'], rateLimit(deps.store, 'auth', perMinute, deps.now));
  app.use('/ingest', rateLimit(deps.store, 'ingest', perMinute * 10, deps.now));
  app.use('/slack', rateLimit(deps.store, 'slack', perMinute * 10, deps.now));

  // /livez, /readyz, /healthz: open and tenant-free. /metrics: aggregate series only (labels: crm, kind, queue, code,
  // result; never a tenant, account or connection id), and on this public port only for operators or the
  // METRICS_TOKEN scraper. (A worker's HEALTH_PORT serves them without credentials: keep that port private.)
  app.use(
    createHealthRouter({
      health: deps.health ?? flagHealth(deps.isReady),
      metrics: deps.metrics,
      metricsGuard: accessGuard(guardDeps, { roles: ['operator', 'metrics'] }),
    }),
  );

  // The summary page: signed-in admins see their tenant, operators every tenant (or ?tenant=).
  app.get(
    '/',
    async (req, res, next) => {
      try {
        if (
          req.accepts(['html', 'json']) === 'html' &&
          !req.header('authorization') &&
          !(await authenticate(guardDeps, req).catch(() => null))
        ) {
          res
            .status(401)
            .type('html')
            .send(renderSignIn(deps.providers().filter((p) => deps.signInFor(p) !== null)));
          return;
        }
        next();
      } catch (e) {
        next(e);
      }
    },
    guard,
    async (req, res, next) => {
      try {
        const scope = requestScope(res);
        const s = await summarize(scope.reads, scope.principal.role === 'operator' ? deps.queue : null);
        if (req.accepts(['html', 'json']) === 'json') res.json(s);
        else res.type('html').send(renderSummary(s));
      } catch (e) {
        next(e);
      }
    },
  );

  // Sync health for RevOps: one row per installed account of the caller's tenant.
  app.get('/admin/connections', async (_req, res, next) => {
    try {
      const reads = requestScope(res).reads;
      res.json(await connectionHealth(() => reads.connections(), deps.store.webhookQuarantine));
    } catch (e) {
      next(e);
    }
  });

  // Sign in with the CRM; who am I (and the CSRF token for writes); sign out.
  app.get('/auth/login/:provider', (req, res, next) => {
    const h = deps.signInFor(String(req.params.provider));
    if (!h)
      return next(new CloseloopError(ErrorCode.NOT_FOUND, 'unknown provider or no sign-in for it', { status: 404 }));
    return h.start(req, res, next);
  });
  app.get('/auth/callback/:provider', (req, res, next) => {
    const h = deps.signInFor(String(req.params.provider));
    if (!h)
      return next(new CloseloopError(ErrorCode.NOT_FOUND, 'unknown provider or no sign-in for it', { status: 404 }));
    return h.callback(req, res, next);
  });
  app.get('/auth/session', guard, (_req, res) => {
    const { principal: p, tenantId } = requestScope(res);
    res.json({
      kind: p.kind,
      role: p.role,
      subject: p.subject,
      tenantId,
      csrfToken: p.kind === 'session' ? p.csrfToken : null,
    });
  });
  app.post('/auth/logout', guard, async (_req, res, next) => {
    try {
      await signOut(deps.store, requestScope(res).principal);
      res.setHeader('Set-Cookie', clearedSessionCookie());
      res.status(204).end();
    } catch (e) {
      next(e);
    }
  });

  app.get('/install/:provider', (req, res, next) => {
    const h = deps.installFor(String(req.params.provider));
    if (!h) return next(new CloseloopError(ErrorCode.NOT_FOUND, 'unknown or unconfigured provider', { status: 404 }));
    return h.start(req, res, next);
  });
  app.get('/oauth/:provider/callback', (req, res, next) => {
    const h = deps.installFor(String(req.params.provider));
    if (!h) return next(new CloseloopError(ErrorCode.NOT_FOUND, 'unknown or unconfigured provider', { status: 404 }));
    return h.callback(req, res, next);
  });

  // CRM-facing: raw bytes first (signatures are computed over the body exactly as received), size and depth bounded.
  const intakeDeps = { store: deps.store, metrics: deps.metrics, logger: deps.logger, wakeup: deps.inboxWakeup };
  app.post('/webhooks/:provider', rawBody(WEBHOOK_BODY_LIMIT), limitDepth, async (req, res, next) => {
    const provider = String(req.params.provider);
    try {
      if (!deps.providers().includes(provider))
        throw new CloseloopError(ErrorCode.NOT_FOUND, 'unknown provider', { status: 404 });
      const secret = deps.webhookSecretFor(provider);
      if (secret === null)
        throw new CloseloopError(ErrorCode.NOT_FOUND, `${provider} is not configured`, { status: 404 });
      const headers: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
      const urls = publicRequestUrls(deps.publicUrl(), req);
      const result = await inSpan('webhook intake', { 'closeloop.provider': provider }, async (span) => {
        const r = await acceptWebhook(
          intakeDeps,
          deps.connectorFor(provider),
          {
            method: req.method,
            url: urls[0]!,
            alternateUrls: urls.slice(1),
            headers,
            rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
            receivedAt: deps.now(),
          },
          { clientSecret: secret, toleranceMs: deps.webhookToleranceMs },
        );
        span.setAttributes({
          'closeloop.webhook.accepted': r.accepted,
          'closeloop.webhook.quarantined': r.quarantined,
        });
        return r;
      });
      if (result.response)
        res.status(result.response.status).type(result.response.contentType).send(result.response.body);
      else res.status(200).json({ accepted: result.accepted, quarantined: result.quarantined });
    } catch (e) {
      if (
        isCloseloopError(e) &&
        (e.code === ErrorCode.WEBHOOK_SIGNATURE_INVALID || e.code === ErrorCode.WEBHOOK_TIMESTAMP_INVALID)
      ) {
        deps.metrics.webhookEvents.inc({ crm: provider, result: 'rejected' });
      }
      next(e);
    }
  });

  // Interactions that never reach the CRM: authenticated ingest API and Slack Events (raw-body signature).
  const renderError = errorHandler(deps.logger, sampler, deps.now);
  app.use(
    createSourcesRouter({
      store: deps.store,
      queue: deps.queue,
      metrics: deps.metrics,
      logger: deps.logger,
      now: deps.now,
      slackSigningSecret: deps.slackSigningSecret,
      subscribers: deps.changeSubscribers,
      renderError,
    }),
  );

  // The Salesforce component (Apex + Named Credential carrying the tenant's API token), behind the guard above.
  app.use(
    createSalesforceCardRouter({ store: deps.store, now: deps.now, tenantOf: (res) => requestScope(res).tenantId }),
  );

  // The admin console (server-rendered pages) and its JSON actions, behind the guard above.
  app.use(
    createConsoleRouter({
      store: deps.store,
      connectorFor: deps.connectorFor,
      installable: () => deps.providers().filter((p) => deps.installFor(p) !== null),
      rulesDir: deps.rulesDir ?? null,
      rulesCasesDir: deps.rulesCasesDir ?? null,
      now: deps.now,
      review: {
        store: deps.store,
        queue: deps.queue,
        logger: deps.logger,
        metrics: deps.metrics,
        now: deps.now,
        guardrails: (deps.guardrails ?? {}) as ReviewDeps['guardrails'],
      },
    }),
  );

  // Acceptance rates per suggestion type, rule and rep (GET /admin/feedback, src/http/admin-feedback.ts), behind the
  // guard above.
  app.use(createFeedbackRouter({ now: deps.now }));
  // The review queue: suggestions the rules held, approved (written back) or dismissed (feedback), behind the guard
  // above.
  app.use(
    createSuggestionsRouter({
      store: deps.store,
      queue: deps.queue,
      logger: deps.logger,
      metrics: deps.metrics,
      now: deps.now,
      guardrails: deps.guardrails ?? null,
    }),
  );

  app.use(notFound);
  app.use(renderError);
  return app;
}
