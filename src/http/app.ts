import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Connector } from '../core/connector.js';
import { CloseloopError, ErrorCode, isCloseloopError } from '../core/errors.js';
import type { Logger } from '../lib/logger.js';
import type { Metrics } from '../lib/metrics.js';
import { acceptWebhook } from '../sync/webhook-intake.js';
import type { WorkQueue } from '../queue/index.js';
import type { Store } from '../store/index.js';
import { renderSummary, summarize } from './summary.js';
import { createSourcesRouter } from '../sources/router.js';
import { createFeedbackRouter } from '../feedback/router.js';
import { createHealth, type Health } from '../lib/health.js';
import { createHealthRouter } from './health.js';

/** Readiness from a bare flag (apps built without checks, such as tests of the HTTP layer). */
function flagHealth(isReady: () => boolean): Health {
  const h = createHealth({ ready: async () => { if (!isReady()) throw new Error('not ready'); } });
  h.setStarted(true);
  return h;
}

export interface InstallHandlers { start: express.RequestHandler; callback: express.RequestHandler }

export interface AppDeps {
  store: Store;
  queue: WorkQueue;
  metrics: Metrics;
  logger: Logger;
  connectorFor: (provider: string) => Connector;
  providers: () => string[];
  installFor: (provider: string) => InstallHandlers | null;
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
}

/** Thin HTTP layer: parse input, call a module, map errors to status codes. */
export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', true);
  app.use((req, res, next) => {
    const id = req.header('x-request-id') ?? randomUUID();
    res.setHeader('x-request-id', id);
    (req as any).id = id;
    next();
  });

  app.use(createHealthRouter({ health: deps.health ?? flagHealth(deps.isReady), metrics: deps.metrics }));

  app.get('/', async (req, res, next) => {
    try {
      const s = await summarize(deps.store, deps.queue);
      if (req.accepts(['html', 'json']) === 'json') res.json(s);
      else res.type('html').send(renderSummary(s));
    } catch (e) { next(e); }
  });

  // Sync health for RevOps: one row per installed account.
  app.get('/admin/connections', async (_req, res, next) => {
    try {
      const rows = await deps.store.connections.list();
      res.json(rows.map((c) => ({
        id: c.id, provider: c.provider, accountId: c.account_id, status: c.status, statusReason: c.status_reason,
        pausedUntil: c.paused_until, backfillDoneAt: c.backfill_done_at, lastSyncAt: c.last_sync_at,
      })));
    } catch (e) { next(e); }
  });

  app.get('/install/:provider', (req, res, next) => {
    const h = deps.installFor(String(req.params.provider));
    if (!h) return next(new CloseloopError(ErrorCode.NOT_FOUND, `unknown or unconfigured provider ${req.params.provider}`, { status: 404 }));
    return h.start(req, res, next);
  });
  app.get('/oauth/:provider/callback', (req, res, next) => {
    const h = deps.installFor(String(req.params.provider));
    if (!h) return next(new CloseloopError(ErrorCode.NOT_FOUND, `unknown or unconfigured provider ${req.params.provider}`, { status: 404 }));
    return h.callback(req, res, next);
  });

  // Raw bytes first: signatures are computed over the body exactly as received.
  app.post('/webhooks/:provider', express.raw({ type: () => true, limit: '2mb' }), async (req, res, next) => {
    const provider = String(req.params.provider);
    try {
      if (!deps.providers().includes(provider)) throw new CloseloopError(ErrorCode.NOT_FOUND, `unknown provider ${provider}`, { status: 404 });
      const secret = deps.webhookSecretFor(provider);
      if (secret === null) throw new CloseloopError(ErrorCode.NOT_FOUND, `${provider} is not configured`, { status: 404 });
      const headers: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
      const result = await acceptWebhook(deps, deps.connectorFor(provider), {
        method: req.method, url: deps.publicUrl() + req.originalUrl, headers,
        rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0), receivedAt: deps.now(),
      }, { clientSecret: secret, toleranceMs: deps.webhookToleranceMs });
      if (result.response) res.status(result.response.status).type(result.response.contentType).send(result.response.body);
      else res.status(200).json({ accepted: result.accepted, duplicates: result.duplicates });
    } catch (e) {
      if (isCloseloopError(e) && (e.code === ErrorCode.WEBHOOK_SIGNATURE_INVALID || e.code === ErrorCode.WEBHOOK_TIMESTAMP_INVALID)) {
        deps.metrics.webhookEvents.inc({ crm: provider, result: 'rejected' });
      }
      next(e);
    }
  });

  // Interactions that never reach the CRM: authenticated ingest API and Slack Events (raw-body signature).
  app.use(createSourcesRouter({ store: deps.store, queue: deps.queue, metrics: deps.metrics, logger: deps.logger, now: deps.now, slackSigningSecret: deps.slackSigningSecret }));

  // Acceptance rates per suggestion type, rule and rep (GET /admin/feedback).
  app.use(createFeedbackRouter({ store: deps.store, now: deps.now }));

  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const e = isCloseloopError(err) ? err : null;
    const status = e?.status && e.status >= 400 && e.status < 600 ? e.status : 500;
    const level = status >= 500 ? 'error' : 'warn';
    deps.logger[level]({ code: e?.code ?? ErrorCode.INTERNAL, path: req.path, requestId: (req as any).id, err: status >= 500 ? err : undefined, msg2: (err as Error)?.message }, 'request failed');
    res.status(status).json({ error: e?.code ?? ErrorCode.INTERNAL, message: e ? e.message : 'internal error' });
  });
  return app;
}
