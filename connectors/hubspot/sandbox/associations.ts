/**
 * Associations v4 (https://developers.hubspot.com/docs/api/crm/associations; connectors/hubspot/BEHAVIOR.md, "Reading records").
 * `toObjectId` is a number in v4 responses while object ids are strings everywhere else.
 */
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { apiActor, objectTypeOf, parseBody, portalOf, type SandboxContext } from './context.js';
import { objectNotFound, validationError } from './errors.js';
import {
  associationType,
  associationTypesBetween,
  defaultAssociationType,
  HUBSPOT_DEFINED,
} from './association-types.js';
import type { ObjectTypeDef } from './object-types.js';
import { intParam } from './serialize.js';
import type { Portal } from './store.js';

export const V4_PAGE_LIMIT_MAX = 500;
/** Associations per row of a v4 batch read; longer lists carry `paging` in the row. */
export const BATCH_ROW_LIMIT = 100;
const BATCH_MAX = 1000;

const id = z.union([z.string().min(1), z.number()]).transform(String);
const spec = z.object({
  associationCategory: z.enum(['HUBSPOT_DEFINED', 'USER_DEFINED', 'INTEGRATOR_DEFINED']),
  associationTypeId: z.number().int(),
});
const specs = z.array(spec).min(1);
const batchRead = z.object({ inputs: z.array(z.object({ id, after: z.string().optional() })) });
const batchCreate = z.object({
  inputs: z.array(z.object({ from: z.object({ id }), to: z.object({ id }), types: specs })),
});
const batchDefault = z.object({ inputs: z.array(z.object({ from: z.object({ id }), to: z.object({ id }) })) });
const batchArchive = z.object({ inputs: z.array(z.object({ from: z.object({ id }), to: z.array(z.object({ id })) })) });

function typeIdsOf(list: z.infer<typeof specs>): number[] {
  if (list.some((s) => s.associationCategory !== HUBSPOT_DEFINED)) {
    throw validationError('Only HUBSPOT_DEFINED association types exist in this sandbox portal.', {
      subCategory: 'crm.associations.INVALID_ASSOCIATION_TYPE',
    });
  }
  return list.map((s) => s.associationTypeId);
}

const typeEntry = (typeId: number) => ({
  category: HUBSPOT_DEFINED,
  typeId,
  label: associationType(typeId)?.label ?? null,
});

function labelsBetween(from: ObjectTypeDef, fromId: string, to: ObjectTypeDef, toId: string, typeIds: number[]) {
  return {
    fromObjectTypeId: from.typeId,
    fromObjectId: Number(fromId),
    toObjectTypeId: to.typeId,
    toObjectId: Number(toId),
    labels: typeIds.map((t) => associationType(t)?.label).filter((l): l is string => l !== null && l !== undefined),
  };
}

function envelope(startedAt: number, results: unknown[], errors: unknown[] = []) {
  return {
    status: 'COMPLETE',
    results,
    ...(errors.length > 0 ? { numErrors: errors.length, errors } : {}),
    startedAt: new Date(startedAt).toISOString(),
    completedAt: new Date().toISOString(),
  };
}

function pairOf(
  req: Request,
  res: Response,
  access: 'read' | 'write',
  fromParam: string,
  toParam: string,
): [ObjectTypeDef, ObjectTypeDef] {
  return [objectTypeOf(req, res, access, fromParam), objectTypeOf(req, res, access, toParam)];
}

function defaultAssociate(
  ctx: SandboxContext,
  portal: Portal,
  from: ObjectTypeDef,
  fromId: string,
  to: ObjectTypeDef,
  toId: string,
) {
  const def = defaultAssociationType(from.name, to.name);
  if (def === undefined) throw validationError(`${from.name} cannot be associated with ${to.name}.`);
  portal.associate(from.name, fromId, to.name, toId, [def.typeId], apiActor(ctx));
  return {
    from: { id: fromId },
    to: { id: toId },
    associationSpec: { associationCategory: HUBSPOT_DEFINED, associationTypeId: def.typeId },
  };
}

