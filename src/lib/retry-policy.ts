import { decideFailure } from './failure-action.js';

export interface RetryDecision {
  retry: boolean;
  delayMs: number;
  reason: string;
}
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
 * In-process retry (a client that sleeps and calls again), on the one policy of src/lib/failure-action.ts:
 * only what that policy retries is retried here, at the provider's time when it gave one, otherwise with
 * exponential backoff and jitter. `attempt` counts the attempts made before this failure (0 = first call).
 * Pause, reconnect, resync and fail are not retried in place: the caller's loop handles them.
 */
export function decideRetry(err: unknown, attempt: number, o: RetryOptions): RetryDecision {
  if (attempt >= o.maxAttempts) return { retry: false, delayMs: 0, reason: `gave up after ${attempt} attempts` };
  const d = decideFailure(err, {
    attempt: attempt + 1,
    maxAttempts: o.maxAttempts + 1,
    now: o.now,
    baseMs: o.baseMs,
    capMs: o.capMs,
    idempotent: o.idempotent,
    random: o.random,
  });
  if (d.action !== 'retry') return { retry: false, delayMs: 0, reason: `${d.action}: ${d.reason}` };
  const delayMs = d.at - o.now;
  return { retry: true, delayMs, reason: `${d.reason} (attempt ${attempt}, ${delayMs} ms)` };
}
