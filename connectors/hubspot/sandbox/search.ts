/**
 * CRM search: `POST /crm/v3/objects/{type}/search` (https://developers.hubspot.com/docs/api/crm/search).
 * Filter groups are OR-ed, filters inside a group AND-ed; one sort; `query` matches token prefixes of the type's
 * searchable properties; pages of at most 200; and the hard cap: no result past the 10,000th can be paged to.
 */
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { objectTypeOf, parseBody, portalOf, type SandboxContext } from './context.js';
import { validationError } from './errors.js';
import { resolveObjectType, type ObjectTypeDef } from './object-types.js';
import { parseDateValue } from './property-values.js';
import { serializeRecord } from './serialize.js';
import type { CrmRecord, Portal } from './store.js';

export const SEARCH_LIMIT_MAX = 200;
export const SEARCH_LIMIT_DEFAULT = 10;
/** HubSpot never pages past the 10,000th result of one query; re-anchor on a timestamp filter instead. */
export const SEARCH_RESULT_CAP = 10_000;
export const MAX_FILTER_GROUPS = 5;
export const MAX_FILTERS_PER_GROUP = 6;
export const MAX_FILTERS_TOTAL = 18;

const OPERATORS = [
  'EQ',
  'NEQ',
  'LT',
  'LTE',
  'GT',
  'GTE',
  'BETWEEN',
  'IN',
  'NOT_IN',
  'HAS_PROPERTY',
  'NOT_HAS_PROPERTY',
  'CONTAINS_TOKEN',
  'NOT_CONTAINS_TOKEN',
] as const;
const scalar = z.union([z.string(), z.number(), z.boolean()]).transform(String);
const filterSchema = z.object({
  propertyName: z.string().min(1),
  operator: z.enum(OPERATORS),
  value: scalar.optional(),
  highValue: scalar.optional(),
  values: z.array(scalar).optional(),
});
const sortSchema = z.union([
  z
    .string()
    .transform((s) =>
      s.startsWith('-')
        ? { propertyName: s.slice(1), direction: 'DESCENDING' as const }
        : { propertyName: s, direction: 'ASCENDING' as const },
    ),
  z.object({ propertyName: z.string(), direction: z.enum(['ASCENDING', 'DESCENDING']).default('ASCENDING') }),
]);
export const searchRequestSchema = z.object({
  filterGroups: z.array(z.object({ filters: z.array(filterSchema) })).default([]),
  sorts: z.array(sortSchema).default([]),
  query: z.string().max(3000).optional(),
  properties: z.array(z.string()).optional(),
  limit: z.number().int().optional(),
  after: z.union([z.string(), z.number()]).optional(),
});
export type SearchRequest = z.infer<typeof searchRequestSchema>;
type Filter = z.infer<typeof filterSchema>;

const tokenize = (s: string) =>
  s
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);

function isNumericType(def: ObjectTypeDef, propertyName: string): boolean {
  const t = def.properties[propertyName]?.type;
  return t === 'number' || t === 'datetime' || t === 'date';
}

function toComparable(def: ObjectTypeDef, propertyName: string, raw: string): number | string | undefined {
  if (!isNumericType(def, propertyName)) return raw.toLowerCase();
  if (def.properties[propertyName]?.type === 'number') {
    const n = Number(raw);
    return Number.isNaN(n) ? undefined : n;
  }
  return parseDateValue(raw);
}

function compare(a: number | string, b: number | string): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

