/**
 * Runs a parsed SOQL query against one org's store: field-path resolution (with the API's INVALID_FIELD messages),
 * filter type checks, date literals, ORDER BY with NULLS FIRST/LAST, child subqueries and semi-joins, COUNT().
 * https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_dateformats.htm
 */
import { SalesforceApiError, invalidField, malformedQuery } from '../errors.js';
import { isValidId, sameId } from '../ids.js';
import {
  type FieldDef,
  type FieldKind,
  type SObjectDef,
  type SObjectType,
  findSObject,
  sobjectDef,
  typeForId,
} from '../schema.js';
import type { FieldValue, OrgStore, SObjectRecord } from '../store.js';
import { DAY_MS, parseDate, parseDateTime } from '../time.js';
import { positionedMessage } from './lexer.js';
import { type Condition, type FieldRef, type SoqlQuery, type SoqlValue, parseSoql } from './parser.js';

/** Fields available through a polymorphic ("Name") relationship such as Who, What or RelatedTo. */
const POLYMORPHIC_FIELDS = [
  'Id',
  'Name',
  'Type',
  'Email',
  'FirstName',
  'LastName',
  'Phone',
  'Title',
  'Alias',
  'IsActive',
];

export interface ResolvedPath {
  raw: string;
  /** canonical dotted name, e.g. `Account.Name` */
  name: string;
  steps: FieldDef[];
  leaf: string;
  leafKind: FieldKind;
  /** the last step is polymorphic: the leaf is read from whichever object the id points at */
  polymorphicLeaf: boolean;
}

export interface EvalContext {
  store: OrgStore;
  now: number;
  includeDeleted: boolean;
  apiVersion: string;
  /**
   * Field-level security of the API user: a field the user cannot see does not exist for SOQL ("No such column"),
   * in SELECT, WHERE and ORDER BY alike. The API routes set it; the sandbox's own test helpers read everything.
   */
  enforceFieldAccess?: boolean;
}

/** Whether a field is hidden from the API user by field-level security (`OrgStore.fieldAccess` 'absent'). */
type HiddenField = (type: string, field: string) => boolean;
const NOTHING_HIDDEN: HiddenField = () => false;

function hiddenFieldsOf(store: OrgStore): HiddenField {
  return (type, field) => store.fieldAccess.get(`${type}.${field}`.toLowerCase()) === 'absent';
}

export interface OutputRecord {
  attributes: { type: string; url: string };
  [field: string]: unknown;
}

export interface QueryOutcome {
  type: SObjectType;
  isCount: boolean;
  totalSize: number;
  records: OutputRecord[];
  /** selected scalar paths in select order (Bulk API columns) */
  columns: ResolvedPath[];
  /** raw rows behind `records`, same order */
  rows: SObjectRecord[];
}

interface Compiled {
  def: SObjectDef;
  query: SoqlQuery;
  select: Array<
    | { kind: 'path'; path: ResolvedPath }
    | { kind: 'child'; relationshipName: string; childType: SObjectType; fk: string; compiled: Compiled }
  >;
  isCount: boolean;
  where: CompiledCondition | null;
  order: Array<{ path: ResolvedPath; descending: boolean; nullsLast: boolean }>;
}

type CompiledCondition =
  | { kind: 'and' | 'or'; items: CompiledCondition[] }
  | { kind: 'not'; item: CompiledCondition }
  | { kind: 'cmp'; path: ResolvedPath; op: string; value: SoqlValue }
  | { kind: 'in'; path: ResolvedPath; negated: boolean; values: SoqlValue[] }
  | { kind: 'semijoin'; path: ResolvedPath; negated: boolean; compiled: Compiled; column: ResolvedPath };

