import { createHash, createHmac } from 'node:crypto';
import {
  ErrorCode,
  WebhookSignatureError,
  type ObjectKind,
  type ParsedWebhook,
  type RawWebhookRequest,
  type RejectedWebhookEvent,
  type WebhookEvent,
  type WebhookSecrets,
} from '../../src/core/index.js';
import { constantTimeEqual } from '../kit/constant-time.js';
import { headerValue } from '../kit/rate-limit-headers.js';
import { HUBSPOT_LIMITS, HUBSPOT_OBJECT_TYPE_ID, HUBSPOT_WEBHOOK_HEADERS } from './manifest.js';
import { HubspotWebhookEvent, isHubspotWebhookEvent } from './schemas.js';

export interface HubspotWebhookOptions {
  /**
   * Accept requests that carry only the legacy v1 signature (sha256 hex of secret + body, no timestamp,
   * so no replay protection). Off by default; v3 is always preferred when present.
   */
  allowV1?: boolean;
}

const WHERE = 'POST webhook (hubspot)';
/** Ten times what HubSpot sends in one request (100 events): more is not a delivery of HubSpot's. */
export const MAX_DELIVERY_EVENTS = 1000;

/**
 * The percent-escapes HubSpot's v3 validation guide says to decode in the request URI before hashing.
 * https://developers.hubspot.com/docs/apps/legacy-apps/authentication/validating-requests.md
 * Only these: decoding anything else (%20, %25...) would change the string HubSpot signed.
 */
const DECODED_ESCAPES: Record<string, string> = {
  '%3A': ':',
  '%2F': '/',
  '%3F': '?',
  '%40': '@',
  '%21': '!',
  '%24': '$',
  '%27': "'",
  '%28': '(',
  '%29': ')',
  '%2A': '*',
  '%2C': ',',
  '%3B': ';',
};

export function decodeSignedUri(uri: string): string {
  return uri.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (m) => DECODED_ESCAPES[m.toUpperCase()] ?? m);
}

/** v3: base64 HMAC-SHA256, keyed with the app client secret, over method + uri + raw body + timestamp. */
export function signV3(secret: string, method: string, uri: string, rawBody: Buffer, timestamp: string): string {
  return createHmac('sha256', secret)
    .update(Buffer.from(`${method.toUpperCase()}${decodeSignedUri(uri)}`, 'utf8'))
    .update(rawBody)
    .update(Buffer.from(timestamp, 'utf8'))
    .digest('base64');
}

/** v1: lowercase hex SHA-256 of client secret + raw body. */
export function signV1(secret: string, rawBody: Buffer): string {
  return createHash('sha256').update(Buffer.from(secret, 'utf8')).update(rawBody).digest('hex');
}

/** Checks the v3 signature and its timestamp window over the raw request (webhooks and app-card requests alike). */
export function verifyV3(req: RawWebhookRequest, secrets: WebhookSecrets, signature: string): void {
  const timestamp = headerValue(req.headers, HUBSPOT_WEBHOOK_HEADERS.timestamp);
  if (timestamp === null || timestamp.trim() === '') {
    throw new WebhookSignatureError(
      `missing ${HUBSPOT_WEBHOOK_HEADERS.timestamp} header`,
      ErrorCode.WEBHOOK_TIMESTAMP_INVALID,
    );
  }
  if (!/^\d{1,16}$/.test(timestamp.trim())) {
    throw new WebhookSignatureError(
      `${HUBSPOT_WEBHOOK_HEADERS.timestamp} is not epoch milliseconds`,
      ErrorCode.WEBHOOK_TIMESTAMP_INVALID,
    );
  }
  // HubSpot rejects anything older than 5 minutes; we also refuse stamps from the future (a replay with a
  // forged clock). The caller's tolerance may be tighter, never looser.
  const tolerance =
    secrets.toleranceMs > 0
      ? Math.min(secrets.toleranceMs, HUBSPOT_LIMITS.webhookMaxSkewMs)
      : HUBSPOT_LIMITS.webhookMaxSkewMs;
  const skew = secrets.now - Number(timestamp.trim());
  if (skew > tolerance)
    throw new WebhookSignatureError(`webhook timestamp is ${skew} ms old`, ErrorCode.WEBHOOK_TIMESTAMP_INVALID);
  if (-skew > tolerance)
    throw new WebhookSignatureError(
      `webhook timestamp is ${-skew} ms in the future`,
      ErrorCode.WEBHOOK_TIMESTAMP_INVALID,
    );

  // HubSpot signs the exact URI it called; our side may see it spelt a few ways (PUBLIC_URL, forwarded
  // host/proto). Each candidate is hashed over the same raw bytes and compared in constant time.
  const candidates = [req.url, ...(req.alternateUrls ?? [])];
  const matched = candidates.some((uri) =>
    constantTimeEqual(signV3(secrets.clientSecret, req.method, uri, req.rawBody, timestamp.trim()), signature.trim()),
  );
  if (!matched) throw new WebhookSignatureError('v3 signature does not match');
}

