import { Client } from '@hubspot/api-client';
import type { z } from 'zod';
import {
  AuthExpiredError,
  CloseloopError,
  InvalidPayloadError,
  NotFoundError,
  PermissionMissingError,
  ProviderRejectedError,
  ProviderUnavailableError,
  QuotaExhaustedError,
  RateLimitedError,
  isCloseloopError,
  type ConnectionContext,
} from '../../src/core/index.js';
import { headerValue, readRateLimit, retryAfterAt } from '../kit/rate-limit-headers.js';
import { HUBSPOT_DAILY_HEADERS, HUBSPOT_LIMITS, HUBSPOT_PROVIDER, hubspotManifest } from './manifest.js';
import { HubspotErrorBody } from './schemas.js';

export interface HubspotClientOptions {
  /**
   * Passed to the official client (0-6). Default 0: retries are decided by src/lib/retry-policy from our
   * error codes; the client's own decorator would sleep inside the call and double them.
   */
  numberOfApiCallRetries?: number;
  /** Clock for retryAt computations (tests inject a fixed one). */
  now?: () => number;
}

export type HubspotApiClient = Client;

/** The official client for one installed account, pointed at `ctx.apiBase` (production or the sandbox). */
export async function createHubspotClient(ctx: ConnectionContext, opts: HubspotClientOptions = {}): Promise<Client> {
  const accessToken = await ctx.getAccessToken();
  return new Client({ accessToken, basePath: ctx.apiBase, numberOfApiCallRetries: opts.numberOfApiCallRetries ?? 0 });
}

/** A client without a token, for the OAuth endpoints (credentials travel in the form body). */
export function createHubspotOauthClient(basePath: string, opts: HubspotClientOptions = {}): Client {
  return new Client({ basePath, numberOfApiCallRetries: opts.numberOfApiCallRetries ?? 0 });
}

/** The shape of @hubspot/api-client's ApiException (one class per codegen module, so no instanceof). */
interface ApiExceptionLike { code: number; body: unknown; headers: Record<string, string> | undefined }

function isApiException(e: unknown): e is ApiExceptionLike {
  return typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'number' && 'body' in e;
}

function parseErrorBody(body: unknown): HubspotErrorBody {
  let candidate = body;
  if (typeof body === 'string') {
    try { candidate = JSON.parse(body); } catch { return {}; }
  }
  const parsed = HubspotErrorBody.safeParse(candidate);
  return parsed.success ? parsed.data : {};
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT']);

/** Duck-typed: fetch's TypeError may come from another realm (test VMs), where instanceof fails. */
function isNetworkError(e: unknown): e is { name: string; message: string } {
  if (typeof e !== 'object' || e === null) return false;
  const { name, message, code, cause } = e as { name?: unknown; message?: unknown; code?: unknown; cause?: { code?: unknown } };
  if (name === 'AbortError' || name === 'TimeoutError') return true;
  if (name === 'TypeError' && typeof message === 'string' && /fetch failed/i.test(message)) return true;
  const errno = code ?? cause?.code;
  return typeof errno === 'string' && NETWORK_CODES.has(errno);
}

/** Next midnight UTC: HubSpot resets daily limits at midnight in the account's time zone, which we do not know. */
const nextUtcMidnight = (now: number): number => {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
};

/**
 * The one place HubSpot errors become ours (STYLE.md habit 5). `where` names the endpoint
 * ("POST /crm/v3/objects/deals/search"). Errors that are already ours pass through; anything that is neither
 * an HTTP answer nor a network failure is rethrown untouched by the caller.
 * https://developers.hubspot.com/docs/api-reference/latest/error-handling
 */
export function toHubspotError(err: unknown, where: string, now: number = Date.now()): CloseloopError | null {
  if (isCloseloopError(err)) return err;
  const base = { provider: HUBSPOT_PROVIDER, where, cause: err };
  if (isApiException(err)) {
    const status = err.code;
    const headers = err.headers ?? {};
    const body = parseErrorBody(err.body);
    const providerRequestId = body.correlationId ?? headerValue(headers, 'x-hubspot-correlation-id') ?? undefined;
    const detail = { ...base, status, providerRequestId };
    const msg = `${where}: HubSpot answered ${status}${body.category ? ` ${body.category}` : ''}${body.message ? `: ${body.message}` : ''}`;

    if (status === 401) return new AuthExpiredError(msg, detail);
    if (status === 403) {
      // MISSING_SCOPES is the documented category; any other 403 also needs an admin, not a retry.
      return new PermissionMissingError(
        body.category === 'MISSING_SCOPES' ? msg : `${msg} (forbidden; reconnect with the required scopes)`, detail,
      );
    }
    if (status === 429) {
      const retryAfter = retryAfterAt(headers, now);
      const dailyRemaining = headerValue(headers, HUBSPOT_DAILY_HEADERS.dailyRemaining);
      // The client deserializes error bodies into its ModelError, which drops `policyName`; the daily
      // header and the message are the fallbacks that survive it.
      const isDaily = body.policyName === 'DAILY' || dailyRemaining === '0' || /\bdaily\b/i.test(body.message ?? '');
      if (isDaily) return new QuotaExhaustedError(msg, { ...detail, retryAt: retryAfter ?? nextUtcMidnight(now) });
      const isSearchSecondly = /secondly limit/i.test(body.message ?? '') && !/ten_secondly/i.test(body.message ?? '');
      const interval = readRateLimit(headers, hubspotManifest.rateLimitHeaders).intervalMs;
      const waitMs = isSearchSecondly ? HUBSPOT_LIMITS.searchRetryMs : (interval ?? HUBSPOT_LIMITS.burstIntervalMs);
      return new RateLimitedError(msg, { ...detail, retryAt: retryAfter ?? now + waitMs });
    }
    if (status >= 500) return new ProviderUnavailableError(msg, detail);
    if (status === 404) return new NotFoundError(msg, detail);
    if (status >= 400) return new ProviderRejectedError(msg, detail);
    // A status the generated code did not expect (e.g. 3xx): the provider did not give us a usable answer.
    return new ProviderUnavailableError(msg, detail);
  }
  if (isNetworkError(err)) {
    return new ProviderUnavailableError(`${where}: ${err.message}`, base);
  }
  return null;
}

export interface CallOptions { now?: () => number }

/**
 * Runs one provider call, maps its failure, and parses its answer: a response is never read before the
 * schema has accepted it, and a failed parse is an InvalidPayloadError naming the endpoint.
 */
export async function callHubspot<S extends z.ZodType>(
  where: string,
  schema: S,
  call: () => Promise<unknown>,
  opts: CallOptions = {},
): Promise<z.output<S>> {
  let raw: unknown;
  try {
    raw = await call();
  } catch (err) {
    throw toHubspotError(err, where, (opts.now ?? Date.now)()) ?? err;
  }
  return parseHubspot(where, schema, raw);
}

export function parseHubspot<S extends z.ZodType>(where: string, schema: S, raw: unknown): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new InvalidPayloadError(`${where}: unexpected response shape (${first})`, {
      provider: HUBSPOT_PROVIDER, where, cause: parsed.error, status: undefined,
    });
  }
  return parsed.data;
}
