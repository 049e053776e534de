import { installSalesforce, startSalesforceLoop, type SalesforceLoop } from '../../helpers/salesforce.js';

/** Follow the redirects of /auth/login/salesforce (closeloop → sandbox authorize with PKCE → closeloop callback). */
async function signIn(url: string): Promise<{ status: number; cookie: string | null; body: any }> {
  let next = `${url}/auth/login/salesforce`;
  for (let i = 0; i < 5; i++) {
    const res = await fetch(next, { redirect: 'manual', headers: { accept: 'application/json' } });
    if (res.status >= 300 && res.status < 400) {
      next = new URL(res.headers.get('location')!, next).toString();
      continue;
    }
    return {
      status: res.status,
      cookie: res.headers.get('set-cookie')?.split(';')[0] ?? null,
      body: await res.json().catch(() => null),
    };
  }
  throw new Error('too many redirects');
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
  });
});
