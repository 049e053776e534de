import nock from 'nock';
import { AuthRevokedError, InstallFailedError } from '../../../src/core/index.js';
import {
  afterInstall,
  basePathFromTokenUrl,
  introspectToken,
  refreshTokens,
  revokeToken,
} from '../../../connectors/hubspot/oauth.js';
import { API, NOW, fixture } from './helpers.js';

// Shapes: https://developers.hubspot.com/docs/api-reference/2026-03/authentication/oauth-tokens/refresh-oauth-token
// and .../token-introspect; RFC 6749 §5.2 error bodies (connectors/hubspot/BEHAVIOR.md, corrections of Dec 2026).
afterEach(() => nock.cleanAll());
// See webhooks.test.ts: give the next test file in this worker the real fetch back.
afterAll(() => nock.restore());
const opts = { now: () => NOW };
const tokenUrl = 'https://api.hubapi.com/oauth/2026-03/token';
const TOKEN = '/oauth/2026-03/token';

describe('refreshTokens (date-versioned endpoint)', () => {
  it('posts a form-encoded refresh grant to /oauth/2026-03/token and normalizes the token set', async () => {
    const forms: string[] = [];
    nock(API)
      .post(TOKEN)
      .matchHeader('content-type', /application\/x-www-form-urlencoded/)
      .reply(async (req: any) => {
        forms.push(await req.text());
        return [200, fixture('http/oauth-token-response.json')];
      });
    const t = await refreshTokens({ tokenUrl, clientId: 'cid', clientSecret: 'csecret', refreshToken: 'rt-old' }, opts);
    expect(Object.fromEntries(new URLSearchParams(forms[0]))).toEqual({
      grant_type: 'refresh_token',
      client_id: 'cid',
      client_secret: 'csecret',
      refresh_token: 'rt-old',
    });
    expect(t).toEqual({
      accessToken: 'CN2zlYnmLBICAQIYgZXFLyCWp1Yoy_9GMhkAgddk-example',
      refreshToken: '6f18f21e-a743-4509-b7fd-1a5e632fffa1',
      expiresAt: NOW + 1800 * 1000,
      metadata: { tokenType: 'bearer' },
    });
  });

  it('keeps the old refresh token when none comes back', async () => {
    nock(API).post(TOKEN).reply(200, { access_token: 'at', expires_in: 1800, token_type: 'bearer' });
    const t = await refreshTokens({ tokenUrl, clientId: 'c', clientSecret: 's', refreshToken: 'rt-old' }, opts);
    expect(t.refreshToken).toBe('rt-old');
  });

  it('invalid_grant → AuthRevokedError (reconnect, not retry), with the correlation id', async () => {
    nock(API).post(TOKEN).reply(400, {
      status: 'BAD_REFRESH_TOKEN',
      message: 'missing or unknown refresh token',
      error: 'invalid_grant',
      error_description: 'missing or unknown refresh token',
      correlationId: 'c-rt',
    });
    await expect(
      refreshTokens({ tokenUrl, clientId: 'c', clientSecret: 's', refreshToken: 'gone' }, opts),
    ).rejects.toMatchObject({
      code: 'AUTH_REVOKED',
      providerRequestId: 'c-rt',
      message: expect.stringContaining('invalid_grant'),
    });
    nock(API).post(TOKEN).reply(400, {});
    await expect(
      refreshTokens({ tokenUrl, clientId: 'c', clientSecret: 's', refreshToken: 'gone' }, opts),
    ).rejects.toBeInstanceOf(AuthRevokedError);
  });

  it('a 5xx or 477 stays retryable and carries Retry-After', async () => {
    nock(API).post(TOKEN).reply(503, { message: 'down' }, { 'Retry-After': '7' });
    await expect(
      refreshTokens({ tokenUrl, clientId: 'c', clientSecret: 's', refreshToken: 'r' }, opts),
    ).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE', retryAt: NOW + 7000 });
    nock(API).post(TOKEN).reply(477, { message: 'migration in progress' }, { 'Retry-After': '30' });
    await expect(
      refreshTokens({ tokenUrl, clientId: 'c', clientSecret: 's', refreshToken: 'r' }, opts),
    ).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE', retryAt: NOW + 30_000 });
  });

  it('derives the client base from the token URL, date-versioned or legacy (sandbox hosts and prefixes)', () => {
    expect(basePathFromTokenUrl(tokenUrl)).toBe(API);
    expect(basePathFromTokenUrl('http://127.0.0.1:4010/hubspot/oauth/2026-03/token')).toBe(
      'http://127.0.0.1:4010/hubspot',
    );
    expect(basePathFromTokenUrl('http://127.0.0.1:4010/hubspot/oauth/v1/token')).toBe('http://127.0.0.1:4010/hubspot');
  });
});

