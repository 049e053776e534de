import nock from 'nock';
import { createHmac } from 'node:crypto';
import { ErrorCode, WebhookSignatureError, type RawWebhookRequest } from '../../../src/core/index.js';
import { decodeSignedUri, MAX_DELIVERY_EVENTS, parseWebhook } from '../../../connectors/hubspot/webhooks.js';
import { fixture } from './helpers.js';

interface SignedVector {
  clientSecret: string;
  method: string;
  uri: string;
  rawBody: string;
  headers: Record<string, string>;
  expected: { v1: string; v3: string };
}
const vector = fixture<SignedVector>('http/webhook-signed-request.json');
const TS = Number(vector.headers['X-HubSpot-Request-Timestamp']);
const FIVE_MIN = 5 * 60 * 1000;

function request(
  over: Partial<RawWebhookRequest> = {},
  headers: Record<string, string | undefined> = vector.headers,
): RawWebhookRequest {
  return {
    method: vector.method,
    url: vector.uri,
    headers: { ...headers },
    rawBody: Buffer.from(vector.rawBody, 'utf8'),
    receivedAt: TS,
    ...over,
  };
}
const secrets = (now = TS + 1_000, clientSecret = vector.clientSecret) => ({
  clientSecret,
  toleranceMs: FIVE_MIN,
  now,
});

/** Real v3 signature, computed independently of the code under test. */
function v3(secret: string, method: string, uri: string, body: Buffer, ts: string): string {
  return createHmac('sha256', secret)
    .update(method + uri)
    .update(body)
    .update(ts)
    .digest('base64');
}

function expectSignatureError(fn: () => unknown, code: string) {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(WebhookSignatureError);
  expect((caught as WebhookSignatureError).code).toBe(code);
  expect((caught as WebhookSignatureError).status).toBe(401);
}

