/**
 * HTTP surface: OAuth and identity at the login host, REST under /services/data/vXX.X (auth, API allowance and
 * `Sforce-Limit-Info` on every response), CometD under /cometd. The login host and the instance are the same server.
 */
import { type Server, createServer } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import { bulk2Router } from './bulk2.js';
import { collectionsRouter } from './collections.js';
import { type RestState, type SandboxContext, API_VERSION } from './context.js';
import { OAuthError, SalesforceApiError } from './errors.js';
import { callKind } from './limits.js';
import { oauthRouter } from './oauth.js';
import { queryRouter } from './query.js';
import { bearerToken } from './sessions.js';
import { sobjectsRouter } from './sobjects.js';

const VERSION_RE = /^v(\d{2,3}\.\d)$/;
const PUBLISHED_VERSIONS = ['58.0', '59.0', '60.0', '61.0', '62.0'];

/** `Sforce-Call-Options: client=closeloop, defaultNamespace=x` → the client name CDC reports in changeOrigin. */
function callOptionsClient(header: string | undefined): string | null {
  if (!header) return null;
  const m = /(?:^|,)\s*client\s*=\s*([^,]+)/i.exec(header);
  return m?.[1]?.trim() ?? null;
}

function sendError(res: Response, err: unknown, log: (m: string) => void): void {
  if (err instanceof SalesforceApiError) {
    if (err.status === 401) res.set('WWW-Authenticate', 'Token');
    res.status(err.status).json(err.toRestBody());
    return;
  }
  if (err instanceof OAuthError) {
    res.status(err.status).json(err.toBody());
    return;
  }
  const e = err as { type?: string; status?: number; message?: string };
  if (e?.type === 'entity.parse.failed') {
    res
      .status(400)
      .json([{ message: `Unexpected character in JSON body: ${e.message ?? ''}`, errorCode: 'JSON_PARSER_ERROR' }]);
    return;
  }
  log(`unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  res.status(500).json([
    {
      message: 'An unexpected error occurred. Please include this ErrorId if you contact support: sandbox',
      errorCode: 'UNKNOWN_EXCEPTION',
    },
  ]);
}

export function createApp(ctx: SandboxContext): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');

  app.use(oauthRouter(ctx));

  app.get('/services/data', (_req, res) => {
    res.json(PUBLISHED_VERSIONS.map((v) => ({ label: `Sandbox ${v}`, url: `/services/data/v${v}`, version: v })));
  });

  const rest = express.Router({ mergeParams: true });
  rest.use(express.json({ limit: '50mb', type: ['application/json', 'application/*+json'] }));

  rest.use((req: Request, res: Response, next: NextFunction) => {
    const version = VERSION_RE.exec(String((req.params as Record<string, string>).version));
    if (!version) throw new SalesforceApiError(404, 'NOT_FOUND', 'The requested resource does not exist');
    const session = ctx.sessions.authenticate(bearerToken(req.header('authorization')));
    const org = ctx.orgs.get(session.orgId);
    if (!org) throw new SalesforceApiError(401, 'INVALID_SESSION_ID', 'Session expired or invalid');
    // Every REST call counts against the daily allowance, /limits included (it is an API request like any other).
    try {
      org.allowance.consume(callKind(req.method, req.path, req.query.q));
    } finally {
      res.set('Sforce-Limit-Info', org.allowance.header());
    }
    const client = callOptionsClient(req.header('sforce-call-options'));
    const origin = `com/salesforce/api/rest/${version[1]}${client ? `;client=${client}` : ''}`;
    const state: RestState = {
      org,
      session,
      apiVersion: version[1]!,
      change: { userId: session.userId, changeOrigin: origin },
    };
    res.locals.sf = state;
    next();
  });

  rest.get('/', (req, res) => {
    const base = `/services/data/${String((req.params as Record<string, string>).version)}`;
    const names = ['sobjects', 'query', 'queryAll', 'composite', 'jobs', 'limits'];
    res.json({
      ...Object.fromEntries(names.map((n) => [n, `${base}/${n}`])),
      identity: `${ctx.baseUrl}/id/${(res.locals.sf as RestState).org.id}/${(res.locals.sf as RestState).session.userId}`,
    });
  });
  rest.get('/limits', (_req, res) => {
    res.json((res.locals.sf as RestState).org.allowance.snapshot());
  });
  // The identity response's `recent` and `search` URLs resolve (recent: the user's recently viewed items, none here;
  // search: SOSL, which the sandbox does not run: MALFORMED_SEARCH like a bad query string).
  rest.get(['/recent', '/recent/'], (_req, res) => {
    res.json([]);
  });
  rest.get(['/search', '/search/'], (req) => {
    throw new SalesforceApiError(
      400,
      'MALFORMED_SEARCH',
      req.query.q
        ? 'SOSL search is not available in this sandbox'
        : 'No search term found. The search term must be at least 2 characters long.',
    );
  });
  rest.use(sobjectsRouter(ctx));
  rest.use(queryRouter(ctx));
  rest.use(collectionsRouter(ctx));
  rest.use(bulk2Router(ctx));
  rest.use(() => {
    throw new SalesforceApiError(404, 'NOT_FOUND', 'The requested resource does not exist');
  });

  app.use('/services/data/:version', rest);

  app.use(() => {
    throw new SalesforceApiError(404, 'NOT_FOUND', 'The requested resource does not exist');
  });
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => sendError(res, err, ctx.log));
  return app;
}

/** Express app plus the CometD endpoint on one node:http server. */
export function createSandboxServer(ctx: SandboxContext): Server {
  const server = createServer(createApp(ctx));
  ctx.cometd.attach(server);
  return server;
}

export { API_VERSION };
