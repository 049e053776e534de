import type { Associations, ObjectKind } from '../../../src/core/index.js';
import { crmBodyText } from '../../kit/html-to-text.js';
import { HUBSPOT_APP_BASE, HUBSPOT_OBJECT_TYPE, HUBSPOT_OBJECT_TYPE_ID, HUBSPOT_PROVIDER } from '../manifest.js';
import type { HubspotObject } from '../schemas.js';

/** What every mapper needs besides the record: the portal the record lives in (for deep links). */
export interface MapContext {
  portalId: string;
}

/** A property as canonical text: missing, null, "" and whitespace-only all become null. */
export function prop(record: HubspotObject, name: string): string | null {
  const v = record.properties[name];
  if (v === undefined || v === null) return null;
  const trimmed = v.trim();
  return trimmed === '' ? null : trimmed;
}

/**
 * A property that may hold HTML (email, note, task bodies): plain text, or null when nothing is left. A plain-text
 * property (`hs_email_text`) keeps its line breaks: quoted history and signatures are found by them.
 */
export function textProp(record: HubspotObject, name: string): string | null {
  return crmBodyText(prop(record, name));
}

/**
 * Date/datetime properties arrive as ISO strings, as date-only strings ("2024-07-01") or as epoch-ms strings
 * depending on the property type and how it was written. Unreadable values become null.
 */
export function isoProp(record: HubspotObject, name: string): string | null {
  const v = prop(record, name);
  if (v === null) return null;
  const d = /^\d+$/.test(v) ? new Date(Number(v)) : new Date(v);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

export function numberProp(record: HubspotObject, name: string): number | null {
  const v = prop(record, name);
  if (v === null) return null;
  const n = Number(v.replace(/,/g, ''));
  return Number.isFinite(n) ? n : null;
}

/** HubSpot booleans are the strings "true" / "false". */
export const boolProp = (record: HubspotObject, name: string): boolean | null => {
  const v = prop(record, name);
  return v === null ? null : v.toLowerCase() === 'true';
};

const ASSOCIATION_KEYS: Record<keyof Associations, string> = {
  contacts: HUBSPOT_OBJECT_TYPE.contact,
  companies: HUBSPOT_OBJECT_TYPE.company,
  deals: HUBSPOT_OBJECT_TYPE.deal,
};

/**
 * Associations from the record's `associations` block. One pair can be listed once per association type
 * (e.g. unlabeled + primary), so ids are de-duplicated; order of first appearance is kept.
 */
export function associationsOf(record: HubspotObject): Associations {
  const out: Associations = { contacts: [], companies: [], deals: [] };
  for (const key of Object.keys(ASSOCIATION_KEYS) as (keyof Associations)[]) {
    const block = record.associations?.[ASSOCIATION_KEYS[key]];
    if (!block) continue;
    out[key] = [...new Set(block.results.map((r) => r.id))];
  }
  return out;
}

/** Record page in HubSpot's UI: /contacts/{portalId}/record/{objectTypeId}/{id}. */
export function recordUrl(kind: ObjectKind, portalId: string, id: string): string {
  return `${HUBSPOT_APP_BASE}/contacts/${encodeURIComponent(portalId)}/record/${HUBSPOT_OBJECT_TYPE_ID[kind]}/${encodeURIComponent(id)}`;
}

/** Fields every canonical record shares. */
export function baseFields(kind: ObjectKind, record: HubspotObject, ctx: MapContext, opts: { url: boolean }) {
  return {
    provider: HUBSPOT_PROVIDER,
    externalId: record.id,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    archived: record.archived,
    ownerId: prop(record, 'hubspot_owner_id'),
    associations: associationsOf(record),
    url: opts.url ? recordUrl(kind, ctx.portalId, record.id) : null,
  };
}
