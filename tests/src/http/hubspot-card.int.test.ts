import request from 'supertest';
import { signV3 } from '../../../connectors/hubspot/sandbox/webhook-signing.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';
import { cardTestApp, HUBSPOT_SECRET, installConnection, PUBLIC_URL, storeSuggestion } from './card-app.js';

const NOW = Date.parse('2026-03-11T10:00:00.000Z');
let t: TestDb;
let app: ReturnType<typeof cardTestApp>;

beforeAll(async () => {
  t = await openTestDb();
  app = cardTestApp(t.store, () => NOW);
  await installConnection(t.store, { id: 'hs-1', tenantId: 'tenant-a', provider: 'hubspot', accountId: '4200' });
  await installConnection(t.store, { id: 'hs-2', tenantId: 'tenant-b', provider: 'hubspot', accountId: '9900' });
  await storeSuggestion(t.store, {
    id: 'sug-open',
    tenantId: 'tenant-a',
    connectionId: 'hs-1',
    dealId: '777',
    createdAt: '2026-03-10T09:00:00.000Z',
  });
  await storeSuggestion(t.store, {
    id: 'sug-newer',
    tenantId: 'tenant-a',
    connectionId: 'hs-1',
    dealId: '777',
    companyId: 'co-9',
    createdAt: '2026-03-11T08:00:00.000Z',
  });
  await storeSuggestion(t.store, {
    id: 'sug-held',
    tenantId: 'tenant-a',
    connectionId: 'hs-1',
    dealId: '777',
    status: 'review',
  });
  await storeSuggestion(t.store, { id: 'sug-other-deal', tenantId: 'tenant-a', connectionId: 'hs-1', dealId: '888' });
  // Another portal's suggestion about a deal with the same id: never shown to portal 4200.
  await storeSuggestion(t.store, { id: 'sug-b', tenantId: 'tenant-b', connectionId: 'hs-2', dealId: '777' });
});
afterAll(async () => {
  await t.close();
});

/**
 * What HubSpot sends for hubspot.fetch: the path with its own query parameters appended, signed (v3) over all of it.
 */
function signed(
  method: 'GET' | 'POST',
  path: string,
  o: { portalId?: string; userId?: string; body?: string; timestamp?: number; secret?: string; extra?: string } = {},
) {
  const qs = `portalId=${o.portalId ?? '4200'}&userId=${o.userId ?? '55'}&userEmail=rep%40example.com&appId=1234${o.extra ?? ''}`;
  const uri = `${path}${path.includes('?') ? '&' : '?'}${qs}`;
  const ts = o.timestamp ?? NOW - 2_000;
  const body = o.body ?? '';
  const sig = signV3(o.secret ?? HUBSPOT_SECRET, method, PUBLIC_URL + uri, body, ts);
  const headers = {
    'X-HubSpot-Signature-v3': sig,
    'X-HubSpot-Request-Timestamp': String(ts),
    'Content-Type': 'application/json',
  };
  const r = method === 'GET' ? request(app).get(uri) : request(app).post(uri).send(body);
  return r.set(headers);
}

const LIST = '/api/v1/cards/hubspot/suggestions?objectType=deal&objectId=777';

