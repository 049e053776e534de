import { Connection } from 'jsforce';
import {
  AuthExpiredError,
  AuthRevokedError,
  CloseloopError,
  InvalidCursorError,
  NotFoundError,
  PermissionMissingError,
  ProviderRejectedError,
  ProviderUnavailableError,
  QuotaExhaustedError,
  RateLimitedError,
  isCloseloopError,
} from '../../src/core/errors.js';
import { throwIfGivenUp, type ConnectionContext } from '../../src/core/connector.js';
import { SALESFORCE_API_VERSION, SALESFORCE_CALL_CLIENT, SALESFORCE_LIMITS, salesforceManifest } from './manifest.js';
import { SalesforceQueryResponse, parseOrThrow } from './schemas.js';

const PROVIDER = salesforceManifest.id;

export interface SalesforceClientOptions {
  /** Injectable clock (ms since epoch). */
  now?: () => number;
}

/** One installed org: a jsforce Connection plus our error mapping and the 401 → refresh → retry-once rule. */
export interface SalesforceClient {
  readonly conn: Connection;
  readonly instanceUrl: string;
  /** The closeloop connection this client serves (per-connection caches key on it). */
  readonly connectionId: string;
  /** Runs `fn` against the connection; provider errors come out as our error classes, tagged with `where`. */
  call<T>(where: string, fn: (conn: Connection) => Promise<T>): Promise<T>;
  /** One page of SOQL (no auto-fetch), parsed. */
  query(soql: string, where: string): Promise<SalesforceQueryResponse>;
}

export async function createSalesforceClient(
  ctx: ConnectionContext,
  opts: SalesforceClientOptions = {},
): Promise<SalesforceClient> {
  const now = opts.now ?? Date.now;
  const instanceUrl = ctx.apiBase.replace(/\/+$/, '');
  // No oauth2/refreshToken on the Connection: jsforce would then refresh on its own (and, with a refresh
  // function that keeps failing, retry forever). Refresh goes through ctx.forceRefresh, which owns the token vault.
  const conn = new Connection({
    instanceUrl,
    accessToken: await ctx.getAccessToken(),
    version: SALESFORCE_API_VERSION,
    callOptions: { client: SALESFORCE_CALL_CLIENT },
  });

  const call = async <T>(where: string, fn: (c: Connection) => Promise<T>): Promise<T> => {
    // An attempt given up (its deadline passed) sends nothing more, not even the retry after a token refresh.
    throwIfGivenUp(ctx, where, PROVIDER);
    try {
      return await fn(conn);
    } catch (err) {
      if (!isSessionExpired(err)) throw toSalesforceError(err, { where, conn, now: now() });
    }
    // 401 INVALID_SESSION_ID: Salesforce tokens carry no lifetime, so expiry is only learned here.
    // Refresh once and retry once (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm).
    let token: string;
    try {
      token = await ctx.forceRefresh();
    } catch (err) {
      if (isCloseloopError(err)) throw err;
      throw new AuthExpiredError(`${where}: session expired and the token refresh failed`, {
        provider: PROVIDER,
        where,
        cause: err,
      });
    }
    conn.accessToken = token;
    throwIfGivenUp(ctx, where, PROVIDER);
    try {
      return await fn(conn);
    } catch (err) {
      if (isSessionExpired(err)) {
        throw new AuthExpiredError(`${where}: session still invalid after a token refresh`, {
          provider: PROVIDER,
          where,
          cause: err,
        });
      }
      throw toSalesforceError(err, { where, conn, now: now() });
    }
  };

  return {
    conn,
    instanceUrl,
    connectionId: ctx.connectionId,
    call,
    // GET /services/data/vXX.X/query?q= (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_query.htm)
    query: async (soql, where) => {
      const body = await call(where, (c) => c.query(soql, { autoFetch: false }) as unknown as Promise<unknown>);
      return parseOrThrow(SalesforceQueryResponse, body, where);
    },
  };
}

/** `api-usage=18/15000` → {used, limit}; null when absent or unreadable. */
export function parseLimitInfo(header: string | null | undefined): { used: number; limit: number } | null {
  const m = header ? /api-usage=(\d+)\/(\d+)/.exec(header) : null;
  return m ? { used: Number(m[1]), limit: Number(m[2]) } : null;
}

interface ProviderErrorInfo {
  errorCode: string | null;
  message: string;
  httpStatus: number | null;
}

/**
 * Reads jsforce's HttpApiError (errorCode from the body, or ERROR_HTTP_<status> for non-JSON bodies) and OAuth errors.
 */
function readProviderError(err: unknown): ProviderErrorInfo {
  if (!(err instanceof Error)) return { errorCode: null, message: String(err), httpStatus: null };
  const e = err as Error & { errorCode?: unknown; data?: unknown };
  let errorCode = typeof e.errorCode === 'string' ? e.errorCode : null;
  let message = e.message;
  if (errorCode === 'MULTIPLE_API_ERRORS' && Array.isArray(e.data) && e.data.length > 0) {
    const first = e.data[0] as { errorCode?: unknown; message?: unknown };
    if (typeof first.errorCode === 'string') errorCode = first.errorCode;
    if (typeof first.message === 'string') message = first.message;
  }
  // OAuth token endpoint errors surface as Error with name = `error` (e.g. invalid_grant).
  if (errorCode === null && /^[a-z_]+$/.test(e.name) && e.name !== 'Error') errorCode = e.name;
  const statusMatch = errorCode ? /^ERROR_HTTP_(\d{3})$/.exec(errorCode) : null;
  return { errorCode, message, httpStatus: statusMatch ? Number(statusMatch[1]) : null };
}

