/**
 * Signatures HubSpot puts on webhook deliveries (connectors/hubspot/BEHAVIOR.md, "Webhooks";
 * https://developers.hubspot.com/docs/apps/legacy-apps/authentication/validating-requests.md):
 * v1 = hex SHA-256 of clientSecret + rawBody; v3 = base64 HMAC-SHA256(clientSecret) of method + uri + rawBody +
 * timestamp.
 */
import { createHash, createHmac } from 'node:crypto';

/** Percent-escapes HubSpot decodes in the URI before hashing a v3 signature. */
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

export function decodeSignatureUri(uri: string): string {
  return uri.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (m) => DECODED_ESCAPES[m.toUpperCase()] ?? m);
}

export function signV1(clientSecret: string, rawBody: string): string {
  return createHash('sha256')
    .update(clientSecret + rawBody)
    .digest('hex');
}

export function signV3(
  clientSecret: string,
  method: string,
  uri: string,
  rawBody: string,
  timestamp: number | string,
): string {
  return createHmac('sha256', clientSecret)
    .update(`${method}${decodeSignatureUri(uri)}${rawBody}${timestamp}`)
    .digest('base64');
}

/** The headers one delivery carries. */
export function webhookHeaders(
  clientSecret: string,
  uri: string,
  rawBody: string,
  timestamp: number,
): Record<string, string> {
  return {
    'Content-Type': 'application/json',
    'X-HubSpot-Signature': signV1(clientSecret, rawBody),
    'X-HubSpot-Signature-Version': 'v1',
    'X-HubSpot-Signature-v3': signV3(clientSecret, 'POST', uri, rawBody, timestamp),
    'X-HubSpot-Request-Timestamp': String(timestamp),
  };
}
