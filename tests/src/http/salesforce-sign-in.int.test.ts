import { SESSION_COOKIE } from '../../../src/auth/sessions.js';
import { browse, CookieJar } from '../../../src/lib/browser-fetch.js';
import { installSalesforce, startSalesforceLoop, type SalesforceLoop } from '../../helpers/salesforce.js';

/**
 * Follow the redirects of /auth/login/salesforce like a browser, cookies kept (closeloop → sandbox authorize with
 * PKCE → closeloop callback); the session cookie the callback set, if any.
 */
async function signIn(url: string): Promise<{ status: number; cookie: string | null; body: any }> {
  const jar = new CookieJar();
  const res = await browse(`${url}/auth/login/salesforce`, { jar, headers: { accept: 'application/json' } });
  const session = jar.get(url, SESSION_COOKIE);
  return {
    status: res.status,
    cookie: session ? `${SESSION_COOKIE}=${session}` : null,
    body: await res.json().catch(() => null),
  };
}

describe(`sign in with Salesforce (${process.env.DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  let loop: SalesforceLoop;
  beforeAll(async () => {
    loop = await startSalesforceLoop();
  });
  afterAll(async () => {
    await loop?.stop();
  });

  test('a user with Modify All Data in an installed org gets a session for its tenant; without it, or before install, no session', async () => {
    // Not installed yet: even the org's admin is refused.
    expect((await signIn(loop.cl.url)).status).toBe(403);
    const installed = await installSalesforce(loop.cl);
    const conn = (await loop.cl.store.connections.get(installed.connectionId))!;

    const admin = await signIn(loop.cl.url);
    expect(admin.status).toBe(200);
    expect(admin.body).toMatchObject({ signedIn: true, role: 'admin', tenantId: conn.tenant_id });
    const me = (await (
      await fetch(`${loop.cl.url}/auth/session`, { headers: { cookie: admin.cookie! } })
    ).json()) as any;
    expect(me).toMatchObject({
      role: 'admin',
      tenantId: conn.tenant_id,
      subject: expect.stringContaining(`salesforce:${loop.orgId}:`),
    });

    // The same user without Modify All Data (profile and permission sets): refused.
    loop.sf.setModifyAllData(loop.orgId, loop.sf.store.adminUserId(loop.orgId), false);
    try {
      const refused = await signIn(loop.cl.url);
      expect(refused.status).toBe(403);
      expect(refused.cookie).toBeNull();
    } finally {
      loop.sf.setModifyAllData(loop.orgId, loop.sf.store.adminUserId(loop.orgId), true);
    }

    // Login CSRF: the callback URL of a flow begun elsewhere (PKCE verifier sealed in its state) opened by a browser
    // without that flow's cookie is refused before any exchange; the browser that began it signs in.
    const start = await fetch(`${loop.cl.url}/auth/login/salesforce`, { redirect: 'manual' });
    const flowCookie = start.headers
      .getSetCookie()
      .find((c) => c.startsWith('__Host-closeloop_oauth_login_salesforce='))!
      .split(';')[0]!;
    const callback = (await fetch(start.headers.get('location')!, { redirect: 'manual' })).headers.get('location')!;
    const foreign = await fetch(callback, { redirect: 'manual', headers: { accept: 'application/json' } });
    expect(foreign.status).toBe(400);
    expect(await foreign.json()).toMatchObject({ error: 'OAUTH_STATE_INVALID' });
    const own = await fetch(callback, {
      redirect: 'manual',
      headers: { accept: 'application/json', cookie: flowCookie },
    });
    expect(own.status).toBe(200);
    expect(await own.json()).toMatchObject({ signedIn: true, tenantId: conn.tenant_id });
  });
});
