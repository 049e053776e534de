import { SalesforceId } from './schemas.js';

/**
 * The one place SOQL values are written. Field and object names come from the manifest;
 * values only ever pass through these helpers.
 * https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_quotedstringescapes.htm
 */

/** A quoted SOQL string literal: backslash, quotes and control characters escaped. */
export function soqlString(value: string): string {
  const escaped = value.replace(/[\\'"\n\r\t\b\f]/g, (c) => {
    switch (c) {
      case '\n':
        return '\\n';
      case '\r':
        return '\\r';
      case '\t':
        return '\\t';
      case '\b':
        return '\\b';
      case '\f':
        return '\\f';
      default:
        return `\\${c}`;
    }
  });
  return `'${escaped}'`;
}

/**
 * A SOQL dateTime literal (unquoted, UTC, second precision): `2024-06-01T09:15:02Z`.
 * Salesforce stores SystemModstamp to the second, so dropping milliseconds loses nothing.
 */
export function soqlDateTime(value: Date | string | number): string {
  const d = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(d.getTime())) throw new RangeError(`not a date: ${String(value)}`);
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A quoted record id; refuses anything that is not a 15/18-character Salesforce id. */
export function soqlId(value: string): string {
  if (!SalesforceId.safeParse(value).success) throw new RangeError(`not a Salesforce id: ${JSON.stringify(value)}`);
  return `'${value}'`;
}

/** `('a','b')` for `IN` clauses over ids. */
export function soqlIdList(ids: readonly string[]): string {
  if (ids.length === 0) throw new RangeError('IN list must not be empty');
  return `(${ids.map(soqlId).join(',')})`;
}

/** Only plain API names (`Closeloop_Key__c`, `SystemModstamp`) may be spliced in as identifiers. */
export function soqlName(name: string): string {
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) throw new RangeError(`not a SOQL identifier: ${JSON.stringify(name)}`);
  return name;
}

export interface SelectSpec {
  fields: readonly string[];
  from: string;
  where?: readonly (string | null | undefined)[];
  orderBy?: readonly string[];
  limit?: number;
}

function whereClause(where: SelectSpec['where']): string | null {
  const conditions = (where ?? []).filter((c): c is string => typeof c === 'string' && c.length > 0);
  if (conditions.length === 0) return null;
  return `WHERE ${conditions.map((c) => (conditions.length > 1 ? `(${c})` : c)).join(' AND ')}`;
}

/** Assembles a SELECT from manifest names and already-escaped conditions (joined with AND, each parenthesised). */
export function buildSelect(spec: SelectSpec): string {
  const parts = [`SELECT ${spec.fields.map(soqlName).join(', ')}`, `FROM ${soqlName(spec.from)}`];
  const where = whereClause(spec.where);
  if (where) parts.push(where);
  if (spec.orderBy && spec.orderBy.length > 0) parts.push(`ORDER BY ${spec.orderBy.join(', ')}`);
  if (spec.limit !== undefined) parts.push(`LIMIT ${Math.trunc(spec.limit)}`);
  return parts.join(' ');
}

/** `SELECT COUNT() FROM X WHERE ...`: the row count comes back as totalSize. */
export function buildCount(spec: Pick<SelectSpec, 'from' | 'where'>): string {
  const where = whereClause(spec.where);
  return [`SELECT COUNT() FROM ${soqlName(spec.from)}`, ...(where ? [where] : [])].join(' ');
}
