import { ErrorCode, isCloseloopError } from '../core/errors.js';

export interface RetryDecision { retry: boolean; delayMs: number; reason: string }
export interface RetryOptions {
  maxAttempts: number;
  baseMs: number;
  capMs: number;
  /** Writes are retried only when they carry an idempotency key. */
  idempotent: boolean;
  now: number;
  /** 0..1, injectable for tests; default Math.random. */
  random?: () => number;
}

/**
 * Pure retry decision: honours the provider's retry time (Retry-After / quota reset), otherwise
 * exponential backoff with full jitter and a ceiling. Never retries a non-idempotent write.
 */
export function decideRetry(err: unknown, attempt: number, o: RetryOptions): RetryDecision {
  const rnd = o.random ?? Math.random;
  if (attempt >= o.maxAttempts) return { retry: false, delayMs: 0, reason: `gave up after ${attempt} attempts` };
  const code = isCloseloopError(err) ? err.code : ErrorCode.INTERNAL;
  const retryable: string[] = [ErrorCode.RATE_LIMITED, ErrorCode.PROVIDER_UNAVAILABLE, ErrorCode.QUOTA_EXHAUSTED, ErrorCode.INTERNAL];
  if (!retryable.includes(code)) return { retry: false, delayMs: 0, reason: `${code} is not retryable` };
  if (!o.idempotent) return { retry: false, delayMs: 0, reason: `${code} on a write without idempotency key` };
  const retryAt = isCloseloopError(err) ? err.retryAt : undefined;
  if (retryAt !== undefined) {
    const wait = Math.max(0, retryAt - o.now);
    return { retry: true, delayMs: wait, reason: `${code}: provider asked to wait ${wait} ms` };
  }
  const exp = Math.min(o.capMs, o.baseMs * 2 ** attempt);
  const delayMs = Math.round(exp / 2 + rnd() * (exp / 2));
  return { retry: true, delayMs, reason: `${code}: backoff attempt ${attempt} (${delayMs} ms)` };
}
