import { ErrorCode, SetupRequiredError, isCloseloopError } from '../core/errors.js';

/**
 * The one failure policy. Every loop (queue workers, write-back, change streams, connectors' own retries) asks
 * `decideFailure` what to do with an error and switches on the answer, never on message text:
 *
 * - `retry` at `at` (ms since epoch): the provider's own time when the error carries one (Retry-After, a quota
 *   reset: `CloseloopError.retryAt`), otherwise exponential backoff with jitter and a ceiling;
 * - `pause` the connection until `until`: its jobs are parked and resume by themselves when the pause ends;
 * - `reconnect`: the connection needs an admin to install again; its jobs are parked until then;
 * - `resync`: the stored cursor is unusable, read the kind again in full;
 * - `setup`: the account's own setup refuses the write (a validation rule, an org-required field): `issue` is shown
 *   to RevOps as a setup issue of the connection and its write-backs are parked until it is fixed (loops that do not
 *   write treat it as `fail`);
 * - `fail`: retrying cannot help (a rejected write, bad data), or the attempts are spent: dead-letter it.
 */
export type FailureAction =
  | { action: 'retry'; at: number; reason: string }
  | { action: 'pause'; until: number; reason: string }
  | { action: 'reconnect'; reason: string }
  | { action: 'resync'; reason: string }
  | { action: 'setup'; issue: string; reason: string }
  | { action: 'fail'; reason: string };

type Kind = FailureAction['action'];

/** What each error code means for a loop: the whole policy as data. Codes absent here are not retried. */
export const ACTION_BY_CODE: Readonly<Record<ErrorCode, Kind>> = {
  [ErrorCode.RATE_LIMITED]: 'retry',
  [ErrorCode.PROVIDER_UNAVAILABLE]: 'retry',
  [ErrorCode.INTERNAL]: 'retry',
  [ErrorCode.QUOTA_EXHAUSTED]: 'pause',
  [ErrorCode.AUTH_EXPIRED]: 'reconnect',
  [ErrorCode.AUTH_REVOKED]: 'reconnect',
  [ErrorCode.PERMISSION_MISSING]: 'reconnect',
  [ErrorCode.INVALID_CURSOR]: 'resync',
  [ErrorCode.CONFIG_INVALID]: 'fail',
  [ErrorCode.MIGRATIONS_PENDING]: 'fail',
  [ErrorCode.PROVIDER_REJECTED]: 'fail',
  [ErrorCode.NOT_FOUND]: 'fail',
  [ErrorCode.INVALID_PAYLOAD]: 'fail',
  [ErrorCode.WEBHOOK_SIGNATURE_INVALID]: 'fail',
  [ErrorCode.WEBHOOK_TIMESTAMP_INVALID]: 'fail',
  [ErrorCode.UNKNOWN_ACCOUNT]: 'fail',
  [ErrorCode.OAUTH_STATE_INVALID]: 'fail',
  [ErrorCode.INSTALL_FAILED]: 'fail',
  [ErrorCode.RULE_FILE_INVALID]: 'fail',
  [ErrorCode.RULE_VIOLATION]: 'fail',
  [ErrorCode.MODEL_OUTPUT_INVALID]: 'fail',
  [ErrorCode.MODEL_OUTPUT_TRUNCATED]: 'fail',
  [ErrorCode.MODEL_REFUSED]: 'fail',
  [ErrorCode.BUDGET_EXCEEDED]: 'fail',
  [ErrorCode.SETUP_REQUIRED]: 'setup',
  // HTTP access control (src/http/guard.ts): never raised inside a loop; a caller problem, not retried.
  [ErrorCode.UNAUTHENTICATED]: 'fail',
  [ErrorCode.FORBIDDEN]: 'fail',
  [ErrorCode.METHOD_NOT_ALLOWED]: 'fail',
  [ErrorCode.UNSUPPORTED_MEDIA_TYPE]: 'fail',
  [ErrorCode.RESOURCE_IN_USE]: 'fail',
};

export interface FailureOptions {
  /** Attempts made so far, this one included (1 after the first failure). */
  attempt: number;
  /** Attempts allowed in total; a retry beyond it becomes `fail`. */
  maxAttempts: number;
  now: number;
  /** Backoff: first delay and ceiling, ms. */
  baseMs?: number;
  capMs?: number;
  /** Writes are retried only when they carry an idempotency key (default true). */
  idempotent?: boolean;
  /** Pause length when a quota error says nothing about its reset (default one hour). */
  defaultPauseMs?: number;
  /** 0..1, injectable for tests; default Math.random. */
  random?: () => number;
}

export const DEFAULT_BACKOFF = { baseMs: 2_000, capMs: 5 * 60_000 } as const;

/** The code behind any thrown value: ours, or INTERNAL for anything else (a bug, a driver error). */
export const errorCodeOf = (err: unknown): ErrorCode => (isCloseloopError(err) ? err.code : ErrorCode.INTERNAL);

const describe = (err: unknown): string => {
  const code = errorCodeOf(err);
  const msg = String((err as Error)?.message ?? err);
  return isCloseloopError(err) ? `${code}: ${msg}` : `unexpected error: ${msg}`;
};

export function decideFailure(err: unknown, o: FailureOptions): FailureAction {
  const code = errorCodeOf(err);
  const kind = ACTION_BY_CODE[code] ?? 'fail';
  const reason = describe(err);
  const retryAt = isCloseloopError(err) ? err.retryAt : undefined;
  switch (kind) {
    case 'pause':
      return { action: 'pause', until: retryAt ?? o.now + (o.defaultPauseMs ?? 60 * 60_000), reason };
    case 'setup':
      return { action: 'setup', issue: err instanceof SetupRequiredError ? err.issue : reason, reason };
    case 'reconnect':
    case 'resync':
    case 'fail':
      return { action: kind, reason };
    case 'retry': {
      if (o.idempotent === false)
        return { action: 'fail', reason: `${reason} (a write without idempotency key is never retried)` };
      if (o.attempt >= o.maxAttempts)
        return { action: 'fail', reason: `${reason} (gave up after ${o.attempt} attempts)` };
      if (retryAt !== undefined) return { action: 'retry', at: Math.max(o.now, retryAt), reason };
      const base = o.baseMs ?? DEFAULT_BACKOFF.baseMs;
      const exp = Math.min(o.capMs ?? DEFAULT_BACKOFF.capMs, base * 2 ** Math.max(0, o.attempt - 1));
      const delay = Math.round(exp / 2 + (o.random ?? Math.random)() * (exp / 2));
      return { action: 'retry', at: o.now + delay, reason };
    }
  }
}

/**
 * The action for an error without attempt accounting (loops that keep no attempt count: change streams, and
 * callers that only need the kind). A retry is due now or at the provider's time.
 */
export function failureAction(err: unknown, now: number): FailureAction {
  return decideFailure(err, {
    attempt: 0,
    maxAttempts: Number.MAX_SAFE_INTEGER,
    now,
    baseMs: 0,
    capMs: 0,
    random: () => 0,
  });
}