function verifyV1(req: RawWebhookRequest, secrets: WebhookSecrets): void {
  const signature = headerValue(req.headers, HUBSPOT_WEBHOOK_HEADERS.signature);
  const version = headerValue(req.headers, HUBSPOT_WEBHOOK_HEADERS.signatureVersion);
  if (signature === null || signature.trim() === '') throw new WebhookSignatureError('no HubSpot signature header');
  if (version !== null && version.trim().toLowerCase() !== 'v1') {
    throw new WebhookSignatureError(`unsupported signature version ${version}`);
  }
  const expected = signV1(secrets.clientSecret, req.rawBody);
  if (!constantTimeEqual(expected, signature.trim().toLowerCase()))
    throw new WebhookSignatureError('v1 signature does not match');
}

const CLASSIC_KIND: Record<string, ObjectKind> = { contact: 'contact', company: 'company', deal: 'deal' };
const KIND_BY_TYPE_ID: Record<string, ObjectKind> = Object.fromEntries(
  Object.entries(HUBSPOT_OBJECT_TYPE_ID).map(([kind, id]) => [id, kind as ObjectKind]),
);

const CHANGE: Record<string, WebhookEvent['change']> = {
  creation: 'created',
  deletion: 'deleted',
  privacyDeletion: 'deleted',
  propertyChange: 'updated',
  merge: 'merged',
  restore: 'restored',
  associationChange: 'associated',
};

const kindOfTypeId = (id: string | undefined): ObjectKind | null =>
  id !== undefined && Object.hasOwn(KIND_BY_TYPE_ID, id) ? KIND_BY_TYPE_ID[id]! : null;

/**
 * The kind of the record to re-read. Generic `object.associationChange` events carry `fromObjectTypeId` /
 * `toObjectTypeId` instead of `objectTypeId`: the "from" side is the record whose associations changed.
 * https://developers.hubspot.com/docs/apps/developer-platform/add-features/configure-webhooks
 */
function kindOf(e: HubspotWebhookEvent): ObjectKind | null {
  const [prefix] = e.subscriptionType.split('.');
  if (prefix === 'object') return kindOfTypeId(e.objectTypeId ?? e.fromObjectTypeId);
  return prefix !== undefined && Object.hasOwn(CLASSIC_KIND, prefix) ? CLASSIC_KIND[prefix]! : null;
}

function changeOf(e: HubspotWebhookEvent): WebhookEvent['change'] {
  const suffix = e.subscriptionType.split('.').slice(1).join('.');
  return Object.hasOwn(CHANGE, suffix) ? CHANGE[suffix]! : 'other';
}

function objectIdOf(e: HubspotWebhookEvent): string | null {
  // A merge's surviving record: `newObjectId` when HubSpot created a new one, else the primary.
  const id = e.objectId ?? e.newObjectId ?? e.primaryObjectId ?? e.fromObjectId;
  return id === undefined ? null : String(id);
}

/**
 * One HubSpot event as our WebhookEvents. Most map one to one; a merge also yields one deletion per
 * merged-away id (they are erased like deletions; the survivor is re-read with the associations, and so the
 * activities, it took over). An association change also yields the "to" side, whose associations changed too.
 */
