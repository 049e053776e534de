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
    // "Unsubscribed from all email": HubSpot sets it when the contact opts out; read-only, changed by no webhook.
    emailBlocked: boolProp(record, 'hs_email_optout') === true ? 'opted_out' : null,
  };
}
