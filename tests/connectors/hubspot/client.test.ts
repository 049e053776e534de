import nock from 'nock';
import {
  AuthExpiredError,
  InvalidPayloadError,
  NotFoundError,
  PermissionMissingError,
  ProviderRejectedError,
  ProviderUnavailableError,
  QuotaExhaustedError,
  RateLimitedError,
} from '../../../src/core/index.js';
import { failureAction } from '../../../src/lib/failure-action.js';
import { callHubspot, createHubspotClient, toHubspotError } from '../../../connectors/hubspot/client.js';
import { HubspotListPage } from '../../../connectors/hubspot/schemas.js';
import { API, NOW, aContext, fixture } from './helpers.js';

const WHERE = 'GET /crm/v3/objects/contacts';

/** One real call through the official client against a nock reply; returns what callHubspot threw. */
async function failWith(status: number, body: unknown, headers: Record<string, string> = {}) {
  nock(API)
    .get('/crm/v3/objects/contacts')
    .query(true)
    .reply(status, body as any, { 'Content-Type': 'application/json', ...headers });
  const client = await createHubspotClient(aContext());
  return callHubspot(WHERE, HubspotListPage, () => client.crm.objects.basicApi.getPage('contacts', 10), {
    now: () => NOW,
  }).then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e,
  );
}

afterEach(() => nock.cleanAll());

describe('HubSpot error mapping (through the official client)', () => {
  it('401 → AuthExpiredError with the correlation id', async () => {
    const f = fixture('http/error-401-expired.json');
    const err = await failWith(401, f.body);
    expect(err).toBeInstanceOf(AuthExpiredError);
    expect(err).toMatchObject({
      code: 'AUTH_EXPIRED',
      status: 401,
      provider: 'hubspot',
      where: WHERE,
      providerRequestId: f.body.correlationId,
    });
    expect((err as Error).message).toContain('EXPIRED_AUTHENTICATION');
  });

  it('403 MISSING_SCOPES → PermissionMissingError', async () => {
    const err = await failWith(403, {
      status: 'error',
      message: "This app hasn't been granted all required scopes",
      category: 'MISSING_SCOPES',
      correlationId: 'c-403',
    });
    expect(err).toBeInstanceOf(PermissionMissingError);
    expect(err).toMatchObject({ code: 'PERMISSION_MISSING', providerRequestId: 'c-403' });
    expect(failureAction(err, NOW).action).toBe('reconnect');
  });

  it('429 ten-secondly → RateLimitedError retrying after the interval header', async () => {
    const f = fixture('http/error-429-ten-secondly.json');
    const err = await failWith(429, f.body, f.headers);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect(err).toMatchObject({ code: 'RATE_LIMITED', retryAt: NOW + 10_000, providerRequestId: f.body.correlationId });
  });

  it('429 with Retry-After → retryAt from the header', async () => {
    const err = await failWith(
      429,
      { status: 'error', message: 'You have reached your ten_secondly_rolling limit.' },
      { 'Retry-After': '3' },
    );
    expect(err).toMatchObject({ code: 'RATE_LIMITED', retryAt: NOW + 3_000 });
  });

  it('429 search secondly → RateLimitedError in 1 s', async () => {
    const f = fixture('http/error-429-search-secondly.json');
    expect(await failWith(429, f.body, f.headers)).toMatchObject({ code: 'RATE_LIMITED', retryAt: NOW + 1_000 });
  });

  it('429 DAILY → QuotaExhaustedError (pause) until the next UTC midnight', async () => {
    const err = await failWith(
      429,
      {
        status: 'error',
        message: 'You have reached your daily limit.',
        errorType: 'RATE_LIMIT',
        policyName: 'DAILY',
        correlationId: 'c-daily',
      },
      { 'X-HubSpot-RateLimit-Daily': '250000', 'X-HubSpot-RateLimit-Daily-Remaining': '0' },
    );
    expect(err).toBeInstanceOf(QuotaExhaustedError);
    expect(err).toMatchObject({ code: 'QUOTA_EXHAUSTED', retryAt: Date.UTC(2024, 5, 4), providerRequestId: 'c-daily' });
    expect(failureAction(err, NOW)).toMatchObject({ action: 'pause', until: Date.UTC(2024, 5, 4) });
  });

  it.each([500, 502, 503, 504])('%i → ProviderUnavailableError', async (status) => {
    const err = await failWith(status, { status: 'error', message: 'internal error', correlationId: 'c-5xx' });
    expect(err).toBeInstanceOf(ProviderUnavailableError);
    expect(err).toMatchObject({ status, providerRequestId: 'c-5xx' });
  });

  it('404 → NotFoundError', async () => {
    expect(
      await failWith(404, { status: 'error', message: 'Object not found', category: 'OBJECT_NOT_FOUND' }),
    ).toBeInstanceOf(NotFoundError);
  });

  it('400 → ProviderRejectedError carrying the message', async () => {
    const f = fixture('http/error-400-validation.json');
    const err = await failWith(400, f.body, f.headers);
    expect(err).toBeInstanceOf(ProviderRejectedError);
    expect(err).toMatchObject({ code: 'PROVIDER_REJECTED', status: 400, providerRequestId: f.body.correlationId });
    expect((err as Error).message).toContain('VALIDATION_ERROR');
  });

  it('a non-JSON error body still maps by status', async () => {
    nock(API)
      .get('/crm/v3/objects/contacts')
      .query(true)
      .reply(502, '<html>Bad gateway</html>', { 'Content-Type': 'text/html' });
    const client = await createHubspotClient(aContext());
    await expect(
      callHubspot(WHERE, HubspotListPage, () => client.crm.objects.basicApi.getPage('contacts', 10)),
    ).rejects.toBeInstanceOf(ProviderUnavailableError);
  });

  it('a connection failure → ProviderUnavailableError', async () => {
    // Loopback port 9 (discard) has no listener here: a real ECONNREFUSED, no stubbing.
    const client = await createHubspotClient(aContext({ apiBase: 'http://127.0.0.1:9' }));
    const err = await callHubspot(WHERE, HubspotListPage, () =>
      client.crm.objects.basicApi.getPage('contacts', 10),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderUnavailableError);
    expect(err).toMatchObject({ where: WHERE });
  });

  it('a 200 that fails the schema → InvalidPayloadError naming the endpoint', async () => {
    nock(API)
      .get('/crm/v3/objects/contacts')
      .query(true)
      .reply(200, { results: [{ id: '1' }] });
    const client = await createHubspotClient(aContext());
    const err = await callHubspot(WHERE, HubspotListPage, () =>
      client.crm.objects.basicApi.getPage('contacts', 10),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidPayloadError);
    expect(err).toMatchObject({ code: 'INVALID_PAYLOAD', where: WHERE, status: undefined });
    expect((err as Error).message).toContain(WHERE);
  });
});