function noSuchColumn(q: SoqlQuery, f: FieldRef, name: string, entity: string): SalesforceApiError {
  return invalidField(
    positionedMessage(
      q.source,
      f.pos,
      `No such column '${name}' on entity '${entity}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
    ),
  );
}

function resolvePath(q: SoqlQuery, root: SObjectDef, f: FieldRef, hidden: HiddenField): ResolvedPath {
  let path = f.path;
  if (q.alias && path.length > 1 && path[0]!.toLowerCase() === q.alias.toLowerCase()) path = path.slice(1);
  let def = root;
  const steps: FieldDef[] = [];
  const names: string[] = [];
  for (let i = 0; i < path.length - 1; i++) {
    const seg = path[i]!;
    const rel = def.byRelationship.get(seg.toLowerCase());
    if (!rel || !rel.relationshipName || hidden(def.name, rel.name)) {
      throw invalidField(
        positionedMessage(
          q.source,
          f.pos,
          `Didn't understand relationship '${seg}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`,
        ),
      );
    }
    steps.push(rel);
    names.push(rel.relationshipName);
    if (rel.polymorphic) {
      if (i !== path.length - 2)
        throw invalidField(
          positionedMessage(q.source, f.pos, `Didn't understand relationship '${path[i + 1]}' in field path.`),
        );
      const leaf = POLYMORPHIC_FIELDS.find((p) => p.toLowerCase() === path[i + 1]!.toLowerCase());
      if (!leaf) throw noSuchColumn(q, f, path[i + 1]!, 'Name');
      names.push(leaf);
      return {
        raw: f.raw,
        name: names.join('.'),
        steps,
        leaf,
        leafKind: leaf === 'Id' ? 'id' : leaf === 'IsActive' ? 'boolean' : 'string',
        polymorphicLeaf: true,
      };
    }
    def = sobjectDef(rel.referenceTo[0] as SObjectType);
  }
  const leafName = path[path.length - 1]!;
  const leaf = def.byName.get(leafName.toLowerCase());
  if (!leaf || hidden(def.name, leaf.name)) throw noSuchColumn(q, f, leafName, def.name);
  names.push(leaf.name);
  return { raw: f.raw, name: names.join('.'), steps, leaf: leaf.name, leafKind: leaf.kind, polymorphicLeaf: false };
}

function compile(q: SoqlQuery, hidden: HiddenField, rootOverride?: SObjectDef): Compiled {
  const def = rootOverride ?? findSObject(q.from.name);
  if (!def) {
    throw new SalesforceApiError(
      400,
      'INVALID_TYPE',
      positionedMessage(
        q.source,
        q.from.pos,
        `sObject type '${q.from.name}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`,
      ),
    );
  }
  const isCount = q.select.some((s) => s.kind === 'count');
  if (isCount && q.select.length > 1)
    throw malformedQuery(
      positionedMessage(q.source, q.select[0]!.pos, 'COUNT() must be the only element in the SELECT list.'),
    );
  const select: Compiled['select'] = [];
  const seen = new Set<string>();
  for (const item of q.select) {
    if (item.kind === 'field') {
      const path = resolvePath(q, def, item, hidden);
      if (seen.has(path.name.toLowerCase())) throw malformedQuery(`duplicate field selected: ${path.name}`);
      seen.add(path.name.toLowerCase());
      select.push({ kind: 'path', path });
    } else if (item.kind === 'subquery') {
      const child = def.children.get(item.query.from.name.toLowerCase());
      if (!child) {
        throw invalidField(
          positionedMessage(
            q.source,
            item.query.from.pos,
            `Didn't understand relationship '${item.query.from.name}' in FROM part of query call. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`,
          ),
        );
      }
      if (item.query.select.some((s) => s.kind !== 'field'))
        throw malformedQuery('Nested subqueries are not supported');
      select.push({
        kind: 'child',
        relationshipName: child.relationshipName,
        childType: child.childType,
        fk: child.field,
        compiled: compile(item.query, hidden, sobjectDef(child.childType)),
      });
    }
  }
  if (q.offset !== null && q.offset > 2000) {
    throw new SalesforceApiError(400, 'NUMBER_OUTSIDE_VALID_RANGE', 'Maximum SOQL offset allowed is 2000');
  }
  return {
    def,
    query: q,
    select,
    isCount,
    where: q.where ? compileCondition(q, def, q.where, hidden) : null,
    order: q.orderBy.map((o) => ({
      path: resolvePath(q, def, o.field, hidden),
      descending: o.descending,
      nullsLast: o.nullsLast,
    })),
  };
}

