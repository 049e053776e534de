import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { ObjectKind } from '../../src/core/canonical.js';
import type {
  ParsedWebhook,
  RawWebhookRequest,
  RejectedWebhookEvent,
  WebhookEvent,
  WebhookSecrets,
} from '../../src/core/connector.js';
import { InvalidPayloadError } from '../../src/core/errors.js';
import { isValidSalesforceId } from './record-ids.js';
import { salesforceManifest } from './manifest.js';
import { isoDateTime } from './mappers/common.js';
import { SalesforceOutboundMessage, SalesforceOutboundNotification, parseOrThrow } from './schemas.js';

const WHERE = 'outbound message';
const NOTIFICATION_PATH = 'Envelope.Body.notifications.Notification';

/**
 * The listener's reply (samples/salesforce/outbound-message-ack.xml). Anything else, a non-200 or a timeout makes
 * Salesforce queue the message again (backoff up to 2 h, dropped after 24 h), so the caller sends this only after
 * the events are stored durably.
 */
export const SALESFORCE_OUTBOUND_ACK = [
  '<?xml version="1.0" encoding="UTF-8"?>',
  '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">',
  '<soapenv:Body>',
  '<notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound">',
  '<Ack>true</Ack>',
  '</notificationsResponse>',
  '</soapenv:Body>',
  '</soapenv:Envelope>',
].join('');

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  // Ids, numbers and booleans stay strings exactly as sent.
  parseTagValue: false,
  parseAttributeValue: false,
  isArray: (_name, jpath) => jpath === NOTIFICATION_PATH,
});

const KIND_BY_SOBJECT: Record<string, ObjectKind> = {
  Contact: 'contact',
  Lead: 'contact',
  Account: 'company',
  Opportunity: 'deal',
  Task: 'task',
  Event: 'meeting',
  EmailMessage: 'email',
};

function kindOf(sobjectType: string, fields: Record<string, unknown>): ObjectKind | null {
  const name = sobjectType.replace(/^\w+:/, '');
  if (name === 'Task' && fields.TaskSubtype === 'Call') return 'call';
  // Own keys only: a type named like a built-in (constructor, toString, __proto__) is no kind.
  return Object.hasOwn(KIND_BY_SOBJECT, name) ? KIND_BY_SOBJECT[name]! : null;
}

/**
 * The org's API host, from the SOAP endpoint URLs the message carries (`https://<host>/services/Soap/c/<v>/<orgId15>`).
 * Both URLs must be https and end in the message's own org id: a message whose URLs name another org (or no org) is
 * refused. Both are required by the WSDL (SalesforceOutboundMessage), so a message always names its host.
 */
function originOf(urls: (string | null | undefined)[], organizationId: string): string | null {
  let host: string | null = null;
  for (const raw of urls) {
    if (!raw) continue;
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new InvalidPayloadError(`${WHERE}: endpoint URL is not a URL`, {
        provider: salesforceManifest.id,
        where: WHERE,
      });
    }
    const org15 = url.pathname.split('/').filter(Boolean).at(-1) ?? '';
    if (url.protocol !== 'https:' && url.hostname !== '127.0.0.1' && url.hostname !== 'localhost') {
      throw new InvalidPayloadError(`${WHERE}: endpoint URL must be https`, {
        provider: salesforceManifest.id,
        where: WHERE,
      });
    }
    if (org15.slice(0, 15) !== organizationId.slice(0, 15)) {
      throw new InvalidPayloadError(`${WHERE}: endpoint URL names another organization than OrganizationId`, {
        provider: salesforceManifest.id,
        where: WHERE,
      });
    }
    if (host && host !== url.host)
      throw new InvalidPayloadError(`${WHERE}: EnterpriseUrl and PartnerUrl name different hosts`, {
        provider: salesforceManifest.id,
        where: WHERE,
      });
    host = url.host;
  }
  return host;
}

/**
 * Parses a Salesforce Outbound Message (SOAP 1.1; https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_om_outboundmessaging_notifications.htm).
 * Outbound messages carry no signature, so `secrets` is unused: the caller must check that `accountId`
 * (the OrganizationId) belongs to a known install before trusting the events. Delivery is at-least-once and
 * possibly out of order; `eventId` (the Notification Id) is the dedupe key, and the fields reflect the record at
 * send time, so consumers re-read the record rather than trusting the payload.
 */
