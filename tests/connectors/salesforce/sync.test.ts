import type { ChangePage, Checkpoint } from '../../../src/core/connector.js';
import { AuthExpiredError, InvalidCursorError, QuotaExhaustedError } from '../../../src/core/errors.js';
import { createSalesforceConnector } from '../../../connectors/salesforce/index.js';
import { API, isQuery, mockSalesforce, queryPage, testContext, type SalesforceMock } from './mock-salesforce.js';
import { sample } from './fixtures.js';

const NOW = Date.parse('2024-06-03T12:00:00.000Z');
const CONTACT_FIELDS =
  'Id, IsDeleted, FirstName, LastName, Email, Phone, Title, HasOptedOutOfEmail, IsEmailBounced, AccountId, OwnerId, CreatedDate, LastModifiedDate, SystemModstamp';

const connector = (over: Record<string, unknown> = {}) =>
  createSalesforceConnector({ sync: { now: () => NOW, pageSize: 2, settleMs: 60_000, ...over } });

async function collect(it: AsyncIterable<ChangePage>): Promise<ChangePage[]> {
  const pages: ChangePage[] = [];
  for await (const p of it) pages.push(p);
  return pages;
}

const incremental = (over: Checkpoint = {}): Checkpoint => ({
  v: 1,
  'Contact.modstamp': '2024-06-01T00:00:00.000Z',
  'Contact.lastId': null,
  'Contact.deletedFrom': '2024-06-02T12:00:00.000Z',
  'Lead.modstamp': '2024-06-01T00:00:00.000Z',
  'Lead.lastId': null,
  'Lead.deletedFrom': '2024-06-02T12:00:00.000Z',
  ...over,
});

const emptyDeleted = {
  status: 200,
  body: {
    deletedRecords: [],
    earliestDateAvailable: '2024-05-10T00:00:00.000+0000',
    latestDateCovered: '2024-06-03T12:00:00.000+0000',
  },
};

let sf: SalesforceMock;
beforeEach(() => {
  sf = mockSalesforce();
});
afterEach(async () => {
  await sf.close();
});