export function toWebhookEvents(e: HubspotWebhookEvent): WebhookEvent[] {
  // HubSpot documents eventId as unique only together with subscriptionId (one change can fan out to
  // several subscriptions with the same eventId); a retried delivery repeats both.
  const eventId = `${e.subscriptionId}-${e.eventId}`;
  const base = { accountId: String(e.portalId), occurredAt: e.occurredAt, raw: e };
  const kind = kindOf(e);
  const main: WebhookEvent = { ...base, eventId, kind, objectId: objectIdOf(e), change: changeOf(e) };
  const out = [main];
  if (main.change === 'merged') {
    const survivor = main.objectId;
    const merged = [
      ...new Set(
        [...(e.mergedObjectIds ?? []), ...(e.primaryObjectId !== undefined ? [e.primaryObjectId] : [])].map(String),
      ),
    ];
    for (const id of merged.filter((x) => x !== survivor)) {
      out.push({
        ...base,
        eventId: `${eventId}-merged-${id}`,
        kind,
        objectId: id,
        change: 'deleted',
        ...(survivor ? { mergedInto: survivor } : {}),
      });
    }
  }
  if (main.change === 'associated' && e.toObjectId !== undefined) {
    const toKind = e.subscriptionType.startsWith('object.') ? kindOfTypeId(e.toObjectTypeId) : null;
    if (toKind !== null)
      out.push({
        ...base,
        eventId: `${eventId}-to`,
        kind: toKind,
        objectId: String(e.toObjectId),
        change: 'associated',
      });
  }
  return out;
}

/** One HubSpot event as our WebhookEvent (the first of toWebhookEvents). */
export function toWebhookEvent(e: HubspotWebhookEvent): WebhookEvent {
  return toWebhookEvents(e)[0]!;
}

/**
 * Verifies a HubSpot webhook delivery over its raw bytes, then parses it. Nothing is parsed before the
 * signature (and, for v3, the timestamp window) has been checked.
 */
export function parseWebhook(
  req: RawWebhookRequest,
  secrets: WebhookSecrets,
  opts: HubspotWebhookOptions = {},
): ParsedWebhook {
  const v3 = headerValue(req.headers, HUBSPOT_WEBHOOK_HEADERS.signatureV3);
  if (v3 !== null && v3.trim() !== '') verifyV3(req, secrets, v3);
  else if (opts.allowV1 === true) verifyV1(req, secrets);
  else throw new WebhookSignatureError(`missing ${HUBSPOT_WEBHOOK_HEADERS.signatureV3} header`);

  // Signed by HubSpot, so whatever does not fit is kept aside (quarantine) rather than answered 4xx: HubSpot
  // does not retry 4xx, and one bad event must not lose the up to 100 good ones delivered with it.
  let json: unknown;
  try {
    json = JSON.parse(req.rawBody.toString('utf8'));
  } catch {
    return {
      events: [],
      rejected: [
        { accountId: null, reason: `${WHERE}: body is not JSON`, raw: req.rawBody.toString('utf8').slice(0, 100_000) },
      ],
    };
  }
  if (!Array.isArray(json)) {
    return {
      events: [],
      rejected: [{ accountId: null, reason: `${WHERE}: body is not a JSON array of events`, raw: json }],
    };
  }
  // HubSpot sends at most 100 events a request: a signed delivery of many more is kept aside whole (one quarantine
  // row, nothing lost), not looked up event by event.
  if (json.length > MAX_DELIVERY_EVENTS) {
    return {
      events: [],
      rejected: [
        {
          accountId: null,
          reason: `${WHERE}: ${json.length} events in one delivery, more than ${MAX_DELIVERY_EVENTS} (HubSpot sends at most 100)`,
          raw: json,
        },
      ],
    };
  }
  const events: WebhookEvent[] = [];
  const rejected: RejectedWebhookEvent[] = [];
  for (const item of json as unknown[]) {
    // The hand-written check on the request path; the schema only to say why an event was refused.
    if (isHubspotWebhookEvent(item)) {
      events.push(...toWebhookEvents(item));
      continue;
    }
    const parsed = HubspotWebhookEvent.safeParse(item);
    if (parsed.success) {
      // Cannot happen while the two agree (see the test); the schema has the last word.
      events.push(...toWebhookEvents(parsed.data));
      continue;
    }
    const first = parsed.error.issues[0];
    const portal = (item as { portalId?: unknown } | null)?.portalId;
    rejected.push({
      accountId:
        typeof portal === 'number' || (typeof portal === 'string' && /^\d+$/.test(portal)) ? String(portal) : null,
      reason: `unexpected event shape (${first ? `${first.path.join('.') || '(event)'}: ${first.message}` : 'unknown'})`,
      raw: item,
    });
  }
  return rejected.length > 0 ? { events, rejected } : { events };
}
