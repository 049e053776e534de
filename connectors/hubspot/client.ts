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
  throwIfGivenUp,
  type ConnectionContext,
} from '../../src/core/index.js';
import { headerValue, readRateLimit, retryAfterAt } from '../kit/rate-limit-headers.js';
import {
  HUBSPOT_DAILY_HEADERS,
  HUBSPOT_LANE,
  HUBSPOT_LIMITS,
  HUBSPOT_MIGRATION_IN_PROGRESS,
  HUBSPOT_PROVIDER,
  hubspotManifest,
  type HubspotLane,
} from './manifest.js';
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

type ResponseObserver = (status: number, headers: unknown) => void;

/** The official client for one installed account, pointed at `ctx.apiBase` (production or the sandbox). */
export async function createHubspotClient(
  ctx: ConnectionContext,
  opts: HubspotClientOptions = {},
  observe?: ResponseObserver,
): Promise<Client> {
  const accessToken = await ctx.getAccessToken();
  return new Client({
    accessToken,
    basePath: ctx.apiBase,
    numberOfApiCallRetries: opts.numberOfApiCallRetries ?? 0,
    // Every response passes here, errors included: the only place the client exposes success headers.
    ...(observe
      ? {
          middleware: [
            {
              pre: (c: unknown) => c,
              post: (c: unknown) => {
                const r = c as { httpStatusCode: number; headers: unknown };
                observe(r.httpStatusCode, r.headers);
                return c;
              },
            },
          ],
        }
      : {}),
  });
}

/** A client without a token, for the OAuth endpoints (credentials travel in the form body). */
export function createHubspotOauthClient(basePath: string, opts: HubspotClientOptions = {}): Client {
  return new Client({ basePath, numberOfApiCallRetries: opts.numberOfApiCallRetries ?? 0 });
}

/** The shape of @hubspot/api-client's ApiException (one class per codegen module, so no instanceof). */
interface ApiExceptionLike {
  code: number;
  body: unknown;
  headers: Record<string, string> | undefined;
}

function isApiException(e: unknown): e is ApiExceptionLike {
  return typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'number' && 'body' in e;
}

function parseErrorBody(body: unknown): HubspotErrorBody {
  let candidate = body;
  if (typeof body === 'string') {
    try {
      candidate = JSON.parse(body);
    } catch {
      return {};
    }
  }
  const parsed = HubspotErrorBody.safeParse(candidate);
  return parsed.success ? parsed.data : {};
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Duck-typed: fetch's TypeError may come from another realm (test VMs), where instanceof fails. */
function isNetworkError(e: unknown): e is { name: string; message: string } {
  if (typeof e !== 'object' || e === null) return false;
  const { name, message, code, cause } = e as {
    name?: unknown;
    message?: unknown;
    code?: unknown;
    cause?: { code?: unknown };
  };
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
 * The one place HubSpot errors become ours. `where` names the endpoint
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
        body.category === 'MISSING_SCOPES' ? msg : `${msg} (forbidden; reconnect with the required scopes)`,
        detail,
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
    // 477 (portal migration in progress) and 5xx are transient; honour Retry-After when HubSpot sends one.
    // https://developers.hubspot.com/docs/api-reference/latest/error-handling
    if (status === HUBSPOT_MIGRATION_IN_PROGRESS || status >= 500) {
      return new ProviderUnavailableError(msg, { ...detail, retryAt: retryAfterAt(headers, now) ?? undefined });
    }
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

export interface CallOptions {
  now?: () => number;
}

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
    const first = parsed.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    throw new InvalidPayloadError(`${where}: unexpected response shape (${first})`, {
      provider: HUBSPOT_PROVIDER,
      where,
      cause: parsed.error,
      status: undefined,
    });
  }
  return parsed.data;
}

const toNum = (v: string | null): number | null =>
  v === null || v.trim() === '' || !Number.isFinite(Number(v)) ? null : Number(v);

export interface RequestOptions extends HubspotClientOptions {
  /** Limit class of this call: search endpoints have their own per-second budget. */
  lane?: HubspotLane;
  /**
   * A read: a connection dropped before any answer (a keep-alive socket closed under us) is retried once at once.
   * Writes never are; every other failure goes to the queue's policy.
   */
  idempotent?: boolean;
}

/**
 * The one request path for account calls: waits for the shared budget (ctx.pacer), runs the call through a
 * fresh client, reports the X-HubSpot-RateLimit-* headers and 429s back to the pacer, maps errors and
 * parses the answer. A 401 forces one token refresh and one retry: HubSpot documents that a 401 is not
 * by itself proof the token expired, and a refused refresh (AUTH_REVOKED) is what needs the admin.
 * https://developers.hubspot.com/docs/developer-tooling/platform/usage-guidelines
 */
export async function requestHubspot<S extends z.ZodType>(
  ctx: ConnectionContext,
  where: string,
  schema: S,
  call: (client: Client) => Promise<unknown>,
  opts: RequestOptions = {},
): Promise<z.output<S>> {
  const now = opts.now ?? Date.now;
  const lane = opts.lane ?? HUBSPOT_LANE.burst;
  const reports: Promise<void>[] = [];
  const observe: ResponseObserver = (status, headers) => {
    if (!ctx.pacer || status === 429) return;
    const h = headers as Record<string, string>;
    const rl = readRateLimit(h, hubspotManifest.rateLimitHeaders);
    const dailyMax = toNum(headerValue(h, HUBSPOT_DAILY_HEADERS.daily));
    const dailyRemaining = toNum(headerValue(h, HUBSPOT_DAILY_HEADERS.dailyRemaining));
    if (rl.max === null && rl.remaining === null && dailyRemaining === null) return;
    reports.push(ctx.pacer.observe(lane, { ...rl, dailyMax, dailyRemaining }).catch(() => undefined));
  };
  for (let attempt = 0; ; attempt++) {
    if (ctx.pacer) await ctx.pacer.acquire(lane);
    const client = await createHubspotClient(ctx, opts, observe);
    // The wait for the budget or a fresh token may have outlived the attempt: then nothing is sent.
    throwIfGivenUp(ctx, where, HUBSPOT_PROVIDER);
    let raw: unknown;
    try {
      raw = await call(client);
    } catch (err) {
      const mapped = toHubspotError(err, where, now()) ?? err;
      if (
        isCloseloopError(mapped) &&
        (mapped.code === 'RATE_LIMITED' || mapped.code === 'QUOTA_EXHAUSTED') &&
        ctx.pacer
      ) {
        await ctx.pacer.observe(lane, { retryAt: mapped.retryAt ?? null }).catch(() => undefined);
      }
      if (attempt === 0 && mapped instanceof AuthExpiredError) {
        await ctx.forceRefresh();
        continue;
      }
      if (
        attempt === 0 &&
        opts.idempotent === true &&
        isCloseloopError(mapped) &&
        mapped.code === 'PROVIDER_UNAVAILABLE' &&
        mapped.status === undefined
      ) {
        continue;
      }
      throw mapped;
    } finally {
      await Promise.all(reports.splice(0));
    }
    return parseHubspot(where, schema, raw);
  }
}
