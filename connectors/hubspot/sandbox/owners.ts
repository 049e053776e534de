/** CRM owners v3 (https://developers.hubspot.com/docs/api/crm/owners): the reps `hubspot_owner_id` points at. */
import { Router, type Request, type Response } from 'express';
import { portalOf, type SandboxContext } from './context.js';
import { crmError, validationError } from './errors.js';
import { authOf, requireScopes } from './oauth.js';
import { boolParam, intParam } from './serialize.js';
import type { Owner } from './store.js';

const OWNER_SCOPES = ['crm.objects.owners.read'];
const OWNERS_LIMIT_MAX = 500;

function toPublicOwner(o: Owner): Record<string, unknown> {
  return {
    id: o.id,
    email: o.email,
    type: 'PERSON',
    firstName: o.firstName,
    lastName: o.lastName,
    userId: o.userId,
    userIdIncludingInactive: o.userId,
    createdAt: new Date(o.createdAt).toISOString(),
    updatedAt: new Date(o.updatedAt).toISOString(),
    archived: o.archived,
    teams: [],
  };
}

export function ownersRouter(ctx: SandboxContext): Router {
  const router = Router();
  router.get('/crm/v3/owners', (req: Request, res: Response) => {
    requireScopes(authOf(res), OWNER_SCOPES);
    const portal = portalOf(ctx, res);
    const limit = intParam('limit', req.query.limit, 100);
    if (limit < 1 || limit > OWNERS_LIMIT_MAX)
      throw validationError(`limit must be between 1 and ${OWNERS_LIMIT_MAX}.`);
    const offset = intParam('after', req.query.after, 0);
    const archived = boolParam(req.query.archived, false);
    const email = typeof req.query.email === 'string' ? req.query.email.toLowerCase() : undefined;
    const owners = portal.owners.filter(
      (o) => o.archived === archived && (email === undefined || o.email.toLowerCase() === email),
    );
    const body: Record<string, unknown> = { results: owners.slice(offset, offset + limit).map(toPublicOwner) };
    if (offset + limit < owners.length) body.paging = { next: { after: String(offset + limit) } };
    res.json(body);
  });
  router.get('/crm/v3/owners/:ownerId', (req: Request, res: Response) => {
    requireScopes(authOf(res), OWNER_SCOPES);
    const portal = portalOf(ctx, res);
    const byUser = req.query.idProperty === 'userId';
    const wanted = req.params.ownerId as string;
    // Active owners only unless archived=true is asked (a deactivated user's owner is archived).
    const archived = boolParam(req.query.archived, false);
    const owner = portal.owners.find((o) => (byUser ? String(o.userId) : o.id) === wanted && o.archived === archived);
    if (owner === undefined) throw crmError(404, 'OBJECT_NOT_FOUND', `Owner ${wanted} not found.`);
    res.json(toPublicOwner(owner));
  });
  return router;
}
