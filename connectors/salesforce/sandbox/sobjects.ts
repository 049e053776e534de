/**
 * /sobjects: global describe, describe, create/read/update/delete, getUpdated and getDeleted.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_sobject_basic_info.htm
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_getupdated.htm
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_getdeleted.htm
 */
import express, { type Request, type Router } from 'express';
import { type SandboxContext, restState } from './context.js';
import { SalesforceApiError } from './errors.js';
import { type FieldDef, type SObjectDef, type SObjectType, SOBJECT_TYPES, sobjectDef } from './schema.js';
import { type SObjectRecord, requireType } from './store.js';
import { DAY_MS, formatDateTime, parseDateTime, truncateToMinute } from './time.js';

const REPLICATION_WINDOW_MS = 30 * DAY_MS;

const SOAP_TYPES: Partial<Record<FieldDef['kind'], string>> = {
  id: 'tns:ID',
  reference: 'tns:ID',
  boolean: 'xsd:boolean',
  double: 'xsd:double',
  currency: 'xsd:double',
  percent: 'xsd:double',
  int: 'xsd:int',
  date: 'xsd:date',
  datetime: 'xsd:dateTime',
  address: 'urn:address',
  junctionidlist: 'tns:ID',
};

function describeField(f: FieldDef): Record<string, unknown> {
  return {
    name: f.name,
    label: f.name.replace(/Id$/, ' ID').replace(/([a-z])([A-Z])/g, '$1 $2'),
    type: f.kind,
    soapType: SOAP_TYPES[f.kind] ?? 'xsd:string',
    length: f.length,
    nillable: f.nillable,
    createable: f.createable,
    updateable: f.updateable,
    filterable: f.kind !== 'textarea' && f.kind !== 'address' && f.kind !== 'junctionidlist',
    sortable: f.kind !== 'textarea' && f.kind !== 'address' && f.kind !== 'junctionidlist',
    groupable: f.kind !== 'textarea',
    defaultedOnCreate:
      [
        'Id',
        'OwnerId',
        'CreatedDate',
        'CreatedById',
        'LastModifiedDate',
        'LastModifiedById',
        'SystemModstamp',
        'IsDeleted',
      ].includes(f.name) || f.kind === 'boolean',
    custom: f.custom,
    externalId: f.externalId,
    unique: f.unique,
    caseSensitive: false,
    idLookup: f.name === 'Id' || f.externalId,
    nameField: f.name === 'Name' || f.name === 'Subject',
    polymorphicForeignKey: f.polymorphic,
    referenceTo: f.referenceTo,
    relationshipName: f.relationshipName,
    picklistValues: (f.picklist ?? []).map((p) => ({
      active: true,
      defaultValue: p.defaultValue === true,
      label: p.label,
      validFor: null,
      value: p.value,
    })),
    restrictedPicklist: f.restrictedPicklist,
  };
}

function urls(version: string, type: string): Record<string, string> {
  const base = `/services/data/v${version}/sobjects/${type}`;
  return { sobject: base, describe: `${base}/describe`, rowTemplate: `${base}/{ID}` };
}

function basicInfo(def: SObjectDef, version: string): Record<string, unknown> {
  return {
    name: def.name,
    label: def.label,
    labelPlural: def.labelPlural,
    keyPrefix: def.keyPrefix,
    custom: false,
    queryable: true,
    retrieveable: true,
    searchable: def.name !== 'EmailMessageRelation',
    createable: true,
    updateable: def.name !== 'EmailMessageRelation',
    deletable: true,
    replicateable: true,
    triggerable: true,
    urls: urls(version, def.name),
  };
}

