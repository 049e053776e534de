import { InvalidPayloadError } from '../core/errors.js';
import type { Filter, FieldOps, Metadata, MetadataValue, Scalar } from './types.js';

/**
 * Filter checks shared by every store, and the pgvector compiler. Checking happens before any
 * I/O so a bad filter is the same typed error on every backend.
 */

const FIELD = /^[A-Za-z_][A-Za-z0-9_.]{0,63}$/;
const OPS = new Set(['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$exists']);
/** Tenancy comes from the tenantId argument only; a filter naming it is a bug or an attack. */
export const RESERVED_FIELDS = new Set(['tenantId']);

export const isScalar = (v: unknown): v is Scalar =>
  typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function bad(message: string): never {
  throw new InvalidPayloadError(`vector filter: ${message}`, { where: 'context filter' });
}

// eslint-disable-next-line no-control-regex -- a tenant id may hold no control characters
const CONTROL_CHARACTER = /[\u0000-\u001f]/;

export function assertTenantId(tenantId: string): void {
  if (
    typeof tenantId !== 'string' ||
    tenantId.length === 0 ||
    tenantId.length > 128 ||
    CONTROL_CHARACTER.test(tenantId)
  ) {
    throw new InvalidPayloadError('tenantId must be a non-empty string of at most 128 printable characters', {
      where: 'context store',
    });
  }
}

/** Throws InvalidPayloadError unless `f` is a well-formed filter over non-reserved fields. */
export function validateFilter(f: unknown, depth = 0): asserts f is Filter {
  if (depth > 8) bad('nested too deeply');
  if (!isPlainObject(f)) bad('must be an object');
  for (const [key, val] of Object.entries(f)) {
    if (key === '$and' || key === '$or') {
      if (!Array.isArray(val) || val.length === 0) bad(`${key} needs a non-empty array`);
      for (const sub of val) validateFilter(sub, depth + 1);
      continue;
    }
    if (key.startsWith('$')) bad(`unknown top-level operator ${key}`);
    if (!FIELD.test(key)) bad(`invalid field name ${JSON.stringify(key)}`);
    if (RESERVED_FIELDS.has(key)) bad(`${key} cannot be filtered on: tenancy comes from the tenantId argument`);
    if (isScalar(val)) continue;
    if (!isPlainObject(val)) bad(`field ${key}: expected a value or an operator object`);
    const ops = Object.entries(val);
    if (ops.length === 0) bad(`field ${key}: empty operator object`);
    for (const [op, arg] of ops) {
      if (!OPS.has(op)) bad(`field ${key}: unknown operator ${op}`);
      if ((op === '$eq' || op === '$ne') && !isScalar(arg))
        bad(`field ${key}: ${op} takes a string, number or boolean`);
      if (
        (op === '$gt' || op === '$gte' || op === '$lt' || op === '$lte') &&
        !(typeof arg === 'number' && Number.isFinite(arg))
      )
        bad(`field ${key}: ${op} takes a number`);
      if ((op === '$in' || op === '$nin') && !(Array.isArray(arg) && arg.length > 0 && arg.every(isScalar)))
        bad(`field ${key}: ${op} takes a non-empty array of values`);
      if (op === '$exists' && typeof arg !== 'boolean') bad(`field ${key}: $exists takes a boolean`);
    }
  }
}

/** Metadata values must be string, finite number, boolean or list of strings (Pinecone's rule; no null). */
export function validateMetadata(md: Metadata, where: string): void {
  for (const [k, v] of Object.entries(md)) {
    const ok = isScalar(v) || (Array.isArray(v) && v.every((x) => typeof x === 'string'));
    if (!ok)
      throw new InvalidPayloadError(`metadata ${k} of ${where}: values must be string, number, boolean or string[]`, {
        where: 'context store',
      });
  }
}

/** Evaluate a (validated) filter against metadata in memory; same semantics as the SQL compiler. */
export function matchesFilter(md: Metadata, f: Filter): boolean {
  for (const [key, val] of Object.entries(f)) {
    if (val === undefined) continue;
    if (key === '$and') {
      if (!(val as Filter[]).every((s) => matchesFilter(md, s))) return false;
      continue;
    }
    if (key === '$or') {
      if (!(val as Filter[]).some((s) => matchesFilter(md, s))) return false;
      continue;
    }
    const ops: FieldOps = isScalar(val) ? { $eq: val } : (val as FieldOps);
    if (!fieldMatches(md[key], ops)) return false;
  }
  return true;
}

function fieldMatches(v: MetadataValue | undefined, ops: FieldOps): boolean {
  const has = (x: Scalar) => (Array.isArray(v) ? v.includes(x as string) : v === x);
  for (const [op, arg] of Object.entries(ops) as [keyof FieldOps, unknown][]) {
    switch (op) {
      case '$eq':
        if (v === undefined || !has(arg as Scalar)) return false;
        break;
      case '$ne':
        if (v !== undefined && has(arg as Scalar)) return false;
        break;
      case '$in':
        if (v === undefined || !(arg as Scalar[]).some(has)) return false;
        break;
      case '$nin':
        if (v !== undefined && (arg as Scalar[]).some(has)) return false;
        break;
      case '$exists':
        if ((v !== undefined) !== arg) return false;
        break;
      default: {
        if (typeof v !== 'number') return false;
        const n = arg as number;
        if (op === '$gt' && !(v > n)) return false;
        if (op === '$gte' && !(v >= n)) return false;
        if (op === '$lt' && !(v < n)) return false;
        if (op === '$lte' && !(v <= n)) return false;
      }
    }
  }
  return true;
}
