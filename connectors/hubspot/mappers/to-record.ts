import { isActivityKind, type CanonicalRecord, type ObjectKind } from '../../../src/core/index.js';
import type { HubspotObject } from '../schemas.js';
import type { MapContext } from './fields.js';
import { toActivity } from './to-activity.js';
import { toCompany } from './to-company.js';
import { toContact } from './to-contact.js';
import { toDeal } from './to-deal.js';

/** Picks the mapper for a kind. */
export function toRecord(kind: ObjectKind, record: HubspotObject, ctx: MapContext): CanonicalRecord {
  if (kind === 'contact') return toContact(record, ctx);
  if (kind === 'company') return toCompany(record, ctx);
  if (kind === 'deal') return toDeal(record, ctx);
  if (isActivityKind(kind)) return toActivity(kind, record, ctx);
  const unreachable: never = kind;
  throw new TypeError(`no mapper for ${String(unreachable)}`);
}
