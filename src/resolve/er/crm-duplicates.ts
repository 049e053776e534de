/**
 * CRM-facing duplicate detection over canonical contacts and companies. Values go through the
 * normalizers first (name folding, E.164 phones, company domains with free mail removed), then the
 * generic resolver learns its weights from the account's own records. Nothing is merged: each group
 * becomes a "duplicate_record" suggestion an admin reviews.
 */
import type { CountryCode } from 'libphonenumber-js';
import type { Company, Contact, Evidence } from '../../core/index.js';
import { normalizeCompanyName } from '../normalize/company-name.js';
import { normalizeDomain } from '../normalize/domain.js';
import { normalizeEmail } from '../normalize/email.js';
import { normalizePhone } from '../normalize/phone.js';
import { normalizePersonNameParts } from '../normalize/person-name.js';
import { resolveRecords } from './resolve.js';
import type { ErRecord, FieldSpec, ScoredPair } from './types.js';

export interface DuplicateCandidateGroup {
  kind: 'contact' | 'company';
  provider: string;
  /** External ids of the records that look like one person / organisation, sorted. */
  externalIds: string[];
  /** Lowest pair score on the spanning pairs: the group is only as strong as its weakest join. */
  confidence: number;
  /** The accepted pairs (by external id) with per-field reasons. */
  pairs: ScoredPair[];
  /** Field=value statements per record, ready for a suggestion's evidence list. */
  evidence: Evidence[];
  /** Stable key so the same group never yields two suggestions. */
  dedupeKey: string;
}

export interface FindDuplicateOptions {
  /** Region for phone numbers written without a country code. Default US. */
  defaultRegion?: CountryCode;
}

const CONTACT_FIELDS: FieldSpec[] = [
  { name: 'name', kind: 'name' },
  { name: 'email', kind: 'exact' },
  { name: 'emailDomain', kind: 'exact' },
  { name: 'phone', kind: 'exact' },
];
const COMPANY_FIELDS: FieldSpec[] = [
  { name: 'name', kind: 'name' },
  { name: 'domain', kind: 'exact' },
  { name: 'phone', kind: 'exact' },
];

function contactToRecord(c: Contact, region: CountryCode): ErRecord {
  const name = normalizePersonNameParts(c.firstName, c.lastName);
  return {
    id: c.externalId,
    source: null,
    values: {
      name: name.key,
      email: normalizeEmail(c.email).normalized,
      emailDomain: normalizeDomain(c.email).registrable,
      phone: normalizePhone(c.phone, region).normalized,
    },
  };
}

function companyToRecord(c: Company, region: CountryCode): ErRecord {
  const domain = normalizeDomain(c.domain).registrable ?? normalizeDomain(c.website).registrable;
  return {
    id: c.externalId,
    source: null,
    values: { name: normalizeCompanyName(c.name).key, domain, phone: normalizePhone(c.phone, region).normalized },
  };
}

function evidenceFor(r: Contact | Company): Evidence[] {
  const fields =
    r.kind === 'contact'
      ? { firstName: r.firstName, lastName: r.lastName, email: r.email, phone: r.phone }
      : { name: r.name, domain: r.domain, website: r.website, phone: r.phone };
  return Object.entries(fields)
    .filter(([, v]) => v !== null && v !== '')
    .map(([field, v]) => ({ recordKind: r.kind, externalId: r.externalId, quote: `${field}=${v}`, url: r.url, field }));
}

/** Candidate duplicate groups among the given contacts and companies (archived records are skipped). */
export function findDuplicateCandidates(
  records: (Contact | Company)[],
  options: FindDuplicateOptions = {},
): DuplicateCandidateGroup[] {
  const region = options.defaultRegion ?? 'US';
  const buckets = new Map<string, (Contact | Company)[]>();
  for (const r of records) {
    if (r.archived) continue;
    const key = `${r.provider}\u0000${r.kind}`;
    buckets.set(key, [...(buckets.get(key) ?? []), r]);
  }
  const out: DuplicateCandidateGroup[] = [];
  for (const group of buckets.values()) {
    if (group.length < 2) continue;
    const kind = group[0]!.kind;
    const byId = new Map(group.map((r) => [r.externalId, r]));
    const erRecords = group.map((r) =>
      r.kind === 'contact' ? contactToRecord(r, region) : companyToRecord(r, region),
    );
    const result = resolveRecords(erRecords, { fields: kind === 'contact' ? CONTACT_FIELDS : COMPANY_FIELDS });
    for (const c of result.clusters) {
      const externalIds = c.recordIds;
      out.push({
        kind,
        provider: group[0]!.provider,
        externalIds,
        confidence: Math.min(...c.pairs.map((p) => p.score)),
        pairs: c.pairs,
        evidence: externalIds.flatMap((id) => evidenceFor(byId.get(id)!)),
        dedupeKey: `duplicate_record:${group[0]!.provider}:${kind}:${externalIds.join(',')}`,
      });
    }
  }
  return out.sort((a, b) => b.confidence - a.confidence);
}
