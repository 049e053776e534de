import { InvalidPayloadError } from '../../../src/core/errors.js';
import { emptyAssociations, type Associations } from '../../../src/core/canonical.js';
import { SALESFORCE_KEY_PREFIX, salesforceManifest } from '../manifest.js';

/** What every mapper needs besides the record: where deep links point. */
export interface SalesforceMapContext {
  /** The org's instance_url, e.g. https://acme.my.salesforce.com */
  instanceUrl: string;
}

export const PROVIDER = salesforceManifest.id;

/** Empty strings and absent fields become null: the canonical model never carries "" or undefined. */
export function text(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  return trimmed.length === 0 ? null : trimmed;
}

/** `2024-06-01T09:15:02.000+0000` → `2024-06-01T09:15:02.000Z`. */
export function isoDateTime(value: string | null | undefined): string | null {
  if (value === null || value === undefined || value === '') return null;
  const withColon = value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const ms = Date.parse(withColon);
  if (Number.isNaN(ms))
    throw new InvalidPayloadError(`unreadable Salesforce datetime ${JSON.stringify(value)}`, { provider: PROVIDER });
  return new Date(ms).toISOString();
}

/** Date-only fields (ActivityDate, CloseDate) become midnight UTC of that day. */
export function isoDate(value: string | null | undefined): string | null {
  if (value === null || value === undefined || value === '') return null;
  return isoDateTime(`${value}T00:00:00.000Z`);
}

/** Lightning deep link: {instanceUrl}/lightning/r/{Type}/{Id}/view */
export function recordUrl(ctx: SalesforceMapContext, sobject: string, id: string): string {
  return `${ctx.instanceUrl.replace(/\/+$/, '')}/lightning/r/${sobject}/${id}/view`;
}

type AssociationBucket = keyof Associations;
const BUCKET_BY_PREFIX: Record<string, AssociationBucket> = {
  [SALESFORCE_KEY_PREFIX.Contact]: 'contacts',
  // Leads are synced as contacts (see to-contact.ts), so a Lead reference is a contact association.
  [SALESFORCE_KEY_PREFIX.Lead]: 'contacts',
  [SALESFORCE_KEY_PREFIX.Account]: 'companies',
  [SALESFORCE_KEY_PREFIX.Opportunity]: 'deals',
};

/** Sorts polymorphic ids (WhoId, WhatId, RelatedToId...) into association buckets by key prefix; others are ignored. */
export function associationsFrom(ids: readonly (string | null | undefined)[]): Associations {
  const out = emptyAssociations();
  for (const id of ids) {
    if (!id) continue;
    const prefix = id.slice(0, 3);
    const bucket = Object.hasOwn(BUCKET_BY_PREFIX, prefix) ? BUCKET_BY_PREFIX[prefix] : undefined;
    if (bucket && !out[bucket].includes(id)) out[bucket].push(id);
  }
  return out;
}

/** updatedAt: the user-visible LastModifiedDate, falling back to SystemModstamp (always present). */
export function updatedAt(r: { LastModifiedDate?: string | null; SystemModstamp: string }): string {
  return isoDateTime(r.LastModifiedDate ?? r.SystemModstamp) ?? (isoDateTime(r.SystemModstamp) as string);
}

/** The fields every canonical record takes the same way from any sObject. */
export function baseFields(
  r: {
    Id: string;
    CreatedDate?: string | null;
    LastModifiedDate?: string | null;
    SystemModstamp: string;
    IsDeleted?: boolean | null;
    OwnerId?: string | null;
  },
  ctx: SalesforceMapContext,
  sobject: string,
  associations: Associations,
) {
  return {
    provider: PROVIDER,
    externalId: r.Id,
    createdAt: isoDateTime(r.CreatedDate),
    updatedAt: updatedAt(r),
    archived: r.IsDeleted ?? false,
    ownerId: text(r.OwnerId),
    associations,
    url: recordUrl(ctx, sobject, r.Id),
  };
}