describe('toHubspotError (raw ApiException shapes)', () => {
  const apiException = (code: number, body: unknown, headers: Record<string, string> = {}) =>
    Object.assign(new Error('HTTP'), { code, body, headers });

  it('reads policyName DAILY when the body keeps it', () => {
    expect(toHubspotError(apiException(429, { policyName: 'DAILY' }), WHERE, NOW)).toBeInstanceOf(QuotaExhaustedError);
  });

  it('treats any other 403 as a permission problem too', () => {
    expect(toHubspotError(apiException(403, { category: 'FORBIDDEN' }), WHERE, NOW)).toBeInstanceOf(
      PermissionMissingError,
    );
  });

  it('parses a string body', () => {
    expect(toHubspotError(apiException(400, JSON.stringify({ correlationId: 'c-str' })), WHERE, NOW)).toMatchObject({
      providerRequestId: 'c-str',
    });
  });

  it('falls back to the correlation header', () => {
    expect(toHubspotError(apiException(500, {}, { 'x-hubspot-correlation-id': 'c-hdr' }), WHERE, NOW)).toMatchObject({
      providerRequestId: 'c-hdr',
    });
  });

  it('maps other 4xx (409, 414) to ProviderRejectedError with their status', () => {
    expect(toHubspotError(apiException(409, {}), WHERE, NOW)).toMatchObject({ code: 'PROVIDER_REJECTED', status: 409 });
    expect(toHubspotError(apiException(414, {}), WHERE, NOW)).toMatchObject({ code: 'PROVIDER_REJECTED', status: 414 });
  });

  it('passes our own errors through and leaves programming errors alone', () => {
    const ours = new NotFoundError('x');
    expect(toHubspotError(ours, WHERE, NOW)).toBe(ours);
    expect(toHubspotError(new RangeError('bug'), WHERE, NOW)).toBeNull();
  });
});

// The network-lock setup activates nock in every test file; restore it so the next file in this worker
// starts from the real fetch instead of this file's (then stale) interceptor.
afterAll(() => nock.restore());
