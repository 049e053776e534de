import nock from 'nock';
import { InvalidCursorError, NotFoundError, RateLimitedError } from '../../../src/core/index.js';
import { HUBSPOT_PROPERTIES } from '../../../connectors/hubspot/manifest.js';
import { fetchByIds, listChanges } from '../../../connectors/hubspot/sync.js';
import { API, NOW, aContext, aRecord, collect, fixture } from './helpers.js';

const opts = { now: () => NOW };
const LAG = 30_000;

beforeEach(() => nock.cleanAll());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});

/**
 * A nock 15 reply that records the JSON request body (nock hands the reply function the fetch Request).
 * With a tag, entries are recorded as [tag, body].
 */
function capture(into: any[], status: number, body: unknown, tag?: string) {
  return async (req: any) => {
    const json = await req.json();
    into.push(tag === undefined ? json : [tag, json]);
    return [status, body] as [number, any];
  };
}

/** Query string of a request path, repeated keys grouped into arrays (as the client sends them). */
function groupQuery(uri: string): [string, string | string[]][] {
  const params = new URL(uri, API).searchParams;
  return [...new Set(params.keys())].map((k) => {
    const all = params.getAll(k);
    return [k, all.length > 1 || k === 'properties' || k === 'associations' ? all : all[0]!];
  });
}

/** Records search bodies and answers them in order. */
function searchReplies(path: string, replies: { status?: number; body: unknown }[]) {
  const bodies: any[] = [];
  const scope = nock(API);
  for (const r of replies) {
    // Capture in the reply: nock may try a body predicate against requests for other paths.
    scope.post(path).reply(capture(bodies, r.status ?? 200, r.body));
  }
  return bodies;
}

/** v4 association batch read answering "no associations" for every id. */
function noAssociations(from: string, to: string[], times = 1) {
  const bodies: any[] = [];
  for (const t of to) {
    nock(API)
      .post(`/crm/v4/associations/${from}/${t}/batch/read`)
      .times(times)
      .reply(capture(bodies, 200, { status: 'COMPLETE', results: [] }));
  }
  return bodies;
}

describe('listChanges: first run = list-endpoint backfill', () => {
  it('pages with `after`, asks for associations, and checkpoints every page', async () => {
    const queries: any[] = [];
    const page1 = fixture('http/list-page-response.json');
    nock(API)
      .get('/crm/v3/objects/contacts')
      .query((q) => q.after === undefined)
      .matchHeader('authorization', 'Bearer access-token-1')
      .reply((req: any) => {
        queries.push(Object.fromEntries(groupQuery(req.url)));
        return [200, page1];
      })
      .get('/crm/v3/objects/contacts')
      .query((q) => q.after === '53')
      .reply((req: any) => {
        queries.push(Object.fromEntries(groupQuery(req.url)));
        return [
          200,
          {
            results: [
              {
                ...aRecord('53', { firstname: 'Grace', lastmodifieddate: '2024-06-02T00:00:00.000Z' }),
                associations: { companies: { results: [{ id: '77', type: 'contact_to_company' }] } },
              },
            ],
          },
        ];
      });

    const pages = await collect(listChanges(aContext(), 'contact', null, opts));

    expect(queries[0]).toEqual({
      limit: '100',
      properties: [...HUBSPOT_PROPERTIES.contact],
      associations: ['companies', 'deals'],
      archived: 'false',
    });
    expect(queries[1]).toMatchObject({ after: '53', limit: '100' });
    expect(pages.map((p) => [p.records.map((r) => r.externalId), p.checkpoint, p.done])).toEqual([
      [['51', '52'], { phase: 'backfill', since: NOW, after: '53', tieId: null, sweptAt: NOW }, false],
      [['53'], { phase: 'incremental', since: NOW - LAG, after: null, tieId: null, sweptAt: NOW }, true],
    ]);
    expect(pages[1]!.records[0]).toMatchObject({
      kind: 'contact',
      firstName: 'Grace',
      associations: { companies: ['77'] },
    });
    expect(pages.every((p) => p.deleted.length === 0)).toBe(true);
  });

  it('resumes a backfill from its checkpoint', async () => {
    nock(API)
      .get('/crm/v3/objects/deals')
      .query((q) => q.after === '400' && q.limit === '100')
      .reply(200, { results: [] });
    const pages = await collect(
      listChanges(aContext(), 'deal', { phase: 'backfill', since: NOW - 60_000, after: '400' }, opts),
    );
    expect(pages).toEqual([
      {
        records: [],
        deleted: [],
        checkpoint: {
          phase: 'incremental',
          since: NOW - 60_000 - LAG,
          after: null,
          tieId: null,
          sweptAt: NOW - 60_000,
        },
        done: true,
      },
    ]);
  });

  it('turns a rejected `after` into InvalidCursorError', async () => {
    nock(API).get('/crm/v3/objects/contacts').query(true).reply(400, {
      status: 'error',
      message: 'Invalid paging cursor',
      category: 'VALIDATION_ERROR',
      correlationId: 'cid-1',
    });
    await expect(
      collect(listChanges(aContext(), 'contact', { phase: 'backfill', since: NOW, after: 'garbage' }, opts)),
    ).rejects.toMatchObject({
      code: 'INVALID_CURSOR',
      providerRequestId: 'cid-1',
      where: 'GET /crm/v3/objects/contacts',
    });
  });
});

