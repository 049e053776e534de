import request from 'supertest';
import type { Activity } from '../../../src/core/canonical.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';
import { aCompany, aDeal, fixture, recordingQueue, seedConnection, slackSignature, sourcesApp, T0 } from './helpers.js';

const engine = process.env.DATABASE_URL ? 'postgres' : 'pglite';
const SECRET = 'slack-signing-secret-for-tests';
const TEAM = 'T0ACME001';
const CHANNEL = 'C0DEALS01';
const MSG_ID = `slack:${TEAM}:${CHANNEL}:1767261600.000200`;

describe(`Slack Events API (${engine})`, () => {
  let t: TestDb;
  let now = T0;
  const queue = recordingQueue();
  let app: ReturnType<typeof sourcesApp>['app'];

  /** Sends `body` exactly as given, signed over those bytes (unless told otherwise). */
  const deliver = (
    body: string,
    o: { ts?: number; signature?: string | null; timestamp?: string | null; retry?: number } = {},
  ) => {
    const ts = String(o.ts ?? Math.floor(now / 1000));
    const r = request(app).post('/slack/events').set('Content-Type', 'application/json');
    if (o.timestamp !== null) r.set('X-Slack-Request-Timestamp', o.timestamp ?? ts);
    if (o.signature !== null) r.set('X-Slack-Signature', o.signature ?? slackSignature(SECRET, ts, body));
    if (o.retry) r.set('X-Slack-Retry-Num', String(o.retry)).set('X-Slack-Retry-Reason', 'http_timeout');
    return r.send(body);
  };
  const event = (name: string, patch: (e: any) => void = () => undefined) => {
    const e = fixture(name);
    patch(e);
    return JSON.stringify(e);
  };
  const note = (conn = 'connA', id = MSG_ID) => t.store.records.get<Activity>(conn, 'note', id);

  beforeAll(async () => {
    t = await openTestDb();
    await seedConnection(t.store, 'connA', 'tenantA');
    await seedConnection(t.store, 'connB', 'tenantB');
    await t.store.records.upsertMany('connA', [
      aCompany('globex', { name: 'Globex Corporation', domain: 'globex.com' }),
      aCompany('initech', { name: 'Initech', domain: 'initech.example' }),
      aCompany('hooli', { name: 'Hooli', domain: 'hooli.com' }),
      aDeal('dH', { associations: { contacts: [], companies: ['hooli'], deals: [] } }),
    ]);
    await t.store.records.upsertMany('connB', [aCompany('globexB', { name: 'Globex Corporation' })]);
    await t.store.sources.bindSlackTeam({ teamId: TEAM, connectionId: 'connA', domain: 'acme' });
    await t.store.sources.bindSlackTeam({ teamId: 'T0OTHER01', connectionId: 'connB', domain: null });
    await t.store.sources.bindSlackChannel({ teamId: TEAM, channelId: 'C0HOOLI01', companyId: 'hooli' });
    app = sourcesApp(t.store, queue, { now: () => now, slackSigningSecret: SECRET }).app;
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(() => {
    queue.sent.length = 0;
  });

  test('without SLACK_SIGNING_SECRET the endpoint is off (404)', async () => {
    const off = sourcesApp(t.store, queue, { slackSigningSecret: null }).app;
    const body = event('slack-url-verification.json');
    const ts = String(Math.floor(T0 / 1000));
    const res = await request(off)
      .post('/slack/events')
      .set('X-Slack-Request-Timestamp', ts)
      .set('X-Slack-Signature', slackSignature(SECRET, ts, body))
      .send(body);
    expect(res.status).toBe(404);
  });

  describe('verification happens on the raw bytes, before parsing', () => {
    const body = event('slack-message.json');
    test.each([
      [
        'forged signature',
        { signature: slackSignature('not-the-secret', Math.floor(T0 / 1000), body) },
        'WEBHOOK_SIGNATURE_INVALID',
      ],
      ['missing signature', { signature: null }, 'WEBHOOK_SIGNATURE_INVALID'],
      ['missing timestamp', { timestamp: null }, 'WEBHOOK_TIMESTAMP_INVALID'],
      ['expired (6 minutes old), correctly signed', { ts: Math.floor(T0 / 1000) - 360 }, 'WEBHOOK_TIMESTAMP_INVALID'],
      [
        'future-dated (6 minutes ahead), correctly signed',
        { ts: Math.floor(T0 / 1000) + 360 },
        'WEBHOOK_TIMESTAMP_INVALID',
      ],
    ])('%s → 401, nothing stored', async (_n, o, code) => {
      const res = await deliver(body, o);
      expect(res.status).toBe(401);
      expect(res.body.error).toBe(code);
      expect(queue.sent).toEqual([]);
      expect(await note()).toBeNull();
    });

    test('a signature over re-serialized JSON does not verify the bytes actually sent', async () => {
      const pretty = JSON.stringify(JSON.parse(body), null, 2);
      const res = await deliver(pretty, { signature: slackSignature(SECRET, Math.floor(T0 / 1000), body) });
      expect(res.status).toBe(401);
    });

    test('a correctly signed body that is not JSON → 400', async () => {
      expect((await deliver('token=abc&team_id=T1')).status).toBe(400);
    });

    test('signed, but ids outside their alphabet, a time no database holds or text with U+0000: 4xx or stored clean, never 500', async () => {
      const odd: [string, (e: any) => void][] = [
        ['team id with U+0000', (e) => (e.team_id = `${TEAM}\u0000`)],
        ['channel with U+0000', (e) => (e.event.channel = 'C0DEALS01\u0000')],
        ['event id with an unpaired surrogate', (e) => (e.event_id = 'Ev\ud800')],
        ['a ts in the year 33658', (e) => (e.event.ts = '999999999999.999999')],
      ];
      for (const [what, patch] of odd) {
        const r = await deliver(event('slack-message.json', patch));
        expect([what, r.status]).toEqual([what, 400]);
      }
      const text = await deliver(
        event('slack-message.json', (e) => {
          e.event_id = 'Ev0ODDTEXT1';
          e.event.ts = '1767261700.000300';
          e.event.text = 'Globex wants SSO\u0000 \ud800 before the review.';
        }),
      );
      expect(text.status).toBe(200);
      const stored = await note('connA', text.body.externalId);
      expect(stored?.body).toBe('Globex wants SSO \ufffd before the review.');
    });
  });

  test('url_verification: the challenge is echoed', async () => {
    const res = await deliver(event('slack-url-verification.json'));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' });
  });

  test('a message is stored as a note of the bound connection, linked by the names and domains it mentions', async () => {
    const res = await deliver(event('slack-message.json'));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true, status: 'created', externalId: MSG_ID });
    expect(await note()).toEqual({
      kind: 'note',
      provider: 'slack',
      externalId: MSG_ID,
      createdAt: '2026-01-01T10:00:00.000Z',
      updatedAt: '2026-01-01T10:00:00.000Z',
      archived: false,
      ownerId: null,
      associations: { contacts: [], companies: ['globex', 'initech'], deals: [] },
      url: 'https://acme.slack.com/archives/C0DEALS01/p1767261600000200',
      subject: null,
      body: 'Call with Globex Corporation went well: they need SSO before the pricing review & want a security questionnaire.',
      occurredAt: '2026-01-01T10:00:00.000Z',
      direction: null,
      status: null,
      dueAt: null,
    });
    expect(queue.sent.map((j) => [j.name, j.data, j.inTx])).toEqual([
      ['index', { connectionId: 'connA', records: [{ kind: 'note', externalId: MSG_ID }] }, true],
    ]);
  });

  test('a redelivery (same event_id) is acknowledged and ignored', async () => {
    now += 2000;
    const res = await deliver(event('slack-message.json'), { retry: 1 });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true, status: 'duplicate' });
    expect(queue.sent).toEqual([]);
  });

  test('bot messages, joins and DMs are ignored', async () => {
    expect((await deliver(event('slack-bot-message.json'))).body).toEqual({
      ok: true,
      status: 'ignored',
      reason: 'bot_message',
    });
    const join = event('slack-message.json', (e) => {
      e.event_id = 'Ev0JOIN';
      e.event.subtype = 'channel_join';
      e.event.ts = '1767261650.000001';
    });
    expect((await deliver(join)).body).toEqual({ ok: true, status: 'ignored', reason: 'subtype:channel_join' });
    const dm = event('slack-message.json', (e) => {
      e.event_id = 'Ev0DM';
      e.event.channel = 'D0DM0001';
      e.event.channel_type = 'im';
    });
    expect((await deliver(dm)).body).toEqual({ ok: true, status: 'ignored', reason: 'direct_message' });
    expect(await t.store.records.get('connA', 'note', `slack:${TEAM}:${CHANNEL}:1767261700.000100`)).toBeNull();
    expect(queue.sent).toEqual([]);
  });

  test('an edit replaces the text; a late retry of the original is stale', async () => {
    now = T0 + 300_000;
    const res = await deliver(event('slack-message-changed.json'));
    expect(res.body).toEqual({ ok: true, status: 'updated', externalId: MSG_ID });
    expect(await note()).toMatchObject({
      body: expect.stringContaining('SSO and SCIM'),
      updatedAt: '2026-01-01T10:05:00.000Z',
      createdAt: '2026-01-01T10:00:00.000Z',
      associations: { companies: ['globex'] },
    });
    expect(queue.take('index')).toHaveLength(1);
    const late = event('slack-message.json', (e) => {
      e.event_id = 'Ev0MSG0001-late';
    });
    expect((await deliver(late)).body).toEqual({ ok: true, status: 'stale', externalId: MSG_ID });
    expect((await note())!.body).toContain('SCIM');
    expect(queue.sent).toEqual([]);
  });

  test('message_deleted erases it (only an id-and-time tombstone stays, index job); the original never comes back', async () => {
    now = T0 + 600_000;
    const res = await deliver(event('slack-message-deleted.json'));
    expect(res.body).toEqual({ ok: true, status: 'deleted', externalId: MSG_ID });
    expect(await note()).toBeNull();
    expect(queue.take('index').map((j) => j.data.records)).toEqual([
      [expect.objectContaining({ kind: 'note', externalId: MSG_ID, provider: 'slack', removed: true })],
    ]);
    const again = event('slack-message.json', (e) => {
      e.event_id = 'Ev0MSG0001-very-late';
    });
    expect((await deliver(again)).body.status).toBe('stale');
    expect(await note()).toBeNull();
  });

  test("a channel bound to a company links its messages to that company (and the company's deal is not guessed)", async () => {
    now = T0 + 700_000;
    const body = event('slack-message.json', (e) => {
      e.event_id = 'Ev0HOOLI1';
      e.event.channel = 'C0HOOLI01';
      e.event.ts = '1767262300.000100';
    });
    const res = await deliver(body);
    expect(res.body.status).toBe('created');
    expect(await note('connA', `slack:${TEAM}:C0HOOLI01:1767262300.000100`)).toMatchObject({
      associations: { companies: ['hooli'], contacts: [], deals: [] },
    });
  });

  test('a workspace bound to no connection is acknowledged and dropped; another workspace stays in its own connection', async () => {
    const stray = event('slack-message.json', (e) => {
      e.team_id = 'T0NOBODY1';
      e.event_id = 'Ev0STRAY';
    });
    expect((await deliver(stray)).body).toEqual({ ok: true, status: 'ignored', reason: 'team_not_bound' });
    expect(await t.store.records.get('connA', 'note', `slack:T0NOBODY1:${CHANNEL}:1767261600.000200`)).toBeNull();

    const other = event('slack-message.json', (e) => {
      e.team_id = 'T0OTHER01';
      e.event_id = 'Ev0OTHER';
    });
    const res = await deliver(other);
    const id = `slack:T0OTHER01:${CHANNEL}:1767261600.000200`;
    expect(res.body).toEqual({ ok: true, status: 'created', externalId: id });
    expect(await note('connB', id)).toMatchObject({ url: null, associations: { companies: ['globexB'] } });
    expect(await note('connA', id)).toBeNull();
    expect(queue.sent.every((j) => j.data.connectionId === 'connB')).toBe(true);
  });
});