describe('parseWebhook: v3 signatures', () => {
  it('accepts the shared test vector and maps its events', () => {
    const parsed = parseWebhook(request(), secrets());
    expect(parsed.events).toEqual([
      expect.objectContaining({
        eventId: '2001-1000001',
        accountId: '62515',
        kind: 'contact',
        objectId: '51',
        change: 'created',
        occurredAt: 1717430400000,
      }),
      expect.objectContaining({
        eventId: '2002-1000002',
        accountId: '62515',
        kind: 'contact',
        objectId: '51',
        change: 'updated',
        occurredAt: 1717430401000,
      }),
    ]);
    expect(parsed.events[0]!.raw).toMatchObject({ subscriptionType: 'contact.creation', portalId: 62515 });
  });

  it('accepts lower-case header names (as Node delivers them)', () => {
    const lower = Object.fromEntries(Object.entries(vector.headers).map(([k, v]) => [k.toLowerCase(), v]));
    expect(parseWebhook(request({}, lower), secrets()).events).toHaveLength(2);
  });

  it('rejects a body with one byte changed', () => {
    const body = Buffer.from(vector.rawBody, 'utf8');
    body[body.indexOf('51')] = '5'.charCodeAt(0) + 1; // objectId 51 -> 61
    expectSignatureError(
      () => parseWebhook(request({ rawBody: body }), secrets()),
      ErrorCode.WEBHOOK_SIGNATURE_INVALID,
    );
  });

  it('rejects a signature made with another secret', () => {
    expectSignatureError(
      () => parseWebhook(request(), secrets(TS + 1_000, 'not-the-secret')),
      ErrorCode.WEBHOOK_SIGNATURE_INVALID,
    );
  });

  it('rejects a signature over another URL', () => {
    expectSignatureError(
      () => parseWebhook(request({ url: 'https://hooks.example.com/webhooks/hubspot?tenant=t2' }), secrets()),
      ErrorCode.WEBHOOK_SIGNATURE_INVALID,
    );
  });

  it('rejects a truncated signature header (different length)', () => {
    const headers = { ...vector.headers, 'X-HubSpot-Signature-v3': vector.expected.v3.slice(0, 10) };
    expectSignatureError(() => parseWebhook(request({}, headers), secrets()), ErrorCode.WEBHOOK_SIGNATURE_INVALID);
  });

  it('accepts exactly 5 minutes of age, rejects older', () => {
    expect(parseWebhook(request(), secrets(TS + FIVE_MIN)).events).toHaveLength(2);
    expectSignatureError(
      () => parseWebhook(request(), secrets(TS + FIVE_MIN + 1)),
      ErrorCode.WEBHOOK_TIMESTAMP_INVALID,
    );
  });

  it('rejects timestamps more than 5 minutes in the future', () => {
    expectSignatureError(
      () => parseWebhook(request(), secrets(TS - FIVE_MIN - 1)),
      ErrorCode.WEBHOOK_TIMESTAMP_INVALID,
    );
  });

  it('never loosens the window beyond 5 minutes, even if the caller asks', () => {
    expectSignatureError(
      () => parseWebhook(request(), { ...secrets(TS + FIVE_MIN + 1), toleranceMs: 60 * FIVE_MIN }),
      ErrorCode.WEBHOOK_TIMESTAMP_INVALID,
    );
  });

  it('rejects a request without the timestamp header', () => {
    const { 'X-HubSpot-Request-Timestamp': _ts, ...headers } = vector.headers;
    expectSignatureError(() => parseWebhook(request({}, headers), secrets()), ErrorCode.WEBHOOK_TIMESTAMP_INVALID);
  });

  it('rejects a non-numeric timestamp', () => {
    expectSignatureError(
      () => parseWebhook(request({}, { ...vector.headers, 'X-HubSpot-Request-Timestamp': 'yesterday' }), secrets()),
      ErrorCode.WEBHOOK_TIMESTAMP_INVALID,
    );
  });

  it('rejects a request with no signature headers at all', () => {
    expectSignatureError(
      () => parseWebhook(request({}, { 'Content-Type': 'application/json' }), secrets()),
      ErrorCode.WEBHOOK_SIGNATURE_INVALID,
    );
  });

  it('URL-decodes the documented escapes before hashing', () => {
    const signedUri = 'https://hooks.example.com/webhooks/hubspot?tenant=t1&next=/a:b@c';
    const deliveredUri = 'https://hooks.example.com/webhooks/hubspot?tenant=t1&next=%2Fa%3Ab%40c';
    expect(decodeSignedUri(deliveredUri)).toBe(signedUri);
    const body = Buffer.from(vector.rawBody, 'utf8');
    const ts = String(TS);
    const headers = {
      'X-HubSpot-Signature-v3': v3(vector.clientSecret, 'POST', signedUri, body, ts),
      'X-HubSpot-Request-Timestamp': ts,
    };
    expect(parseWebhook(request({ url: deliveredUri, rawBody: body }, headers), secrets()).events).toHaveLength(2);
  });

  it('leaves other escapes (%20) encoded', () => {
    expect(decodeSignedUri('https://h.example/a%20b%2fc')).toBe('https://h.example/a%20b/c');
  });

  it('verifies before parsing: a validly signed non-JSON body is quarantined whole (not a 4xx), an unsigned one a signature error', () => {
    const body = Buffer.from('not json', 'utf8');
    const ts = String(TS);
    const good = {
      'X-HubSpot-Signature-v3': v3(vector.clientSecret, 'POST', vector.uri, body, ts),
      'X-HubSpot-Request-Timestamp': ts,
    };
    expect(parseWebhook(request({ rawBody: body }, good), secrets())).toEqual({
      events: [],
      rejected: [{ accountId: null, reason: expect.stringContaining('not JSON'), raw: 'not json' }],
    });
    expectSignatureError(
      () => parseWebhook(request({ rawBody: body }), secrets()),
      ErrorCode.WEBHOOK_SIGNATURE_INVALID,
    );
  });

  it('quarantines a signed body that is not an array of events', () => {
    const body = Buffer.from(JSON.stringify({ eventId: 1 }), 'utf8');
    const ts = String(TS);
    const headers = {
      'X-HubSpot-Signature-v3': v3(vector.clientSecret, 'POST', vector.uri, body, ts),
      'X-HubSpot-Request-Timestamp': ts,
    };
    expect(parseWebhook(request({ rawBody: body }, headers), secrets()).rejected).toEqual([
      { accountId: null, reason: expect.stringContaining('not a JSON array'), raw: { eventId: 1 } },
    ]);
  });

  it('a 100-event delivery with one bad event: 99 events accepted, the bad one quarantined with its portal', () => {
    const events = Array.from({ length: 100 }, (_, i) => ({
      eventId: 5000 + i,
      subscriptionId: 7,
      portalId: 62515,
      occurredAt: TS,
      subscriptionType: 'contact.propertyChange',
      objectId: 100 + i,
      propertyName: 'email',
      propertyValue: 'x',
    }));
    (events[42] as Record<string, unknown>).occurredAt = 'yesterday';
    const body = Buffer.from(JSON.stringify(events), 'utf8');
    const ts = String(TS);
    const headers = {
      'X-HubSpot-Signature-v3': v3(vector.clientSecret, 'POST', vector.uri, body, ts),
      'X-HubSpot-Request-Timestamp': ts,
    };
    const out = parseWebhook(request({ rawBody: body }, headers), secrets());
    expect(out.events).toHaveLength(99);
    expect(out.events.map((e) => e.objectId)).not.toContain('142');
    expect(out.rejected).toEqual([
      { accountId: '62515', reason: expect.stringContaining('occurredAt'), raw: events[42] },
    ]);
  });

  it('a signed delivery far larger than HubSpot sends is kept aside whole; a merge naming thousands of ids is quarantined', () => {
    const event = (i: number, over: Record<string, unknown> = {}) => ({
      eventId: 9000 + i,
      subscriptionId: 7,
      portalId: 62515,
      occurredAt: TS,
      subscriptionType: 'contact.propertyChange',
      objectId: 100 + i,
      ...over,
    });
    const signed = (events: unknown[]) => {
      const body = Buffer.from(JSON.stringify(events), 'utf8');
      const ts = String(TS);
      return parseWebhook(
        request(
          { rawBody: body },
          {
            'X-HubSpot-Signature-v3': v3(vector.clientSecret, 'POST', vector.uri, body, ts),
            'X-HubSpot-Request-Timestamp': ts,
          },
        ),
        secrets(),
      );
    };
    const flood = signed(Array.from({ length: MAX_DELIVERY_EVENTS + 1 }, (_, i) => event(i)));
    expect(flood.events).toEqual([]);
    expect(flood.rejected).toEqual([
      { accountId: null, reason: expect.stringMatching(/1001 events in one delivery/), raw: expect.any(Array) },
    ]);
    expect(signed(Array.from({ length: MAX_DELIVERY_EVENTS }, (_, i) => event(i))).events).toHaveLength(
      MAX_DELIVERY_EVENTS,
    );
    const merge = (n: number) =>
      event(0, {
        subscriptionType: 'contact.merge',
        primaryObjectId: 1,
        mergedObjectIds: Array.from({ length: n }, (_, i) => i + 2),
        newObjectId: 1,
      });
    expect(signed([merge(20_000)]).rejected).toEqual([
      expect.objectContaining({ reason: expect.stringContaining('mergedObjectIds') }),
    ]);
    expect(signed([merge(3)]).rejected).toBeUndefined();
  });

  it('checks the signature against every spelling of our public URL (trailing slash, forwarded host), still over the raw bytes', () => {
    const ts = String(TS);
    const rawBody = Buffer.from(vector.rawBody, 'utf8');
    const sig = v3(vector.clientSecret, 'POST', vector.uri, rawBody, ts);
    const headers = { 'X-HubSpot-Signature-v3': sig, 'X-HubSpot-Request-Timestamp': ts };
    const wrong = vector.uri.replace('://', '://internal.');
    expect(
      parseWebhook({ ...request({}, headers), url: wrong, alternateUrls: [vector.uri] }, secrets()).events.length,
    ).toBeGreaterThan(0);
    expectSignatureError(
      () => parseWebhook({ ...request({}, headers), url: wrong, alternateUrls: [] }, secrets()),
      ErrorCode.WEBHOOK_SIGNATURE_INVALID,
    );
    // The same URL but one changed byte of the body never matches.
    const tampered = Buffer.concat([rawBody, Buffer.from(' ')]);
    expectSignatureError(
      () =>
        parseWebhook(
          { ...request({ rawBody: tampered }, headers), url: wrong, alternateUrls: [vector.uri] },
          secrets(),
        ),
      ErrorCode.WEBHOOK_SIGNATURE_INVALID,
    );
  });
});

