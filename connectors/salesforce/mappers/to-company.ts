import type { Company } from '../../../src/core/canonical.js';
import type { SalesforceAccountRecord } from '../schemas.js';
import { baseFields, text, type SalesforceMapContext } from './common.js';
import { emptyAssociations } from '../../../src/core/canonical.js';
import { plainLabel } from '../../kit/plain-label.js';

/**
 * Bare host of a website, the way HubSpot stores a company `domain`: no scheme, no `www.`, no path, lower case.
 * Salesforce has no domain field, so it is derived from Website.
 */
export function domainFromWebsite(website: string | null): string | null {
  if (website === null) return null;
  try {
    const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(website) ? website : `https://${website}`);
    const host = url.hostname.toLowerCase().replace(/^www\./, '');
    return host.includes('.') ? host : null;
  } catch {
    return null;
  }
}

/** Salesforce Account → canonical Company. Contacts and deals point at the Account, not the other way round. */
export function toCompany(r: SalesforceAccountRecord, ctx: SalesforceMapContext): Company {
  const website = text(r.Website);
  return {
    kind: 'company',
    ...baseFields(r, ctx, 'Account', emptyAssociations()),
    name: plainLabel(text(r.Name)),
    domain: domainFromWebsite(website),
    website,
    industry: text(r.Industry),
    phone: text(r.Phone),
  };
}
