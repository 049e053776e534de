import {
  AuthExpiredError,
  AuthRevokedError,
  InvalidCursorError,
  NotFoundError,
  PermissionMissingError,
  ProviderRejectedError,
  ProviderUnavailableError,
  QuotaExhaustedError,
  RateLimitedError,
} from '../../../src/core/errors.js';
import { parseLimitInfo, providerErrorCode, toSalesforceError } from '../../../connectors/salesforce/client.js';
import { createSalesforceConnector } from '../../../connectors/salesforce/index.js';
import { API, isQuery, mockSalesforce, testContext } from './mock-salesforce.js';

/**
 * What jsforce throws: an Error named after the body's errorCode (node_modules/jsforce/lib/http-api.js HttpApiError).
 */
function httpApiError(errorCode: string, message: string, data?: unknown): Error {
  const e = new Error(message) as Error & { errorCode: string; data: unknown };
  e.name = errorCode;
  e.errorCode = errorCode;
  e.data = data ?? { errorCode, message };
  return e;
}
const NOW = 1_717_430_400_000;
const map = (e: unknown) => toSalesforceError(e, { where: 'query Contact', now: NOW });

describe('toSalesforceError: one branch per provider answer', () => {
  it.each([
    ['INVALID_SESSION_ID', 'Session expired or invalid', AuthExpiredError],
    ['ERROR_HTTP_401', 'Unauthorized', AuthExpiredError],
    ['INSUFFICIENT_ACCESS_OR_READONLY', 'no access', PermissionMissingError],
    ['API_DISABLED_FOR_ORG', 'API is not enabled for this Organization or Partner', PermissionMissingError],
    ['ERROR_HTTP_403', 'Forbidden', PermissionMissingError],
    ['NOT_FOUND', 'The requested resource does not exist', NotFoundError],
    ['ERROR_HTTP_404', 'Not Found', NotFoundError],
    ['MALFORMED_QUERY', 'unexpected token', ProviderRejectedError],
    ['INVALID_FIELD', "No such column 'Idd' on entity 'Contact'", ProviderRejectedError],
    ['MULTIPLE_CHOICES', 'Multiple records found', ProviderRejectedError],
    ['INVALID_QUERY_LOCATOR', 'invalid query locator', InvalidCursorError],
    ['SERVER_UNAVAILABLE', 'Server unavailable', ProviderUnavailableError],
    ['ERROR_HTTP_503', '<html>Service Unavailable</html>', ProviderUnavailableError],
    ['ERROR_HTTP_500', 'oops', ProviderUnavailableError],
    ['invalid_grant', 'expired access/refresh token', AuthRevokedError],
  ])('%s → %p', (code, message, cls) => {
    const err = map(httpApiError(code, message));
    expect(err).toBeInstanceOf(cls);
    expect(err).toMatchObject({ provider: 'salesforce', where: 'query Contact' });
    expect(err.message).toContain('query Contact');
  });

  it('REQUEST_LIMIT_EXCEEDED (daily) → QuotaExhaustedError, retryAt +1h, status 403', () => {
    expect(map(httpApiError('REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.'))).toMatchObject({
      code: 'QUOTA_EXHAUSTED',
      status: 403,
      retryAt: NOW + 3_600_000,
    });
    expect(map(httpApiError('REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.'))).toBeInstanceOf(
      QuotaExhaustedError,
    );
  });

  it('REQUEST_LIMIT_EXCEEDED (concurrent long-running requests) → RateLimitedError, retryAt +30s', () => {
    const err = map(httpApiError('REQUEST_LIMIT_EXCEEDED', 'ConcurrentPerOrgLongTxn Limit exceeded.'));
    expect(err).toBeInstanceOf(RateLimitedError);
    expect(err).toMatchObject({ status: 403, retryAt: NOW + 30_000 });
  });

  it('MULTIPLE_API_ERRORS uses the first error code', () => {
    const err = map(
      httpApiError('MULTIPLE_API_ERRORS', 'Multiple errors returned.', [
        { errorCode: 'NOT_FOUND', message: 'gone' },
        { errorCode: 'X', message: 'y' },
      ]),
    );
    expect(err).toBeInstanceOf(NotFoundError);
  });

  it('no HTTP answer (fetch failed) → ProviderUnavailableError', () => {
    expect(map(new TypeError('fetch failed'))).toBeInstanceOf(ProviderUnavailableError);
  });

  it('providerErrorCode reads through our error to the provider code', () => {
    expect(providerErrorCode(map(httpApiError('DUPLICATE_VALUE', 'dup')))).toBe('DUPLICATE_VALUE');
  });

  it('parseLimitInfo', () => {
    expect(parseLimitInfo('api-usage=18/15000')).toEqual({ used: 18, limit: 15000 });
    expect(parseLimitInfo(null)).toBeNull();
    expect(parseLimitInfo('per-app-api-usage=1/2')).toEqual({ used: 1, limit: 2 });
  });
});

describe('replayed HTTP errors', () => {
  it('503 on a write (jsforce does not retry POST) → ProviderUnavailableError naming the endpoint', async () => {
    const sf = mockSalesforce();
    try {
      sf.on('GET', isQuery('Task'), { status: 200, body: { totalSize: 0, done: true, records: [] } });
      sf.on('POST', (p) => p === `${API}/sobjects/Task`, {
        status: 503,
        body: [{ message: 'Server is unavailable', errorCode: 'SERVER_UNAVAILABLE' }],
      });
      await expect(
        createSalesforceConnector().createTask(testContext(), {
          subject: 's',
          body: 'b',
          dueAt: '2024-06-05T00:00:00.000Z',
          priority: 'MEDIUM',
          ownerId: null,
          taskType: 'TODO',
          idempotencyKey: 'k',
          dealId: null,
          contactIds: [],
          companyId: null,
        }),
      ).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE', where: 'POST /sobjects/Task' });
    } finally {
      await sf.close();
    }
  });
});