describe('parseWebhook: v1 fallback', () => {
  const v1Only = {
    'Content-Type': 'application/json',
    'X-HubSpot-Signature': vector.expected.v1,
    'X-HubSpot-Signature-Version': 'v1',
  };

  it('is refused unless explicitly allowed', () => {
    expectSignatureError(() => parseWebhook(request({}, v1Only), secrets()), ErrorCode.WEBHOOK_SIGNATURE_INVALID);
  });

  it('accepts the vector v1 signature when allowed (no timestamp involved)', () => {
    expect(parseWebhook(request({}, v1Only), secrets(TS + 24 * 3600_000), { allowV1: true }).events).toHaveLength(2);
  });

  it('rejects a forged body under v1', () => {
    const body = Buffer.from(vector.rawBody.replace('CRM_UI', 'CRM_UJ'), 'utf8');
    expectSignatureError(
      () => parseWebhook(request({ rawBody: body }, v1Only), secrets(), { allowV1: true }),
      ErrorCode.WEBHOOK_SIGNATURE_INVALID,
    );
  });

  it('rejects v2 signatures', () => {
    const headers = { ...v1Only, 'X-HubSpot-Signature-Version': 'v2' };
    expectSignatureError(
      () => parseWebhook(request({}, headers), secrets(), { allowV1: true }),
      ErrorCode.WEBHOOK_SIGNATURE_INVALID,
    );
  });

  it('prefers v3 when both are present: a bad v3 is not rescued by a good v1', () => {
    const headers = {
      ...vector.headers,
      'X-HubSpot-Signature-v3': v3('wrong', 'POST', vector.uri, Buffer.from(vector.rawBody), String(TS)),
    };
    expectSignatureError(
      () => parseWebhook(request({}, headers), secrets(), { allowV1: true }),
      ErrorCode.WEBHOOK_SIGNATURE_INVALID,
    );
  });
});