describe('listChanges: incremental keyset paging over SystemModstamp', () => {
  it('pages Contacts then Leads, checkpoints after each page, and reports deletions in the last page', async () => {
    const page1 = sample('soql-query-response-page1.json');
    const last = sample('soql-query-response-last-page.json');
    sf.on('GET', isQuery('Contact'), (req) =>
      /Id > '003xx000004TmiRAAS'/.test(req.soql ?? '')
        ? queryPage(last.records)
        : // The REST API may still offer a nextRecordsUrl: keyset paging ignores it (see sync.ts).
          queryPage(page1.records, { done: false, nextRecordsUrl: page1.nextRecordsUrl }),
    );
    sf.on('GET', isQuery('Lead'), queryPage([]));
    sf.on('GET', (p) => p.startsWith(`${API}/sobjects/Contact/deleted`), {
      status: 200,
      body: { ...sample('get-deleted-response.json'), latestDateCovered: '2024-06-03T12:00:00.000+0000' },
    });
    sf.on('GET', (p) => p.startsWith(`${API}/sobjects/Lead/deleted`), emptyDeleted);

    const pages = await collect(connector().listChanges(testContext(), 'contact', incremental()));

    expect(sf.requests.map((r) => r.soql ?? `${r.method} ${r.path}`)).toEqual([
      `SELECT ${CONTACT_FIELDS} FROM Contact WHERE (SystemModstamp > 2024-06-01T00:00:00Z) AND (SystemModstamp <= 2024-06-03T11:59:00Z) ORDER BY SystemModstamp ASC, Id ASC LIMIT 2`,
      `SELECT ${CONTACT_FIELDS} FROM Contact WHERE (SystemModstamp > 2024-06-01T09:16:40Z OR (SystemModstamp = 2024-06-01T09:16:40Z AND Id > '003xx000004TmiRAAS')) AND (SystemModstamp <= 2024-06-03T11:59:00Z) ORDER BY SystemModstamp ASC, Id ASC LIMIT 2`,
      expect.stringMatching(
        /^SELECT Id, IsDeleted, FirstName, .* FROM Lead WHERE \(SystemModstamp > 2024-06-01T00:00:00Z\) AND \(SystemModstamp <= 2024-06-03T11:59:00Z\) ORDER BY SystemModstamp ASC, Id ASC LIMIT 2$/,
      ),
      `GET ${API}/sobjects/Contact/deleted?start=2024-06-02T12%3A00%3A00%2B00%3A00&end=2024-06-03T12%3A00%3A00%2B00%3A00`,
      `GET ${API}/sobjects/Lead/deleted?start=2024-06-02T12%3A00%3A00%2B00%3A00&end=2024-06-03T12%3A00%3A00%2B00%3A00`,
    ]);
    expect(sf.requests[0]!.headers['sforce-call-options']).toBe('client=closeloop');
    expect(sf.requests[0]!.headers.authorization).toBe('Bearer at-1');

    expect(pages.map((p) => [p.records.map((r) => r.externalId), p.done])).toEqual([
      [['003xx000004TmiQAAS', '003xx000004TmiRAAS'], false],
      [['003xx000004TmkXAAS'], false],
      [[], true],
    ]);
    expect(pages[0]!.checkpoint).toEqual(
      incremental({ 'Contact.modstamp': '2024-06-01T09:16:40.000Z', 'Contact.lastId': '003xx000004TmiRAAS' }),
    );
    expect(pages[1]!.checkpoint['Contact.lastId']).toBe('003xx000004TmkXAAS');
    expect(pages[2]!.deleted).toEqual([{ kind: 'contact', externalId: '003xx000004TmjAAAS' }]);
    expect(pages[2]!.checkpoint).toEqual(
      incremental({
        'Contact.modstamp': '2024-06-03T17:00:00.000Z',
        'Contact.lastId': '003xx000004TmkXAAS',
        'Contact.deletedFrom': '2024-06-03T12:00:00.000Z',
        'Lead.deletedFrom': '2024-06-03T12:00:00.000Z',
      }),
    );
    expect(pages[0]!.records[0]).toMatchObject({
      kind: 'contact',
      email: 'ada@example.com',
      associations: { companies: ['001xx000003DGb2AAG'] },
    });
  });

  it('resumes from a stored checkpoint with the (SystemModstamp, Id) anchor', async () => {
    sf.on('GET', isQuery('Contact'), queryPage([]));
    sf.on('GET', isQuery('Lead'), queryPage([]));
    sf.on('GET', (p) => p.includes('/deleted?'), emptyDeleted);
    const since = incremental({
      'Contact.modstamp': '2024-06-02T08:00:05.000Z',
      'Contact.lastId': '003xx000004TmiQAAS',
    });
    const pages = await collect(connector().listChanges(testContext(), 'contact', since));
    expect(sf.requests[0]!.soql).toContain(
      "WHERE (SystemModstamp > 2024-06-02T08:00:05Z OR (SystemModstamp = 2024-06-02T08:00:05Z AND Id > '003xx000004TmiQAAS'))",
    );
    expect(pages).toHaveLength(1);
    expect(pages[0]!.done).toBe(true);
    expect(pages[0]!.checkpoint['Contact.lastId']).toBe('003xx000004TmiQAAS');
  });

  it('skips getDeleted when less than a minute passed since the last check', async () => {
    sf.on('GET', isQuery('Account'), queryPage([]));
    const since = {
      v: 1,
      'Account.modstamp': '2024-06-03T11:00:00.000Z',
      'Account.lastId': null,
      'Account.deletedFrom': '2024-06-03T11:59:30.000Z',
    };
    const pages = await collect(connector().listChanges(testContext(), 'company', since));
    expect(sf.requests.some((r) => r.path.includes('/deleted'))).toBe(false);
    expect(pages.at(-1)!.checkpoint['Account.deletedFrom']).toBe('2024-06-03T11:59:30.000Z');
  });

  it('a deletion window older than 30 days is an invalid cursor (the caller resyncs), before any request', async () => {
    const since = incremental({ 'Contact.deletedFrom': '2024-04-01T00:00:00.000Z' });
    await expect(collect(connector().listChanges(testContext(), 'contact', since))).rejects.toBeInstanceOf(
      InvalidCursorError,
    );
    expect(sf.requests).toHaveLength(0);
  });

  it('purged deletions (earliestDateAvailable after our window start) are an invalid cursor', async () => {
    sf.on('GET', isQuery('Account'), queryPage([]));
    sf.on('GET', (p) => p.includes('/deleted?'), {
      status: 200,
      body: { ...emptyDeleted.body, earliestDateAvailable: '2024-06-03T00:00:00.000+0000' },
    });
    const since = {
      v: 1,
      'Account.modstamp': '2024-06-01T00:00:00.000Z',
      'Account.lastId': null,
      'Account.deletedFrom': '2024-06-02T00:00:00.000Z',
    };
    await expect(collect(connector().listChanges(testContext(), 'company', since))).rejects.toBeInstanceOf(
      InvalidCursorError,
    );
  });

  it('a malformed checkpoint is an invalid cursor', async () => {
    await expect(collect(connector().listChanges(testContext(), 'contact', { v: 1 }))).rejects.toBeInstanceOf(
      InvalidCursorError,
    );
  });

  it('splits Task into task and call kinds with constant SOQL conditions', async () => {
    sf.on('GET', isQuery('Task'), queryPage([]));
    await collect(connector().listChanges(testContext(), 'call', null));
    await collect(connector().listChanges(testContext(), 'task', null));
    const soql = sf.requests.map((r) => r.soql);
    // An empty source costs one call: the first query (no LIMIT) says totalSize 0 and is done.
    expect(soql).toHaveLength(2);
    expect(soql[0]).toMatch(
      /FROM Task WHERE \(TaskSubtype = 'Call'\) AND \(SystemModstamp <= 2024-06-03T11:59:00Z\) ORDER BY SystemModstamp ASC, Id ASC$/,
    );
    expect(soql[1]).toMatch(
      /FROM Task WHERE \(TaskSubtype != 'Call'\) AND \(SystemModstamp <= 2024-06-03T11:59:00Z\) ORDER BY SystemModstamp ASC, Id ASC$/,
    );
  });
});

