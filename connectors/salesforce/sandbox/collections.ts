/**
 * sObject Collections: up to 200 records per call, per-record results in request order, HTTP 200 even when some
 * records fail. Per-record errors use `statusCode` (top-level REST errors use `errorCode`).
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections.htm
 */
import express, { type Request, type Router } from 'express';
import { type SandboxContext, restState } from './context.js';
import { type SalesforceRecordError, SalesforceApiError } from './errors.js';
import { findSObject, sobjectDef } from './schema.js';
import { recordBody } from './sobjects.js';
import type { ChangeContext, OrgStore, SObjectRecord } from './store.js';
import { typeForId } from './schema.js';

const MAX_RECORDS = 200;

interface CollectionResult {
  id?: string;
  success: boolean;
  errors: SalesforceRecordError[];
}

const ROLLED_BACK: SalesforceRecordError = {
  statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
  message: 'Record rolled back because not all records were valid and the request was using AllOrNone header',
  fields: [],
};

function asError(e: unknown): SalesforceRecordError {
  if (e instanceof SalesforceApiError) return e.toRecordError();
  throw e;
}

function tooMany(n: number): void {
  if (n > MAX_RECORDS)
    throw new SalesforceApiError(
      400,
      'EXCEEDED_ID_LIMIT',
      `record limit reached. cannot submit more than ${MAX_RECORDS} records into this call`,
    );
}

function recordsOf(req: Request): { allOrNone: boolean; records: Array<Record<string, unknown>> } {
  const body = req.body as { allOrNone?: unknown; records?: unknown } | undefined;
  if (!body || !Array.isArray(body.records))
    throw new SalesforceApiError(400, 'JSON_PARSER_ERROR', 'records is required');
  tooMany(body.records.length);
  return { allOrNone: body.allOrNone === true, records: body.records as Array<Record<string, unknown>> };
}

/** Runs validate-then-commit per record; with allOrNone any failure rolls back (nothing is committed). */
function runAll<P>(
  items: unknown[],
  allOrNone: boolean,
  prepare: (item: unknown) => P,
  commit: (p: P) => string,
): CollectionResult[] {
  const prepared = items.map((item) => {
    try {
      return { ok: true as const, value: prepare(item) };
    } catch (e) {
      return { ok: false as const, error: asError(e) };
    }
  });
  if (allOrNone && prepared.some((p) => !p.ok)) {
    return prepared.map((p) =>
      p.ok ? { success: false, errors: [ROLLED_BACK] } : { success: false, errors: [p.error] },
    );
  }
  return prepared.map((p) => {
    if (!p.ok) return { success: false, errors: [p.error] };
    try {
      return { id: commit(p.value), success: true, errors: [] };
    } catch (e) {
      return { success: false, errors: [asError(e)] };
    }
  });
}

function typeOfRecord(record: Record<string, unknown>): ReturnType<typeof sobjectDef> {
  const attrs = record.attributes as { type?: unknown } | undefined;
  const def = typeof attrs?.type === 'string' ? findSObject(attrs.type) : undefined;
  if (!def) throw new SalesforceApiError(400, 'INVALID_TYPE', 'No SObject Type defined in the json');
  return def;
}

function stripId(record: Record<string, unknown>): Record<string, unknown> {
  const { id: _lower, Id: _upper, ...rest } = record;
  return rest;
}

export function collectionsRouter(ctx: SandboxContext): Router {
  const r = express.Router({ mergeParams: true });
  void ctx;

  r.post('/composite/sobjects', (req, res) => {
    const { org, change } = restState(res);
    const { allOrNone, records } = recordsOf(req);
    res.json(
      runAll(
        records,
        allOrNone,
        (item) => {
          const rec = item as Record<string, unknown>;
          const def = typeOfRecord(rec);
          if (rec.id !== undefined || rec.Id !== undefined)
            throw new SalesforceApiError(
              400,
              'INVALID_FIELD_FOR_INSERT_UPDATE',
              'cannot specify Id in an insert call',
              ['Id'],
            );
          return { type: def.name, values: org.store.prepareCreate(def.name, rec, change) };
        },
        (p) => org.store.commitCreate(p.type, p.values, change),
      ),
    );
  });

  r.patch('/composite/sobjects', (req, res) => {
    const { org, change } = restState(res);
    const { allOrNone, records } = recordsOf(req);
    res.json(
      runAll(
        records,
        allOrNone,
        (item) => {
          const rec = item as Record<string, unknown>;
          const def = typeOfRecord(rec);
          const id = rec.id ?? rec.Id;
          if (typeof id !== 'string')
            throw new SalesforceApiError(400, 'MISSING_ARGUMENT', 'Id not specified in an update call', ['Id']);
          return { type: def.name, id, values: org.store.prepareUpdate(def.name, id, stripId(rec), change) };
        },
        (p) => {
          org.store.commitUpdate(p.type, p.id, p.values, change);
          return String(org.store.get(p.type, p.id)?.Id ?? p.id);
        },
      ),
    );
  });

  r.delete('/composite/sobjects', (req, res) => {
    const { org, change } = restState(res);
    const ids =
      typeof req.query.ids === 'string'
        ? req.query.ids
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : [];
    tooMany(ids.length);
    const allOrNone = req.query.allOrNone === 'true';
    res.json(deleteAll(org.store, ids, allOrNone, change));
  });

  const retrieve = (type: string, idsRaw: unknown, fieldsRaw: unknown, res: express.Response): void => {
    const { org, apiVersion } = restState(res);
    const def = findSObject(type);
    if (!def) throw new SalesforceApiError(404, 'NOT_FOUND', 'The requested resource does not exist');
    const ids = Array.isArray(idsRaw) ? idsRaw.map(String) : typeof idsRaw === 'string' ? idsRaw.split(',') : [];
    const fields = Array.isArray(fieldsRaw) ? fieldsRaw.map(String).join(',') : fieldsRaw;
    if (typeof fields !== 'string' || fields.trim() === '')
      throw new SalesforceApiError(400, 'REQUIRED_FIELD_MISSING', 'fields is required', ['fields']);
    tooMany(ids.length);
    res.json(
      ids.map((id) => {
        const row = org.store.get(def.name, id.trim());
        return row ? recordBody(def, row, apiVersion, fields) : null;
      }),
    );
  };
  r.post('/composite/sobjects/:type', (req, res) => {
    const body = (req.body ?? {}) as { ids?: unknown; fields?: unknown };
    retrieve(String(req.params.type), body.ids, body.fields, res);
  });
  r.get('/composite/sobjects/:type', (req, res) =>
    retrieve(String(req.params.type), req.query.ids, req.query.fields, res),
  );

  return r;
}

function deleteAll(store: OrgStore, ids: string[], allOrNone: boolean, change: ChangeContext): CollectionResult[] {
  return runAll(
    ids,
    allOrNone,
    (item) => {
      const id = String(item);
      const type = typeForId(id);
      if (!type) throw new SalesforceApiError(400, 'MALFORMED_ID', `malformed id ${id}`, []);
      const row: SObjectRecord = store.requireRecord(type, id);
      return { type, id: String(row.Id) };
    },
    (p) => {
      store.delete(p.type, p.id, change);
      return p.id;
    },
  );
}
