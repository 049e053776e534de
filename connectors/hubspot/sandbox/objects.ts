/**
 * CRM objects v3: list, get, create, update, archive and the batch family.
 * https://developers.hubspot.com/docs/api/crm/understanding-the-crm ; shapes in connectors/hubspot/BEHAVIOR.md
 */
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { apiActor, baseUrlOf, objectTypeOf, parseBody, portalOf, type SandboxContext } from './context.js';
import { HubspotApiError, objectNotFound, validationError } from './errors.js';
import type { ObjectTypeDef } from './object-types.js';
import { normalizeProperties } from './property-values.js';
import { boolParam, intParam, listParam, serializeRecord } from './serialize.js';
import type { AssociationInput, CrmRecord, Portal } from './store.js';

/** List pages stop at 100 records; asking for more is refused so callers cannot rely on bigger pages. */
export const LIST_LIMIT_MAX = 100;
export const LIST_LIMIT_DEFAULT = 10;
/** Batch endpoints take 100 inputs, 50 when `propertiesWithHistory` is requested. */
export const BATCH_INPUT_MAX = 100;
export const BATCH_HISTORY_INPUT_MAX = 50;

const id = z.union([z.string().min(1), z.number()]).transform(String);
const propertiesSchema = z.record(z.string(), z.unknown());
const associationSpec = z.object({
  associationCategory: z.enum(['HUBSPOT_DEFINED', 'USER_DEFINED', 'INTEGRATOR_DEFINED']),
  associationTypeId: z.number().int(),
});
const createInput = z.object({
  properties: propertiesSchema.default({}),
  associations: z.array(z.object({ to: z.object({ id }), types: z.array(associationSpec).min(1) })).optional(),
  objectWriteTraceId: z.string().optional(),
});
const updateInput = z.object({ properties: propertiesSchema });
const batchRead = z.object({
  inputs: z.array(z.object({ id })),
  properties: z.array(z.string()).optional(),
  propertiesWithHistory: z.array(z.string()).optional(),
  idProperty: z.string().optional(),
});
const batchCreate = z.object({ inputs: z.array(createInput) });
const batchUpdate = z.object({
  inputs: z.array(
    z.object({
      id,
      properties: propertiesSchema,
      idProperty: z.string().optional(),
      objectWriteTraceId: z.string().optional(),
    }),
  ),
});
const batchUpsert = z.object({
  inputs: z.array(
    z.object({ id, idProperty: z.string(), properties: propertiesSchema, objectWriteTraceId: z.string().optional() }),
  ),
});
const batchArchive = z.object({ inputs: z.array(z.object({ id })) });

type CreateInput = z.infer<typeof createInput>;

function checkBatchSize(n: number, withHistory: boolean): void {
  const max = withHistory ? BATCH_HISTORY_INPUT_MAX : BATCH_INPUT_MAX;
  if (n > max) throw validationError(`Batch input of size ${n} exceeds the limit of ${max}.`);
}

function toAssociationInputs(input: CreateInput): AssociationInput[] {
  return (input.associations ?? []).map((a) => {
    if (a.types.some((t) => t.associationCategory !== 'HUBSPOT_DEFINED')) {
      throw validationError('Only HUBSPOT_DEFINED association types exist in this sandbox portal.', {
        subCategory: 'crm.associations.INVALID_ASSOCIATION_TYPE',
      });
    }
    return { toId: a.to.id, typeIds: a.types.map((t) => t.associationTypeId) };
  });
}

/** Finds a live record by id or by a unique property named in `idProperty`. */
function findRecord(
  portal: Portal,
  def: ObjectTypeDef,
  idValue: string,
  idProperty: string | undefined,
  archived = false,
): CrmRecord | undefined {
  if (idProperty === undefined || idProperty === 'hs_object_id') return portal.get(def.name, idValue, { archived });
  return archived ? undefined : portal.findBy(def.name, idProperty, idValue);
}

function batchEnvelope(startedAt: number, results: unknown[], errors: unknown[]): Record<string, unknown> {
  const body: Record<string, unknown> = {
    status: 'COMPLETE',
    results,
    startedAt: new Date(startedAt).toISOString(),
    completedAt: new Date().toISOString(),
  };
  if (errors.length > 0) {
    body.numErrors = errors.length;
    body.errors = errors;
  }
  return body;
}

function errorEntry(err: unknown, extraContext: Record<string, string[]> = {}): Record<string, unknown> {
  if (err instanceof HubspotApiError) {
    const b = err.body;
    return {
      status: 'error',
      category: b.category,
      message: b.message,
      context: { ...((b.context as Record<string, string[]>) ?? {}), ...extraContext },
      links: {},
    };
  }
  throw err;
}

