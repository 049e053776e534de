import type { Contact } from '../../../src/core/canonical.js';
import type { SalesforceContactRecord, SalesforceLeadRecord } from '../schemas.js';
import {
  baseFields,
  PROVIDER,
  associationsFrom,
  isoDateTime,
  recordUrl,
  text,
  updatedAt,
  type SalesforceMapContext,
} from './common.js';
import { plainLabel } from '../../kit/plain-label.js';

/** Salesforce Contact → canonical Contact. The Account it belongs to is its one company association. */
export function toContact(r: SalesforceContactRecord, ctx: SalesforceMapContext): Contact {
  return {
    kind: 'contact',
    ...baseFields(r, ctx, 'Contact', associationsFrom([r.AccountId])),
    firstName: plainLabel(text(r.FirstName)),
    lastName: plainLabel(text(r.LastName)),
    email: text(r.Email),
    // The work phone, like HubSpot's `phone` property (mobile numbers are not part of the canonical contact).
    phone: text(r.Phone),
    title: text(r.Title),
    // Email Opt Out, and Salesforce's bounce management marking the address as bounced.
    emailBlocked: r.HasOptedOutOfEmail === true ? 'opted_out' : r.IsEmailBounced === true ? 'bounced' : null,
  };
}

/**
 * Salesforce Lead → canonical Contact (a lead is a person not yet attached to an Account; its `Company` is free text,
 * so it has no company association). A converted lead lives on as the Contact it became: it is emitted as archived,
 * pointing at the converted Account, so consumers drop it in favour of that Contact.
 */
export function leadToContact(r: SalesforceLeadRecord, ctx: SalesforceMapContext): Contact {
  const converted = r.IsConverted ?? false;
  return {
    kind: 'contact',
    provider: PROVIDER,
    externalId: r.Id,
    createdAt: isoDateTime(r.CreatedDate),
    updatedAt: updatedAt(r),
    archived: (r.IsDeleted ?? false) || converted,
    ownerId: text(r.OwnerId),
    associations: associationsFrom(converted ? [r.ConvertedAccountId] : []),
    url: recordUrl(ctx, 'Lead', r.Id),
    firstName: plainLabel(text(r.FirstName)),
    lastName: plainLabel(text(r.LastName)),
    email: text(r.Email),
    phone: text(r.Phone),
    title: text(r.Title),
    // Leads have Email Opt Out too; bounce management marks a lead's address with a reason (no IsEmailBounced on Lead).
    emailBlocked: r.HasOptedOutOfEmail === true ? 'opted_out' : text(r.EmailBouncedReason) ? 'bounced' : null,
  };
}
