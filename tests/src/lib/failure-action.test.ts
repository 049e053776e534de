import {
  AuthExpiredError,
  AuthRevokedError,
  CloseloopError,
  ErrorCode,
  InvalidCursorError,
  NotFoundError,
  PermissionMissingError,
  ProviderRejectedError,
  ProviderUnavailableError,
  QuotaExhaustedError,
  RateLimitedError,
} from '../../../src/core/errors.js';
import { ACTION_BY_CODE, decideFailure, failureAction } from '../../../src/lib/failure-action.js';
import { decideRetry } from '../../../src/lib/retry-policy.js';

const NOW = Date.UTC(2026, 0, 5, 12, 0, 0);
const opts = { attempt: 1, maxAttempts: 5, now: NOW, baseMs: 1000, capMs: 60_000, random: () => 0.5 };

/** The expected action of every code in the catalog: adding a code without deciding its action fails here. */
const EXPECTED: Record<ErrorCode, 'retry' | 'pause' | 'reconnect' | 'resync' | 'setup' | 'fail'> = {
  CONFIG_INVALID: 'fail',
  MIGRATIONS_PENDING: 'fail',
  AUTH_EXPIRED: 'reconnect',
  AUTH_REVOKED: 'reconnect',
  PERMISSION_MISSING: 'reconnect',
  RATE_LIMITED: 'retry',
  QUOTA_EXHAUSTED: 'pause',
  PROVIDER_UNAVAILABLE: 'retry',
  PROVIDER_REJECTED: 'fail',
  NOT_FOUND: 'fail',
  INVALID_PAYLOAD: 'fail',
  INVALID_CURSOR: 'resync',
  WEBHOOK_SIGNATURE_INVALID: 'fail',
  WEBHOOK_TIMESTAMP_INVALID: 'fail',
  UNKNOWN_ACCOUNT: 'fail',
  OAUTH_STATE_INVALID: 'fail',
  INSTALL_FAILED: 'fail',
  RULE_FILE_INVALID: 'fail',
  RULE_VIOLATION: 'fail',
  MODEL_OUTPUT_INVALID: 'fail',
  MODEL_OUTPUT_TRUNCATED: 'fail',
  MODEL_REFUSED: 'fail',
  BUDGET_EXCEEDED: 'fail',
  SETUP_REQUIRED: 'setup',
  INTERNAL: 'retry',
  UNAUTHENTICATED: 'fail',
  FORBIDDEN: 'fail',
  METHOD_NOT_ALLOWED: 'fail',
  UNSUPPORTED_MEDIA_TYPE: 'fail',
  RESOURCE_IN_USE: 'fail',
};

