import nock from 'nock';
import { AuthRevokedError, InstallFailedError } from '../../../src/core/index.js';
import { afterInstall, basePathFromTokenUrl, refreshTokens } from '../../../connectors/hubspot/oauth.js';
import { API, NOW, fixture } from './helpers.js';

afterEach(() => nock.cleanAll());
// See webhooks.test.ts: give the next test file in this worker the real fetch back.
afterAll(() => nock.restore());
const opts = { now: () => NOW };
const tokenUrl = 'https://api.hubapi.com/oauth/v1/token';

describe('refreshTokens', () => {
  it('posts a form-encoded refresh grant and normalizes the token set', async () => {
    const forms: string[] = [];
    nock(API).post('/oauth/v1/token').reply(async (req: any) => {
      forms.push(await req.text());
      return [200, fixture('http/oauth-token-response.json')];
    });
    const t = await refreshTokens({ tokenUrl, clientId: 'cid', clientSecret: 'csecret', refreshToken: 'rt-old' }, opts);
    expect(Object.fromEntries(new URLSearchParams(forms[0]))).toEqual({
      grant_type: 'refresh_token', client_id: 'cid', client_secret: 'csecret', refresh_token: 'rt-old',
    });
    expect(t).toEqual({
      accessToken: 'CN2zlYnmLBICAQIYgZXFLyCWp1Yoy_9GMhkAgddk-example',
      refreshToken: '6f18f21e-a743-4509-b7fd-1a5e632fffa1',
      expiresAt: NOW + 1800 * 1000,
      metadata: { tokenType: 'bearer' },
    });
  });

  it('keeps the old refresh token when none comes back', async () => {
    nock(API).post('/oauth/v1/token').reply(200, { access_token: 'at', expires_in: 1800, token_type: 'bearer' });
    const t = await refreshTokens({ tokenUrl, clientId: 'c', clientSecret: 's', refreshToken: 'rt-old' }, opts);
    expect(t.refreshToken).toBe('rt-old');
  });

  it('a rejected refresh token → AuthRevokedError (reconnect, not retry)', async () => {
    nock(API).post('/oauth/v1/token').reply(400, { status: 'BAD_REFRESH_TOKEN', message: 'missing or unknown refresh token', correlationId: 'c-rt' });
    await expect(refreshTokens({ tokenUrl, clientId: 'c', clientSecret: 's', refreshToken: 'gone' }, opts))
      .rejects.toMatchObject({ code: 'AUTH_REVOKED', providerRequestId: 'c-rt' });
    nock(API).post('/oauth/v1/token').reply(400, {});
    await expect(refreshTokens({ tokenUrl, clientId: 'c', clientSecret: 's', refreshToken: 'gone' }, opts)).rejects.toBeInstanceOf(AuthRevokedError);
  });

  it('a 5xx stays retryable', async () => {
    nock(API).post('/oauth/v1/token').reply(503, { message: 'down' });
    await expect(refreshTokens({ tokenUrl, clientId: 'c', clientSecret: 's', refreshToken: 'r' }, opts)).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE' });
  });

  it('derives the client base from the token URL (sandbox hosts and prefixes)', () => {
    expect(basePathFromTokenUrl(tokenUrl)).toBe(API);
    expect(basePathFromTokenUrl('http://127.0.0.1:4010/hubspot/oauth/v1/token')).toBe('http://127.0.0.1:4010/hubspot');
  });
});

describe('afterInstall', () => {
  const tokens = { accessToken: 'tok/with+chars', refreshToken: 'rt', expiresAt: NOW + 1_800_000, metadata: {} };

  it('resolves the portal id from the access-token info endpoint', async () => {
    nock(API).get(`/oauth/v1/access-tokens/${encodeURIComponent(tokens.accessToken)}`).reply(200, fixture('http/oauth-access-token-info.json'));
    expect(await afterInstall(tokens, { apiBase: API }, opts)).toEqual({ accountId: '62515', instanceUrl: null, displayName: 'customer.example' });
  });

  it('fails the install visibly when the lookup fails', async () => {
    nock(API).get(/\/oauth\/v1\/access-tokens\/.*/).reply(401, { message: 'expired', correlationId: 'c-inst' });
    const err = await afterInstall(tokens, { apiBase: API }, opts).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InstallFailedError);
    expect(err).toMatchObject({ code: 'INSTALL_FAILED', providerRequestId: 'c-inst' });
  });

  it('fails the install when the answer has no hub id', async () => {
    nock(API).get(/\/oauth\/v1\/access-tokens\/.*/).reply(200, { token: 'x', user: 'someone' });
    await expect(afterInstall(tokens, { apiBase: API }, opts)).rejects.toBeInstanceOf(InstallFailedError);
  });
});
