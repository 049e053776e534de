import OpenAI from 'openai';
import {
  AuthRevokedError,
  CloseloopError,
  PermissionMissingError,
  ProviderRejectedError,
  ProviderUnavailableError,
  QuotaExhaustedError,
  RateLimitedError,
  type ErrorDetails,
} from '../core/errors.js';
import { CHAT_WHERE, retryAtFromHeaders } from './errors.js';

// The OpenAI SDK's error classes are read only here, so the SDK loads with the client that needs it (an endpoint is
// configured), not with every module that names an LLM error.

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