describe('listChanges: first backfill', () => {
  it('below the threshold: the first query (no LIMIT) counts and is the first page, then keyset pages; no COUNT(), no getDeleted; deletions tracked from the run start', async () => {
    const acme = (n: number) => ({
      Id: `001xx000003DGb${n}AAG`,
      Name: `Acme ${n}`,
      SystemModstamp: `2024-06-01T00:00:0${n}.000+0000`,
    });
    // The first answer holds three rows (the server's batch); pageSize 2 takes two, then goes on from the anchor.
    sf.on(
      'GET',
      (p, r) => isQuery('Account')(p) && !/LIMIT/.test(r.soql ?? ''),
      queryPage([acme(1), acme(2), acme(3)]),
    );
    sf.on('GET', isQuery('Account'), queryPage([acme(3)]));
    const pages = await collect(connector().listChanges(testContext(), 'company', null));
    expect(sf.requests.map((r) => r.soql)).toEqual([
      'SELECT Id, IsDeleted, Name, Website, Industry, Phone, OwnerId, CreatedDate, LastModifiedDate, SystemModstamp FROM Account WHERE SystemModstamp <= 2024-06-03T11:59:00Z ORDER BY SystemModstamp ASC, Id ASC',
      "SELECT Id, IsDeleted, Name, Website, Industry, Phone, OwnerId, CreatedDate, LastModifiedDate, SystemModstamp FROM Account WHERE (SystemModstamp > 2024-06-01T00:00:02Z OR (SystemModstamp = 2024-06-01T00:00:02Z AND Id > '001xx000003DGb2AAG')) AND (SystemModstamp <= 2024-06-03T11:59:00Z) ORDER BY SystemModstamp ASC, Id ASC LIMIT 2",
    ]);
    expect(pages.map((p) => p.records.length)).toEqual([2, 1, 0]);
    expect(pages.at(-1)!.checkpoint).toEqual({
      v: 1,
      'Account.modstamp': '2024-06-01T00:00:03.000Z',
      'Account.lastId': '001xx000003DGb3AAG',
      'Account.deletedFrom': '2024-06-03T12:00:00.000Z',
    });
  });

  it('a batch the server cut short (done false, fewer rows than LIMIT) goes on from the anchor', async () => {
    const row = (n: number) => ({ Id: `001xx000003DGb${n}AAG`, SystemModstamp: `2024-06-01T00:00:0${n}.000+0000` });
    const since = {
      v: 1,
      'Account.modstamp': '2024-06-01T00:00:00.000Z',
      'Account.lastId': null,
      'Account.deletedFrom': '2024-06-03T12:00:00.000Z',
    };
    sf.on(
      'GET',
      (p, r) => isQuery('Account')(p) && /> 2024-06-01T00:00:00Z\)/.test(r.soql ?? ''),
      queryPage([row(1)], { done: false, totalSize: 2, nextRecordsUrl: `${API}/query/01gxx-2000` }),
    );
    sf.on('GET', isQuery('Account'), queryPage([row(2)]));
    const pages = await collect(connector().listChanges(testContext(), 'company', since));
    expect(pages.flatMap((p) => p.records.map((r) => r.externalId))).toEqual([
      '001xx000003DGb1AAG',
      '001xx000003DGb2AAG',
    ]);
    expect(sf.requests.filter((r) => r.soql)).toHaveLength(2);
  });

  it('above the threshold: Bulk API 2.0 query job, CSV coerced; the next run pages after the bulk cut-off', async () => {
    const jobId = '750xx000000Cf3oAAC';
    sf.on('GET', (p, r) => isQuery('Opportunity')(p) && /ORDER BY/.test(r.soql ?? ''), {
      status: 200,
      body: { totalSize: 25_000, done: false, records: [], nextRecordsUrl: `${API}/query/01gxx-2000` },
    });
    sf.on('POST', (p) => p === `${API}/jobs/query`, {
      status: 200,
      body: { ...sample('bulk2-query-job-info.json'), id: jobId, state: 'UploadComplete' },
    });
    sf.on('GET', (p) => p === `${API}/jobs/query/${jobId}`, {
      status: 200,
      body: { ...sample('bulk2-query-job-info.json'), id: jobId },
    });
    const csv = [
      'Id,IsDeleted,Name,Amount,StageName,Probability,CloseDate,IsClosed,IsWon,AccountId,OwnerId,CreatedDate,LastModifiedDate,SystemModstamp',
      '006xx000001a2b3AAA,false,Acme,1000,Prospecting,10,2024-07-01,false,false,001xx000003DGb2AAG,005xx000001SwiUAAS,2024-05-01T00:00:00.000Z,2024-05-02T00:00:00.000Z,2024-05-02T00:00:00.000Z',
      '006xx000001a2b4AAA,false,Globex,,Closed Won,100,2024-05-31,true,true,,005xx000001SwiUAAS,2024-05-01T00:00:00.000Z,2024-05-31T00:00:00.000Z,2024-05-31T00:00:00.000Z',
      '',
    ].join('\n');
    sf.on('GET', (p) => p.startsWith(`${API}/jobs/query/${jobId}/results`), {
      status: 200,
      body: csv,
      headers: { 'content-type': 'text/csv', 'sforce-locator': 'null', 'sforce-numberofrecords': '2' },
    });
    sf.on(
      'GET',
      (p) => isQuery('OpportunityContactRole')(p),
      queryPage([{ OpportunityId: '006xx000001a2b3AAA', ContactId: '003xx000004TmiQAAS' }]),
    );
    sf.on('GET', isQuery('Opportunity'), queryPage([]));

    const pages = await collect(
      connector({ bulkThreshold: 10_000, bulkPollIntervalMs: 1, bulkPollTimeoutMs: 5_000 }).listChanges(
        testContext(),
        'deal',
        null,
      ),
    );

    const create = sf.requests.find((r) => r.method === 'POST')!;
    expect(JSON.parse(create.body!)).toEqual({
      operation: 'query',
      contentType: 'CSV',
      columnDelimiter: 'COMMA',
      lineEnding: 'LF',
      query:
        'SELECT Id, IsDeleted, Name, Amount, StageName, Probability, CloseDate, IsClosed, IsWon, AccountId, OwnerId, CreatedDate, LastModifiedDate, SystemModstamp FROM Opportunity WHERE SystemModstamp <= 2024-06-03T11:59:00Z',
    });
    const deals = pages.flatMap((p) => p.records);
    expect(deals).toHaveLength(2);
    expect(deals[0]).toMatchObject({
      amount: 1000,
      stage: 'prospecting',
      isClosed: false,
      associations: { contacts: ['003xx000004TmiQAAS'], companies: ['001xx000003DGb2AAG'] },
    });
    expect(deals[1]).toMatchObject({ amount: null, stage: 'closed_won', isWon: true, associations: { companies: [] } });
    // Bulk pages keep the pre-backfill checkpoint: an interrupted backfill starts over.
    expect(pages[0]!.checkpoint['Opportunity.modstamp']).toBeNull();
    // One REST query (its totalSize chose bulk); no keyset query after the cut-off: it could only be empty.
    const keyset = sf.requests.filter(
      (r) => /FROM Opportunity WHERE/.test(r.soql ?? '') && /ORDER BY/.test(r.soql ?? ''),
    );
    expect(keyset).toHaveLength(1);
    expect(keyset[0]!.soql).not.toContain('LIMIT');
    expect(pages.at(-1)!.checkpoint['Opportunity.modstamp']).toBe('2024-06-03T11:59:00.000Z');
    expect(pages.at(-1)!.checkpoint['Opportunity.lastId']).toBeNull();
  });
});

