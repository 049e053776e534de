import type { Contact } from '../../../src/core/index.js';
import type { HubspotObject } from '../schemas.js';
import { baseFields, boolProp, prop, type MapContext } from './fields.js';
import { plainLabel } from '../../kit/plain-label.js';

/** A HubSpot contact record as the canonical Contact. */
export function toContact(record: HubspotObject, ctx: MapContext): Contact {
  return {
    kind: 'contact',
    ...baseFields('contact', record, ctx, { url: true }),
    firstName: plainLabel(prop(record, 'firstname')),
    lastName: plainLabel(prop(record, 'lastname')),
    email: prop(record, 'email'),
    phone: prop(record, 'phone'),
    title: prop(record, 'jobtitle'),
    emailBlocked: emailBlocked(record),
  };
}

/**
 * "Unsubscribed from all email" (`hs_email_optout`): HubSpot sets it when the contact opts out. "Email hard bounce
 * reason" (`hs_email_hard_bounce_reason_enum`): set when mail to the address bounced for good, cleared when someone
 * unbounces the contact. Both read-only, changed by no webhook (a poll sees them).
 */
function emailBlocked(record: HubspotObject): Contact['emailBlocked'] {
  if (boolProp(record, 'hs_email_optout') === true) return 'opted_out';
  return (prop(record, 'hs_email_hard_bounce_reason_enum') ?? '').trim() ? 'bounced' : null;
}
