/**
 * Webhooks v3 management API for the sandbox app (developer auth via `hapikey`), wiring store changes to deliveries.
 * https://developers.hubspot.com/docs/api/webhooks ; connectors/hubspot/BEHAVIOR.md
 */
import { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { parseBody } from './context.js';
import { crmError, validationError } from './errors.js';
import type { StoreChange } from './store.js';
import { WebhookDispatcher } from './webhook-delivery.js';
import { SubscriptionRegistry, type WebhookSubscription } from './webhook-subscriptions.js';

export interface WebhookAppState {
  appId: number;
  developerApiKey: string;
  dispatcher: WebhookDispatcher;
  subscriptions: SubscriptionRegistry;
  settings: { maxConcurrentRequests: number; createdAt: number; updatedAt: number };
  now: () => number;
}

/** Turns every store change into events for the matching subscriptions and queues them for delivery. */
export function publishChange(state: WebhookAppState, change: StoreChange, nextEventId: () => number): void {
  state.dispatcher.enqueue(state.subscriptions.eventsFor(change, state.appId, nextEventId));
}

const settingsBody = z.object({
  targetUrl: z.string().url(),
  throttling: z.object({ maxConcurrentRequests: z.number().int().min(1), period: z.string().optional() }),
});
const subscriptionBody = z.object({
  eventType: z.string(),
  propertyName: z.string().optional(),
  objectTypeId: z.string().optional(),
  active: z.boolean().optional(),
});
const patchBody = z.object({ active: z.boolean().optional() });
const batchBody = z.object({ inputs: z.array(z.object({ id: z.number().int(), active: z.boolean() })) });

const toResponse = (s: WebhookSubscription) => ({
  id: String(s.id),
  eventType: s.eventType,
  ...(s.propertyName === undefined ? {} : { propertyName: s.propertyName }),
  ...(s.objectTypeId === undefined ? {} : { objectTypeId: s.objectTypeId }),
  active: s.active,
  createdAt: new Date(s.createdAt).toISOString(),
  updatedAt: new Date(s.updatedAt).toISOString(),
});

export function webhooksRouter(state: WebhookAppState): Router {
  const router = Router();
  const developerAuth = (req: Request, _res: Response, next: NextFunction) => {
    if (req.query.hapikey !== state.developerApiKey) {
      throw crmError(
        401,
        'INVALID_AUTHENTICATION',
        'The developer API key provided is invalid. View or manage your API key here: https://app.hubspot.com/l/api-key/',
      );
    }
    if (Number(req.params.appId) !== state.appId)
      throw crmError(404, 'OBJECT_NOT_FOUND', `App ${String(req.params.appId)} not found.`);
    next();
  };
  const subscriptionOr404 = (req: Request) => {
    const sub = state.subscriptions.get(Number(req.params.subscriptionId));
    if (sub === undefined)
      throw crmError(404, 'OBJECT_NOT_FOUND', `Subscription ${String(req.params.subscriptionId)} not found.`);
    return sub;
  };

  router.get('/webhooks/v3/:appId/settings', developerAuth, (_req: Request, res: Response) => {
    const target = state.dispatcher.targetUrl;
    if (target === null) throw crmError(404, 'OBJECT_NOT_FOUND', 'No webhook settings configured for this app.');
    res.json({
      targetUrl: target,
      throttling: { maxConcurrentRequests: state.settings.maxConcurrentRequests, period: 'SECONDLY' },
      createdAt: new Date(state.settings.createdAt).toISOString(),
      updatedAt: new Date(state.settings.updatedAt).toISOString(),
    });
  });
  router.put('/webhooks/v3/:appId/settings', developerAuth, (req: Request, res: Response) => {
    const body = parseBody(settingsBody, req.body);
    state.dispatcher.setTarget(body.targetUrl);
    state.dispatcher.setMaxConcurrentRequests(body.throttling.maxConcurrentRequests);
    state.settings.maxConcurrentRequests = body.throttling.maxConcurrentRequests;
    state.settings.updatedAt = state.now();
    res.json({
      targetUrl: body.targetUrl,
      throttling: { maxConcurrentRequests: body.throttling.maxConcurrentRequests, period: 'SECONDLY' },
      createdAt: new Date(state.settings.createdAt).toISOString(),
      updatedAt: new Date(state.settings.updatedAt).toISOString(),
    });
  });
  router.delete('/webhooks/v3/:appId/settings', developerAuth, (_req: Request, res: Response) => {
    state.dispatcher.setTarget(null);
    res.status(204).end();
  });

  router.get('/webhooks/v3/:appId/subscriptions', developerAuth, (_req: Request, res: Response) => {
    res.json({ results: state.subscriptions.list().map(toResponse) });
  });
  router.post('/webhooks/v3/:appId/subscriptions', developerAuth, (req: Request, res: Response) => {
    const body = parseBody(subscriptionBody, req.body);
    const problem = SubscriptionRegistry.problemWith(body);
    if (problem !== undefined) throw validationError(problem);
    res.status(201).json(toResponse(state.subscriptions.add(body)));
  });
  router.post('/webhooks/v3/:appId/subscriptions/batch/update', developerAuth, (req: Request, res: Response) => {
    const startedAt = new Date().toISOString();
    const results: unknown[] = [];
    const errors: unknown[] = [];
    for (const item of parseBody(batchBody, req.body).inputs) {
      const sub = state.subscriptions.setActive(item.id, item.active);
      if (sub === undefined)
        errors.push({
          status: 'error',
          category: 'OBJECT_NOT_FOUND',
          message: `Subscription ${item.id} not found.`,
          context: { id: [String(item.id)] },
          links: {},
        });
      else results.push(toResponse(sub));
    }
    res.status(errors.length > 0 ? 207 : 200).json({
      status: 'COMPLETE',
      results,
      ...(errors.length > 0 ? { numErrors: errors.length, errors } : {}),
      startedAt,
      completedAt: new Date().toISOString(),
    });
  });
  router.get('/webhooks/v3/:appId/subscriptions/:subscriptionId', developerAuth, (req: Request, res: Response) => {
    res.json(toResponse(subscriptionOr404(req)));
  });
  router.patch('/webhooks/v3/:appId/subscriptions/:subscriptionId', developerAuth, (req: Request, res: Response) => {
    const sub = subscriptionOr404(req);
    const body = parseBody(patchBody, req.body);
    res.json(
      toResponse(
        body.active === undefined ? sub : (state.subscriptions.setActive(sub.id, body.active) as WebhookSubscription),
      ),
    );
  });
  router.delete('/webhooks/v3/:appId/subscriptions/:subscriptionId', developerAuth, (req: Request, res: Response) => {
    state.subscriptions.remove(subscriptionOr404(req).id);
    res.status(204).end();
  });
  return router;
}