describe('parseWebhook: event mapping (webhook-batch fixture)', () => {
  const events = fixture<unknown[]>('http/webhook-batch.json');
  const body = Buffer.from(JSON.stringify(events), 'utf8');
  const ts = String(TS);
  const headers = {
    'x-hubspot-signature-v3': v3(vector.clientSecret, 'POST', vector.uri, body, ts),
    'x-hubspot-request-timestamp': ts,
  };
  const parsed = parseWebhook(request({ rawBody: body }, headers), secrets());
  const summary = parsed.events.map((e) => [e.eventId, e.accountId, e.kind, e.objectId, e.change]);

  it('maps kind from subscriptionType or objectTypeId, and the change kind', () => {
    expect(summary).toEqual([
      ['2001-1000001', '62515', 'contact', '51', 'created'],
      ['2002-1000002', '62515', 'contact', '51', 'updated'],
      ['2003-1000003', '62515', 'company', '77', 'updated'],
      ['2004-1000004', '62515', 'deal', '301', 'created'],
      ['2005-1000005', '62515', 'contact', '51', 'associated'],
      ['2006-1000006', '62515', 'contact', '52', 'merged'],
      // The merged-away id is erased like a deletion; the survivor (52) is re-read.
      ['2006-1000006-merged-53', '62515', 'contact', '53', 'deleted'],
      ['2007-1000007', '62515', 'contact', '53', 'deleted'],
      ['2008-1000008', '62515', 'task', '9001', 'updated'],
      ['2009-1000009', '62515', 'email', '7001', 'created'],
      ['2002-1000002', '62515', 'contact', '51', 'updated'],
    ]);
  });

  it('gives a retried delivery the same event id (the inbox dedupes it)', () => {
    expect(parsed.events[10]!.eventId).toBe(parsed.events[1]!.eventId);
    expect(parsed.events[10]!.raw).toMatchObject({ attemptNumber: 1 });
  });

  it('object.associationChange: kinds from fromObjectTypeId / toObjectTypeId, both sides re-read', () => {
    // Shape: https://developers.hubspot.com/docs/apps/developer-platform/add-features/configure-webhooks (generic
    // events).
    const ev = [
      {
        eventId: 9,
        subscriptionId: 4,
        portalId: 62515,
        occurredAt: TS,
        subscriptionType: 'object.associationChange',
        fromObjectTypeId: '0-3',
        toObjectTypeId: '0-1',
        fromObjectId: 301,
        toObjectId: 51,
        associationTypeId: 3,
        associationCategory: 'HUBSPOT_DEFINED',
        associationRemoved: false,
      },
    ];
    const b = Buffer.from(JSON.stringify(ev));
    const h = {
      'X-HubSpot-Signature-v3': v3(vector.clientSecret, 'POST', vector.uri, b, ts),
      'X-HubSpot-Request-Timestamp': ts,
    };
    expect(
      parseWebhook(request({ rawBody: b }, h), secrets()).events.map((e) => [e.kind, e.objectId, e.change]),
    ).toEqual([
      ['deal', '301', 'associated'],
      ['contact', '51', 'associated'],
    ]);
  });

  it('maps unknown subscription types to kind null / change other', () => {
    const odd = Buffer.from(
      JSON.stringify([
        {
          eventId: 1,
          subscriptionId: 2,
          portalId: 3,
          occurredAt: 4,
          subscriptionType: 'conversation.newMessage',
          objectId: 5,
        },
      ]),
    );
    const h = {
      'X-HubSpot-Signature-v3': v3(vector.clientSecret, 'POST', vector.uri, odd, ts),
      'X-HubSpot-Request-Timestamp': ts,
    };
    expect(parseWebhook(request({ rawBody: odd }, h), secrets()).events[0]).toMatchObject({
      kind: null,
      change: 'other',
      objectId: '5',
      accountId: '3',
    });
  });
});

// The network-lock setup activates nock in every test file; restore it so the next file in this worker
// starts from the real fetch instead of this file's (then stale) interceptor.
afterAll(() => nock.restore());
