import { ErrorCode, isCloseloopError } from '../core/errors.js';

/** What a sync or write-back loop does with a failure. Loops switch on our error code only. */
export type FailureAction =
  | { action: 'retry'; reason: string }
  | { action: 'pause'; until: number; reason: string }
  | { action: 'reconnect'; reason: string }
  | { action: 'resync'; reason: string }
  | { action: 'fail'; reason: string };

export function failureAction(err: unknown, now: number): FailureAction {
  if (!isCloseloopError(err)) return { action: 'retry', reason: `unexpected error: ${String((err as Error)?.message ?? err)}` };
  switch (err.code) {
    case ErrorCode.RATE_LIMITED:
    case ErrorCode.PROVIDER_UNAVAILABLE:
      return { action: 'retry', reason: err.code };
    case ErrorCode.QUOTA_EXHAUSTED:
      return { action: 'pause', until: err.retryAt ?? now + 60 * 60 * 1000, reason: `${err.code}: ${err.message}` };
    case ErrorCode.AUTH_EXPIRED:
    case ErrorCode.AUTH_REVOKED:
    case ErrorCode.PERMISSION_MISSING:
      return { action: 'reconnect', reason: `${err.code}: ${err.message}` };
    case ErrorCode.INVALID_CURSOR:
      return { action: 'resync', reason: `${err.code}: ${err.message}` };
    default:
      return { action: 'fail', reason: `${err.code}: ${err.message}` };
  }
}