export function parseWebhook(req: RawWebhookRequest, _secrets?: WebhookSecrets): ParsedWebhook {
  if (req.method.toUpperCase() !== 'POST')
    throw new InvalidPayloadError(`${WHERE}: expected POST, got ${req.method}`, {
      provider: salesforceManifest.id,
      where: WHERE,
    });
  const xml = req.rawBody.toString('utf8');
  if (xml.trim() === '')
    throw new InvalidPayloadError(`${WHERE}: empty body (expected an Outbound Message's SOAP envelope)`, {
      provider: salesforceManifest.id,
      where: WHERE,
    });
  // Salesforce never sends a DOCTYPE; refusing one rules out entity-expansion tricks before parsing.
  if (/<!DOCTYPE/i.test(xml))
    throw new InvalidPayloadError(`${WHERE}: DOCTYPE is not allowed`, {
      provider: salesforceManifest.id,
      where: WHERE,
    });
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw new InvalidPayloadError(
      `${WHERE}: malformed XML (${valid.err.msg}${valid.err.col === undefined ? '' : ` at ${valid.err.line}:${valid.err.col}`})`,
      {
        provider: salesforceManifest.id,
        where: WHERE,
      },
    );
  }
  let parsed: unknown;
  try {
    parsed = parser.parse(xml);
  } catch (e) {
    // Well-formed XML the parser still refuses (an element named like a JavaScript built-in, nesting past its limit).
    throw new InvalidPayloadError(`${WHERE}: unreadable XML (${(e as Error).message.slice(0, 200)})`, {
      provider: salesforceManifest.id,
      where: WHERE,
    });
  }
  const message = parseOrThrow(SalesforceOutboundMessage, parsed, WHERE);
  const {
    OrganizationId: accountId,
    ActionId: actionId,
    Notification: notifications,
    EnterpriseUrl,
    PartnerUrl,
  } = message.Envelope.Body.notifications;
  const originHost = originOf([EnterpriseUrl, PartnerUrl], accountId);
  const good: SalesforceOutboundNotification[] = [];
  const rejected: RejectedWebhookEvent[] = [];
  for (const raw of notifications) {
    const n = SalesforceOutboundNotification.safeParse(raw);
    if (n.success) good.push(n.data);
    else {
      const first = n.error.issues[0];
      rejected.push({
        accountId,
        reason: `unexpected notification shape (${first ? `${first.path.join('.') || '(notification)'}: ${first.message}` : 'unknown'})`,
        raw,
        ...(originHost ? { originHost } : {}),
      });
    }
  }

  // Only the objects closeloop syncs are taken; a notification for anything else is acknowledged and dropped, and so
  // is one whose record id the org could not have issued (a wrong checksum would fail the worker's read of every id
  // with it; the poll reads the org's records anyway).
  const events: WebhookEvent[] = good
    .filter(
      (n) =>
        kindOf(n.sObject['@_type'], n.sObject as Record<string, unknown>) !== null && isValidSalesforceId(n.sObject.Id),
    )
    .map((n) => {
      const fields = n.sObject as Record<string, unknown>;
      const stamp =
        typeof fields.SystemModstamp === 'string'
          ? fields.SystemModstamp
          : typeof fields.LastModifiedDate === 'string'
            ? fields.LastModifiedDate
            : null;
      let occurredAt: number;
      try {
        occurredAt = stamp === null ? req.receivedAt : Date.parse(isoDateTime(stamp) as string);
      } catch {
        // An unreadable stamp only loses ordering information; the record is re-read anyway.
        occurredAt = req.receivedAt;
      }
      return {
        eventId: n.Id,
        accountId,
        kind: kindOf(n.sObject['@_type'], fields),
        objectId: n.sObject.Id,
        // Outbound messages fire on workflow/flow criteria and do not say whether the record was created or edited.
        change: 'updated',
        occurredAt,
        raw: { organizationId: accountId, actionId: actionId ?? null, notification: n },
        ...(originHost ? { originHost } : {}),
      };
    });

  return {
    events,
    ...(rejected.length ? { rejected } : {}),
    response: { status: 200, contentType: 'text/xml; charset=utf-8', body: SALESFORCE_OUTBOUND_ACK },
  };
}
