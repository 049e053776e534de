import { ModelOutputError, type ErrorDetails } from '../core/errors.js';
import type { Usage } from './cost.js';
import { retryAfterAt } from '../../connectors/kit/rate-limit-headers.js';

export const CHAT_WHERE = 'POST /chat/completions';

/**
 * A model answer we cannot use. Keeps the raw text (for the audit trail, never for a suggestion) and the
 * tokens the failed call still cost.
 */
export class LlmOutputError extends ModelOutputError {
  constructor(
    code: 'MODEL_OUTPUT_INVALID' | 'MODEL_OUTPUT_TRUNCATED' | 'MODEL_REFUSED',
    message: string,
    readonly raw: string | null,
    readonly usage: Usage | null,
    readonly model: string,
    d: ErrorDetails = {},
  ) {
    super(code, message, { provider: 'openai', where: CHAT_WHERE, ...d });
  }
}

/** `6m0s`, `1.5s`, `12ms`, `1h2m` (OpenAI's x-ratelimit-reset-* format) -> ms. */
export function parseResetDuration(s: string): number | undefined {
  const parts = [...s.trim().matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== s.trim()) return undefined;
  const unit: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  return parts.reduce((t, p) => t + Number(p[1]) * unit[p[2]!]!, 0);
}

/**
 * When a rate-limited call may be retried. Retry-After wins (as the SDK does: `retry-after-ms`, then
 * `retry-after` in seconds or as an HTTP date); otherwise the reset of the exhausted OpenAI window
 * (https://platform.openai.com/docs/guides/rate-limits#rate-limits-in-headers), or the later of both.
 */
export function retryAtFromHeaders(headers: Headers | undefined, now: number): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '' && Number.isFinite(Number(ms))) return now + Number(ms);
  const ra = retryAfterAt(headers, now);
  if (ra !== null) return ra;
  const windows = ['requests', 'tokens']
    .map((w) => ({
      remaining: headers.get(`x-ratelimit-remaining-${w}`),
      reset: parseResetDuration(headers.get(`x-ratelimit-reset-${w}`) ?? ''),
    }))
    .filter((w) => w.reset !== undefined);
  if (windows.length === 0) return undefined;
  const exhausted = windows.filter((w) => w.remaining === '0');
  return now + Math.max(...(exhausted.length ? exhausted : windows).map((w) => w.reset!));
}