describe('fetchByIds', () => {
  it("reads a deal's contact roles with Role and IsPrimary, in a stable order, primary then by role", async () => {
    const opp = '006xx000001a2b3AAA';
    const [ivan, carla, bea] = ['003xx000004TmiQAAS', '003xx000004TmiRAAS', '003xx000004TmiSAAS'];
    sf.on(
      'GET',
      isQuery('Opportunity'),
      queryPage([
        {
          Id: opp,
          Name: 'Umbrella platform',
          StageName: 'Proposal/Price Quote',
          CloseDate: '2027-06-30',
          IsClosed: false,
          IsWon: false,
          AccountId: '001xx000003DGb2AAG',
          SystemModstamp: '2024-06-01T00:00:00.000+0000',
        },
      ]),
    );
    sf.on(
      'GET',
      isQuery('OpportunityContactRole'),
      queryPage([
        { OpportunityId: opp, ContactId: ivan, Role: 'Other', IsPrimary: false },
        { OpportunityId: opp, ContactId: bea, Role: 'Economic Buyer', IsPrimary: false },
        { OpportunityId: opp, ContactId: carla, Role: 'Decision Maker', IsPrimary: true },
      ]),
    );
    const [deal] = await connector().fetchByIds(testContext(), 'deal', [opp]);
    const roles = sf.requests.map((r) => r.soql ?? '').find((q) => /FROM OpportunityContactRole/.test(q));
    expect(roles).toBe(
      `SELECT OpportunityId, ContactId, Role, IsPrimary FROM OpportunityContactRole WHERE OpportunityId IN ('${opp}') ORDER BY CreatedDate, Id`,
    );
    expect(deal!.associations.contacts).toEqual([carla, bea, ivan]);
    expect(deal!.associations.companies).toEqual(['001xx000003DGb2AAG']);
  });

  it('routes ids by key prefix and chunks WHERE Id IN (...) by 200', async () => {
    const contactIds = Array.from({ length: 201 }, (_, i) => `003xx0000${String(i).padStart(6, '0')}AAA`);
    sf.on(
      'GET',
      isQuery('Contact'),
      queryPage([{ Id: contactIds[0], LastName: 'A', SystemModstamp: '2024-06-01T00:00:00.000+0000' }]),
    );
    sf.on(
      'GET',
      isQuery('Lead'),
      queryPage([{ Id: '00Qxx000001abcDEAQ', LastName: 'L', SystemModstamp: '2024-06-01T00:00:00.000+0000' }]),
    );
    const out = await connector().fetchByIds(testContext(), 'contact', [
      ...contactIds,
      '00Qxx000001abcDEAQ',
      '001xx000003DGb2AAG',
    ]);
    const soql = sf.requests.map((r) => r.soql!);
    expect(soql).toHaveLength(3);
    expect(soql[0]).toMatch(/FROM Contact WHERE Id IN \('003xx0000000000AAA',/);
    expect((soql[0]!.match(/'003/g) ?? []).length).toBe(200);
    expect(soql[1]).toMatch(/FROM Contact WHERE Id IN \('003xx0000000200AAA'\)$/);
    expect(soql[2]).toMatch(/FROM Lead WHERE Id IN \('00Qxx000001abcDEAQ'\)$/);
    expect(out.map((r) => r.externalId)).toEqual([contactIds[0], contactIds[0], '00Qxx000001abcDEAQ']);
  });

  it('a string that is not a Salesforce id never reaches SOQL (it cannot exist, so it is absent)', async () => {
    await expect(
      connector().fetchByIds(testContext(), 'company', ["001' OR Name != '", "001xx' OR Id != '"]),
    ).resolves.toEqual([]);
    expect(sf.requests).toHaveLength(0);
  });
});

describe('session and quota errors', () => {
  it('401 INVALID_SESSION_ID → ctx.forceRefresh() once → retried with the new token', async () => {
    const invalid = sample('error-invalid-session.json');
    sf.on('GET', isQuery('Account'), { status: 401, body: invalid.body, headers: invalid.headers }, 1);
    sf.on('GET', isQuery('Account'), queryPage([]));
    sf.on('GET', (p) => p.includes('/deleted?'), emptyDeleted);
    const ctx = testContext();
    const since = {
      v: 1,
      'Account.modstamp': '2024-06-01T00:00:00.000Z',
      'Account.lastId': null,
      'Account.deletedFrom': '2024-06-03T00:00:00.000Z',
    };
    const pages = await collect(connector().listChanges(ctx, 'company', since));
    expect(pages.at(-1)!.done).toBe(true);
    expect(ctx.refreshCount()).toBe(1);
    expect(sf.requests.map((r) => r.headers.authorization)).toEqual([
      'Bearer at-1',
      'Bearer at-refreshed-1',
      'Bearer at-refreshed-1',
    ]);
  });

  it('401 again after the refresh → AuthExpiredError (no second refresh)', async () => {
    const invalid = sample('error-invalid-session.json');
    sf.on('GET', isQuery('Account'), { status: 401, body: invalid.body });
    const ctx = testContext();
    await expect(connector().fetchByIds(ctx, 'company', ['001xx000003DGb2AAG'])).rejects.toBeInstanceOf(
      AuthExpiredError,
    );
    expect(ctx.refreshCount()).toBe(1);
    expect(sf.requests).toHaveLength(2);
  });

  it('403 REQUEST_LIMIT_EXCEEDED → QuotaExhaustedError with retryAt one hour out and the usage', async () => {
    const limit = sample('error-request-limit-exceeded.json');
    sf.on('GET', isQuery('Account'), { status: 403, body: limit.body, headers: limit.headers });
    const err = await connector()
      .fetchByIds(testContext(), 'company', ['001xx000003DGb2AAG'])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QuotaExhaustedError);
    expect(err).toMatchObject({
      code: 'QUOTA_EXHAUSTED',
      status: 403,
      retryAt: NOW + 60 * 60 * 1000,
      where: 'query Account by id',
      provider: 'salesforce',
    });
    expect((err as Error).message).toContain('api-usage 100002/100000');
  });
});
