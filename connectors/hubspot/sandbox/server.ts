/** Assembles the express app from the route modules and maps thrown errors to HubSpot-shaped responses. */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { associationsRouter } from './associations.js';
import type { SandboxContext } from './context.js';
import { HubspotApiError, correlationId } from './errors.js';
import { bearerAuth, oauthRouter, type OAuthRegistry } from './oauth.js';
import { objectsRouter } from './objects.js';
import { accountInfoRouter } from './account-info.js';
import { ownersRouter } from './owners.js';
import { usersRouter } from './users.js';
import { pipelinesRouter } from './pipelines.js';
import { rateLimiter, type RateLimitConfig, type RateLimitStats } from './rate-limit.js';
import type { FaultInjector } from './faults.js';
import { searchRouter } from './search.js';
import { simulateRouter, type SimulateDeps } from './simulate.js';
import { webhooksRouter, type WebhookAppState } from './webhooks.js';

export interface AppDeps {
  ctx: SandboxContext;
  oauth: OAuthRegistry;
  /** Serve /oauth/v1/* next to the date-versioned endpoints. */
  legacyOauth: boolean;
  webhooks: WebhookAppState;
  rateLimit: RateLimitConfig | false;
  rateLimitStats: RateLimitStats;
  faults: FaultInjector;
  simulate: SimulateDeps;
  now: () => number;
  log: (msg: string) => void;
  /** Test hook: the current rule for slow requests (held, then processed and answered). */
  slowAnswers?: () => SlowAnswerRule | null;
}

/**
 * Hold matching requests for `ms` before they are processed (a slow or stuck provider: the write lands late, then the
 * answer).
 */
export interface SlowAnswerRule {
  method: string;
  path: RegExp;
  ms: number;
  times: number;
}

export function createSandboxApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(express.json({ limit: '10mb', type: ['application/json', 'application/*+json'] }));

  app.use((req: Request, res: Response, next: NextFunction) => {
    const rule = deps.slowAnswers?.();
    if (rule && rule.times > 0 && req.method === rule.method && rule.path.test(req.path)) {
      rule.times--;
      setTimeout(next, rule.ms);
      return;
    }
    next();
  });
  app.use(oauthRouter(deps.oauth, { legacyV1: deps.legacyOauth }));
  app.use(webhooksRouter(deps.webhooks));
  app.use(simulateRouter(deps.simulate));

  const crm = express.Router();
  crm.use(bearerAuth(deps.oauth));
  if (deps.rateLimit !== false) crm.use(rateLimiter(deps.rateLimit, deps.now, deps.rateLimitStats));
  // Injected 477/5xx come after the limiter: a failed call still counted against the budget.
  crm.use(deps.faults.middleware());
  crm.use(searchRouter(deps.ctx));
  crm.use(objectsRouter(deps.ctx));
  crm.use(associationsRouter(deps.ctx));
  crm.use(ownersRouter(deps.ctx));
  crm.use(usersRouter(deps.ctx));
  crm.use(accountInfoRouter(deps.ctx));
  crm.use(pipelinesRouter());
  // Every /crm path sits behind the bearer check (and the rate limiter); other paths fall through to the 404.
  app.use((req: Request, res: Response, next: NextFunction) =>
    req.path.startsWith('/crm/') || req.path.startsWith('/settings/') || req.path.startsWith('/account-info/')
      ? crm(req, res, next)
      : next(),
  );

  app.use((req: Request, res: Response) => {
    res.status(404).json({
      status: 'error',
      message: `No route for ${req.method} ${req.path}`,
      correlationId: correlationId(),
      category: 'OBJECT_NOT_FOUND',
    });
  });
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof HubspotApiError) {
      res.status(err.status).set(err.headers).json(err.body);
      return;
    }
    const parseFailure = err as { type?: string; message?: string };
    if (parseFailure.type === 'entity.parse.failed') {
      res.status(400).json({
        status: 'error',
        message: `Invalid input JSON: ${parseFailure.message ?? ''}`,
        correlationId: correlationId(),
        category: 'VALIDATION_ERROR',
      });
      return;
    }
    deps.log(
      `internal error on ${req.method} ${req.originalUrl}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
    );
    res
      .status(500)
      .json({ status: 'error', message: 'internal error', correlationId: correlationId(), category: 'INTERNAL_ERROR' });
  });
  return app;
}

export async function listen(app: Express, port: number, host: string): Promise<{ server: Server; url: string }> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (err?: Error) => {
      if (err !== undefined) {
        reject(err);
        return;
      }
      const addr = server.address() as AddressInfo;
      const shownHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
      resolve({ server, url: `http://${shownHost}:${addr.port}` });
    });
    server.on('error', reject);
  });
}

export async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve, reject) => server.close((err) => (err === undefined ? resolve() : reject(err))));
}