export function objectsRouter(ctx: SandboxContext): Router {
  const router = Router();

  // GET /crm/v3/objects/{objectType} - https://developers.hubspot.com/docs/api/crm/contacts (list)
  router.get('/crm/v3/objects/:objectType', (req: Request, res: Response) => {
    const def = objectTypeOf(req, res, 'read');
    const portal = portalOf(ctx, res);
    const limit = intParam('limit', req.query.limit, LIST_LIMIT_DEFAULT);
    if (limit < 1 || limit > LIST_LIMIT_MAX)
      throw validationError(`limit must be between 1 and ${LIST_LIMIT_MAX}; got ${limit}.`);
    const afterRaw = Array.isArray(req.query.after) ? req.query.after[0] : req.query.after;
    const after = afterRaw === undefined || afterRaw === '' ? undefined : intParam('after', afterRaw, 0);
    const archived = boolParam(req.query.archived, false);
    const shape = {
      properties: listParam(req.query.properties),
      propertiesWithHistory: listParam(req.query.propertiesWithHistory),
      associations: listParam(req.query.associations),
    };
    const page = portal.page(def.name, { after, limit, archived });
    const body: Record<string, unknown> = { results: page.records.map((r) => serializeRecord(portal, r, shape)) };
    if (page.nextAfter !== undefined) {
      const next = new URL(req.originalUrl, baseUrlOf(req));
      next.searchParams.set('after', page.nextAfter);
      body.paging = { next: { after: page.nextAfter, link: next.toString() } };
    }
    res.json(body);
  });

  router.get('/crm/v3/objects/:objectType/:objectId', (req: Request, res: Response) => {
    const def = objectTypeOf(req, res, 'read');
    const portal = portalOf(ctx, res);
    const idProperty = typeof req.query.idProperty === 'string' ? req.query.idProperty : undefined;
    const objectId = req.params.objectId as string;
    const rec = findRecord(portal, def, objectId, idProperty, boolParam(req.query.archived, false));
    if (rec === undefined) throw objectNotFound(objectId);
    res.json(
      serializeRecord(portal, rec, {
        properties: listParam(req.query.properties),
        propertiesWithHistory: listParam(req.query.propertiesWithHistory),
        associations: listParam(req.query.associations),
      }),
    );
  });

  router.post('/crm/v3/objects/:objectType', (req: Request, res: Response) => {
    const def = objectTypeOf(req, res, 'write');
    const portal = portalOf(ctx, res);
    const input = parseBody(createInput, req.body);
    const rec = portal.create(def.name, input.properties, apiActor(ctx), { associations: toAssociationInputs(input) });
    res.status(201).json(serializeRecord(portal, rec, { properties: 'all' }));
  });

  // https://developers.hubspot.com/docs/api-reference/legacy/crm/objects/custom-objects/merge-custom-objects
  router.post('/crm/v3/objects/:objectType/merge', (req: Request, res: Response) => {
    const def = objectTypeOf(req, res, 'write');
    const portal = portalOf(ctx, res);
    const body = parseBody(
      z.object({ primaryObjectId: z.string().min(1), objectIdToMerge: z.string().min(1) }),
      req.body,
    );
    const merged = portal.merge(def.name, body.primaryObjectId, body.objectIdToMerge, apiActor(ctx));
    res.json(serializeRecord(portal, merged, { properties: [] }));
  });

  router.patch('/crm/v3/objects/:objectType/:objectId', (req: Request, res: Response) => {
    const def = objectTypeOf(req, res, 'write');
    const portal = portalOf(ctx, res);
    const input = parseBody(updateInput, req.body);
    const idProperty = typeof req.query.idProperty === 'string' ? req.query.idProperty : undefined;
    const objectId = req.params.objectId as string;
    const rec = findRecord(portal, def, objectId, idProperty);
    if (rec === undefined) throw objectNotFound(objectId);
    const updated = portal.update(def.name, rec.id, input.properties, apiActor(ctx));
    res.json(serializeRecord(portal, updated, { properties: 'all' }));
  });

  router.delete('/crm/v3/objects/:objectType/:objectId', (req: Request, res: Response) => {
    const def = objectTypeOf(req, res, 'write');
    portalOf(ctx, res).archive(def.name, req.params.objectId as string, apiActor(ctx));
    res.status(204).end();
  });

  router.post('/crm/v3/objects/:objectType/batch/read', (req: Request, res: Response) => {
    const startedAt = Date.now();
    const def = objectTypeOf(req, res, 'read');
    const portal = portalOf(ctx, res);
    const input = parseBody(batchRead, req.body);
    checkBatchSize(input.inputs.length, (input.propertiesWithHistory ?? []).length > 0);
    const archived = boolParam(req.query.archived, false);
    const shape = { properties: input.properties ?? [], propertiesWithHistory: input.propertiesWithHistory ?? [] };
    const results: unknown[] = [];
    const missing: string[] = [];
    for (const wanted of new Set(input.inputs.map((i) => i.id))) {
      const rec = findRecord(portal, def, wanted, input.idProperty, archived);
      if (rec === undefined) missing.push(wanted);
      else results.push(serializeRecord(portal, rec, shape));
    }
    const errors =
      missing.length === 0
        ? []
        : [
            {
              status: 'error',
              category: 'OBJECT_NOT_FOUND',
              message: `Could not get some ${def.singular.toUpperCase()} objects, they may be deleted or not exist. Check that ids are valid.`,
              context: { ids: missing },
              links: {},
            },
          ];
    res.status(errors.length > 0 ? 207 : 200).json(batchEnvelope(startedAt, results, errors));
  });

  router.post('/crm/v3/objects/:objectType/batch/create', (req: Request, res: Response) => {
    const startedAt = Date.now();
    const def = objectTypeOf(req, res, 'write');
    const portal = portalOf(ctx, res);
    const input = parseBody(batchCreate, req.body);
    checkBatchSize(input.inputs.length, false);
    // Property errors reject the whole batch before anything is written, as HubSpot does without objectWriteTraceId;
    // when every input carries one, the batch opts into partial success and each input fails alone (207).
    const tagged = input.inputs.length > 0 && input.inputs.every((item) => item.objectWriteTraceId !== undefined);
    if (!tagged) for (const item of input.inputs) normalizeProperties(def, item.properties, { mode: 'create' });
    const results: unknown[] = [];
    const errors: unknown[] = [];
    for (const item of input.inputs) {
      try {
        if (tagged) normalizeProperties(def, item.properties, { mode: 'create' });
        const rec = portal.create(def.name, item.properties, apiActor(ctx), {
          associations: toAssociationInputs(item),
        });
        results.push({
          ...serializeRecord(portal, rec, { properties: 'all' }),
          ...(item.objectWriteTraceId === undefined ? {} : { objectWriteTraceId: item.objectWriteTraceId }),
        });
      } catch (err) {
        errors.push(
          errorEntry(
            err,
            item.objectWriteTraceId === undefined ? {} : { objectWriteTraceId: [item.objectWriteTraceId] },
          ),
        );
      }
    }
    if (results.length === 0 && errors.length > 0) {
      const first = errors[0] as { message: string; context?: Record<string, string[]> };
      throw validationError(first.message, first.context === undefined ? {} : { context: first.context });
    }
    res.status(errors.length > 0 ? 207 : 201).json(batchEnvelope(startedAt, results, errors));
  });

  router.post('/crm/v3/objects/:objectType/batch/update', (req: Request, res: Response) => {
    const startedAt = Date.now();
    const def = objectTypeOf(req, res, 'write');
    const portal = portalOf(ctx, res);
    const input = parseBody(batchUpdate, req.body);
    checkBatchSize(input.inputs.length, false);
    for (const item of input.inputs) normalizeProperties(def, item.properties, { mode: 'update' });
    const results: unknown[] = [];
    const errors: unknown[] = [];
    for (const item of input.inputs) {
      const rec = findRecord(portal, def, item.id, item.idProperty);
      try {
        if (rec === undefined) throw objectNotFound(item.id);
        results.push(
          serializeRecord(portal, portal.update(def.name, rec.id, item.properties, apiActor(ctx)), {
            properties: 'all',
          }),
        );
      } catch (err) {
        errors.push(errorEntry(err, { ids: [item.id] }));
      }
    }
    res.status(errors.length > 0 ? 207 : 200).json(batchEnvelope(startedAt, results, errors));
  });

  router.post('/crm/v3/objects/:objectType/batch/upsert', (req: Request, res: Response) => {
    const startedAt = Date.now();
    const def = objectTypeOf(req, res, 'write');
    const portal = portalOf(ctx, res);
    const input = parseBody(batchUpsert, req.body);
    checkBatchSize(input.inputs.length, false);
    for (const item of input.inputs) {
      if (def.properties[item.idProperty] === undefined)
        throw validationError(`Property "${item.idProperty}" does not exist or is not a unique property.`);
      normalizeProperties(def, item.properties, { mode: 'update' });
    }
    const results: unknown[] = [];
    const errors: unknown[] = [];
    for (const item of input.inputs) {
      try {
        const existing = portal.findBy(def.name, item.idProperty, item.id);
        const rec =
          existing === undefined
            ? portal.create(def.name, { ...item.properties, [item.idProperty]: item.id }, apiActor(ctx))
            : portal.update(def.name, existing.id, item.properties, apiActor(ctx));
        results.push({ ...serializeRecord(portal, rec, { properties: 'all' }), new: existing === undefined });
      } catch (err) {
        errors.push(errorEntry(err, { ids: [item.id] }));
      }
    }
    res.status(errors.length > 0 ? 207 : 200).json(batchEnvelope(startedAt, results, errors));
  });

  router.post('/crm/v3/objects/:objectType/batch/archive', (req: Request, res: Response) => {
    const def = objectTypeOf(req, res, 'write');
    const portal = portalOf(ctx, res);
    const input = parseBody(batchArchive, req.body);
    checkBatchSize(input.inputs.length, false);
    for (const item of input.inputs) portal.archive(def.name, item.id, apiActor(ctx));
    res.status(204).end();
  });

  return router;
}