/** Serializes a stored row for GET /sobjects/{T}/{id}, optionally narrowed by `?fields=`. */
export function recordBody(
  def: SObjectDef,
  row: SObjectRecord,
  version: string,
  fieldsParam: unknown,
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    attributes: { type: def.name, url: `/services/data/v${version}/sobjects/${def.name}/${String(row.Id)}` },
  };
  const wanted =
    typeof fieldsParam === 'string' && fieldsParam.trim() !== ''
      ? fieldsParam
          .split(',')
          .map((f) => f.trim())
          .filter(Boolean)
      : def.fields.map((f) => f.name);
  for (const name of wanted) {
    const field = def.byName.get(name.toLowerCase());
    if (!field)
      throw new SalesforceApiError(400, 'INVALID_FIELD', `No such column '${name}' on sobject of type ${def.name}`, [
        name,
      ]);
    out[field.name] = row[field.name] ?? null;
  }
  return out;
}

function replicationWindow(req: Request, now: number): { start: number; end: number; latest: number } {
  const start = typeof req.query.start === 'string' ? parseDateTime(req.query.start) : null;
  const end = typeof req.query.end === 'string' ? parseDateTime(req.query.end) : null;
  if (start === null || end === null) {
    throw new SalesforceApiError(
      400,
      'INVALID_REPLICATION_DATE',
      'start and end must be ISO-8601 datetimes in UTC (for example 2024-06-01T00:00:00+00:00)',
    );
  }
  if (end <= start) throw new SalesforceApiError(400, 'INVALID_REPLICATION_DATE', 'end date must be after start date');
  if (start < now - REPLICATION_WINDOW_MS)
    throw new SalesforceApiError(400, 'INVALID_REPLICATION_DATE', 'startDate cannot be more than 30 days ago');
  return { start, end, latest: truncateToMinute(Math.min(end, now)) };
}