export function associationsRouter(ctx: SandboxContext): Router {
  const router = Router();

  router.get('/crm/v4/objects/:objectType/:objectId/associations/:toObjectType', (req: Request, res: Response) => {
    const [from, to] = pairOf(req, res, 'read', 'objectType', 'toObjectType');
    const portal = portalOf(ctx, res);
    const fromId = req.params.objectId as string;
    if (portal.get(from.name, fromId) === undefined) throw objectNotFound(fromId);
    const limit = intParam('limit', req.query.limit, V4_PAGE_LIMIT_MAX);
    if (limit < 1 || limit > V4_PAGE_LIMIT_MAX)
      throw validationError(`limit must be between 1 and ${V4_PAGE_LIMIT_MAX}; got ${limit}.`);
    const offset = intParam('after', req.query.after, 0);
    const all = portal.associationsOf(from.name, fromId, to.name);
    const body: Record<string, unknown> = {
      results: all
        .slice(offset, offset + limit)
        .map((a) => ({ toObjectId: Number(a.toId), associationTypes: a.typeIds.map(typeEntry) })),
    };
    if (offset + limit < all.length) {
      const after = String(offset + limit);
      body.paging = { next: { after, link: `?after=${after}` } };
    }
    res.json(body);
  });

  router.put(
    '/crm/v4/objects/:objectType/:objectId/associations/default/:toObjectType/:toObjectId',
    (req: Request, res: Response) => {
      const startedAt = Date.now();
      const [from, to] = pairOf(req, res, 'write', 'objectType', 'toObjectType');
      const result = defaultAssociate(
        ctx,
        portalOf(ctx, res),
        from,
        req.params.objectId as string,
        to,
        req.params.toObjectId as string,
      );
      res.status(200).json(envelope(startedAt, [result]));
    },
  );

  router.put(
    '/crm/v4/objects/:objectType/:objectId/associations/:toObjectType/:toObjectId',
    (req: Request, res: Response) => {
      const [from, to] = pairOf(req, res, 'write', 'objectType', 'toObjectType');
      const portal = portalOf(ctx, res);
      const fromId = req.params.objectId as string;
      const toId = req.params.toObjectId as string;
      const typeIds = portal.associate(
        from.name,
        fromId,
        to.name,
        toId,
        typeIdsOf(parseBody(specs, req.body)),
        apiActor(ctx),
      );
      res.status(201).json(labelsBetween(from, fromId, to, toId, typeIds));
    },
  );

  router.delete(
    '/crm/v4/objects/:objectType/:objectId/associations/:toObjectType/:toObjectId',
    (req: Request, res: Response) => {
      const [from, to] = pairOf(req, res, 'write', 'objectType', 'toObjectType');
      portalOf(ctx, res).unassociate(
        from.name,
        req.params.objectId as string,
        to.name,
        req.params.toObjectId as string,
        apiActor(ctx),
      );
      res.status(204).end();
    },
  );

  router.get('/crm/v4/associations/:fromObjectType/:toObjectType/labels', (req: Request, res: Response) => {
    const [from, to] = pairOf(req, res, 'read', 'fromObjectType', 'toObjectType');
    res.json({ results: associationTypesBetween(from.name, to.name).map((d) => typeEntry(d.typeId)) });
  });

  router.post('/crm/v4/associations/:fromObjectType/:toObjectType/batch/read', (req: Request, res: Response) => {
    const startedAt = Date.now();
    const [from, to] = pairOf(req, res, 'read', 'fromObjectType', 'toObjectType');
    const portal = portalOf(ctx, res);
    const input = parseBody(batchRead, req.body);
    if (input.inputs.length > BATCH_MAX)
      throw validationError(`Batch input of size ${input.inputs.length} exceeds the limit of ${BATCH_MAX}.`);
    const results: unknown[] = [];
    const errors: unknown[] = [];
    for (const item of input.inputs) {
      const found =
        portal.get(from.name, item.id) === undefined ? [] : portal.associationsOf(from.name, item.id, to.name);
      if (found.length === 0) {
        errors.push({
          status: 'error',
          category: 'OBJECT_NOT_FOUND',
          subCategory: 'crm.associations.NO_ASSOCIATIONS_FOUND',
          message: `No ${to.singular} is associated with ${from.singular} ${item.id}.`,
          context: { fromObjectId: [item.id] },
          links: {},
        });
        continue;
      }
      // Each row holds at most 100 associations; the rest is paged per row (`after` in the next batch input).
      const offset = item.after === undefined ? 0 : Number(item.after);
      if (!Number.isInteger(offset) || offset < 0) throw validationError(`Invalid after value: ${item.after}`);
      const page = found.slice(offset, offset + BATCH_ROW_LIMIT);
      const row: Record<string, unknown> = {
        from: { id: item.id },
        to: page.map((a) => ({ toObjectId: Number(a.toId), associationTypes: a.typeIds.map(typeEntry) })),
      };
      if (offset + BATCH_ROW_LIMIT < found.length) row.paging = { next: { after: String(offset + BATCH_ROW_LIMIT) } };
      results.push(row);
    }
    res.status(errors.length > 0 ? 207 : 200).json(envelope(startedAt, results, errors));
  });

  router.post('/crm/v4/associations/:fromObjectType/:toObjectType/batch/create', (req: Request, res: Response) => {
    const startedAt = Date.now();
    const [from, to] = pairOf(req, res, 'write', 'fromObjectType', 'toObjectType');
    const portal = portalOf(ctx, res);
    const input = parseBody(batchCreate, req.body);
    const results = input.inputs.map((item) => {
      const typeIds = portal.associate(
        from.name,
        item.from.id,
        to.name,
        item.to.id,
        typeIdsOf(item.types),
        apiActor(ctx),
      );
      return labelsBetween(from, item.from.id, to, item.to.id, typeIds);
    });
    res.status(201).json(envelope(startedAt, results));
  });

  router.post(
    '/crm/v4/associations/:fromObjectType/:toObjectType/batch/associate/default',
    (req: Request, res: Response) => {
      const startedAt = Date.now();
      const [from, to] = pairOf(req, res, 'write', 'fromObjectType', 'toObjectType');
      const portal = portalOf(ctx, res);
      const input = parseBody(batchDefault, req.body);
      res.status(200).json(
        envelope(
          startedAt,
          input.inputs.map((item) => defaultAssociate(ctx, portal, from, item.from.id, to, item.to.id)),
        ),
      );
    },
  );

  router.post('/crm/v4/associations/:fromObjectType/:toObjectType/batch/archive', (req: Request, res: Response) => {
    const [from, to] = pairOf(req, res, 'write', 'fromObjectType', 'toObjectType');
    const portal = portalOf(ctx, res);
    for (const item of parseBody(batchArchive, req.body).inputs) {
      for (const target of item.to) portal.unassociate(from.name, item.from.id, to.name, target.id, apiActor(ctx));
    }
    res.status(204).end();
  });

  router.post(
    '/crm/v4/associations/:fromObjectType/:toObjectType/batch/labels/archive',
    (req: Request, res: Response) => {
      const [from, to] = pairOf(req, res, 'write', 'fromObjectType', 'toObjectType');
      const portal = portalOf(ctx, res);
      for (const item of parseBody(batchCreate, req.body).inputs) {
        portal.unassociate(from.name, item.from.id, to.name, item.to.id, apiActor(ctx), typeIdsOf(item.types));
      }
      res.status(204).end();
    },
  );

  return router;
}