/** The Salesforce errorCode behind one of our errors (or a raw jsforce error), e.g. DUPLICATE_VALUE. */
export function providerErrorCode(err: unknown): string | null {
  const raw = isCloseloopError(err) ? err.cause : err;
  return readProviderError(raw).errorCode;
}

/** jsforce treats any 401 as an expired session; so do we. */
export function isSessionExpired(err: unknown): boolean {
  const { errorCode, httpStatus } = readProviderError(err);
  return errorCode === 'INVALID_SESSION_ID' || errorCode === 'INVALID_AUTH_HEADER' || httpStatus === 401;
}

const PERMISSION_CODES = new Set([
  'INSUFFICIENT_ACCESS',
  'INSUFFICIENT_ACCESS_OR_READONLY',
  'INSUFFICIENT_PRIVILEGES',
  'API_DISABLED_FOR_ORG',
  'API_CURRENTLY_DISABLED',
  'FUNCTIONALITY_NOT_ENABLED',
  'NOT_AUTHORIZED',
]);
const UNAVAILABLE_CODES = new Set([
  'SERVER_UNAVAILABLE',
  'UNKNOWN_EXCEPTION',
  'REQUEST_RUNNING_TOO_LONG',
  'QUERY_TIMEOUT',
  // Another transaction held a record this write needs (the record, or its parent: a Task insert locks its WhatId
  // and WhoId) for longer than the platform waits. Locks are held briefly; Salesforce's answer is to retry
  // (BEHAVIOR.md "Limits and errors"). Our writes carry an idempotency key, so a retry cannot duplicate.
  'UNABLE_TO_LOCK_ROW',
]);

/**
 * The one place that reads Salesforce errors. jsforce's HttpApiError carries the body's errorCode but not the
 * HTTP status, so the documented codes decide (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm):
 * 401 INVALID_SESSION_ID → AuthExpired; 403 REQUEST_LIMIT_EXCEEDED → QuotaExhausted (daily) or RateLimited
 * (concurrency);
 * other 403 → PermissionMissing; 404 NOT_FOUND → NotFound; 5xx / socket errors → ProviderUnavailable; everything
 * else the API answered with (400 MALFORMED_QUERY, INVALID_FIELD, DUPLICATE_VALUE, 300 MULTIPLE_CHOICES...) →
 * ProviderRejected.
 */
export function toSalesforceError(err: unknown, o: { where: string; conn?: Connection; now: number }): CloseloopError {
  if (isCloseloopError(err)) return err;
  const { where, now } = o;
  const { errorCode, message, httpStatus } = readProviderError(err);
  const d = { provider: PROVIDER, where, cause: err };
  const text = `${where}: ${errorCode ?? 'ERROR'}: ${message}`;

  if (errorCode === null) {
    // No HTTP answer at all (fetch failed, socket reset, timeout): jsforce already retried idempotent methods.
    return new ProviderUnavailableError(`${where}: ${message}`, d);
  }
  if (errorCode === 'invalid_grant') return new AuthRevokedError(text, d);
  if (isSessionExpired(err)) return new AuthExpiredError(text, d);
  if (errorCode === 'REQUEST_LIMIT_EXCEEDED') {
    // Two limits share this code. "ConcurrentRequests"/"ConcurrentPerOrgLongTxn": 25 long-running calls at once,
    // frees up within seconds. Otherwise "TotalRequests": the rolling-24h daily allocation. It has no reset time
    // (usage drains as calls age out of the window), and neither Sforce-Limit-Info nor /limits says when, so we
    // pause for a fixed hour (see BEHAVIOR.md).
    if (/concurrent/i.test(message)) {
      return new RateLimitedError(text, { ...d, status: 403, retryAt: now + SALESFORCE_LIMITS.concurrencyPauseMs });
    }
    const usage = o.conn?.limitInfo?.apiUsage;
    const usageText = usage ? ` (api-usage ${usage.used}/${usage.limit})` : '';
    return new QuotaExhaustedError(text + usageText, {
      ...d,
      status: 403,
      retryAt: now + SALESFORCE_LIMITS.dailyQuotaPauseMs,
    });
  }
  if (PERMISSION_CODES.has(errorCode) || httpStatus === 403) return new PermissionMissingError(text, d);
  if (errorCode === 'NOT_FOUND' || errorCode === 'ENTITY_IS_DELETED' || httpStatus === 404)
    return new NotFoundError(text, d);
  if (errorCode === 'INVALID_QUERY_LOCATOR') return new InvalidCursorError(text, d);
  if (
    UNAVAILABLE_CODES.has(errorCode) ||
    (httpStatus !== null && httpStatus >= 500) ||
    httpStatus === 429 ||
    httpStatus === 420
  ) {
    return new ProviderUnavailableError(text, { ...d, status: httpStatus ?? 503 });
  }
  return new ProviderRejectedError(text, { ...d, status: httpStatus ?? 400 });
}
