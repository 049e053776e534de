import OpenAI from 'openai';
import {
  AuthRevokedError,
  CloseloopError,
  ModelOutputError,
  PermissionMissingError,
  ProviderRejectedError,
  ProviderUnavailableError,
  QuotaExhaustedError,
  RateLimitedError,
  type ErrorDetails,
} from '../core/errors.js';
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

/**
 * SDK error -> our catalog: the one reader of OpenAI-compatible API errors (chat completions and embeddings).
 * What reaches here has already been retried by the SDK (408/409/429/5xx, `maxRetries` times), so it is what
 * is left to act on. `where` names the endpoint (`POST /chat/completions`, `POST /embeddings`).
 */
export function mapOpenAIError(e: unknown, o: { where: string; now: number }): CloseloopError {
  if (e instanceof CloseloopError) return e;
  const { where, now } = o;
  if (e instanceof OpenAI.APIConnectionTimeoutError || e instanceof OpenAI.APIConnectionError) {
    return new ProviderUnavailableError(`${where}: ${e.message}`, { provider: 'openai', where, cause: e });
  }
  if (e instanceof OpenAI.APIError) {
    const d: ErrorDetails = {
      provider: 'openai',
      where,
      status: e.status,
      providerRequestId: e.requestID ?? undefined,
      cause: e,
    };
    const msg = `${where}: ${e.status ?? ''} ${e.message}`.replace(/\s+/g, ' ');
    if (e.status === 429) {
      if (e.code === 'insufficient_quota') return new QuotaExhaustedError(msg, d);
      return new RateLimitedError(msg, { ...d, retryAt: retryAtFromHeaders(e.headers, now) });
    }
    // An API key is configuration, not a CRM session: nothing to refresh, an admin must replace it.
    if (e.status === 401) return new AuthRevokedError(`${msg} (check the LLM API key)`, d);
    if (e.status === 403) return new PermissionMissingError(msg, d);
    if (e.status !== undefined && (e.status >= 500 || e.status === 408 || e.status === 409))
      return new ProviderUnavailableError(msg, d);
    return new ProviderRejectedError(msg, d);
  }
  return new ProviderUnavailableError(`${where}: ${(e as Error)?.message ?? String(e)}`, {
    provider: 'openai',
    where,
    cause: e,
  });
}

/** Chat completion errors (the LLM client). */
export const mapChatError = (e: unknown, now: number): CloseloopError => mapOpenAIError(e, { where: CHAT_WHERE, now });
