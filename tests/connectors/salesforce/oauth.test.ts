import { AuthRevokedError, InstallFailedError } from '../../../src/core/errors.js';
import { afterInstall, refreshTokens, toTokenSet } from '../../../connectors/salesforce/oauth.js';
import {
  SALESFORCE_LOGIN_HOSTS,
  salesforceManifest,
  salesforceOAuthUrls,
} from '../../../connectors/salesforce/manifest.js';
import { mockSalesforce } from './mock-salesforce.js';
import { sample } from './fixtures.js';

describe('manifest', () => {
  it('OAuth URLs derive from a login host: production by default, sandbox orgs on test.salesforce.com', () => {
    expect(salesforceManifest.oauth).toMatchObject({
      authorizeUrl: 'https://login.salesforce.com/services/oauth2/authorize',
      tokenUrl: 'https://login.salesforce.com/services/oauth2/token',
      scopes: ['api', 'refresh_token'],
      pkce: true,
    });
    expect(salesforceOAuthUrls(SALESFORCE_LOGIN_HOSTS.sandbox).tokenUrl).toBe(
      'https://test.salesforce.com/services/oauth2/token',
    );
    expect(salesforceManifest.apiVersion).toBe('62.0');
    expect(salesforceManifest.capabilities).toEqual({ webhooks: true, changeStream: true });
  });
});

describe('refreshTokens (jsforce OAuth2.refreshToken)', () => {
  it('posts the refresh grant to the token URL of the org login host; no expires_in → expiresAt null; keeps the refresh token', async () => {
    const sf = mockSalesforce(SALESFORCE_LOGIN_HOSTS.sandbox);
    try {
      const { refresh_token: _omitted, ...token } = sample('oauth-token-response.json');
      sf.on('POST', (p) => p === '/services/oauth2/token', { status: 200, body: token });
      const set = await refreshTokens({
        tokenUrl: salesforceOAuthUrls(SALESFORCE_LOGIN_HOSTS.sandbox).tokenUrl,
        clientId: 'cid',
        clientSecret: 'secret',
        refreshToken: 'rt-1',
      });
      expect(Object.fromEntries(new URLSearchParams(sf.requests[0]!.body!))).toEqual({
        grant_type: 'refresh_token',
        refresh_token: 'rt-1',
        client_id: 'cid',
        client_secret: 'secret',
      });
      expect(set).toEqual({
        accessToken: token.access_token,
        refreshToken: 'rt-1',
        expiresAt: null,
        metadata: {
          instance_url: 'https://acme.my.salesforce.com',
          id: token.id,
          scope: 'refresh_token api',
          issued_at: '1717430400000',
        },
      });
    } finally {
      await sf.close();
    }
  });

  it('invalid_grant → AuthRevokedError (reconnect)', async () => {
    const sf = mockSalesforce(SALESFORCE_LOGIN_HOSTS.production);
    try {
      sf.on('POST', (p) => p === '/services/oauth2/token', {
        status: 400,
        body: { error: 'invalid_grant', error_description: 'expired access/refresh token' },
      });
      await expect(
        refreshTokens({
          tokenUrl: salesforceManifest.oauth.tokenUrl,
          clientId: 'cid',
          clientSecret: 's',
          refreshToken: 'rt',
        }),
      ).rejects.toBeInstanceOf(AuthRevokedError);
    } finally {
      await sf.close();
    }
  });
});

describe('afterInstall', () => {
  const tokens = toTokenSet(sample('oauth-token-response.json'), 'test');
  it('reads org id from the identity URL and the instance from instance_url', async () => {
    await expect(afterInstall(tokens, { apiBase: 'https://login.salesforce.com' })).resolves.toEqual({
      accountId: '00Dxx0000001gPLEAY',
      instanceUrl: 'https://acme.my.salesforce.com',
      displayName: 'acme.my.salesforce.com',
    });
  });
  it('a missing or malformed identity URL fails the install', async () => {
    await expect(
      afterInstall({ ...tokens, metadata: { instance_url: 'https://acme.my.salesforce.com' } }, { apiBase: '' }),
    ).rejects.toBeInstanceOf(InstallFailedError);
    await expect(
      afterInstall(
        { ...tokens, metadata: { ...tokens.metadata, id: 'https://login.salesforce.com/id/nope' } },
        { apiBase: '' },
      ),
    ).rejects.toBeInstanceOf(InstallFailedError);
    await expect(
      afterInstall({ ...tokens, metadata: { id: tokens.metadata.id! } }, { apiBase: '' }),
    ).rejects.toBeInstanceOf(InstallFailedError);
  });
});
