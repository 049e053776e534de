import { createHmac } from 'node:crypto';
import { ErrorCode, WebhookSignatureError } from '../../../src/core/index.js';
import { HubspotWebhookEvent, isHubspotWebhookEvent } from '../../../connectors/hubspot/schemas.js';
import { parseWebhook, toWebhookEvents } from '../../../connectors/hubspot/webhooks.js';

/*
 * The hand-written check on the webhook request path (isHubspotWebhookEvent) must accept exactly what the zod
 * schema accepts: compared here over valid events of every documented shape and over each field replaced by
 * values of the wrong type, out of range, empty or missing.
 */

const base = {
  eventId: 4001,
  subscriptionId: 2001,
  portalId: 62515,
  appId: 1160452,
  occurredAt: 1700000000000,
  attemptNumber: 0,
  changeSource: 'CRM_UI',
};
const VALID: Record<string, unknown>[] = [
  {
    ...base,
    subscriptionType: 'deal.propertyChange',
    objectId: 123,
    propertyName: 'dealstage',
    propertyValue: 'won',
  },
  { ...base, subscriptionType: 'contact.propertyChange', objectId: 5, propertyName: 'x', propertyValue: null },
  { ...base, subscriptionType: 'deal.creation', objectId: 9, sourceId: 'userId:1', changeFlag: 'NEW' },
  {
    ...base,
    subscriptionType: 'contact.merge',
    objectId: 1,
    primaryObjectId: 1,
    mergedObjectIds: [2, 3],
    newObjectId: 7,
    numberOfPropertiesMoved: 4,
  },
  {
    ...base,
    subscriptionType: 'object.associationChange',
    fromObjectTypeId: '0-3',
    toObjectTypeId: '0-1',
    fromObjectId: 11,
    toObjectId: 12,
    associationTypeId: 3,
    associationCategory: 'HUBSPOT_DEFINED',
    associationRemoved: false,
    isPrimaryAssociation: true,
    associationType: 'DEAL_TO_CONTACT',
  },
  { ...base, subscriptionType: 'object.creation', objectId: 44, objectTypeId: '0-49' },
  { eventId: '4001', subscriptionId: '2001', portalId: '62515', occurredAt: 1, subscriptionType: 'x' },
  { ...base, subscriptionType: 'deal.deletion', objectId: 5, somethingNew: { nested: [1, 'a'] } },
];
const FIELDS = [
  ...new Set([
    ...VALID.flatMap((v) => Object.keys(v)),
    ...Object.keys((HubspotWebhookEvent as unknown as { shape: Record<string, unknown> }).shape),
  ]),
];
const ODD: unknown[] = [
  undefined,
  null,
  '',
  'a',
  '12',
  0,
  -1,
  1.5,
  2 ** 53,
  -(2 ** 53),
  Number.MAX_SAFE_INTEGER,
  true,
  false,
  [],
  [1, 2],
  [1, '2'],
  [1.5],
  {},
  { a: 1 },
];

const zodSays = (v: unknown) => HubspotWebhookEvent.safeParse(v).success;

describe('isHubspotWebhookEvent agrees with the HubspotWebhookEvent schema', () => {
  it('accepts every valid shape', () => {
    for (const v of VALID) {
      expect(zodSays(v)).toBe(true);
      expect(isHubspotWebhookEvent(v)).toBe(true);
    }
  });

  it('refuses what is not an object', () => {
    for (const v of [null, undefined, 1, 'x', true, [], [VALID[0]]]) {
      expect(zodSays(v)).toBe(false);
      expect(isHubspotWebhookEvent(v)).toBe(false);
    }
  });

  it('decides like the schema for every field set to every odd value', () => {
    let refused = 0;
    let compared = 0;
    for (const v of VALID) {
      for (const field of FIELDS) {
        for (const odd of ODD) {
          const item: Record<string, unknown> = { ...v };
          if (odd === undefined) delete item[field];
          else item[field] = odd;
          const expected = zodSays(item);
          if (isHubspotWebhookEvent(item) !== expected)
            throw new Error(`disagree on ${field}=${JSON.stringify(odd)}: schema says ${expected}`);
          compared++;
          if (!expected) refused++;
        }
      }
    }
    // Not vacuous: most of these are refusals, and each field takes part.
    expect(compared).toBe(VALID.length * FIELDS.length * ODD.length);
    expect(refused).toBeGreaterThan(compared / 2);
    expect(FIELDS.length).toBeGreaterThanOrEqual(27);
  });
});

describe('parseWebhook with the hand-written check', () => {
  const SECRET = 'check-secret';
  const URL_ = 'https://closeloop.example/webhooks/hubspot';
  const now = 1_700_000_000_000;
  const signed = (body: string) => {
    const ts = String(now);
    return {
      method: 'POST',
      url: URL_,
      headers: {
        'x-hubspot-request-timestamp': ts,
        'x-hubspot-signature-v3': createHmac('sha256', SECRET).update(`POST${URL_}${body}${ts}`).digest('base64'),
      },
      rawBody: Buffer.from(body, 'utf8'),
      receivedAt: now,
    };
  };
  const secrets = { clientSecret: SECRET, toleranceMs: 300_000, now };

  it('derives the same events as the schema path', () => {
    const r = parseWebhook(signed(JSON.stringify(VALID)), secrets);
    expect(r.rejected).toBeUndefined();
    expect(r.events).toEqual(VALID.flatMap((v) => toWebhookEvents(HubspotWebhookEvent.parse(v))));
    // The merge fans out to the merged-away ids; the association change to its "to" side.
    expect(r.events.map((e) => e.eventId)).toEqual(
      expect.arrayContaining(['2001-4001-merged-2', '2001-4001-merged-3', '2001-4001-to']),
    );
    const deal = r.events[0]!;
    expect(deal).toMatchObject({ accountId: '62515', kind: 'deal', objectId: '123', change: 'updated' });
  });

  it('sets malformed events aside with the schema reason, keeps the valid ones of the same delivery', () => {
    const bad = [{ ...VALID[0], occurredAt: 1.5 }, { ...VALID[0], portalId: '' }, { nope: 1 }, 7];
    const r = parseWebhook(signed(JSON.stringify([VALID[0], ...bad])), secrets);
    expect(r.events).toHaveLength(1);
    expect(r.rejected).toHaveLength(4);
    expect(r.rejected![0]!.reason).toMatch(/occurredAt/);
    expect(r.rejected![0]!.accountId).toBe('62515');
    expect(r.rejected![1]!.reason).toMatch(/portalId/);
    expect(r.rejected![2]!.accountId).toBeNull();
  });

  it('refuses a malformed body before parsing when it is not signed (401, never 5xx)', () => {
    const req = signed('[{"eventId":');
    req.headers['x-hubspot-signature-v3'] = 'AAAA';
    let caught: unknown;
    try {
      parseWebhook(req, secrets);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(WebhookSignatureError);
    expect((caught as WebhookSignatureError).status).toBe(401);
    expect((caught as WebhookSignatureError).code).toBe(ErrorCode.WEBHOOK_SIGNATURE_INVALID);
  });

  it('keeps a signed body that is not JSON, or not an array, aside whole', () => {
    expect(parseWebhook(signed('[{"eventId":'), secrets)).toMatchObject({
      events: [],
      rejected: [{ accountId: null, reason: expect.stringMatching(/not JSON/) }],
    });
    expect(parseWebhook(signed('{"eventId":1}'), secrets)).toMatchObject({
      events: [],
      rejected: [{ accountId: null, reason: expect.stringMatching(/not a JSON array/) }],
    });
  });
});