function wildcardMatches(pattern: string, text: string): boolean {
  const re = new RegExp(
    `^${pattern
      .toLowerCase()
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return re.test(text.toLowerCase()) || tokenize(text).some((t) => re.test(t));
}

function containsToken(actual: string, wanted: string): boolean {
  if (wanted.includes('*')) return wildcardMatches(wanted, actual);
  const have = new Set(tokenize(actual));
  const need = tokenize(wanted);
  return need.length > 0 && need.every((t) => have.has(t));
}

/** `associations.contact` style pseudo-properties: the ids of associated records of that type. */
function associationValues(portal: Portal, rec: CrmRecord, propertyName: string): string[] | undefined {
  const m = /^associations\.(.+)$/.exec(propertyName);
  if (m === null) return undefined;
  const toDef = resolveObjectType(m[1] as string);
  if (toDef === undefined) throw validationError(`Unknown association pseudo-property ${propertyName}`);
  return portal.associationsOf(rec.type, rec.id, toDef.name).map((a) => a.toId);
}

function matchesFilter(portal: Portal, def: ObjectTypeDef, rec: CrmRecord, f: Filter): boolean {
  const assoc = associationValues(portal, rec, f.propertyName);
  if (assoc !== undefined) {
    const values = f.values ?? (f.value === undefined ? [] : [f.value]);
    switch (f.operator) {
      case 'EQ':
      case 'IN':
        return values.some((v) => assoc.includes(v));
      case 'NEQ':
      case 'NOT_IN':
        return !values.some((v) => assoc.includes(v));
      case 'HAS_PROPERTY':
        return assoc.length > 0;
      case 'NOT_HAS_PROPERTY':
        return assoc.length === 0;
      default:
        throw validationError(`Operator ${f.operator} is not supported on ${f.propertyName}`);
    }
  }
  const raw = f.propertyName === 'id' ? rec.id : rec.properties[f.propertyName];
  const has = raw !== undefined && raw !== '';
  const need = (v: string | undefined, what: string): string => {
    if (v === undefined)
      throw validationError(`Filter on ${f.propertyName} with operator ${f.operator} requires ${what}.`);
    return v;
  };
  const needValues = (): string[] => {
    if (f.values === undefined)
      throw validationError(`Filter on ${f.propertyName} with operator ${f.operator} requires values.`);
    return f.values;
  };
  const cmp = (target: string): number | undefined => {
    if (!has) return undefined;
    const a = toComparable(def, f.propertyName, raw as string);
    const b = toComparable(def, f.propertyName, target);
    return a === undefined || b === undefined ? undefined : compare(a, b);
  };
  switch (f.operator) {
    case 'HAS_PROPERTY':
      return has;
    case 'NOT_HAS_PROPERTY':
      return !has;
    case 'EQ':
      return cmp(need(f.value, 'value')) === 0;
    case 'NEQ':
      return cmp(need(f.value, 'value')) !== 0;
    case 'LT': {
      const c = cmp(need(f.value, 'value'));
      return c !== undefined && c < 0;
    }
    case 'LTE': {
      const c = cmp(need(f.value, 'value'));
      return c !== undefined && c <= 0;
    }
    case 'GT': {
      const c = cmp(need(f.value, 'value'));
      return c !== undefined && c > 0;
    }
    case 'GTE': {
      const c = cmp(need(f.value, 'value'));
      return c !== undefined && c >= 0;
    }
    case 'BETWEEN': {
      const lo = cmp(need(f.value, 'value'));
      const hi = cmp(need(f.highValue, 'highValue'));
      return lo !== undefined && hi !== undefined && lo >= 0 && hi <= 0;
    }
    case 'IN':
      return needValues().some((v) => cmp(v) === 0);
    case 'NOT_IN':
      return !needValues().some((v) => cmp(v) === 0);
    case 'CONTAINS_TOKEN':
      return has && containsToken(raw as string, need(f.value, 'value'));
    case 'NOT_CONTAINS_TOKEN':
      return !has || !containsToken(raw as string, need(f.value, 'value'));
  }
}

function matchesQuery(def: ObjectTypeDef, rec: CrmRecord, query: string): boolean {
  const wanted = tokenize(query);
  if (wanted.length === 0) return true;
  const have = def.searchableProperties.flatMap((p) => tokenize(rec.properties[p] ?? ''));
  const whole = def.searchableProperties.map((p) => (rec.properties[p] ?? '').toLowerCase());
  return (
    wanted.every((w) => have.some((t) => t.startsWith(w))) ||
    whole.some((v) => v !== '' && v.startsWith(query.toLowerCase()))
  );
}

function validateShape(req: SearchRequest): { limit: number; offset: number } {
  const groups = req.filterGroups;
  if (groups.length > MAX_FILTER_GROUPS)
    throw validationError(`Too many filter groups: ${groups.length}. The maximum is ${MAX_FILTER_GROUPS}.`);
  if (groups.some((g) => g.filters.length > MAX_FILTERS_PER_GROUP))
    throw validationError(`Too many filters in a filter group. The maximum is ${MAX_FILTERS_PER_GROUP}.`);
  const total = groups.reduce((n, g) => n + g.filters.length, 0);
  if (total > MAX_FILTERS_TOTAL)
    throw validationError(`Too many filters: ${total}. The maximum is ${MAX_FILTERS_TOTAL}.`);
  if (req.sorts.length > 1) throw validationError('Only one sort is supported.');
  const limit = req.limit ?? SEARCH_LIMIT_DEFAULT;
  if (limit < 0 || limit > SEARCH_LIMIT_MAX)
    throw validationError(`limit must be between 0 and ${SEARCH_LIMIT_MAX}; got ${limit}.`);
  const afterRaw = req.after === undefined || req.after === '' ? '0' : String(req.after);
  if (!/^\d+$/.test(afterRaw)) throw validationError(`Invalid after value: ${afterRaw}`);
  const offset = Number(afterRaw);
  if (offset >= SEARCH_RESULT_CAP) {
    throw validationError(
      `The search request cannot page past ${SEARCH_RESULT_CAP} results (after=${offset}). Narrow the filters, for example on hs_lastmodifieddate, and search again.`,
      {
        context: { after: [afterRaw] },
      },
    );
  }
  return { limit, offset };
}

/** Runs a search over one object type; pure apart from reading the portal. */
export function runSearch(
  portal: Portal,
  def: ObjectTypeDef,
  req: SearchRequest,
): { total: number; results: Record<string, unknown>[]; paging?: { next: { after: string } } } {
  const { limit, offset } = validateShape(req);
  const matched: CrmRecord[] = [];
  // The index lags writes: each record is seen as it was `searchLagMs` ago (absent if created since,
  // still present if archived since).
  const indexed: CrmRecord[] = [];
  for (const live of [...portal.all(def.name), ...portal.all(def.name, { archived: true })]) {
    const view = portal.searchView(live);
    if (view === undefined || view.archived) continue;
    indexed.push(view === live ? live : { ...live, properties: view.properties, archived: false });
  }
  indexed.sort((a, b) => Number(a.id) - Number(b.id));
  for (const rec of indexed) {
    if (req.query !== undefined && req.query !== '' && !matchesQuery(def, rec, req.query)) continue;
    if (
      req.filterGroups.length > 0 &&
      !req.filterGroups.some((g) => g.filters.every((f) => matchesFilter(portal, def, rec, f)))
    )
      continue;
    matched.push(rec);
  }
  const sort = req.sorts[0];
  if (sort !== undefined) {
    const dir = sort.direction === 'DESCENDING' ? -1 : 1;
    const keyOf = (r: CrmRecord) => {
      const raw = sort.propertyName === 'id' ? r.id : r.properties[sort.propertyName];
      return raw === undefined
        ? undefined
        : toComparable(def, sort.propertyName === 'id' ? 'hs_object_id' : sort.propertyName, raw);
    };
    const keyed = matched.map((r) => ({ r, k: keyOf(r) }));
    keyed.sort((a, b) => {
      if (a.k === undefined || b.k === undefined)
        return a.k === b.k ? Number(a.r.id) - Number(b.r.id) : a.k === undefined ? 1 : -1;
      return compare(a.k, b.k) * dir || Number(a.r.id) - Number(b.r.id);
    });
    matched.splice(0, matched.length, ...keyed.map((x) => x.r));
  }
  const end = Math.min(offset + limit, matched.length, SEARCH_RESULT_CAP);
  const shape = { properties: req.properties ?? [] };
  const body: { total: number; results: Record<string, unknown>[]; paging?: { next: { after: string } } } = {
    total: matched.length,
    results: matched.slice(offset, end).map((r) => serializeRecord(portal, r, shape)),
  };
  // The cursor is offered even when it points at the cap; following it is what earns the 400.
  if (offset + limit < matched.length && limit > 0) body.paging = { next: { after: String(offset + limit) } };
  return body;
}

export function searchRouter(ctx: SandboxContext): Router {
  const router = Router();
  router.post('/crm/v3/objects/:objectType/search', (req: Request, res: Response) => {
    const def = objectTypeOf(req, res, 'read');
    const portal = portalOf(ctx, res);
    res.json(runSearch(portal, def, parseBody(searchRequestSchema, req.body ?? {})));
  });
  return router;
}