export function sobjectsRouter(ctx: SandboxContext): Router {
  const r = express.Router({ mergeParams: true });
  const typeParam = (req: Request): SObjectType => requireType(String(req.params.type));

  r.get('/sobjects', (_req, res) => {
    const { apiVersion } = restState(res);
    res.json({
      encoding: 'UTF-8',
      maxBatchSize: 200,
      sobjects: SOBJECT_TYPES.map((t) => basicInfo(sobjectDef(t), apiVersion)),
    });
  });

  r.get('/sobjects/:type', (req, res) => {
    const { apiVersion } = restState(res);
    res.json({ objectDescribe: basicInfo(sobjectDef(typeParam(req)), apiVersion), recentItems: [] });
  });

  r.get('/sobjects/:type/describe', (req, res) => {
    const { apiVersion, org } = restState(res);
    const def = sobjectDef(typeParam(req));
    const access = (name: string) => org.store.fieldAccess.get(`${def.name}.${name}`.toLowerCase());
    res.json({
      ...basicInfo(def, apiVersion),
      // Describe answers for the calling user: a field not created yet is absent, one without edit access is read-only.
      fields: def.fields
        .filter((f) => access(f.name) !== 'absent')
        .map((f) =>
          access(f.name) === 'readonly'
            ? { ...describeField(f), createable: false, updateable: false }
            : describeField(f),
        ),
      childRelationships: [...def.children.values()].map((c) => ({
        childSObject: c.childType,
        field: c.field,
        relationshipName: c.relationshipName,
        cascadeDelete: false,
      })),
      recordTypeInfos: [],
    });
  });

  r.post('/sobjects/:type', (req, res) => {
    const { org, change } = restState(res);
    const id = org.store.create(typeParam(req), bodyObject(req), change);
    res.status(201).json({ id, success: true, errors: [] });
  });

  r.get('/sobjects/:type/updated', (req, res) => {
    const { org } = restState(res);
    const type = typeParam(req);
    const w = replicationWindow(req, ctx.now());
    const ids = org.store
      .all(type)
      .filter((row) => {
        const ms = parseDateTime(String(row.SystemModstamp)) ?? 0;
        return ms >= w.start && ms < w.latest;
      })
      .map((row) => row.Id);
    res.json({ ids, latestDateCovered: formatDateTime(w.latest) });
  });

  r.get('/sobjects/:type/deleted', (req, res) => {
    const { org } = restState(res);
    const type = typeParam(req);
    const w = replicationWindow(req, ctx.now());
    const deletedRecords = org.store.deletedLog
      .filter((d) => d.type === type && d.deletedDate >= w.start && d.deletedDate < w.latest)
      .map((d) => ({ id: d.id, deletedDate: formatDateTime(d.deletedDate) }));
    res.json({
      deletedRecords,
      earliestDateAvailable: formatDateTime(truncateToMinute(org.createdAt)),
      latestDateCovered: formatDateTime(w.latest),
    });
  });

  r.get('/sobjects/:type/:id', (req, res) => {
    const { org, apiVersion } = restState(res);
    const type = typeParam(req);
    const row = org.store.get(type, String(req.params.id));
    if (!row || String(row.Id).slice(0, 3) !== sobjectDef(type).keyPrefix) {
      throw new SalesforceApiError(404, 'NOT_FOUND', 'The requested resource does not exist');
    }
    res.json(recordBody(sobjectDef(type), row, apiVersion, req.query.fields));
  });

  r.patch('/sobjects/:type/:id', (req, res) => {
    const { org, change } = restState(res);
    org.store.update(typeParam(req), String(req.params.id), bodyObject(req), change);
    res.status(204).end();
  });

  // Upsert by external id: https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_upsert.htm
  // No match → create (201, created: true); one match → update (200, created: false, API 46.0+); several → 300
  // MULTIPLE_CHOICES with their URLs. The field must be an External ID; a body naming it with another value is refused.
  r.patch('/sobjects/:type/:field/:value', (req, res) => {
    const { org, change, apiVersion } = restState(res);
    const type = typeParam(req);
    const def = sobjectDef(type);
    const fieldName = String(req.params.field);
    const field = def.byName.get(fieldName.toLowerCase());
    const access = field ? org.store.fieldAccess.get(`${type}.${field.name}`.toLowerCase()) : undefined;
    if (!field || access === 'absent' || !field.externalId) {
      throw new SalesforceApiError(
        404,
        'NOT_FOUND',
        `Provided external ID field does not exist or is not accessible: ${fieldName}`,
      );
    }
    const value = String(req.params.value);
    const body = { ...bodyObject(req) };
    const sent = Object.entries(body).find(([k]) => k.toLowerCase() === field.name.toLowerCase());
    if (sent && String(sent[1]).toLowerCase() !== value.toLowerCase()) {
      throw new SalesforceApiError(
        400,
        'INVALID_FIELD',
        `The value of ${field.name} in the body does not match the value in the URL`,
        [field.name],
      );
    }
    const matches = org.store
      .all(type)
      .filter(
        (row) =>
          row[field.name] !== null &&
          row[field.name] !== undefined &&
          String(row[field.name]).toLowerCase() === value.toLowerCase(),
      );
    if (matches.length > 1) {
      res.status(300).json(matches.map((m) => `/services/data/v${apiVersion}/sobjects/${type}/${String(m.Id)}`));
      return;
    }
    if (matches.length === 1) {
      const id = String(matches[0]!.Id);
      if (sent) delete body[sent[0]];
      org.store.update(type, id, body, change);
      res.status(200).json({ id, success: true, errors: [], created: false });
      return;
    }
    const id = org.store.create(type, { ...body, [field.name]: value }, change);
    res.status(201).json({ id, success: true, errors: [], created: true });
  });

  r.delete('/sobjects/:type/:id', (req, res) => {
    const { org, change } = restState(res);
    org.store.delete(typeParam(req), String(req.params.id), change);
    res.status(204).end();
  });

  return r;
}

export function bodyObject(req: Request): Record<string, unknown> {
  const body: unknown = req.body;
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new SalesforceApiError(400, 'JSON_PARSER_ERROR', 'The request body must be a JSON object');
  }
  return body as Record<string, unknown>;
}