const TYPE_NAMES: Partial<Record<FieldKind, string>> = {
  datetime: 'dateTime',
  date: 'date',
  boolean: 'boolean',
  double: 'double',
  currency: 'currency',
  percent: 'percent',
  int: 'int',
};

function checkValue(q: SoqlQuery, path: ResolvedPath, v: SoqlValue): void {
  if (v.kind === 'null') return;
  const k = path.leafKind;
  const bad = (expected: string, quoted: boolean): never => {
    throw invalidField(
      positionedMessage(
        q.source,
        v.pos,
        `value of filter criterion for field '${path.leaf}' must be of type ${expected} and should ${quoted ? '' : 'not '}be enclosed in quotes`,
      ),
    );
  };
  if (k === 'datetime') {
    if (v.kind !== 'datetime' && v.kind !== 'dateLiteral') bad('dateTime', false);
  } else if (k === 'date') {
    if (v.kind !== 'date' && v.kind !== 'dateLiteral') bad('date', false);
  } else if (k === 'boolean') {
    if (v.kind !== 'boolean') bad('boolean', false);
  } else if (k === 'double' || k === 'currency' || k === 'percent' || k === 'int') {
    if (v.kind !== 'number') bad(TYPE_NAMES[k] ?? 'double', false);
  } else if (v.kind !== 'string') {
    bad('string', true);
  } else if ((k === 'id' || k === 'reference') && !isValidId(v.value)) {
    throw new SalesforceApiError(
      400,
      'INVALID_QUERY_FILTER_OPERATOR',
      positionedMessage(q.source, v.pos, `invalid ID field: ${v.value}`),
    );
  }
}

function compileCondition(q: SoqlQuery, def: SObjectDef, c: Condition, hidden: HiddenField): CompiledCondition {
  switch (c.kind) {
    case 'and':
    case 'or':
      return { kind: c.kind, items: c.items.map((i) => compileCondition(q, def, i, hidden)) };
    case 'not':
      return { kind: 'not', item: compileCondition(q, def, c.item, hidden) };
    case 'cmp': {
      const path = resolvePath(q, def, c.field, hidden);
      checkValue(q, path, c.value);
      if (
        c.op === 'LIKE' &&
        !['string', 'textarea', 'email', 'phone', 'url', 'picklist', 'id', 'reference'].includes(path.leafKind)
      ) {
        throw new SalesforceApiError(
          400,
          'INVALID_QUERY_FILTER_OPERATOR',
          positionedMessage(
            q.source,
            c.field.pos,
            `invalid operator on ${TYPE_NAMES[path.leafKind] ?? path.leafKind} field: LIKE`,
          ),
        );
      }
      if (path.leafKind === 'textarea' && c.op !== 'LIKE') {
        throw new SalesforceApiError(
          400,
          'INVALID_FIELD',
          positionedMessage(q.source, c.field.pos, `field '${path.leaf}' can not be filtered in a query call`),
        );
      }
      return { kind: 'cmp', path, op: c.op, value: c.value };
    }
    case 'in': {
      const path = resolvePath(q, def, c.field, hidden);
      for (const v of c.values) checkValue(q, path, v);
      return { kind: 'in', path, negated: c.negated, values: c.values };
    }
    case 'semijoin': {
      const path = resolvePath(q, def, c.field, hidden);
      const compiled = compile(c.query, hidden);
      const first = compiled.select[0];
      if (
        compiled.select.length !== 1 ||
        !first ||
        first.kind !== 'path' ||
        (first.path.leafKind !== 'id' && first.path.leafKind !== 'reference')
      ) {
        throw malformedQuery(
          positionedMessage(
            q.source,
            c.field.pos,
            'The selected field in a semi-join subquery must be an Id or a reference field',
          ),
        );
      }
      return { kind: 'semijoin', path, negated: c.negated, compiled, column: first.path };
    }
  }
}

// ------------------------------------------------------------------ reading values