describe('introspect and revoke', () => {
  const creds = { apiBase: API, clientId: 'cid', clientSecret: 'cs' };
  it('introspects with client credentials and a type hint', async () => {
    const forms: string[] = [];
    nock(API)
      .post('/oauth/2026-03/token/introspect')
      .reply(async (req: any) => {
        forms.push(await req.text());
        return [
          200,
          {
            active: true,
            hub_id: 62515,
            app_id: 1160452,
            client_id: 'cid',
            token_use: 'access_token',
            scopes: ['oauth'],
          },
        ];
      });
    expect(await introspectToken('tok', 'access_token', creds, opts)).toMatchObject({ active: true, hub_id: '62515' });
    expect(Object.fromEntries(new URLSearchParams(forms[0]))).toEqual({
      client_id: 'cid',
      client_secret: 'cs',
      token: 'tok',
      token_type_hint: 'access_token',
    });
  });
  it('revokes a refresh token', async () => {
    const forms: string[] = [];
    nock(API)
      .post('/oauth/2026-03/token/revoke')
      .reply(async (req: any) => {
        forms.push(await req.text());
        return [200, {}];
      });
    await revokeToken('rt', creds, opts);
    expect(Object.fromEntries(new URLSearchParams(forms[0]))).toMatchObject({
      token: 'rt',
      token_type_hint: 'refresh_token',
    });
  });
});

describe('afterInstall', () => {
  const tokens = { accessToken: 'tok/with+chars', refreshToken: 'rt', expiresAt: NOW + 1_800_000, metadata: {} };
  const o = { apiBase: API, clientId: 'cid', clientSecret: 'cs' };

  it('resolves the portal id by introspecting the new access token', async () => {
    nock(API)
      .post('/oauth/2026-03/token/introspect')
      .reply(200, { active: true, hub_id: 62515, hub_domain: 'customer.example', token_use: 'access_token' });
    expect(await afterInstall(tokens, o, opts)).toEqual({
      accountId: '62515',
      instanceUrl: null,
      displayName: 'customer.example',
    });
  });

  it('fails the install visibly when the lookup fails', async () => {
    nock(API).post('/oauth/2026-03/token/introspect').reply(500, { message: 'boom', correlationId: 'c-inst' });
    const err = await afterInstall(tokens, o, opts).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InstallFailedError);
    expect(err).toMatchObject({ code: 'INSTALL_FAILED', providerRequestId: 'c-inst' });
  });

  it('fails the install when the token is not active', async () => {
    nock(API).post('/oauth/2026-03/token/introspect').reply(200, { active: false });
    await expect(afterInstall(tokens, o, opts)).rejects.toBeInstanceOf(InstallFailedError);
  });

  it('never calls the v1 endpoints (the network lock would fail the test)', async () => {
    nock(API).post('/oauth/2026-03/token/introspect').reply(200, { active: true, hub_id: 1 });
    await expect(afterInstall(tokens, o, opts)).resolves.toMatchObject({ accountId: '1' });
  });
});
