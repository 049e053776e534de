/**
 * Sandbox-only HTTP API (not part of HubSpot) for driving a standalone sandbox: act as a CRM user, play demo
 * activity, mint tokens. Guarded by the developer API key (`?hapikey=`), like the webhook management API.
 */
import { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { parseBody } from './context.js';
import { crmError, unknownObjectType } from './errors.js';
import { resolveObjectType, type ObjectTypeName } from './object-types.js';
import type { IssuedTokens } from './oauth.js';
import type { SandboxStore } from './user-store.js';

export interface SimulateDeps {
  developerApiKey: string;
  store: SandboxStore;
  portalIds: () => number[];
  issueTokens: (portalId: number, scopes?: string[]) => IssuedTokens;
  playDemo: (portalId: number, count: number) => Promise<unknown[]>;
}

const values = z.record(z.string(), z.union([z.string(), z.number()]));
const createBody = z.object({
  properties: values,
  associations: z
    .array(
      z.object({
        toType: z.string(),
        toId: z.union([z.string(), z.number()]).transform(String),
        typeIds: z.array(z.number().int()).optional(),
      }),
    )
    .optional(),
  userId: z.number().int().optional(),
});
const updateBody = z.object({ properties: values, userId: z.number().int().optional() });

function typeOf(raw: string): ObjectTypeName {
  const def = resolveObjectType(raw);
  if (def === undefined) throw unknownObjectType(raw);
  return def.name;
}

export function simulateRouter(deps: SimulateDeps): Router {
  const router = Router();
  router.use('/_sandbox', (req: Request, _res: Response, next: NextFunction) => {
    if (req.query.hapikey !== deps.developerApiKey)
      throw crmError(401, 'INVALID_AUTHENTICATION', 'hapikey missing or wrong');
    next();
  });
  const portalIdOf = (req: Request) => Number(req.params.portalId);

  router.get('/_sandbox/portals', (_req: Request, res: Response) => {
    res.json({ results: deps.portalIds().map((id) => deps.store.portal(id).info) });
  });
  router.post('/_sandbox/portals/:portalId/tokens', (req: Request, res: Response) => {
    const scopes = parseBody(z.object({ scopes: z.array(z.string()).optional() }), req.body ?? {}).scopes;
    res.status(201).json(deps.issueTokens(portalIdOf(req), scopes));
  });
  router.post('/_sandbox/portals/:portalId/objects/:objectType', (req: Request, res: Response) => {
    const body = parseBody(createBody, req.body);
    const record = deps.store.create(portalIdOf(req), typeOf(req.params.objectType as string), body.properties, {
      userId: body.userId,
      associations: (body.associations ?? []).map((a) => ({
        toType: typeOf(a.toType),
        toId: a.toId,
        typeIds: a.typeIds,
      })),
    });
    res.status(201).json(record);
  });
  router.patch('/_sandbox/portals/:portalId/objects/:objectType/:objectId', (req: Request, res: Response) => {
    const body = parseBody(updateBody, req.body);
    res.json(
      deps.store.update(
        portalIdOf(req),
        typeOf(req.params.objectType as string),
        req.params.objectId as string,
        body.properties,
        { userId: body.userId },
      ),
    );
  });
  router.delete('/_sandbox/portals/:portalId/objects/:objectType/:objectId', (req: Request, res: Response) => {
    deps.store.archive(portalIdOf(req), typeOf(req.params.objectType as string), req.params.objectId as string);
    res.status(204).end();
  });
  router.post('/_sandbox/portals/:portalId/demo-activity', async (req: Request, res: Response) => {
    const count = parseBody(z.object({ count: z.number().int().min(1).max(100).default(5) }), req.body ?? {}).count;
    res.json({ actions: await deps.playDemo(portalIdOf(req), count) });
  });
  return router;
}