function parentOf(
  ctx: EvalContext,
  id: FieldValue | undefined,
): { type: SObjectType; record: SObjectRecord } | undefined {
  if (typeof id !== 'string') return undefined;
  return ctx.store.findById(id, ctx.includeDeleted);
}

export function readPath(ctx: EvalContext, row: SObjectRecord, path: ResolvedPath): FieldValue {
  let current: { type: SObjectType; record: SObjectRecord } | undefined = {
    type: typeForId(String(row.Id)) ?? 'Account',
    record: row,
  };
  for (const step of path.steps) {
    current = parentOf(ctx, current?.record[step.name]);
    if (!current) return null;
  }
  if (!current) return null;
  if (path.polymorphicLeaf && path.leaf === 'Type') return current.type;
  return current.record[path.leaf] ?? null;
}

function startOfDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

function addMonths(ms: number, n: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1);
}

/** [start, end) of a date literal, in UTC (the sandbox org's time zone is GMT). */
export function dateLiteralRange(name: string, n: number | null, now: number): [number, number] {
  const sod = startOfDay(now);
  const sow = sod - new Date(sod).getUTCDay() * DAY_MS;
  const som = addMonths(sod, 0);
  const soy = Date.UTC(new Date(sod).getUTCFullYear(), 0, 1);
  const k = n ?? 0;
  switch (name) {
    case 'TODAY':
      return [sod, sod + DAY_MS];
    case 'YESTERDAY':
      return [sod - DAY_MS, sod];
    case 'TOMORROW':
      return [sod + DAY_MS, sod + 2 * DAY_MS];
    case 'THIS_WEEK':
      return [sow, sow + 7 * DAY_MS];
    case 'LAST_WEEK':
      return [sow - 7 * DAY_MS, sow];
    case 'NEXT_WEEK':
      return [sow + 7 * DAY_MS, sow + 14 * DAY_MS];
    case 'THIS_MONTH':
      return [som, addMonths(som, 1)];
    case 'LAST_MONTH':
      return [addMonths(som, -1), som];
    case 'NEXT_MONTH':
      return [addMonths(som, 1), addMonths(som, 2)];
    case 'LAST_90_DAYS':
      return [sod - 90 * DAY_MS, sod + DAY_MS];
    case 'NEXT_90_DAYS':
      return [sod + DAY_MS, sod + 91 * DAY_MS];
    case 'THIS_YEAR':
      return [soy, addMonths(soy, 12)];
    case 'LAST_YEAR':
      return [addMonths(soy, -12), soy];
    case 'NEXT_YEAR':
      return [addMonths(soy, 12), addMonths(soy, 24)];
    case 'LAST_N_DAYS':
      return [sod - k * DAY_MS, sod + DAY_MS];
    case 'NEXT_N_DAYS':
      return [sod + DAY_MS, sod + (k + 1) * DAY_MS];
    case 'N_DAYS_AGO':
      return [sod - k * DAY_MS, sod - (k - 1) * DAY_MS];
    case 'LAST_N_WEEKS':
      return [sow - 7 * k * DAY_MS, sow];
    case 'NEXT_N_WEEKS':
      return [sow + 7 * DAY_MS, sow + 7 * (k + 1) * DAY_MS];
    case 'LAST_N_MONTHS':
      return [addMonths(som, -k), som];
    case 'NEXT_N_MONTHS':
      return [addMonths(som, 1), addMonths(som, k + 1)];
    default:
      return [sod, sod + DAY_MS];
  }
}

function toMs(kind: FieldKind, v: FieldValue): number | null {
  if (typeof v !== 'string') return null;
  return kind === 'date' ? parseDate(v) : parseDateTime(v);
}

const isTextKind = (k: FieldKind): boolean =>
  !['boolean', 'double', 'currency', 'percent', 'int', 'date', 'datetime', 'id', 'reference'].includes(k);

