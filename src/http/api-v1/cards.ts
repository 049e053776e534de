import express from 'express';
import {
  hubspotCardCaller,
  listCardSuggestions,
  recordCardFeedback,
  salesforceCardCaller,
} from '../../cards/card-service.js';
import {
  CardFeedbackRequest,
  CardFeedbackResponse,
  CardSuggestionsResponse,
  HubspotCardQuery,
  SalesforceCardFeedbackQuery,
  SalesforceCardQuery,
  toRecordKind,
} from '../../core/api.js';
import type { Connector } from '../../core/connector.js';
import { CloseloopError, ErrorCode, NotFoundError } from '../../core/errors.js';
import type { Store } from '../../store/index.js';
import { jsonOf, parseInput, singleQuery } from './parse.js';
import { jsonBody } from '../body-limits.js';

export interface CardRouteDeps {
  store: Store;
  connectorFor: (provider: string) => Connector;
  /** The HubSpot app's client secret (it signs hubspot.fetch requests); null turns the HubSpot card routes off. */
  appSecretFor: (provider: string) => string | null;
  /** Public origin HubSpot calls: the v3 signature covers the full URL. */
  publicUrl: () => string;
  toleranceMs: number;
  now: () => number;
}

/** hubspot.fetch bodies are at most 1 MB; a card's feedback is a few bytes. */
const CARD_BODY_LIMIT = '16kb';
const SUGGESTION_ID = /^[A-Za-z0-9_:.-]{1,128}$/;

export const CARD_PATHS = {
  hubspotList: '/api/v1/cards/hubspot/suggestions',
  hubspotFeedback: '/api/v1/cards/hubspot/suggestions/:id/feedback',
  salesforceList: '/api/v1/cards/salesforce/suggestions',
  salesforceFeedback: '/api/v1/cards/salesforce/suggestions/:id/feedback',
} as const;

function suggestionIdOf(req: express.Request): string {
  const id = String(req.params.id);
  if (!SUGGESTION_ID.test(id)) throw new NotFoundError('no such suggestion on this account');
  return id;
}

/**
 * The HubSpot app card's endpoints. They authenticate themselves (HubSpot's v3 signature over the raw request: a
 * card cannot send cookies or headers through hubspot.fetch), so they are mounted BEFORE the tenant guard of
 * /api/**; every read is then limited to the one connection the signed portal id names.
 */
export function createHubspotCardRouter(d: CardRouteDeps): express.Router {
  const router = express.Router();
  const raw = express.raw({ type: () => true, limit: CARD_BODY_LIMIT });
  const caller = (req: express.Request) => {
    const secret = d.appSecretFor('hubspot');
    if (secret === null) throw new CloseloopError(ErrorCode.NOT_FOUND, 'hubspot is not configured', { status: 404 });
    const headers: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
    return hubspotCardCaller(
      d.store,
      d.connectorFor('hubspot'),
      {
        method: req.method,
        url: d.publicUrl() + req.originalUrl,
        headers,
        rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
        receivedAt: d.now(),
      },
      { clientSecret: secret, toleranceMs: d.toleranceMs },
    );
  };

  router.get(CARD_PATHS.hubspotList, raw, async (req, res, next) => {
    try {
      const c = await caller(req);
      const q = parseInput(HubspotCardQuery, singleQuery(req.query, 'GET cards/hubspot'), 'GET cards/hubspot');
      res.setHeader('Cache-Control', 'no-store');
      res.json(
        CardSuggestionsResponse.parse(await listCardSuggestions(d.store, c, toRecordKind(q.objectType), q.objectId)),
      );
    } catch (e) {
      next(e);
    }
  });

  router.post(CARD_PATHS.hubspotFeedback, raw, async (req, res, next) => {
    try {
      const c = await caller(req);
      const body = parseInput(
        CardFeedbackRequest,
        jsonOf(req.body as Buffer, 'POST cards/hubspot feedback'),
        'POST cards/hubspot feedback',
      );
      res.json(
        CardFeedbackResponse.parse(await recordCardFeedback(d.store, c, suggestionIdOf(req), body.action, d.now())),
      );
    } catch (e) {
      next(e);
    }
  });
  return router;
}

/**
 * The Salesforce component's endpoints (Apex through a Named Credential). Mounted behind the /api tenant guard:
 * the Named Credential carries the tenant's API token, and the org it names must belong to that tenant.
 * `tenantOf` reads the scope the guard resolved (null: an operator, every tenant).
 */
export function createSalesforceCardRouter(
  d: Pick<CardRouteDeps, 'store' | 'now'> & { tenantOf: (res: express.Response) => string | null },
): express.Router {
  const router = express.Router();
  router.get(CARD_PATHS.salesforceList, async (req, res, next) => {
    try {
      const q = parseInput(SalesforceCardQuery, singleQuery(req.query, 'GET cards/salesforce'), 'GET cards/salesforce');
      const c = await salesforceCardCaller(d.store, d.tenantOf(res), q.orgId, q.userId);
      res.json(
        CardSuggestionsResponse.parse(await listCardSuggestions(d.store, c, toRecordKind(q.objectType), q.objectId)),
      );
    } catch (e) {
      next(e);
    }
  });
  router.post(CARD_PATHS.salesforceFeedback, jsonBody(CARD_BODY_LIMIT), async (req, res, next) => {
    try {
      const q = parseInput(
        SalesforceCardFeedbackQuery,
        singleQuery(req.query, 'POST cards/salesforce feedback'),
        'POST cards/salesforce feedback',
      );
      const body = parseInput(CardFeedbackRequest, req.body ?? {}, 'POST cards/salesforce feedback');
      const c = await salesforceCardCaller(d.store, d.tenantOf(res), q.orgId, q.userId);
      res.json(
        CardFeedbackResponse.parse(await recordCardFeedback(d.store, c, suggestionIdOf(req), body.action, d.now())),
      );
    } catch (e) {
      next(e);
    }
  });
  return router;
}
