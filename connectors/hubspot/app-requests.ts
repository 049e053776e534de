import {
  WebhookSignatureError,
  type AppRequestIdentity,
  type RawWebhookRequest,
  type WebhookSecrets,
} from '../../src/core/index.js';
import { headerValue } from '../kit/rate-limit-headers.js';
import { HUBSPOT_WEBHOOK_HEADERS } from './manifest.js';
import { verifyV3 } from './webhooks.js';

/**
 * Query parameters HubSpot appends to every `hubspot.fetch` request an app card makes; the v3 signature covers the
 * full URI, these included, so once it verifies they are HubSpot's word for who is looking at the record.
 * https://developers.hubspot.com/docs/apps/developer-platform/add-features/ui-extensibility/fetching-data
 */
export const HUBSPOT_FETCH_PARAMS = {
  portalId: 'portalId',
  userId: 'userId',
  userEmail: 'userEmail',
  appId: 'appId',
} as const;

/**
 * Verifies a request from an app card (`hubspot.fetch`): v3 signature over method + URI + raw body + timestamp, keyed
 * with the app's client secret, inside the 5-minute window; no v1 fallback (app-card requests always carry v3).
 * https://developers.hubspot.com/docs/apps/developer-platform/build-apps/authentication/request-validation
 */
export function verifyAppRequest(req: RawWebhookRequest, secrets: WebhookSecrets): AppRequestIdentity {
  const v3 = headerValue(req.headers, HUBSPOT_WEBHOOK_HEADERS.signatureV3);
  if (v3 === null || v3.trim() === '')
    throw new WebhookSignatureError(`missing ${HUBSPOT_WEBHOOK_HEADERS.signatureV3} header`);
  verifyV3(req, secrets, v3);
  let url: URL;
  try {
    url = new URL(req.url);
  } catch {
    throw new WebhookSignatureError('request URL is not absolute');
  }
  const portalId = url.searchParams.getAll(HUBSPOT_FETCH_PARAMS.portalId);
  const userId = url.searchParams.getAll(HUBSPOT_FETCH_PARAMS.userId);
  // Exactly one of each: a duplicated parameter would let two readers of the same URL disagree on who is calling.
  if (portalId.length !== 1 || !/^\d{1,20}$/.test(portalId[0]!))
    throw new WebhookSignatureError('signed request names no single portalId');
  if (userId.length !== 1 || !/^\d{1,20}$/.test(userId[0]!))
    throw new WebhookSignatureError('signed request names no single userId');
  const email = url.searchParams.get(HUBSPOT_FETCH_PARAMS.userEmail);
  return { accountId: portalId[0]!, userId: userId[0]!, userEmail: email && email.length <= 320 ? email : null };
}
