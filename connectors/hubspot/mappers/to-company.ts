import type { Company } from '../../../src/core/index.js';
import type { HubspotObject } from '../schemas.js';
import { baseFields, prop, type MapContext } from './fields.js';
import { plainLabel } from '../../kit/plain-label.js';

/** A HubSpot company record as the canonical Company. */
export function toCompany(record: HubspotObject, ctx: MapContext): Company {
  return {
    kind: 'company',
    ...baseFields('company', record, ctx, { url: true }),
    name: plainLabel(prop(record, 'name')),
    domain: prop(record, 'domain'),
    website: prop(record, 'website'),
    industry: prop(record, 'industry'),
    phone: prop(record, 'phone'),
  };
}