describe('listChanges: incremental search (keyset on last-modified, id)', () => {
  const since = Date.parse('2024-06-03T00:00:00.000Z');
  const stamp = (s: number) => new Date(since + s * 1000).toISOString();
  /** A checkpoint whose archived sweep is not due (swept just now). */
  const cp = (over: Record<string, unknown> = {}) => ({
    phase: 'incremental',
    since,
    after: null,
    tieId: null,
    sweptAt: NOW,
    ...over,
  });

  it('filters and sorts on lastmodifieddate, restarts each page from the last stamp (never an offset), checkpoints per page', async () => {
    const bodies = searchReplies('/crm/v3/objects/contacts/search', [
      {
        body: {
          total: 5,
          results: [aRecord('51', { lastmodifieddate: stamp(10) }), aRecord('54', { lastmodifieddate: stamp(20) })],
          paging: { next: { after: '2' } },
        },
      },
      {
        body: {
          total: 2,
          results: [aRecord('54', { lastmodifieddate: stamp(20) }), aRecord('55', { lastmodifieddate: stamp(30) })],
          paging: { next: { after: '2' } },
        },
      },
      { body: { total: 1, results: [aRecord('55', { lastmodifieddate: stamp(30) })] } },
    ]);
    const assocBodies: any[] = [];
    nock(API)
      .post('/crm/v4/associations/contacts/companies/batch/read')
      .reply(
        capture(
          assocBodies,
          207,
          {
            status: 'COMPLETE',
            results: [
              {
                from: { id: '51' },
                to: [
                  { toObjectId: 77, associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 1, label: 'Primary' }] },
                ],
              },
            ],
            errors: [
              {
                status: 'error',
                category: 'OBJECT_NOT_FOUND',
                message: 'No associations found for 54',
                context: { fromObjectId: ['54'] },
              },
            ],
          },
          'companies',
        ),
      )
      .post('/crm/v4/associations/contacts/deals/batch/read')
      .reply(
        capture(
          assocBodies,
          200,
          {
            status: 'COMPLETE',
            results: [
              {
                from: { id: '54' },
                to: [{ toObjectId: 301, associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 4, label: null }] }],
              },
            ],
          },
          'deals',
        ),
      );
    noAssociations('contacts', ['companies', 'deals'], 2);

    const pages = await collect(listChanges(aContext(), 'contact', cp(), { ...opts, pageSize: 2 }));

    expect(bodies[0]).toEqual({
      filterGroups: [{ filters: [{ propertyName: 'lastmodifieddate', operator: 'GTE', value: String(since) }] }],
      sorts: [{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' }],
      properties: [...HUBSPOT_PROPERTIES.contact],
      limit: 2,
    });
    // Keyset: no request ever carries `after`; each restarts from the last stamp read.
    expect(bodies.map((b) => b.after)).toEqual([undefined, undefined, undefined]);
    expect(bodies.map((b) => b.filterGroups[0].filters[0].value)).toEqual([
      String(since),
      String(since + 20_000),
      String(since + 30_000),
    ]);
    expect(assocBodies).toEqual([
      ['companies', { inputs: [{ id: '51' }, { id: '54' }] }],
      ['deals', { inputs: [{ id: '51' }, { id: '54' }] }],
    ]);
    expect(pages[0]!.records).toEqual([
      expect.objectContaining({ externalId: '51', associations: { contacts: [], companies: ['77'], deals: [] } }),
      expect.objectContaining({ externalId: '54', associations: { contacts: [], companies: [], deals: ['301'] } }),
    ]);
    expect(pages.map((p) => [p.checkpoint, p.done])).toEqual([
      [cp({ since: since + 20_000 }), false],
      [cp({ since: since + 30_000 }), false],
      // Finished: newest stamp read minus the search-lag window, never behind where the run started.
      [cp({ since: since + 30_000 - LAG }), true],
    ]);
  });

  it('a full page sharing one stamp switches to a tie scan by id, then continues past that stamp', async () => {
    const same = stamp(5);
    const bodies = searchReplies('/crm/v3/objects/companies/search', [
      {
        body: {
          total: 9,
          results: [aRecord('1', { hs_lastmodifieddate: same }), aRecord('2', { hs_lastmodifieddate: same })],
        },
      },
      {
        body: {
          total: 9,
          results: [aRecord('1', { hs_lastmodifieddate: same }), aRecord('2', { hs_lastmodifieddate: same })],
        },
      },
      { body: { total: 9, results: [aRecord('3', { hs_lastmodifieddate: same })] } },
      { body: { total: 0, results: [] } },
    ]);
    noAssociations('companies', ['contacts', 'deals'], 3);
    const pages = await collect(
      listChanges(aContext(), 'company', cp({ since: since + 5000 }), { ...opts, pageSize: 2 }),
    );
    expect(bodies[1]).toEqual({
      filterGroups: [
        {
          filters: [
            { propertyName: 'hs_lastmodifieddate', operator: 'EQ', value: String(since + 5000) },
            { propertyName: 'hs_object_id', operator: 'GT', value: '0' },
          ],
        },
      ],
      sorts: [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }],
      properties: [...HUBSPOT_PROPERTIES.company],
      limit: 2,
    });
    expect(bodies[2].filterGroups[0].filters[1]).toEqual({ propertyName: 'hs_object_id', operator: 'GT', value: '2' });
    expect(bodies[3].filterGroups[0].filters).toEqual([
      { propertyName: 'hs_lastmodifieddate', operator: 'GT', value: String(since + 5000) },
    ]);
    expect(pages.flatMap((p) => p.records.map((r) => r.externalId))).toEqual(['1', '2', '1', '2', '3']);
    expect(pages.at(-1)!.done).toBe(true);
  });

  it('resumes a tie scan from its checkpoint', async () => {
    const bodies = searchReplies('/crm/v3/objects/companies/search', [
      { body: { total: 0, results: [] } },
      { body: { total: 0, results: [] } },
    ]);
    await collect(listChanges(aContext(), 'company', cp({ tieId: '200' }), opts));
    expect(bodies[0].filterGroups[0].filters[1]).toEqual({
      propertyName: 'hs_object_id',
      operator: 'GT',
      value: '200',
    });
    expect(bodies[1].filterGroups[0].filters[0]).toMatchObject({ operator: 'GT', value: String(since) });
  });

  it('keeps a 400 as PROVIDER_REJECTED (no cursor to blame)', async () => {
    searchReplies('/crm/v3/objects/contacts/search', [
      { status: 400, body: fixture('http/error-400-validation.json').body },
    ]);
    await expect(collect(listChanges(aContext(), 'contact', cp(), opts))).rejects.toMatchObject({
      code: 'PROVIDER_REJECTED',
    });
  });

  it('maps the search secondly limit to RATE_LIMITED with a 1 s retry', async () => {
    const e429 = fixture('http/error-429-search-secondly.json');
    searchReplies('/crm/v3/objects/contacts/search', [{ status: 429, body: e429.body }]);
    const err = await collect(listChanges(aContext(), 'contact', cp(), opts)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect(err).toMatchObject({ retryAt: NOW + 1_000, providerRequestId: e429.body.correlationId });
  });

  it.each([
    [{ phase: 'sideways', since: 1, after: null }],
    [{ phase: 'incremental', since: 'yesterday', after: null }],
    [{ after: '10' }],
  ])('rejects an unreadable checkpoint %j as InvalidCursorError', async (c) => {
    await expect(collect(listChanges(aContext(), 'contact', c as any, opts))).rejects.toBeInstanceOf(
      InvalidCursorError,
    );
  });

  it('fails loudly on a response that does not match the schema', async () => {
    searchReplies('/crm/v3/objects/contacts/search', [{ body: { results: 'nope' } }]);
    await expect(collect(listChanges(aContext(), 'contact', cp(), opts))).rejects.toMatchObject({
      code: 'INVALID_PAYLOAD',
      where: 'POST /crm/v3/objects/contacts/search',
    });
  });

  it('fetches a fresh access token for every request', async () => {
    let n = 0;
    const ctx = aContext({ getAccessToken: async () => `tok-${++n}` });
    nock(API)
      .post('/crm/v3/objects/notes/search')
      .matchHeader('authorization', 'Bearer tok-1')
      .reply(200, { total: 2, results: [aRecord('1', { hs_lastmodifieddate: stamp(1) })] })
      .post('/crm/v3/objects/notes/search')
      .matchHeader('authorization', 'Bearer tok-5')
      .reply(200, { total: 0, results: [] });
    noAssociations('notes', ['contacts', 'companies', 'deals']);
    await collect(listChanges(ctx, 'note', cp(), { ...opts, pageSize: 1 }));
    expect(n).toBe(5);
  });

  it('a due archived sweep lists archived records and reports those archived since the last sweep as deleted', async () => {
    searchReplies('/crm/v3/objects/deals/search', [{ body: { total: 0, results: [] } }]);
    const old = NOW - 3 * 3600_000;
    nock(API)
      .get('/crm/v3/objects/deals')
      .query((q) => q.archived === 'true')
      .reply(200, {
        results: [
          { ...aRecord('7', {}), archived: true, archivedAt: new Date(NOW - 600_000).toISOString() },
          { ...aRecord('8', {}), archived: true, archivedAt: new Date(old - 3600_000).toISOString() },
        ],
      });
    const pages = await collect(listChanges(aContext(), 'deal', cp({ sweptAt: old }), opts));
    expect(pages.flatMap((p) => p.deleted)).toEqual([{ kind: 'deal', externalId: '7' }]);
    expect(pages.at(-1)).toMatchObject({ done: true, checkpoint: { phase: 'incremental', sweptAt: NOW } });
  });
});

