import { ErrorCode } from '../../../src/core/errors.js';
import { verifySlackSignature } from '../../../src/sources/slack-signature.js';
import { fixture, slackSignature } from './helpers.js';

const doc = fixture<{ signingSecret: string; timestamp: string; body: string; signature: string }>(
  'slack-documented-signature.json',
);
const docNow = Number(doc.timestamp) * 1000;

const codeOf = (fn: () => void): string | null => {
  try {
    fn();
    return null;
  } catch (e) {
    return (e as { code?: string }).code ?? 'THREW';
  }
};

describe('Slack v0 signature', () => {
  test("Slack's documented example verifies, and our independent HMAC agrees with it", () => {
    expect(slackSignature(doc.signingSecret, doc.timestamp, doc.body)).toBe(doc.signature);
    expect(() =>
      verifySlackSignature({
        signingSecret: doc.signingSecret,
        rawBody: Buffer.from(doc.body),
        timestamp: doc.timestamp,
        signature: doc.signature,
        now: docNow,
      }),
    ).not.toThrow();
  });

  test('a signature over a fresh body and timestamp verifies', () => {
    const body = Buffer.from('{"type":"event_callback","event":{"text":"héllo"}}');
    const now = 1_767_261_600_000;
    const ts = String(now / 1000);
    expect(
      codeOf(() =>
        verifySlackSignature({
          signingSecret: 's3cret',
          rawBody: body,
          timestamp: ts,
          signature: slackSignature('s3cret', ts, body),
          now,
        }),
      ),
    ).toBeNull();
  });

  test.each([
    ['another secret', () => slackSignature('other-secret', doc.timestamp, doc.body), doc.body, doc.timestamp],
    ['one byte of the body changed', () => doc.signature, `${doc.body} `, doc.timestamp],
    [
      'the timestamp changed (signed for another one)',
      () => slackSignature(doc.signingSecret, Number(doc.timestamp) - 1, doc.body),
      doc.body,
      doc.timestamp,
    ],
    ['v1 prefix', () => doc.signature.replace('v0=', 'v1='), doc.body, doc.timestamp],
    ['truncated', () => doc.signature.slice(0, 20), doc.body, doc.timestamp],
    ['uppercase hex', () => doc.signature.toUpperCase(), doc.body, doc.timestamp],
  ])('forged: %s → WEBHOOK_SIGNATURE_INVALID', (_name, sig, body, ts) => {
    expect(
      codeOf(() =>
        verifySlackSignature({
          signingSecret: doc.signingSecret,
          rawBody: Buffer.from(body),
          timestamp: ts,
          signature: sig(),
          now: docNow,
        }),
      ),
    ).toBe(ErrorCode.WEBHOOK_SIGNATURE_INVALID);
  });

  test('the window is five minutes in both directions', () => {
    const at = (now: number) =>
      codeOf(() =>
        verifySlackSignature({
          signingSecret: doc.signingSecret,
          rawBody: Buffer.from(doc.body),
          timestamp: doc.timestamp,
          signature: doc.signature,
          now,
        }),
      );
    expect(at(docNow + 300_000)).toBeNull();
    expect(at(docNow - 300_000)).toBeNull();
    expect(at(docNow + 300_001)).toBe(ErrorCode.WEBHOOK_TIMESTAMP_INVALID); // expired (a replay)
    expect(at(docNow - 300_001)).toBe(ErrorCode.WEBHOOK_TIMESTAMP_INVALID); // future-dated
  });

  test('an expired request with a valid signature is refused before the signature matters', () => {
    const now = docNow + 3_600_000;
    const ts = doc.timestamp;
    expect(
      codeOf(() =>
        verifySlackSignature({
          signingSecret: doc.signingSecret,
          rawBody: Buffer.from(doc.body),
          timestamp: ts,
          signature: doc.signature,
          now,
        }),
      ),
    ).toBe(ErrorCode.WEBHOOK_TIMESTAMP_INVALID);
  });

  test('missing or malformed headers', () => {
    const v = (timestamp: string | undefined, signature: string | undefined) =>
      codeOf(() =>
        verifySlackSignature({
          signingSecret: doc.signingSecret,
          rawBody: Buffer.from(doc.body),
          timestamp,
          signature,
          now: docNow,
        }),
      );
    expect(v(undefined, doc.signature)).toBe(ErrorCode.WEBHOOK_TIMESTAMP_INVALID);
    expect(v('', doc.signature)).toBe(ErrorCode.WEBHOOK_TIMESTAMP_INVALID);
    expect(v('1531420618.5', doc.signature)).toBe(ErrorCode.WEBHOOK_TIMESTAMP_INVALID);
    expect(v(`${doc.timestamp}abc`, doc.signature)).toBe(ErrorCode.WEBHOOK_TIMESTAMP_INVALID);
    expect(v(doc.timestamp, undefined)).toBe(ErrorCode.WEBHOOK_SIGNATURE_INVALID);
    expect(v(doc.timestamp, '')).toBe(ErrorCode.WEBHOOK_SIGNATURE_INVALID);
  });
});
