/**
 * Record -> wire JSON (`SimplePublicObject[WithAssociations]`), and parsing of the query shapes the client sends.
 * Array query params arrive as repeated keys from @hubspot/api-client and comma-separated from other callers;
 * both are accepted (connectors/hubspot/BEHAVIOR.md, "Reading records").
 */
import { OBJECT_TYPES, defaultReadProperties, resolveObjectType, type ObjectTypeName } from './object-types.js';
import { associationType } from './association-types.js';
import type { CrmRecord, Portal } from './store.js';
import { validationError } from './errors.js';

/** `properties=a&properties=b`, `properties=a,b`, or a mix. */
export function listParam(value: unknown): string[] {
  const raw = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return raw
    .filter((v): v is string => typeof v === 'string')
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

export function boolParam(value: unknown, fallback: boolean): boolean {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined) return fallback;
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw validationError(`Unable to parse boolean value: ${String(v)}`);
}

export function intParam(name: string, value: unknown, fallback: number): number {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v === '') return fallback;
  if (typeof v !== 'string' || !/^\d+$/.test(v)) throw validationError(`Unable to parse ${name}: ${String(v)}`);
  return Number(v);
}

export interface ReadShape {
  /** Property names to return; undefined or empty = the type's defaults. `'all'` returns every set property. */
  properties?: string[] | 'all';
  propertiesWithHistory?: string[];
  /** Object types named in the `associations` param, as the caller spelled them (used as keys). */
  associations?: string[];
}

export function serializeRecord(portal: Portal, rec: CrmRecord, shape: ReadShape = {}): Record<string, unknown> {
  const def = OBJECT_TYPES[rec.type];
  const properties: Record<string, string | null> = {};
  if (shape.properties === 'all') {
    Object.assign(properties, rec.properties);
  } else {
    const requested =
      shape.properties === undefined || shape.properties.length === 0 ? defaultReadProperties(def) : shape.properties;
    // The system stamps come back whether asked for or not.
    const lastModified = rec.type === 'contacts' ? 'lastmodifieddate' : 'hs_lastmodifieddate';
    for (const name of [...requested, 'hs_object_id', def.createdProperty, lastModified]) {
      if (def.properties[name] === undefined && rec.properties[name] === undefined) continue;
      properties[name] = rec.properties[name] ?? null;
    }
  }
  const out: Record<string, unknown> = {
    id: rec.id,
    properties,
    createdAt: new Date(rec.createdAt).toISOString(),
    updatedAt: new Date(rec.updatedAt).toISOString(),
    archived: rec.archived,
  };
  if (rec.archivedAt !== undefined) out.archivedAt = new Date(rec.archivedAt).toISOString();
  if (shape.propertiesWithHistory !== undefined && shape.propertiesWithHistory.length > 0) {
    const history: Record<string, unknown[]> = {};
    for (const name of shape.propertiesWithHistory) {
      const versions = rec.history[name];
      if (versions === undefined) continue;
      history[name] = versions.map((v) => ({
        value: v.value,
        timestamp: new Date(v.timestamp).toISOString(),
        sourceType: v.sourceType,
        ...(v.sourceId === undefined ? {} : { sourceId: v.sourceId }),
      }));
    }
    out.propertiesWithHistory = history;
  }
  if (shape.associations !== undefined && shape.associations.length > 0) {
    const associations: Record<string, unknown> = {};
    for (const requested of shape.associations) {
      const toDef = resolveObjectType(requested);
      if (toDef === undefined) continue;
      const all = associatedIds(portal, rec.type, rec.id, toDef.name);
      // Inline blocks stop at 100 entries and carry their own paging (continue with the v4 per-record list).
      if (all.length > INLINE_ASSOCIATION_LIMIT) {
        associations[requested] = {
          results: all.slice(0, INLINE_ASSOCIATION_LIMIT),
          paging: { next: { after: String(INLINE_ASSOCIATION_LIMIT), link: `?after=${INLINE_ASSOCIATION_LIMIT}` } },
        };
      } else if (all.length > 0) associations[requested] = { results: all };
    }
    if (Object.keys(associations).length > 0) out.associations = associations;
  }
  return out;
}

/** Entries per associated type inlined in a v3 record; more come with a `paging` cursor. */
export const INLINE_ASSOCIATION_LIMIT = 100;

/** v3 association block entries: one `{id, type}` per association type, e.g. `contact_to_company_unlabeled`. */
function associatedIds(
  portal: Portal,
  fromType: ObjectTypeName,
  fromId: string,
  toType: ObjectTypeName,
): Array<{ id: string; type: string }> {
  return portal
    .associationsOf(fromType, fromId, toType)
    .flatMap(({ toId, typeIds }) => typeIds.map((t) => ({ id: toId, type: associationType(t)?.v3Name ?? String(t) })));
}
