import { Client } from '@hubspot/api-client';
import type { HubspotSandbox } from '../../../../connectors/hubspot/sandbox/index.js';
import { CLIENT_ID, CLIENT_SECRET, caught, startSandbox } from './helpers.js';

const REDIRECT = 'https://app.example/oauth/hubspot/callback';
const SCOPES = ['oauth', 'crm.objects.contacts.read', 'crm.objects.contacts.write'];

describe('HubSpot sandbox OAuth', () => {
  let clock = Date.parse('2024-06-03T16:00:00Z');
  let sandbox: HubspotSandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ now: () => clock, accessTokenTtlSec: 1800 });
  });
  afterAll(() => sandbox.close());

  async function authorize(url: string): Promise<URL> {
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(302);
    return new URL(res.headers.get('location') as string);
  }

  it('auto-consents, exchanges the code once, introspects, refreshes, and the refreshed token works', async () => {
    const callback = await authorize(sandbox.authorizeUrl({ redirectUri: REDIRECT, scopes: SCOPES, state: 'st-123' }));
    expect(`${callback.origin}${callback.pathname}`).toBe(REDIRECT);
    expect(callback.searchParams.get('state')).toBe('st-123');
    const code = callback.searchParams.get('code') as string;

    const anon = new Client({ basePath: sandbox.url });
    const tokens = await anon.oauth.tokensApi.create('authorization_code', code, REDIRECT, CLIENT_ID, CLIENT_SECRET);
    expect(tokens).toMatchObject({ tokenType: 'bearer', expiresIn: 1800 });
    expect(tokens.accessToken).toEqual(expect.any(String));

    const again = await caught(
      anon.oauth.tokensApi.create('authorization_code', code, REDIRECT, CLIENT_ID, CLIENT_SECRET),
    );
    expect(again.code).toBe(400);
    expect(again.body).toMatchObject({ status: 'BAD_AUTH_CODE', correlationId: expect.any(String) });

    const info = await anon.oauth.accessTokensApi.get(tokens.accessToken);
    expect(info).toMatchObject({
      hubId: sandbox.defaultPortalId,
      appId: sandbox.appId,
      scopes: SCOPES,
      expiresIn: 1800,
      tokenType: 'access',
      hubDomain: 'northwind-demo.com',
    });
    expect(info.userId).toEqual(expect.any(Number));

    clock += 60_000;
    const refreshed = await anon.oauth.tokensApi.create(
      'refresh_token',
      undefined,
      undefined,
      CLIENT_ID,
      CLIENT_SECRET,
      tokens.refreshToken,
    );
    expect(refreshed.accessToken).not.toBe(tokens.accessToken);
    expect(refreshed.refreshToken).toBe(tokens.refreshToken);

    const refreshInfo = await anon.oauth.refreshTokensApi.get(tokens.refreshToken);
    expect(refreshInfo).toMatchObject({ hubId: sandbox.defaultPortalId, clientId: CLIENT_ID, tokenType: 'refresh' });

    const client = new Client({ accessToken: refreshed.accessToken, basePath: sandbox.url });
    const page = await client.crm.contacts.basicApi.getPage(1);
    expect(page.results).toHaveLength(1);
  });

  it('rejects a bad client id, secret, refresh token and a redirect_uri that differs from the one authorized', async () => {
    const anon = new Client({ basePath: sandbox.url });
    const badId = await caught(
      anon.oauth.tokensApi.create('refresh_token', undefined, undefined, 'nope', CLIENT_SECRET, 'x'),
    );
    expect(badId.body.status).toBe('BAD_CLIENT_ID');
    const badSecret = await caught(
      anon.oauth.tokensApi.create('refresh_token', undefined, undefined, CLIENT_ID, 'nope', 'x'),
    );
    expect(badSecret.body.status).toBe('BAD_CLIENT_SECRET');
    const badRefresh = await caught(
      anon.oauth.tokensApi.create('refresh_token', undefined, undefined, CLIENT_ID, CLIENT_SECRET, 'not-a-token'),
    );
    expect(badRefresh).toMatchObject({ code: 400, body: { status: 'BAD_REFRESH_TOKEN' } });

    const callback = await authorize(sandbox.authorizeUrl({ redirectUri: REDIRECT, scopes: SCOPES }));
    const mismatch = await caught(
      anon.oauth.tokensApi.create(
        'authorization_code',
        callback.searchParams.get('code') as string,
        'https://evil.example/cb',
        CLIENT_ID,
        CLIENT_SECRET,
      ),
    );
    expect(mismatch.body.status).toBe('MISMATCH_REDIRECT_URI_AUTH_CODE');

    const wrongClient = await fetch(
      `${sandbox.url}/oauth/authorize?client_id=other&redirect_uri=${encodeURIComponent(REDIRECT)}&scope=oauth`,
      { redirect: 'manual' },
    );
    expect(wrongClient.status).toBe(400);
  });

  it('expires auth codes after their lifetime', async () => {
    const callback = await authorize(sandbox.authorizeUrl({ redirectUri: REDIRECT, scopes: SCOPES }));
    clock += 11 * 60_000;
    const anon = new Client({ basePath: sandbox.url });
    const expired = await caught(
      anon.oauth.tokensApi.create(
        'authorization_code',
        callback.searchParams.get('code') as string,
        REDIRECT,
        CLIENT_ID,
        CLIENT_SECRET,
      ),
    );
    expect(expired.body.status).toBe('BAD_AUTH_CODE');
  });

  it('answers 401 EXPIRED_AUTHENTICATION once the access token lifetime has passed, and INVALID_AUTHENTICATION for unknown tokens', async () => {
    const { accessToken } = sandbox.issueTokens(sandbox.defaultPortalId, SCOPES);
    const client = new Client({ accessToken, basePath: sandbox.url });
    await client.crm.contacts.basicApi.getPage(1);
    clock += 1800 * 1000 + 2 * 60_000;
    const expired = await caught(client.crm.contacts.basicApi.getPage(1));
    expect(expired.code).toBe(401);
    expect(expired.body).toMatchObject({
      status: 'error',
      category: 'EXPIRED_AUTHENTICATION',
      message: 'The OAuth token used to make this call expired 2 minute(s) ago.',
    });

    const unknown = await caught(
      new Client({ accessToken: 'CNnot-a-token', basePath: sandbox.url }).crm.contacts.basicApi.getPage(1),
    );
    expect(unknown).toMatchObject({ code: 401, body: { category: 'INVALID_AUTHENTICATION' } });
  });

  it('revoking the refresh token (uninstall) invalidates its access tokens', async () => {
    const tokens = sandbox.issueTokens(sandbox.defaultPortalId, SCOPES);
    const client = new Client({ accessToken: tokens.accessToken, basePath: sandbox.url });
    await new Client({ basePath: sandbox.url }).oauth.refreshTokensApi.archive(tokens.refreshToken);
    expect((await caught(client.crm.contacts.basicApi.getPage(1))).code).toBe(401);
  });

  it('binds tokens to one portal, and answers 403 MISSING_SCOPES for object types outside the granted scopes', async () => {
    const other = sandbox.createPortal({ seed: 'empty' });
    sandbox.store.create(other, 'contacts', { email: 'only@other.example', firstname: 'Only' });
    const callback = await authorize(sandbox.authorizeUrl({ redirectUri: REDIRECT, scopes: SCOPES, portalId: other }));
    const tokens = await new Client({ basePath: sandbox.url }).oauth.tokensApi.create(
      'authorization_code',
      callback.searchParams.get('code') as string,
      REDIRECT,
      CLIENT_ID,
      CLIENT_SECRET,
    );
    const client = new Client({ accessToken: tokens.accessToken, basePath: sandbox.url });
    const all = await client.crm.contacts.getAll();
    expect(all.map((c) => c.properties.email)).toEqual(['only@other.example']);

    const denied = await caught(client.crm.deals.basicApi.getPage());
    expect(denied.code).toBe(403);
    expect(denied.body).toMatchObject({
      category: 'MISSING_SCOPES',
      errors: [{ context: { requiredGranularScopes: ['crm.objects.deals.read'] } }],
    });
  });
});
