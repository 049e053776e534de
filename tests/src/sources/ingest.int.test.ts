import request from 'supertest';
import type { Activity } from '../../../src/core/canonical.js';
import { generateIngestKey } from '../../../src/sources/ingest-keys.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';
import { aCompany, aContact, aDeal, recordingQueue, seedConnection, sourcesApp, T0 } from './helpers.js';

const engine = process.env.DATABASE_URL ? 'postgres' : 'pglite';

describe(`ingest API (${engine})`, () => {
  let t: TestDb;
  let now = T0;
  const queue = recordingQueue();
  let app: ReturnType<typeof sourcesApp>['app'];
  const keys = { A: '', B: '', revoked: '' };

  const item = (sourceId: string, over: Record<string, unknown> = {}) => ({
    sourceId,
    type: 'call_transcript',
    occurredAt: '2026-01-01T09:00:00+01:00',
    title: 'Discovery call',
    text: 'Ada: we need SSO and an audit report before legal signs.',
    participants: [],
    ...over,
  });
  const post = (key: string | null, body: unknown) => {
    const r = request(app).post('/ingest/v1/interactions');
    if (key !== null) r.set('Authorization', `Bearer ${key}`);
    return r.send(body as object);
  };
  const stored = (conn: string, kind: Activity['kind'], sourceId: string) =>
    t.store.records.get<Activity>(conn, kind, `ingest:${sourceId}`);
  const newKey = async (connectionId: string) => {
    const k = generateIngestKey();
    await t.store.sources.createIngestKey({ id: k.id, connectionId, secretSha256: k.secretSha256, label: null });
    return k;
  };

  beforeAll(async () => {
    t = await openTestDb();
    await seedConnection(t.store, 'connA', 'tenantA');
    await seedConnection(t.store, 'connB', 'tenantB');
    await t.store.records.upsertMany('connA', [
      aCompany('acme', { name: 'Acme Inc.', domain: 'acme.com' }),
      aCompany('initech', { name: 'Initech', website: 'https://www.initech.example/about' }),
      aCompany('mailco', { name: 'Gmail reseller', domain: 'gmail.com' }),
      aContact('c1', {
        email: 'Ada.Lovelace@Acme.com',
        associations: { contacts: [], companies: ['acme'], deals: ['d1', 'd2'] },
      }),
      aContact('c2', { email: 'jane.doe+crm@googlemail.com' }),
      aDeal('d1', { associations: { contacts: ['c1'], companies: ['acme'], deals: [] } }),
      aDeal('d2', {
        isClosed: true,
        isWon: true,
        stage: 'closed_won',
        associations: { contacts: ['c1'], companies: [], deals: [] },
      }),
      aDeal('d3', { associations: { contacts: ['c2'], companies: [], deals: [] } }),
    ]);
    await t.store.records.upsertMany('connB', [
      aContact('cB1', { email: 'ada.lovelace@acme.com' }),
      aDeal('dB1', { associations: { contacts: ['cB1'], companies: [], deals: [] } }),
    ]);
    keys.A = (await newKey('connA')).key;
    keys.B = (await newKey('connB')).key;
    const r = await newKey('connA');
    keys.revoked = r.key;
    await t.store.sources.revokeIngestKey(r.id, new Date(T0));
    app = sourcesApp(t.store, queue, { now: () => now }).app;
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(() => {
    queue.sent.length = 0;
    now += 60_000;
  });

  describe('authentication', () => {
    const wrongSecret = () => `${keys.A.slice(0, 17)}${'A'.repeat(43)}`;
    test.each([
      ['no Authorization header', null, /missing bearer key/],
      ['not a bearer credential', 'Basic Zm9vOmJhcg==', /missing bearer key/],
      ['malformed key', 'Bearer hello', /invalid key/],
      ['right id, wrong secret', () => `Bearer ${wrongSecret()}`, /invalid key/],
      ['revoked key', () => `Bearer ${keys.revoked}`, /was revoked/],
    ])('%s → 401', async (_n, header, message) => {
      const r = request(app).post('/ingest/v1/interactions').set('Content-Type', 'application/json');
      const h = typeof header === 'function' ? header() : header;
      if (h) r.set('Authorization', h);
      // The body is not even read: invalid JSON gets 401, not 400.
      const res = await r.send('{not json');
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(res.body).toEqual({ error: 'AUTH_REVOKED', message: expect.stringMatching(message) });
      expect(queue.sent).toEqual([]);
    });

    test('GET and DELETE need a key too', async () => {
      expect((await request(app).get('/ingest/v1/interactions/x')).status).toBe(401);
      expect((await request(app).delete('/ingest/v1/interactions/x')).status).toBe(401);
    });
  });

  describe('validation', () => {
    test('400 lists every zod issue with its path', async () => {
      const res = await post(keys.A, {
        items: [
          item('ok-1'),
          { ...item('bad-1'), type: 'fax', occurredAt: 'yesterday', text: '' },
          item('ok-1', { participants: [{ email: 'not-an-email' }, {}], crm: { contactIds: 'c1' } }),
        ],
      });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('INVALID_PAYLOAD');
      const paths = res.body.issues.map((i: { path: string }) => i.path);
      expect(paths).toEqual(
        expect.arrayContaining([
          'items[1].type',
          'items[1].occurredAt',
          'items[1].text',
          'items[2].participants[0].email',
          'items[2].participants[1]',
          'items[2].crm.contactIds',
          'items[2].sourceId',
        ]),
      );
      expect(res.body.issues.find((i: { path: string }) => i.path === 'items[2].sourceId').message).toMatch(
        /duplicate sourceId/,
      );
      expect(res.body.message).toMatch(/invalid fields/);
      expect(await stored('connA', 'call', 'ok-1')).toBeNull(); // all or nothing
    });

    test('at most 100 items; at least one', async () => {
      const many = await post(keys.A, { items: Array.from({ length: 101 }, (_, i) => item(`bulk-${i}`)) });
      expect(many.status).toBe(400);
      expect(many.body.issues).toEqual([{ path: 'items', message: expect.stringMatching(/100/) }]);
      expect((await post(keys.A, { items: [] })).status).toBe(400);
      expect((await post(keys.A, {})).body.issues).toEqual([{ path: 'items', message: expect.any(String) }]);
    });

    test('unparsable JSON → 400, oversized body → 413', async () => {
      const bad = await request(app)
        .post('/ingest/v1/interactions')
        .set('Authorization', `Bearer ${keys.A}`)
        .set('Content-Type', 'application/json')
        .send('{"items": [');
      expect(bad.status).toBe(400);
      expect(bad.body.error).toBe('INVALID_PAYLOAD');
      const big = await post(keys.A, { items: [item('huge', { text: 'x'.repeat(2.5 * 1024 * 1024) })] });
      expect(big.status).toBe(413);
      expect(big.body.error).toBe('INVALID_PAYLOAD');
    });

    test('what the database cannot hold, control characters in ids, times out of range, deep nesting: 400 with the path, never 500', async () => {
      const cases: [Record<string, unknown>, string][] = [
        [{ sourceId: 'a\u0000b' }, 'items[0].sourceId'],
        [{ sourceId: 'a\u0001b' }, 'items[0].sourceId'],
        [{ sourceId: '\ud800' }, 'items[0].sourceId'],
        [{ text: 'call notes\u0000' }, 'items[0].text'],
        [{ title: 'x\udc00' }, 'items[0].title'],
        [{ participants: [{ name: 'Ada\u0000' }] }, 'items[0].participants[0].name'],
        [{ crm: { dealId: 'd1\u0000' } }, 'items[0].crm.dealId'],
        [{ occurredAt: '0000-01-01T00:00:00Z' }, 'items[0].occurredAt'],
        [{ occurredAt: '9999-12-31T23:00:00Z' }, 'items[0].occurredAt'],
      ];
      for (const [over, path] of cases) {
        const r = await post(keys.A, { items: [item('odd', over)] });
        expect([path, r.status]).toEqual([path, 400]);
        expect(r.body.issues.map((i: { path: string }) => i.path)).toContain(path);
      }
      expect(await stored('connA', 'call', 'odd')).toBeNull();
      const deep = await request(app)
        .post('/ingest/v1/interactions')
        .set('Authorization', `Bearer ${keys.A}`)
        .set('Content-Type', 'application/json')
        .send(`{"items":[],"x":${'['.repeat(10_000)}${']'.repeat(10_000)}}`);
      expect(deep.status).toBe(400);
      expect(deep.body).toMatchObject({ error: 'INVALID_PAYLOAD', message: expect.stringMatching(/nested deeper/) });
      // A sourceId no POST could have stored names nothing (404), whatever its bytes.
      for (const id of ['%00', 'a%00b', 'x%01', '%7F']) {
        const r = await request(app).get(`/ingest/v1/interactions/${id}`).set('Authorization', `Bearer ${keys.A}`);
        expect([id, r.status]).toEqual([id, 404]);
      }
      // Not even a URL's encoding: the caller's mistake too.
      for (const id of ['%E0%A4%A', '%ED%A0%80']) {
        const r = await request(app).get(`/ingest/v1/interactions/${id}`).set('Authorization', `Bearer ${keys.A}`);
        expect([id, r.status]).toEqual([id, 400]);
      }
      expect(
        (await request(app).delete('/ingest/v1/interactions/a%00b').set('Authorization', `Bearer ${keys.A}`)).status,
      ).toBe(404);
    });

    test('the same items posted side by side in opposite orders: every request answers 200 (no deadlock reaches the caller)', async () => {
      const a = item('pair-1');
      const b = item('pair-2', { text: 'Second call: pricing questions.' });
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => post(keys.A, { items: i % 2 ? [a, b] : [b, a] })),
      );
      expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
    });
  });

  describe('associations', () => {
    test('participant emails → contacts → their companies and open deals; unmatched domains → companies; free mail ignored', async () => {
      const res = await post(keys.A, {
        items: [
          item('call-1', {
            participants: [
              { email: 'ADA.LOVELACE@acme.com', name: 'Ada' },
              { email: 'janedoe@gmail.com' },
              { email: 'bob@sales.initech.example' },
              { email: 'someone@yahoo.co.uk' },
              { email: 'stranger@gmail.com' },
              { name: 'Dial-in user', phone: '+1 415 555 0100' },
            ],
          }),
        ],
      });
      expect(res.status).toBe(200);
      expect(res.body.items).toEqual([
        {
          sourceId: 'call-1',
          externalId: 'ingest:call-1',
          kind: 'call',
          status: 'created',
          unknownCrmIds: [],
          associations: { contacts: ['c1', 'c2'], companies: ['acme', 'initech'], deals: ['d1', 'd3'] },
        },
      ]);
      const a = await stored('connA', 'call', 'call-1');
      expect(a).toMatchObject({
        kind: 'call',
        provider: 'ingest',
        externalId: 'ingest:call-1',
        subject: 'Discovery call',
        archived: false,
        body: 'Ada: we need SSO and an audit report before legal signs.',
        occurredAt: '2026-01-01T08:00:00.000Z',
        url: null,
      });
      // Stored, indexed and re-analysed through the one change step, in the request's transaction.
      expect(queue.sent.every((j) => j.inTx)).toBe(true);
      expect(queue.take('index').map((j) => j.data)).toEqual([
        { connectionId: 'connA', records: [{ kind: 'call', externalId: 'ingest:call-1' }] },
      ]);
      expect(queue.take('analyze').map((j) => [j.data.dealId, j.opts?.singletonKey])).toEqual([
        ['d1', 'connA:d1'],
        ['d3', 'connA:d3'],
      ]);
    });

    test('explicit CRM ids win kind by kind when they exist; unknown ones are reported and ignored', async () => {
      const res = await post(keys.A, {
        items: [
          item('notes-1', {
            type: 'meeting_notes',
            participants: [{ email: 'ada.lovelace@acme.com' }],
            crm: { dealId: 'd3', companyId: 'nope', contactIds: ['c2', 'ghost'] },
          }),
          item('invite-1', {
            type: 'calendar_invite',
            participants: [{ email: 'x@gmail.com' }, { email: 'y@hotmail.fr' }],
          }),
          item('msg-1', { type: 'message', participants: [] }),
        ],
      });
      expect(res.status).toBe(200);
      const [notes, invite, msg] = res.body.items;
      expect(notes).toMatchObject({
        kind: 'meeting',
        unknownCrmIds: ['nope', 'ghost'],
        associations: { contacts: ['c2'], companies: ['acme'], deals: ['d3'] },
      });
      expect(invite).toMatchObject({ kind: 'meeting', associations: { contacts: [], companies: [], deals: [] } });
      expect(msg).toMatchObject({ kind: 'note', associations: { contacts: [], companies: [], deals: [] } });
    });
  });

  describe('idempotency, updates, deletion', () => {
    test('re-posting the same item changes nothing; new content replaces it', async () => {
      const body = { items: [item('idem-1', { participants: [{ email: 'ada.lovelace@acme.com' }] })] };
      expect((await post(keys.A, body)).body.items[0].status).toBe('created');
      const first = (await stored('connA', 'call', 'idem-1'))!;
      queue.sent.length = 0;
      now += 1000;
      expect((await post(keys.A, body)).body.items[0].status).toBe('unchanged');
      expect(queue.sent).toEqual([]);
      expect((await stored('connA', 'call', 'idem-1'))!.updatedAt).toBe(first.updatedAt);

      now += 1000;
      const changed = { items: [item('idem-1', { text: 'Ada: legal signed. Kick-off on Monday.', participants: [] })] };
      expect((await post(keys.A, changed)).body.items[0].status).toBe('updated');
      const second = (await stored('connA', 'call', 'idem-1'))!;
      expect(second.body).toBe('Ada: legal signed. Kick-off on Monday.');
      expect(second.createdAt).toBe(first.createdAt);
      expect(Date.parse(second.updatedAt)).toBeGreaterThan(Date.parse(first.updatedAt));
      expect(queue.take('index').map((j) => j.data.records)).toEqual([[{ kind: 'call', externalId: 'ingest:idem-1' }]]);
      // d1 no longer mentioned: it is re-analysed too.
      expect(queue.take('analyze').map((j) => j.data.dealId)).toEqual(['d1']);
    });

    test('a clock behind the stored version still replaces it (the stamp moves forward)', async () => {
      await post(keys.A, { items: [item('skew-1')] });
      const before = (await stored('connA', 'call', 'skew-1'))!;
      now -= 3_600_000;
      expect(
        (await post(keys.A, { items: [item('skew-1', { text: 'corrected transcript' })] })).body.items[0].status,
      ).toBe('updated');
      const after = (await stored('connA', 'call', 'skew-1'))!;
      expect(after.body).toBe('corrected transcript');
      expect(Date.parse(after.updatedAt)).toBeGreaterThan(Date.parse(before.updatedAt));
      now += 3_600_000;
    });

    test('re-posting with another type moves it to the new kind; the old one leaves', async () => {
      await post(keys.A, { items: [item('kind-1', { type: 'message' })] });
      queue.sent.length = 0;
      const res = await post(keys.A, { items: [item('kind-1', { type: 'meeting_notes' })] });
      expect(res.body.items[0]).toMatchObject({ kind: 'meeting', status: 'created' });
      // The old version is erased (src/sync/apply-changes.ts), and removed from the index under its own provider.
      expect(await stored('connA', 'note', 'kind-1')).toBeNull();
      expect(await stored('connA', 'meeting', 'kind-1')).toMatchObject({ archived: false });
      expect(queue.take('index').flatMap((j) => j.data.records)).toEqual([
        { kind: 'meeting', externalId: 'ingest:kind-1' },
        expect.objectContaining({ kind: 'note', externalId: 'ingest:kind-1', provider: 'ingest', removed: true }),
      ]);
      const got = await request(app).get('/ingest/v1/interactions/kind-1').set('Authorization', `Bearer ${keys.A}`);
      expect(got.body).toMatchObject({ kind: 'meeting', externalId: 'ingest:kind-1' });
    });

    test('DELETE erases it (record gone, index job, deals re-analysed); a second DELETE is 404; re-posting re-creates it', async () => {
      await post(keys.A, { items: [item('del-1', { participants: [{ email: 'ada.lovelace@acme.com' }] })] });
      queue.sent.length = 0;
      const del = await request(app).delete('/ingest/v1/interactions/del-1').set('Authorization', `Bearer ${keys.A}`);
      expect(del.status).toBe(204);
      expect(await stored('connA', 'call', 'del-1')).toBeNull();
      expect(queue.take('index').map((j) => j.data)).toEqual([
        {
          connectionId: 'connA',
          records: [
            expect.objectContaining({ kind: 'call', externalId: 'ingest:del-1', provider: 'ingest', removed: true }),
          ],
        },
      ]);
      expect(queue.take('analyze').map((j) => j.data.dealId)).toEqual(['d1']);
      expect(
        (await request(app).get('/ingest/v1/interactions/del-1').set('Authorization', `Bearer ${keys.A}`)).status,
      ).toBe(404);
      expect(
        (await request(app).delete('/ingest/v1/interactions/del-1').set('Authorization', `Bearer ${keys.A}`)).status,
      ).toBe(404);
      expect((await post(keys.A, { items: [item('del-1')] })).body.items[0].status).toBe('created');
      expect(await stored('connA', 'call', 'del-1')).toMatchObject({
        archived: false,
        body: expect.stringContaining('SSO'),
      });
    });
  });

  describe('tenant isolation', () => {
    test("a key of B writes only to B, links only B's records, and cannot read or delete A's items", async () => {
      await post(keys.A, { items: [item('shared-id', { text: 'CANARY-A renewal terms' })] });
      queue.sent.length = 0;
      const res = await post(keys.B, {
        items: [
          item('shared-id', {
            text: 'CANARY-B',
            participants: [{ email: 'ada.lovelace@acme.com' }, { email: 'bob@initech.example' }],
            crm: { dealId: 'd1', companyId: 'acme', contactIds: ['c1'] },
          }),
        ],
      });
      expect(res.status).toBe(200);
      // A's ids do not exist for B: reported unknown, never linked. The email matches B's own contact.
      expect(res.body.items[0]).toMatchObject({
        status: 'created',
        unknownCrmIds: ['d1', 'acme', 'c1'],
        associations: { contacts: ['cB1'], companies: [], deals: ['dB1'] },
      });
      expect(queue.sent.every((j) => j.data.connectionId === 'connB')).toBe(true);
      expect((await stored('connA', 'call', 'shared-id'))!.body).toBe('CANARY-A renewal terms');
      expect((await stored('connB', 'call', 'shared-id'))!.body).toBe('CANARY-B');

      await post(keys.A, { items: [item('only-a', { text: 'CANARY-A only' })] });
      const asB = (r: request.Test) => r.set('Authorization', `Bearer ${keys.B}`);
      expect((await asB(request(app).get('/ingest/v1/interactions/only-a'))).status).toBe(404);
      expect((await asB(request(app).delete('/ingest/v1/interactions/only-a'))).status).toBe(404);
      expect(await stored('connA', 'call', 'only-a')).toMatchObject({ archived: false });
      const readB = await asB(request(app).get('/ingest/v1/interactions/shared-id'));
      expect(readB.body.body).toBe('CANARY-B');
      expect(JSON.stringify(readB.body)).not.toContain('CANARY-A');
    });
  });
});
