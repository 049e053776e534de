import { coerceCsvRow } from '../../../../connectors/salesforce/sobject-queries.js';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CanonicalRecord } from '../../../../src/core/canonical.js';
import { toContact, leadToContact } from '../../../../connectors/salesforce/mappers/to-contact.js';
import { toCompany, domainFromWebsite } from '../../../../connectors/salesforce/mappers/to-company.js';
import { contactIdsByRole, toDeal, toDealStage } from '../../../../connectors/salesforce/mappers/to-deal.js';
import {
  toEmailActivity,
  toEventActivity,
  toTaskActivity,
  toTaskStatus,
} from '../../../../connectors/salesforce/mappers/to-activity.js';
import {
  SalesforceAccountRecord,
  SalesforceContactRecord,
  SalesforceEmailMessageRecord,
  SalesforceEventRecord,
  SalesforceLeadRecord,
  SalesforceOpportunityRecord,
  SalesforceTaskRecord,
} from '../../../../connectors/salesforce/schemas.js';

const DIR = join(process.cwd(), 'tests/fixtures/salesforce/mappers');
const ctx = { instanceUrl: 'https://acme.my.salesforce.com' };

interface Fixture {
  input: { sobject: string; record: unknown; relations?: { contactIds: string[] } };
  expected: unknown;
}

function mapFixture(f: Fixture): CanonicalRecord {
  const { sobject, record, relations } = f.input;
  switch (sobject) {
    case 'Contact':
      return toContact(SalesforceContactRecord.parse(record), ctx);
    case 'Lead':
      return leadToContact(SalesforceLeadRecord.parse(record), ctx);
    case 'Account':
      return toCompany(SalesforceAccountRecord.parse(record), ctx);
    case 'Opportunity':
      return toDeal(SalesforceOpportunityRecord.parse(record), ctx, relations);
    case 'Task':
      return toTaskActivity(SalesforceTaskRecord.parse(record), ctx);
    case 'Event':
      return toEventActivity(SalesforceEventRecord.parse(record), ctx);
    case 'EmailMessage':
      return toEmailActivity(SalesforceEmailMessageRecord.parse(record), ctx, relations);
    default:
      throw new Error(`no mapper for ${sobject}`);
  }
}

describe('Salesforce mappers: fixtures (input → expected canonical record)', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));
  it('has fixtures', () => expect(files.length).toBeGreaterThan(10));
  it.each(files)('%s', (file) => {
    const fixture = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as Fixture;
    const out = mapFixture(fixture);
    expect(out).toEqual(fixture.expected);
    // Exactly the canonical shape: no extra keys, no undefined, valid ISO timestamps.
    expect(CanonicalRecord.parse(out)).toEqual(out);
    expect(JSON.parse(JSON.stringify(out))).toEqual(out);
  });
});

describe('null handling', () => {
  it('a Contact with only the required fields maps every optional field to null, never undefined or ""', () => {
    const out = toContact(
      SalesforceContactRecord.parse({
        Id: '003xx000004TmiQAAS',
        LastName: 'X',
        SystemModstamp: '2024-06-01T00:00:00.000+0000',
      }),
      ctx,
    );
    expect(out).toEqual({
      kind: 'contact',
      provider: 'salesforce',
      externalId: '003xx000004TmiQAAS',
      createdAt: null,
      updatedAt: '2024-06-01T00:00:00.000Z',
      archived: false,
      ownerId: null,
      associations: { contacts: [], companies: [], deals: [] },
      url: 'https://acme.my.salesforce.com/lightning/r/Contact/003xx000004TmiQAAS/view',
      firstName: null,
      lastName: 'X',
      email: null,
      phone: null,
      title: null,
      emailBlocked: null,
    });
  });

  it("a Contact's Email Opt Out and bounced address say why no sales email may go to them", () => {
    const base = { Id: '003xx000004TmiQAAS', LastName: 'X', SystemModstamp: '2024-06-01T00:00:00.000+0000' };
    const map = (extra: Record<string, unknown>) =>
      toContact(SalesforceContactRecord.parse({ ...base, ...extra }), ctx).emailBlocked;
    expect(map({ HasOptedOutOfEmail: true, IsEmailBounced: true })).toBe('opted_out');
    expect(map({ HasOptedOutOfEmail: false, IsEmailBounced: true })).toBe('bounced');
    expect(map({ HasOptedOutOfEmail: false, IsEmailBounced: false })).toBeNull();
  });

  it("a Lead's Email Opt Out and bounce reason say the same (a Lead has no IsEmailBounced)", () => {
    const base = { Id: '00Qxx000004TmiQAAS', LastName: 'X', SystemModstamp: '2024-06-01T00:00:00.000+0000' };
    const map = (extra: Record<string, unknown>) =>
      leadToContact(SalesforceLeadRecord.parse({ ...base, ...extra }), ctx).emailBlocked;
    expect(map({ HasOptedOutOfEmail: true, EmailBouncedReason: '550 5.1.1 user unknown' })).toBe('opted_out');
    expect(map({ HasOptedOutOfEmail: false, EmailBouncedReason: '550 5.1.1 user unknown' })).toBe('bounced');
    expect(map({ HasOptedOutOfEmail: false, EmailBouncedReason: null })).toBeNull();
    expect(map({ HasOptedOutOfEmail: false, EmailBouncedReason: '  ' })).toBeNull();
    // A Bulk API 2.0 CSV row: every value a string.
    const row = coerceCsvRow({ ...base, IsDeleted: 'false', HasOptedOutOfEmail: 'true', EmailBouncedReason: '' });
    expect(leadToContact(SalesforceLeadRecord.parse(row), ctx).emailBlocked).toBe('opted_out');
  });

  it('a Bulk API 2.0 CSV row (every value a string) carries the same flags', () => {
    const row = coerceCsvRow({
      Id: '003xx000004TmiQAAS',
      IsDeleted: 'false',
      LastName: 'X',
      HasOptedOutOfEmail: 'false',
      IsEmailBounced: 'true',
      SystemModstamp: '2024-06-01T00:00:00.000+0000',
    });
    expect(toContact(SalesforceContactRecord.parse(row), ctx).emailBlocked).toBe('bounced');
  });

  it('rejects a record without Id or SystemModstamp at the schema', () => {
    expect(SalesforceContactRecord.safeParse({ LastName: 'X' }).success).toBe(false);
  });

  it('domainFromWebsite handles bare hosts and junk', () => {
    expect(domainFromWebsite('acme.io')).toBe('acme.io');
    expect(domainFromWebsite('http://WWW.acme.co.uk/x?y')).toBe('acme.co.uk');
    expect(domainFromWebsite('not a url')).toBeNull();
    expect(domainFromWebsite(null)).toBeNull();
  });
});