function equalsValue(kind: FieldKind, field: FieldValue, v: SoqlValue, now: number): boolean {
  if (v.kind === 'null') return field === null || (Array.isArray(field) && field.length === 0);
  if (field === null) return false;
  switch (v.kind) {
    case 'string':
      if (kind === 'id' || kind === 'reference') return typeof field === 'string' && sameId(field, v.value);
      return String(field).toLowerCase() === v.value.toLowerCase();
    case 'number':
    case 'boolean':
      return field === v.value;
    case 'date':
    case 'datetime':
      return toMs(kind, field) === v.ms;
    case 'dateLiteral': {
      const ms = toMs(kind, field);
      const [start, end] = dateLiteralRange(v.name, v.n, now);
      return ms !== null && ms >= start && ms < end;
    }
  }
}

function compareOrdered(kind: FieldKind, field: FieldValue, op: string, v: SoqlValue, now: number): boolean {
  if (field === null || v.kind === 'null') return false;
  if (v.kind === 'dateLiteral') {
    const ms = toMs(kind, field);
    if (ms === null) return false;
    const [start, end] = dateLiteralRange(v.name, v.n, now);
    if (op === '<') return ms < start;
    if (op === '<=') return ms < end;
    if (op === '>') return ms >= end;
    return ms >= start;
  }
  let a: number | string;
  let b: number | string;
  if (v.kind === 'date' || v.kind === 'datetime') {
    const ms = toMs(kind, field);
    if (ms === null) return false;
    a = ms;
    b = v.ms;
  } else if (v.kind === 'number') {
    if (typeof field !== 'number') return false;
    a = field;
    b = v.value;
  } else if (v.kind === 'string') {
    a = isTextKind(kind) ? String(field).toLowerCase() : String(field);
    b = isTextKind(kind) ? v.value.toLowerCase() : v.value;
  } else {
    return false;
  }
  if (op === '<') return a < b;
  if (op === '<=') return a <= b;
  if (op === '>') return a > b;
  return a >= b;
}

function likeToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charAt(i);
    if (c === '\\' && (pattern.charAt(i + 1) === '%' || pattern.charAt(i + 1) === '_')) {
      re += pattern.charAt(i + 1);
      i++;
    } else if (c === '%') re += '.*';
    else if (c === '_') re += '.';
    else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 'is');
}

function matches(ctx: EvalContext, row: SObjectRecord, c: CompiledCondition): boolean {
  switch (c.kind) {
    case 'and':
      return c.items.every((i) => matches(ctx, row, i));
    case 'or':
      return c.items.some((i) => matches(ctx, row, i));
    case 'not':
      return !matches(ctx, row, c.item);
    case 'cmp': {
      const field = readPath(ctx, row, c.path);
      if (c.op === '=') return equalsValue(c.path.leafKind, field, c.value, ctx.now);
      if (c.op === '!=') return !equalsValue(c.path.leafKind, field, c.value, ctx.now);
      if (c.op === 'LIKE')
        return c.value.kind === 'string' && field !== null && likeToRegExp(c.value.value).test(String(field));
      return compareOrdered(c.path.leafKind, field, c.op, c.value, ctx.now);
    }
    case 'in': {
      const field = readPath(ctx, row, c.path);
      const found = c.values.some((v) => equalsValue(c.path.leafKind, field, v, ctx.now));
      return c.negated ? !found : found;
    }
    case 'semijoin': {
      const field = readPath(ctx, row, c.path);
      const ids = selectRows(ctx, c.compiled).map((r) => readPath(ctx, r, c.column));
      const found = typeof field === 'string' && ids.some((id) => typeof id === 'string' && sameId(id, field));
      return c.negated ? !found : found;
    }
  }
}

function compareForSort(kind: FieldKind, a: FieldValue, b: FieldValue): number {
  if (kind === 'date' || kind === 'datetime') return (toMs(kind, a) ?? 0) - (toMs(kind, b) ?? 0);
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const sa = String(a);
  const sb = String(b);
  const la = isTextKind(kind) ? sa.toLowerCase() : sa;
  const lb = isTextKind(kind) ? sb.toLowerCase() : sb;
  return la < lb ? -1 : la > lb ? 1 : 0;
}

