import express, { type NextFunction, type Request, type Response } from 'express';
import { CloseloopError, ErrorCode, InvalidPayloadError, NotFoundError, isCloseloopError } from '../core/errors.js';
import type { Logger } from '../lib/logger.js';
import type { Metrics } from '../lib/metrics.js';
import type { WorkQueue } from '../queue/index.js';
import type { ConnectionRow, Store } from '../store/index.js';
import type { ChangeSubscriber } from '../sync/change-events.js';
import { authenticateIngestKey } from '../sources/ingest-keys.js';
import { MAX_BODY_DEPTH, nestingDepth } from './body-limits.js';
import { toHttpError } from './errors.js';
import {
  INGEST_BODY_LIMIT,
  deleteInteraction,
  isIngestSourceId,
  getInteraction,
  ingestInteractions,
  parseIngestRequest,
} from '../sources/ingest-items.js';
import { createSlackEventHandler } from '../sources/slack-events.js';

export interface SourcesRouterDeps {
  store: Store;
  queue: WorkQueue;
  metrics: Metrics;
  logger: Logger;
  now: () => number;
  /** Told of every applied change (feedback), wired in src/main.ts. */
  subscribers: readonly ChangeSubscriber[];
  /** SLACK_SIGNING_SECRET; null turns POST /slack/events off (404). */
  slackSigningSecret: string | null;
  /**
   * The app's error handler (stable body, sampled rejection logs, src/http/errors.ts); without it the router renders
   * its own.
   */
  renderError?: (err: unknown, req: Request, res: Response, next: NextFunction) => void;
}

/** Slack event payloads are small; this only bounds what is read before the signature is checked. */
const SLACK_BODY_LIMIT = '1mb';

/** Body-parser failures (too large, not JSON) as our errors, so they render like every other error. */
function bodyError(err: unknown): CloseloopError {
  if (isCloseloopError(err)) return err;
  const e = err as { type?: string; status?: number; limit?: number };
  if (e.type === 'entity.too.large' || e.status === 413)
    return new InvalidPayloadError(`request body larger than ${e.limit ?? 'the limit'} bytes`, { status: 413 });
  return new InvalidPayloadError('request body is not valid JSON', { status: 400 });
}
const parse =
  (parser: express.RequestHandler): express.RequestHandler =>
  (req, res, next) =>
    parser(req, res, (err?: unknown) => next(err ? bodyError(err) : undefined));

const connectionOf = (res: Response) => res.locals.connection as ConnectionRow;

/**
 * Sources beyond the CRM: `POST /ingest/v1/interactions` (+ GET/DELETE by sourceId) with a per-connection
 * bearer key, and `POST /slack/events` (Slack Events API, signed). Thin: authenticate, parse, call
 * src/sources, map errors to statuses. Mount it before any app-wide body parser.
 */
export function createSourcesRouter(deps: SourcesRouterDeps): express.Router {
  const router = express.Router();
  const slack = deps.slackSigningSecret
    ? createSlackEventHandler({ ...deps, signingSecret: deps.slackSigningSecret })
    : null;

  // Raw bytes, before any JSON parsing: the signature covers the body exactly as sent.
  router.post('/slack/events', parse(express.raw({ type: () => true, limit: SLACK_BODY_LIMIT })), async (req, res) => {
    if (!slack) throw new NotFoundError('slack is not configured (SLACK_SIGNING_SECRET)');
    const outcome = await slack({
      rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
      timestamp: req.header('x-slack-request-timestamp'),
      signature: req.header('x-slack-signature'),
    });
    if (outcome.status === 'challenge') res.status(200).json({ challenge: outcome.challenge });
    else res.status(200).json({ ok: true, ...outcome });
  });

  // The key is checked before the body is read: unauthenticated callers never get a parser.
  const authenticate: express.RequestHandler = async (req, res, next) => {
    try {
      const { connection, keyId } = await authenticateIngestKey(deps.store, req.header('authorization'));
      res.locals.connection = connection;
      res.locals.keyId = keyId;
      next();
    } catch (e) {
      if (isCloseloopError(e) && e.status === 401) {
        deps.metrics.webhookEvents.inc({ crm: 'ingest', result: 'rejected' });
        res.setHeader('WWW-Authenticate', 'Bearer realm="closeloop-ingest"');
      }
      next(e);
    }
  };

  router.post(
    '/ingest/v1/interactions',
    authenticate,
    parse(
      express.json({
        type: () => true,
        limit: INGEST_BODY_LIMIT,
        // The same nesting limit as the webhooks' (body-limits.ts), checked on the bytes before they are parsed.
        verify: (_req, _res, buf) => {
          if (nestingDepth(buf) > MAX_BODY_DEPTH)
            throw new InvalidPayloadError(`request body nested deeper than ${MAX_BODY_DEPTH} levels`);
        },
      }),
    ),
    async (req, res) => {
      const body = parseIngestRequest(req.body);
      if (!body.ok) {
        const n = body.issues.length;
        res.status(400).json({
          error: ErrorCode.INVALID_PAYLOAD,
          message: `${n} invalid field${n === 1 ? '' : 's'}`,
          issues: body.issues,
        });
        return;
      }
      const items = await ingestInteractions(deps, connectionOf(res), body.items);
      res.status(200).json({ items });
    },
  );

  // A sourceId no POST could have stored (a control character, U+0000, an unpaired surrogate) names nothing.
  const sourceIdOf = (req: Request): string => {
    const id = String(req.params.sourceId);
    if (!isIngestSourceId(id)) throw new NotFoundError('no such interaction');
    return id;
  };

  router.get('/ingest/v1/interactions/:sourceId', authenticate, async (req, res) => {
    const a = await getInteraction(deps, connectionOf(res), sourceIdOf(req));
    if (!a) throw new NotFoundError('no such interaction');
    res.status(200).json(a);
  });

  router.delete('/ingest/v1/interactions/:sourceId', authenticate, async (req, res) => {
    if (!(await deleteInteraction(deps, connectionOf(res), sourceIdOf(req))))
      throw new NotFoundError('no such interaction');
    res.status(204).end();
  });

  // Same response shape as src/http/app.ts, so the router renders its own errors wherever it is mounted.
  router.use(['/slack', '/ingest'], (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const e = isCloseloopError(err) ? err : null;
    const h = toHttpError(err);
    if (!deps.renderError)
      deps.logger[h.status >= 500 ? 'error' : 'warn'](
        {
          code: h.code,
          path: req.path,
          err: h.status >= 500 ? err : undefined,
          msg2: (err as Error)?.message,
        },
        'source request failed',
      );
    if (e && (e.code === ErrorCode.WEBHOOK_SIGNATURE_INVALID || e.code === ErrorCode.WEBHOOK_TIMESTAMP_INVALID))
      deps.metrics.webhookEvents.inc({ crm: 'slack', result: 'rejected' });
    if (deps.renderError) {
      deps.renderError(err, req, res, _next);
      return;
    }
    res.status(h.status).json({ error: h.code, message: h.message });
  });
  return router;
}
