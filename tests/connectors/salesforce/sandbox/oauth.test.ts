import './no-proxy.js';
import jsforce from 'jsforce';
import type { SalesforceSandbox } from '../../../../connectors/salesforce/sandbox/index.js';
import { CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, authorizeCode, connect, newOAuth2, startSandbox } from './helpers.js';

describe('Salesforce sandbox: OAuth web server flow with PKCE', () => {
  let sandbox: SalesforceSandbox;
  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(() => sandbox.close());

  it('authorizes through jsforce and exposes the org and user from the identity URL', async () => {
    const oauth2 = newOAuth2(sandbox);
    const authUrl = oauth2.getAuthorizationUrl({ scope: 'api refresh_token', state: 'abc' });
    expect(new URL(authUrl).searchParams.get('code_challenge')).toBeTruthy();
    const { code, state } = await authorizeCode(authUrl);
    expect(state).toBe('abc');
    const conn = new jsforce.Connection({ oauth2, version: '62.0' });
    const userInfo = await conn.authorize(code);
    const [orgId] = sandbox.orgIds();
    expect(userInfo.organizationId).toBe(orgId);
    expect(userInfo.id).toMatch(/^005[A-Za-z0-9]{15}$/);
    expect(conn.instanceUrl).toBe(sandbox.url);
    expect(conn.refreshToken).toBeTruthy();

    const identity = await conn.identity();
    expect(identity.organization_id).toBe(orgId);
    expect(identity.user_id).toBe(userInfo.id);
  });

  it('returns the documented token response without expires_in', async () => {
    const verifier = 'v'.repeat(64);
    const challenge = (await import('node:crypto')).createHash('sha256').update(verifier).digest('base64url');
    const authUrl = `${sandbox.url}/services/oauth2/authorize?response_type=code&client_id=${CLIENT_ID}&redirect_uri=${encodeURIComponent(REDIRECT_URI)}&code_challenge=${challenge}&code_challenge_method=S256`;
    const { code } = await authorizeCode(authUrl);
    const res = await fetch(`${sandbox.url}/services/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uri: REDIRECT_URI,
        code_verifier: verifier,
      }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, string>;
    expect(Object.keys(body).sort()).toEqual([
      'access_token',
      'id',
      'instance_url',
      'issued_at',
      'refresh_token',
      'scope',
      'signature',
      'token_type',
    ]);
    expect(body.instance_url).toBe(sandbox.url);
    expect(body.id).toBe(`${sandbox.url}/id/${sandbox.orgIds()[0]}/${sandbox.store.adminUserId(sandbox.orgIds()[0]!)}`);
    expect(body.token_type).toBe('Bearer');
  });

  it('rejects a wrong code_verifier with invalid_request and a missing one with invalid_grant', async () => {
    const oauth2 = newOAuth2(sandbox);
    const { code } = await authorizeCode(oauth2.getAuthorizationUrl({ scope: 'api refresh_token' }));
    const wrong = newOAuth2(sandbox);
    wrong.getAuthorizationUrl({}); // generates a different verifier
    await expect(new jsforce.Connection({ oauth2: wrong, version: '62.0' }).authorize(code)).rejects.toMatchObject({
      name: 'invalid_request',
    });

    const { code: code2 } = await authorizeCode(newOAuth2(sandbox).getAuthorizationUrl({ scope: 'api' }));
    const res = await fetch(`${sandbox.url}/services/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: code2,
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uri: REDIRECT_URI,
      }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'invalid_grant', error_description: 'invalid code verifier' });
  });

  it('uses a code once', async () => {
    const oauth2 = newOAuth2(sandbox);
    const { code } = await authorizeCode(oauth2.getAuthorizationUrl({ scope: 'api refresh_token' }));
    await new jsforce.Connection({ oauth2, version: '62.0' }).authorize(code);
    await expect(new jsforce.Connection({ oauth2, version: '62.0' }).authorize(code)).rejects.toMatchObject({
      name: 'invalid_grant',
    });
  });

  it('refuses an unknown redirect_uri without redirecting', async () => {
    const res = await fetch(
      `${sandbox.url}/services/oauth2/authorize?response_type=code&client_id=${CLIENT_ID}&redirect_uri=${encodeURIComponent('https://evil.example/cb')}`,
      { redirect: 'manual' },
    );
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('redirect_uri_mismatch');
  });

  it('serves userinfo with the organization id, and revokes tokens', async () => {
    const conn = await connect(sandbox);
    const res = await fetch(`${sandbox.url}/services/oauth2/userinfo`, {
      headers: { Authorization: `Bearer ${conn.accessToken}` },
    });
    const info = (await res.json()) as Record<string, unknown>;
    expect(info.organization_id).toBe(sandbox.orgIds()[0]);
    await conn.oauth2.revokeToken(conn.accessToken!);
    const after = await fetch(`${sandbox.url}/services/data/v62.0/limits`, {
      headers: { Authorization: `Bearer ${conn.accessToken}` },
    });
    expect(after.status).toBe(401);
    expect(await after.json()).toEqual([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
  });

  it('binds tokens to their org when several orgs exist', async () => {
    const second = sandbox.createOrg({ seed: 'empty' });
    const conn = await connect(sandbox, { loginHint: second });
    expect(conn.userInfo?.organizationId).toBe(second);
    const res = await conn.query<{ Id: string }>('SELECT Id FROM Account');
    expect(res.totalSize).toBe(0);
    const first = await connect(sandbox);
    expect((await first.query('SELECT Id FROM Account')).totalSize).toBeGreaterThan(5);
  });

  it('refreshes once on an expired session and retries the call', async () => {
    const conn = await connect(sandbox);
    const before = conn.accessToken;
    const refreshed: string[] = [];
    conn.on('refresh', (token: string) => refreshed.push(token));
    sandbox.expireSessions();
    const res = await conn.query('SELECT Id FROM Contact LIMIT 1');
    expect(res.records).toHaveLength(1);
    expect(refreshed).toHaveLength(1);
    expect(conn.accessToken).not.toBe(before);
  });

  it('expires sessions after the configured inactivity timeout', async () => {
    let t = Date.UTC(2025, 0, 1);
    const sb = await startSandbox({ now: () => t, sessionTtlSec: 60, seed: 'empty' });
    try {
      const conn = await connect(sb);
      const refreshed: string[] = [];
      conn.on('refresh', (token: string) => refreshed.push(token));
      t += 61_000;
      await conn.query('SELECT Id FROM Account');
      expect(refreshed).toHaveLength(1);
    } finally {
      await sb.close();
    }
  });
});