describe('decideFailure: one action per error code', () => {
  test.each(Object.values(ErrorCode))('%s', (code) => {
    const d = decideFailure(new CloseloopError(code, 'x'), opts);
    expect(d.action).toBe(EXPECTED[code]);
    expect(ACTION_BY_CODE[code]).toBe(EXPECTED[code]);
    expect(d.reason).toContain(code);
  });

  test('the typed classes carry the codes the connectors raise', () => {
    const cases: [Error, string][] = [
      [new AuthExpiredError('a'), 'reconnect'],
      [new AuthRevokedError('a'), 'reconnect'],
      [new PermissionMissingError('a'), 'reconnect'],
      [new RateLimitedError('a'), 'retry'],
      [new ProviderUnavailableError('a'), 'retry'],
      [new QuotaExhaustedError('a'), 'pause'],
      [new InvalidCursorError('a'), 'resync'],
      [new NotFoundError('a'), 'fail'],
      [new ProviderRejectedError('a'), 'fail'],
    ];
    for (const [err, action] of cases) expect(decideFailure(err, opts).action).toBe(action);
  });

  test('an error that is not ours is retried with backoff as INTERNAL, and fails once attempts are spent', () => {
    expect(decideFailure(new TypeError('boom'), opts)).toMatchObject({
      action: 'retry',
      reason: 'unexpected error: boom',
    });
    expect(decideFailure(new TypeError('boom'), { ...opts, attempt: 5 })).toMatchObject({
      action: 'fail',
      reason: expect.stringContaining('gave up after 5 attempts'),
    });
  });

  test("a retry honours the provider's time (Retry-After / 477 / 5xx with retryAt)", () => {
    const at = NOW + 42_000;
    expect(decideFailure(new RateLimitedError('slow down', { retryAt: at }), opts)).toEqual({
      action: 'retry',
      at,
      reason: 'RATE_LIMITED: slow down',
    });
    expect(decideFailure(new ProviderUnavailableError('477', { retryAt: at }), opts)).toMatchObject({
      action: 'retry',
      at,
    });
    // A time already past is "now", never earlier.
    expect(decideFailure(new RateLimitedError('x', { retryAt: NOW - 5 }), opts)).toMatchObject({
      action: 'retry',
      at: NOW,
    });
  });

  test('without a provider time: exponential backoff with jitter, capped', () => {
    const at = (attempt: number, random: number) =>
      (decideFailure(new ProviderUnavailableError('x'), { ...opts, attempt, random: () => random }) as { at: number })
        .at - NOW;
    expect(at(1, 0)).toBe(500);
    expect(at(1, 1)).toBe(1000);
    expect(at(3, 1)).toBe(4000);
    expect(at(4, 0.5)).toBe(6000);
    expect(at(4, 1)).toBeLessThanOrEqual(60_000);
    expect(
      decideFailure(new ProviderUnavailableError('x'), {
        ...opts,
        attempt: 4,
        maxAttempts: 100,
        random: () => 1,
        capMs: 3000,
      }),
    ).toMatchObject({ at: NOW + 3000 });
  });

  test('a quota pause lasts until the reset the error carries, else the default', () => {
    expect(decideFailure(new QuotaExhaustedError('daily', { retryAt: NOW + 3_600_000 }), opts)).toMatchObject({
      action: 'pause',
      until: NOW + 3_600_000,
    });
    expect(decideFailure(new QuotaExhaustedError('daily'), { ...opts, defaultPauseMs: 1000 })).toMatchObject({
      action: 'pause',
      until: NOW + 1000,
    });
  });

  test('a write without idempotency key is never retried', () => {
    expect(decideFailure(new ProviderUnavailableError('x'), { ...opts, idempotent: false }).action).toBe('fail');
  });

  test('failureAction: the kind without attempt accounting, a retry due at the provider time or now', () => {
    expect(failureAction(new RateLimitedError('x', { retryAt: NOW + 10 }), NOW)).toMatchObject({
      action: 'retry',
      at: NOW + 10,
    });
    expect(failureAction(new ProviderUnavailableError('x'), NOW)).toMatchObject({ action: 'retry', at: NOW });
    expect(failureAction(new AuthRevokedError('x'), NOW).action).toBe('reconnect');
  });
});

describe('decideRetry (in-process retries on the same policy)', () => {
  const r = { maxAttempts: 3, baseMs: 100, capMs: 1000, idempotent: true, now: NOW, random: () => 1 };
  test('retries what the policy retries, at the provider time or with backoff', () => {
    expect(decideRetry(new RateLimitedError('x', { retryAt: NOW + 250 }), 0, r)).toMatchObject({
      retry: true,
      delayMs: 250,
    });
    expect(decideRetry(new ProviderUnavailableError('x'), 0, r)).toMatchObject({ retry: true, delayMs: 100 });
    expect(decideRetry(new ProviderUnavailableError('x'), 2, r)).toMatchObject({ retry: true, delayMs: 400 });
    expect(decideRetry(new ProviderUnavailableError('x'), 3, r)).toMatchObject({
      retry: false,
      reason: 'gave up after 3 attempts',
    });
  });
  test.each(Object.values(ErrorCode).filter((c) => EXPECTED[c] !== 'retry'))('%s is not retried in place', (code) => {
    expect(decideRetry(new CloseloopError(code, 'x', { retryAt: NOW + 5 }), 0, r).retry).toBe(false);
  });
  test('writes without idempotency key are not retried', () => {
    expect(decideRetry(new ProviderUnavailableError('x'), 0, { ...r, idempotent: false }).retry).toBe(false);
  });
});
