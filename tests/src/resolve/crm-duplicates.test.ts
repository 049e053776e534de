import { findDuplicateCandidates } from '../../../src/resolve/er/crm-duplicates.js';
import type { Company, Contact } from '../../../src/core/index.js';

const base = {
  provider: 'hubspot',
  createdAt: null,
  updatedAt: '2024-01-01T00:00:00Z',
  archived: false,
  ownerId: null,
  associations: { contacts: [], companies: [], deals: [] },
  url: null,
};
const contact = (
  externalId: string,
  firstName: string | null,
  lastName: string | null,
  email: string | null,
  phone: string | null,
): Contact => ({ ...base, kind: 'contact', externalId, firstName, lastName, email, phone, title: null });
const company = (externalId: string, name: string, domain: string | null, website: string | null): Company => ({
  ...base,
  kind: 'company',
  externalId,
  name,
  domain,
  website,
  industry: null,
  phone: null,
});

describe('findDuplicateCandidates', () => {
  const people = [
    contact('1', 'Anna', 'Müller', 'anna.mueller@acme.com', '(415) 555-2671'),
    contact('2', 'anna', 'Mueller', 'Anna.Mueller@ACME.com', '+1 415 555 2671'),
    contact('3', 'Boris', 'Schmidt', 'boris@initech.com', null),
    contact('4', 'Carla', 'Novak', 'carla@globex.com', '212-555-0100'),
    contact('5', 'Dieter', 'Fischer', 'dieter@umbrella.com', null),
    contact('6', 'Emma', 'Weber', 'emma.weber@gmail.com', null),
    contact('7', 'Felix', 'Meyer', 'felix@hooli.com', null),
    contact('8', 'Greta', 'Wagner', 'greta@acme.com', null),
    contact('9', 'Hanna', 'Schulz', 'hanna@initech.com', null),
    contact('10', 'Emma', 'Weber', 'e.weber+news@gmail.com', null),
  ];
  const companies = [
    company('c1', 'Acme Inc.', 'acme.com', null),
    company('c2', 'ACME, Incorporated', null, 'https://www.acme.com/about'),
    company('c3', 'Globex Corporation', 'globex.com', null),
    company('c4', 'Initech GmbH', 'initech.de', null),
    company('c5', 'Umbrella Ltd', 'umbrella.co.uk', null),
    company('c6', 'Hooli', 'hooli.xyz', null),
  ];

  it('groups the same person written two ways, with reasons and evidence', () => {
    const groups = findDuplicateCandidates([...people, ...companies]);
    const anna = groups.find((g) => g.externalIds.includes('1'));
    expect(anna).toBeDefined();
    expect(anna!.externalIds).toEqual(['1', '2']);
    expect(anna!.kind).toBe('contact');
    expect(anna!.dedupeKey).toBe('duplicate_record:hubspot:contact:1,2');
    expect(anna!.pairs[0]!.reasons.find((r) => r.field === 'email')).toMatchObject({ similarity: 1 });
    expect(anna!.evidence.some((e) => e.externalId === '2' && e.quote === 'email=Anna.Mueller@ACME.com')).toBe(true);
    expect(anna!.confidence).toBeGreaterThan(0.5);
  });
  it('groups a company written with and without its legal form and www', () => {
    const groups = findDuplicateCandidates([...people, ...companies]);
    expect(groups.find((g) => g.kind === 'company')?.externalIds).toEqual(['c1', 'c2']);
  });
  it('does not pair unrelated records just because they share a company domain', () => {
    const groups = findDuplicateCandidates(people);
    expect(groups.some((g) => g.externalIds.includes('8'))).toBe(false);
  });
  it('skips archived records and single records', () => {
    expect(findDuplicateCandidates([{ ...people[0]!, archived: true }, people[1]!])).toEqual([]);
    expect(findDuplicateCandidates([])).toEqual([]);
  });
});