describe('HubSpot app card endpoint (hubspot.fetch, v3 signature)', () => {
  test("a valid signed request gets the record's open suggestions, newest first, with explanation and evidence", async () => {
    const r = await signed('GET', LIST).expect(200);
    expect(r.body.record).toEqual({ kind: 'deal', externalId: '777' });
    expect(r.body.suggestions.map((s: any) => s.id)).toEqual(['sug-newer', 'sug-open']);
    const s = r.body.suggestions[1];
    expect(s).toMatchObject({
      type: 'stale_deal_follow_up',
      title: 'Follow up with Anna Schmidt on the Acme Analytics proposal',
      feedback: [],
    });
    expect(s.evidence[0]).toMatchObject({ recordKind: 'call', quote: 'she asked for a 10% discount before March 31' });
    expect(s.explanation).toMatchObject({ model: 'small-1', tier: 'small', confidence: 0.82 });
    expect(r.headers['cache-control']).toBe('no-store');
  });

  test('HubSpot object type ids and company / contact records work too', async () => {
    const byTypeId = await signed('GET', '/api/v1/cards/hubspot/suggestions?objectType=0-3&objectId=777').expect(200);
    expect(byTypeId.body.suggestions).toHaveLength(2);
    const company = await signed('GET', '/api/v1/cards/hubspot/suggestions?objectType=company&objectId=co-9').expect(
      200,
    );
    expect(company.body.suggestions.map((s: any) => s.id)).toEqual(['sug-newer']);
    const contact = await signed('GET', '/api/v1/cards/hubspot/suggestions?objectType=0-1&objectId=c-1').expect(200);
    expect(contact.body.suggestions.map((s: any) => s.id).sort()).toEqual(['sug-newer', 'sug-open', 'sug-other-deal']);
  });

  test('a forged signature, a wrong secret, a tampered URL or no signature: 401, nothing read', async () => {
    const forged = await signed('GET', LIST)
      .set('X-HubSpot-Signature-v3', 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=')
      .expect(401);
    expect(forged.body.error).toBe('WEBHOOK_SIGNATURE_INVALID');
    await signed('GET', LIST, { secret: 'another-apps-secret' }).expect(401);
    // Signed for deal 777, sent for deal 888.
    const ts = NOW - 1000;
    const uri = `${LIST}&portalId=4200&userId=55`;
    await request(app)
      .get(uri.replace('777', '888'))
      .set({
        'X-HubSpot-Signature-v3': signV3(HUBSPOT_SECRET, 'GET', PUBLIC_URL + uri, '', ts),
        'X-HubSpot-Request-Timestamp': String(ts),
      })
      .expect(401);
    const none = await request(app).get(`${LIST}&portalId=4200&userId=55`).expect(401);
    expect(none.body.error).toBe('WEBHOOK_SIGNATURE_INVALID');
  });

  test('an expired (or future) timestamp is refused even with a correct signature', async () => {
    const old = await signed('GET', LIST, { timestamp: NOW - 5 * 60_000 - 1 }).expect(401);
    expect(old.body.error).toBe('WEBHOOK_TIMESTAMP_INVALID');
    await signed('GET', LIST, { timestamp: NOW + 5 * 60_000 + 1 }).expect(401);
  });

  test('a correctly signed request for a portal closeloop is not installed in: 403; another portal sees only its own', async () => {
    const r = await signed('GET', LIST, { portalId: '123456' }).expect(403);
    expect(r.body.error).toBe('UNKNOWN_ACCOUNT');
    const other = await signed('GET', LIST, { portalId: '9900' }).expect(200);
    expect(other.body.suggestions.map((s: any) => s.id)).toEqual(['sug-b']);
  });

  test('no user, or a duplicated portal id in the signed URL: refused', async () => {
    const ts = NOW - 1000;
    const uri = `${LIST}&portalId=4200&appId=1`;
    await request(app)
      .get(uri)
      .set({
        'X-HubSpot-Signature-v3': signV3(HUBSPOT_SECRET, 'GET', PUBLIC_URL + uri, '', ts),
        'X-HubSpot-Request-Timestamp': String(ts),
      })
      .expect(401);
    await signed('GET', LIST, { extra: '&portalId=9900' }).expect(401);
  });

  test('bad input is a clear 400', async () => {
    const r = await signed('GET', '/api/v1/cards/hubspot/suggestions?objectType=ticket&objectId=1').expect(400);
    expect(r.body.error).toBe('INVALID_PAYLOAD');
    expect(r.body.message).toContain('objectType');
    await signed('POST', '/api/v1/cards/hubspot/suggestions/sug-open/feedback', {
      body: '{"action":"love it"}',
    }).expect(400);
    await signed('POST', '/api/v1/cards/hubspot/suggestions/sug-open/feedback', { body: '{not json' }).expect(400);
  });

  test('Useful / Not useful / Done are recorded as feedback outcomes, once per user, and close the suggestion', async () => {
    const useful = await signed('POST', '/api/v1/cards/hubspot/suggestions/sug-open/feedback', {
      body: '{"action":"useful"}',
    }).expect(200);
    expect(useful.body).toEqual({ suggestionId: 'sug-open', action: 'useful', recorded: true });
    const again = await signed('POST', '/api/v1/cards/hubspot/suggestions/sug-open/feedback', {
      body: '{"action":"useful"}',
    }).expect(200);
    expect(again.body.recorded).toBe(false);
    expect((await t.store.feedback.outcomesFor('sug-open')).map((o) => [o.target, o.outcome])).toEqual([
      ['user:55', 'card_useful'],
    ]);

    // Useful keeps it on the card (marked), for this user only.
    const list = await signed('GET', LIST).expect(200);
    expect(list.body.suggestions.find((s: any) => s.id === 'sug-open').feedback).toEqual(['useful']);
    const otherUser = await signed('GET', LIST, { userId: '66' }).expect(200);
    expect(otherUser.body.suggestions.find((s: any) => s.id === 'sug-open').feedback).toEqual([]);

    await signed('POST', '/api/v1/cards/hubspot/suggestions/sug-newer/feedback', {
      body: '{"action":"not_useful"}',
    }).expect(200);
    await signed('POST', '/api/v1/cards/hubspot/suggestions/sug-open/feedback', { body: '{"action":"done"}' }).expect(
      200,
    );
    const after = await signed('GET', LIST).expect(200);
    expect(after.body.suggestions).toEqual([]);
    const report = await t.store.feedback.reportRows(new Date(0), 'tenant-a');
    expect(report.find((r) => r.id === 'sug-newer')?.outcomes).toEqual(['card_not_useful']);
  });

  test("feedback on another portal's suggestion, a held one or an unknown id: 404, nothing recorded", async () => {
    await signed('POST', '/api/v1/cards/hubspot/suggestions/sug-b/feedback', { body: '{"action":"done"}' }).expect(404);
    expect(await t.store.feedback.outcomesFor('sug-b')).toEqual([]);
    await signed('POST', '/api/v1/cards/hubspot/suggestions/nope/feedback', { body: '{"action":"done"}' }).expect(404);
    await signed('POST', '/api/v1/cards/hubspot/suggestions/sug-held/feedback', { body: '{"action":"useful"}' }).expect(
      404,
    );
    expect(await t.store.feedback.outcomesFor('sug-held')).toEqual([]);
  });
});
