import { createHmac } from 'node:crypto';
import { WebhookSignatureError } from '../core/errors.js';
import { constantTimeEqual } from '../../connectors/kit/constant-time.js';

/** Slack's documented replay window: requests older (or newer) than five minutes are refused. */
export const SLACK_TOLERANCE_MS = 5 * 60 * 1000;

export interface SlackSignatureInput {
  signingSecret: string;
  /** The body exactly as received: the signature covers these bytes, never re-serialized JSON. */
  rawBody: Buffer;
  /** `X-Slack-Request-Timestamp` (Unix seconds). */
  timestamp: string | undefined;
  /** `X-Slack-Signature` ("v0=<hex>"). */
  signature: string | undefined;
  now: number;
  toleranceMs?: number;
}

/**
 * Verify a Slack request before anything parses it. Throws WEBHOOK_TIMESTAMP_INVALID (missing, malformed,
 * stale or future-dated timestamp) or WEBHOOK_SIGNATURE_INVALID (missing or wrong signature).
 * https://api.slack.com/authentication/verifying-requests-from-slack
 */
export function verifySlackSignature(i: SlackSignatureInput): void {
  const tolerance = i.toleranceMs ?? SLACK_TOLERANCE_MS;
  if (!i.timestamp || !/^\d{1,12}$/.test(i.timestamp)) {
    throw new WebhookSignatureError(
      'slack: missing or malformed X-Slack-Request-Timestamp',
      'WEBHOOK_TIMESTAMP_INVALID',
    );
  }
  if (Math.abs(i.now - Number(i.timestamp) * 1000) > tolerance) {
    throw new WebhookSignatureError(
      'slack: request timestamp outside the 5-minute window',
      'WEBHOOK_TIMESTAMP_INVALID',
    );
  }
  if (!i.signature) throw new WebhookSignatureError('slack: missing X-Slack-Signature');
  const base = Buffer.concat([Buffer.from(`v0:${i.timestamp}:`, 'utf8'), i.rawBody]);
  const expected = `v0=${createHmac('sha256', i.signingSecret).update(base).digest('hex')}`;
  if (!constantTimeEqual(expected, i.signature.trim())) throw new WebhookSignatureError('slack: signature mismatch');
}