describe('stage mapping (StageName → DealStage)', () => {
  const open = (StageName: string, Probability: number | null = null) =>
    toDealStage({ StageName, IsClosed: false, IsWon: false, Probability });
  it.each([
    ['Prospecting', 'prospecting'],
    ['Qualification', 'qualification'],
    ['Needs Analysis', 'qualification'],
    ['Value Proposition', 'proposal'],
    ['Id. Decision Makers', 'proposal'],
    ['Perception Analysis', 'proposal'],
    ['Proposal/Price Quote', 'proposal'],
    ['Negotiation/Review', 'negotiation'],
  ])('%s → %s', (label, stage) => expect(open(label)).toBe(stage));

  it('closed stages come from IsClosed/IsWon whatever the label', () => {
    expect(toDealStage({ StageName: 'Closed Won', IsClosed: true, IsWon: true, Probability: 100 })).toBe('closed_won');
    expect(toDealStage({ StageName: 'Closed Lost', IsClosed: true, IsWon: false, Probability: 0 })).toBe('closed_lost');
    expect(toDealStage({ StageName: 'Negotiation/Review', IsClosed: true, IsWon: false, Probability: 0 })).toBe(
      'closed_lost',
    );
  });

  it('custom open stages fall back to Probability, else null', () => {
    expect(open('Legal review', 95)).toBe('negotiation');
    expect(open('Pilot', 60)).toBe('proposal');
    expect(open('Discovery call', 20)).toBe('qualification');
    expect(open('Cold', 5)).toBe('prospecting');
    expect(open('Mystery', null)).toBeNull();
  });
});

describe('deal contacts from contact roles', () => {
  const C = (n: number) => `003xx00000${String(n).padStart(5, '0')}AAA`;

  it('primary first, then Decision Maker, Economic Buyer, Executive Sponsor, Economic Decision Maker, others, none', () => {
    const rows = [
      { ContactId: C(1), Role: 'Other', IsPrimary: false },
      { ContactId: C(2), Role: null, IsPrimary: false },
      { ContactId: C(3), Role: 'Economic Decision Maker', IsPrimary: false },
      { ContactId: C(4), Role: 'Executive Sponsor', IsPrimary: false },
      { ContactId: C(5), Role: 'Economic Buyer', IsPrimary: false },
      { ContactId: C(6), Role: 'Decision Maker', IsPrimary: false },
      { ContactId: C(7), Role: 'Influencer', IsPrimary: true },
      { ContactId: C(8), Role: 'Technical Buyer', IsPrimary: false },
    ];
    expect(contactIdsByRole(rows)).toEqual([C(7), C(6), C(5), C(4), C(3), C(1), C(8), C(2)]);
  });

  it('the primary Decision Maker comes before an intern added first (the tester’s case)', () => {
    expect(
      contactIdsByRole([
        { ContactId: C(1), Role: 'Other', IsPrimary: false },
        { ContactId: C(2), Role: 'Decision Maker', IsPrimary: true },
      ]),
    ).toEqual([C(2), C(1)]);
  });

  it('keeps the given order among equals, ignores case and blanks, drops rows without a contact, dedupes', () => {
    expect(
      contactIdsByRole([
        { ContactId: C(1), Role: '  ', IsPrimary: null },
        { ContactId: C(2), Role: 'Evaluator' },
        { ContactId: null, Role: 'Decision Maker', IsPrimary: true },
        { ContactId: C(3), Role: 'Business User', IsPrimary: false },
        { ContactId: C(4), Role: ' decision maker ', IsPrimary: false },
        { ContactId: C(2), Role: 'Economic Buyer', IsPrimary: false },
      ]),
    ).toEqual([C(4), C(2), C(3), C(1)]);
    expect(contactIdsByRole([])).toEqual([]);
  });
});

describe('task status', () => {
  it.each([
    ['Not Started', false, 'NOT_STARTED'],
    ['In Progress', false, 'IN_PROGRESS'],
    ['Completed', true, 'COMPLETED'],
    ['Waiting on someone else', false, 'WAITING'],
    ['Deferred', false, 'DEFERRED'],
    ['On Hold', false, 'ON_HOLD'],
    ['Done-ish', true, 'COMPLETED'],
  ] as const)('%s → %s', (status, closed, expected) => expect(toTaskStatus(status, closed)).toBe(expected));
  it('null status', () => expect(toTaskStatus(null, false)).toBeNull());
});