describe('fetchByIds', () => {
  it('batch-reads (dedupes ids, 207 = some missing) and adds associations', async () => {
    const reads: any[] = [];
    nock(API)
      .post('/crm/v3/objects/deals/batch/read')
      .query({ archived: 'false' })
      .reply(capture(reads, 207, fixture('http/batch-read-response-207.json')))
      .post('/crm/v4/associations/deals/contacts/batch/read', { inputs: [{ id: '301' }] })
      .reply(200, {
        status: 'COMPLETE',
        results: [
          {
            from: { id: '301' },
            to: [{ toObjectId: 51, associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 3 }] }],
          },
        ],
      })
      .post('/crm/v4/associations/deals/companies/batch/read', { inputs: [{ id: '301' }] })
      .reply(200, {
        status: 'COMPLETE',
        results: [
          {
            from: { id: '301' },
            to: [
              {
                toObjectId: 77,
                associationTypes: [
                  { category: 'HUBSPOT_DEFINED', typeId: 5 },
                  { category: 'HUBSPOT_DEFINED', typeId: 341 },
                ],
              },
            ],
          },
        ],
      });

    const records = await fetchByIds(aContext(), 'deal', ['301', '302', '999', '301', ''], opts);

    expect(reads).toEqual([
      {
        inputs: [{ id: '301' }, { id: '302' }, { id: '999' }],
        properties: [...HUBSPOT_PROPERTIES.deal],
        propertiesWithHistory: [],
      },
    ]);
    expect(records).toEqual([
      expect.objectContaining({
        kind: 'deal',
        externalId: '301',
        stage: 'negotiation',
        amount: 12000,
        associations: { contacts: ['51'], companies: ['77'], deals: [] },
        url: 'https://app.hubspot.com/contacts/62515/record/0-3/301',
      }),
    ]);
  });

  it('splits more than 100 ids into batches of 100', async () => {
    const sizes: number[] = [];
    nock(API)
      .post('/crm/v3/objects/tasks/batch/read')
      .query(true)
      .times(3)
      .reply(async (req: any) => {
        sizes.push((await req.json()).inputs.length);
        return [200, { status: 'COMPLETE', results: [] }];
      });
    const ids = Array.from({ length: 250 }, (_, i) => String(i + 1));
    expect(await fetchByIds(aContext(), 'task', ids, opts)).toEqual([]);
    expect(sizes).toEqual([100, 100, 50]);
  });

  it('propagates a 404 of the batch read as NotFoundError', async () => {
    nock(API)
      .post('/crm/v3/objects/contacts/batch/read')
      .query(true)
      .reply(404, { status: 'error', message: 'nope', category: 'OBJECT_NOT_FOUND' });
    await expect(fetchByIds(aContext(), 'contact', ['1', '2', '3'], opts)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('reads a few ids one GET each with associations inline (1 call per record, not 1 + one per associated kind)', async () => {
    const asked: [string, string | string[]][][] = [];
    nock(API)
      .get('/crm/v3/objects/deals/301')
      .query(true)
      .reply((req: any) => {
        asked.push(groupQuery(req.url));
        return [
          200,
          {
            id: '301',
            archived: false,
            createdAt: '2024-05-01T10:00:00.000Z',
            updatedAt: '2024-06-01T10:00:00.000Z',
            properties: {
              dealname: 'Acme renewal',
              dealstage: 'contractsent',
              amount: '12000',
              hs_lastmodifieddate: '2024-06-01T10:00:00.000Z',
            },
            associations: {
              contacts: { results: [{ id: '51', type: 'deal_to_contact' }] },
              companies: { results: [{ id: '77', type: 'deal_to_company' }] },
            },
          },
        ];
      })
      .get('/crm/v3/objects/deals/999')
      .query(true)
      .reply(404, { status: 'error', message: 'Object not found.', category: 'OBJECT_NOT_FOUND' });

    const records = await fetchByIds(aContext(), 'deal', ['301', '999', '301'], opts);

    expect(asked).toEqual([
      [
        ['properties', [...HUBSPOT_PROPERTIES.deal]],
        ['associations', ['contacts', 'companies']],
        ['archived', 'false'],
      ],
    ]);
    // The one missing id is absent, like a batch read's 207 error.
    expect(records).toEqual([
      expect.objectContaining({
        kind: 'deal',
        externalId: '301',
        associations: { contacts: ['51'], companies: ['77'], deals: [] },
      }),
    ]);
  });

  it('a single GET still maps its other failures (a 429 is RATE_LIMITED, not "missing")', async () => {
    nock(API).get('/crm/v3/objects/contacts/5').query(true).reply(429, {
      status: 'error',
      message: 'You have reached your ten_secondly_rolling limit.',
      policyName: 'TEN_SECONDLY_ROLLING',
    });
    await expect(fetchByIds(aContext(), 'contact', ['5'], opts)).rejects.toBeInstanceOf(RateLimitedError);
  });
});

// The network-lock setup activates nock in every test file; restore it so the next file in this worker
// starts from the real fetch instead of this file's (then stale) interceptor.
afterAll(() => nock.restore());