function selectRows(ctx: EvalContext, c: Compiled, candidates?: SObjectRecord[]): SObjectRecord[] {
  let rows = (candidates ?? ctx.store.all(c.def.name, ctx.includeDeleted)).filter(
    (r) => !c.where || matches(ctx, r, c.where),
  );
  if (c.order.length > 0) {
    rows = [...rows].sort((x, y) => {
      for (const o of c.order) {
        const a = readPath(ctx, x, o.path);
        const b = readPath(ctx, y, o.path);
        if (a === null && b === null) continue;
        if (a === null) return o.nullsLast ? 1 : -1;
        if (b === null) return o.nullsLast ? -1 : 1;
        const d = compareForSort(o.path.leafKind, a, b);
        if (d !== 0) return o.descending ? -d : d;
      }
      return String(x.Id) < String(y.Id) ? -1 : 1;
    });
  }
  const offset = c.query.offset ?? 0;
  const end = c.query.limit === null ? undefined : offset + c.query.limit;
  return rows.slice(offset, end);
}

function attributes(ctx: EvalContext, type: string, id: unknown, attrType = type): { type: string; url: string } {
  return { type: attrType, url: `/services/data/v${ctx.apiVersion}/sobjects/${type}/${String(id)}` };
}

function project(ctx: EvalContext, c: Compiled, row: SObjectRecord): OutputRecord {
  const out: OutputRecord = { attributes: attributes(ctx, c.def.name, row.Id) };
  for (const item of c.select) {
    if (item.kind === 'child') {
      const children = selectRows(
        ctx,
        item.compiled,
        ctx.store
          .all(item.childType, ctx.includeDeleted)
          .filter((r) => typeof r[item.fk] === 'string' && sameId(r[item.fk] as string, String(row.Id))),
      );
      out[item.relationshipName] =
        children.length === 0
          ? null
          : { totalSize: children.length, done: true, records: children.map((r) => project(ctx, item.compiled, r)) };
      continue;
    }
    const path = item.path;
    if (path.steps.length === 0) {
      out[path.leaf] = row[path.leaf] ?? null;
      continue;
    }
    let target: Record<string, unknown> = out;
    let current: SObjectRecord | undefined = row;
    let missing = false;
    for (let i = 0; i < path.steps.length; i++) {
      const step = path.steps[i]!;
      const relName = step.relationshipName!;
      const parent: { type: SObjectType; record: SObjectRecord } | undefined = missing
        ? undefined
        : parentOf(ctx, current?.[step.name]);
      if (!parent) {
        if (!(relName in target)) target[relName] = null;
        missing = true;
        break;
      }
      let nested = target[relName] as Record<string, unknown> | null | undefined;
      if (!nested) {
        nested = {
          attributes: attributes(ctx, parent.type, parent.record.Id, step.polymorphic ? 'Name' : parent.type),
        };
        target[relName] = nested;
      }
      target = nested;
      current = parent.record;
    }
    if (!missing) target[path.leaf] = readPath(ctx, row, path);
  }
  return out;
}

/** Parses (if needed) and runs a query. `includeDeleted` is the queryAll switch. */
export function executeSoql(soql: string | SoqlQuery, ctx: EvalContext): QueryOutcome {
  const q = typeof soql === 'string' ? parseSoql(soql) : soql;
  const c = compile(q, ctx.enforceFieldAccess ? hiddenFieldsOf(ctx.store) : NOTHING_HIDDEN);
  const rows = selectRows(ctx, c);
  if (c.isCount) return { type: c.def.name, isCount: true, totalSize: rows.length, records: [], columns: [], rows: [] };
  const columns = c.select.flatMap((s) => (s.kind === 'path' ? [s.path] : []));
  return {
    type: c.def.name,
    isCount: false,
    totalSize: rows.length,
    records: rows.map((r) => project(ctx, c, r)),
    columns,
    rows,
  };
}

/** Validates a query without running it (Bulk API job creation), as the API user of `store` (field-level security). */
export function compileSoql(
  soql: string,
  store: OrgStore,
): { type: SObjectType; hasSubquery: boolean; isCount: boolean } {
  const c = compile(parseSoql(soql), hiddenFieldsOf(store));
  return { type: c.def.name, hasSubquery: c.select.some((s) => s.kind === 'child'), isCount: c.isCount };
}
