import type { Express } from 'express';
import { createApiToken, revokeApiToken } from '../../../src/auth/api-tokens.js';
import { SESSION_COOKIE } from '../../../src/auth/sessions.js';
import { browse, CookieJar } from '../../../src/lib/browser-fetch.js';
import { ROUTES, GUARDED_PREFIXES } from '../../../src/http/routes.js';
import { stableId } from '../../../src/lib/ids.js';
import { AS_OPERATOR, startHubspotLoop } from '../../helpers/closeloop.js';

type Loop = Awaited<ReturnType<typeof startHubspotLoop>>;

/** Every [method, path] express has mounted (routers included), with express's own path syntax. */
function mountedRoutes(app: Express): { method: string; path: string }[] {
  const out: { method: string; path: string }[] = [];
  const walk = (stack: any[]) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const m of Object.keys(layer.route.methods))
          if (m !== '_all') out.push({ method: m.toUpperCase(), path: layer.route.path });
      } else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((app as any).router.stack);
  return out;
}

/**
 * Follow redirects like a browser, cookies kept (closeloop → sandbox authorize → closeloop callback); the session
 * cookie the callback set, if any.
 */
async function signIn(url: string, provider: string): Promise<{ status: number; cookie: string | null; body: any }> {
  const jar = new CookieJar();
  const res = await browse(`${url}/auth/login/${provider}`, { jar, headers: { accept: 'application/json' } });
  const session = jar.get(url, SESSION_COOKIE);
  return {
    status: res.status,
    cookie: session ? `${SESSION_COOKIE}=${session}` : null,
    body: await res.json().catch(() => null),
  };
}

/**
 * Begin a flow as the attacker of a login CSRF would: GET the start URL, let the CRM consent, and stop before the
 * callback. Returns the flow cookie the start set (as sent back, and as set) and the callback URL.
 */
async function beginFlow(
  url: string,
  startPath: string,
  purpose: 'login' | 'install',
): Promise<{ cookie: string; setCookie: string; callback: string }> {
  const start = await fetch(`${url}${startPath}`, { redirect: 'manual' });
  expect(start.status).toBe(302);
  const setCookie = start.headers.getSetCookie().find((c) => c.startsWith(`__Host-closeloop_oauth_${purpose}_`));
  expect(setCookie).toBeDefined();
  const consent = await fetch(start.headers.get('location')!, { redirect: 'manual' });
  const callback = consent.headers.get('location')!;
  expect(callback).toContain(purpose === 'login' ? '/auth/callback/' : '/oauth/');
  return { cookie: setCookie!.split(';')[0]!, setCookie: setCookie!, callback };
}

describe(`access control and hostile input (${process.env.DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  let loop: Loop;
  let tenantId: string;
  beforeAll(async () => {
    loop = await startHubspotLoop({ env: { RATE_LIMIT_PER_MINUTE: '1000' } });
    const res = await browse(`${loop.cl.url}/install/hubspot`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { accountId: string };
    tenantId = stableId('ten', 'hubspot', body.accountId);
  });
  afterAll(async () => {
    await loop?.stop();
  });

  test('route table: every mounted route is listed with its guard, and every guarded route refuses strangers', async () => {
    const mounted = mountedRoutes(loop.cl.app!);
    const key = (r: { method: string; path: string }) => `${r.method} ${r.path}`;
    expect(new Set(mounted.map(key))).toEqual(new Set(ROUTES.map(key)));
    const sample = (p: string) => p.replace(':provider', 'hubspot').replace(':sourceId', 'x1').replace(':id', 'x1');
    for (const r of ROUTES) {
      const res = await fetch(`${loop.cl.url}${sample(r.path)}`, {
        method: r.method,
        redirect: 'manual',
        headers: { accept: 'application/json', 'content-type': 'application/json' },
        body: r.method === 'POST' ? '{}' : undefined,
      });
      const status = res.status;
      if (
        r.guard === 'tenant' ||
        r.guard === 'operator-or-metrics' ||
        r.guard === 'ingest-key' ||
        r.guard === 'crm-signed'
      )
        expect([status, key(r)]).toEqual([401, key(r)]);
      if (r.guard === 'open') expect(status).toBe(200);
      if (r.guard === 'rate-limited') expect([status < 500, key(r)]).toEqual([true, key(r)]);
      if (r.guard === 'slack-signed') expect(status).toBe(404); // off without SLACK_SIGNING_SECRET
    }
    // Anything under the guarded prefixes, even a route nobody mounted, asks for credentials first.
    for (const p of GUARDED_PREFIXES) {
      for (const method of ['GET', 'POST', 'DELETE'])
        expect((await fetch(`${loop.cl.url}${p}/v1/anything`, { method })).status).toBe(401);
    }
  });

  test('hostile input is answered 4xx with a stable body, and the process stays up', async () => {
    const u = loop.cl.url;
    const expectError = async (res: Response, status: number) => {
      expect(res.status).toBe(status);
      const body = (await res.json()) as { error: string; message: string };
      expect(typeof body.error).toBe('string');
      expect(body.error).toMatch(/^[A-Z_]+$/);
      expect(typeof body.message).toBe('string');
    };
    await expectError(
      await fetch(`${u}/webhooks/hubspot`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: 'x'.repeat(2 * 1024 * 1024 + 10),
      }),
      413,
    );
    await expectError(await fetch(`${u}/webhooks/%E0%A4%A`, { method: 'POST', body: '[]' }), 400);
    await expectError(await fetch(`${u}/install/%ZZ`), 400);
    await expectError(
      await fetch(`${u}/webhooks/hubspot`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '['.repeat(5000) + ']'.repeat(5000),
      }),
      400,
    );
    await expectError(
      await fetch(`${u}/webhooks/hubspot`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: `[{"a":${'{"b":'.repeat(100)}1${'}'.repeat(100)}}]`,
      }),
      400,
    );
    const xml = `<?xml version="1.0"?><soapenv:Envelope>${'<x>'.repeat(20_000)}${'</x>'.repeat(20_000)}</soapenv:Envelope>`;
    await expectError(
      await fetch(`${u}/webhooks/salesforce`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: xml }),
      400,
    );
    await expectError(await fetch(`${u}/admin/feedback?since=99999999999d`, { headers: AS_OPERATOR }), 400);
    await expectError(await fetch(`${u}/admin/feedback?since=${'9'.repeat(5000)}d`, { headers: AS_OPERATOR }), 400);
    await expectError(await fetch(`${u}/admin/feedback?since=30d&tenant=a&tenant=b`, { headers: AS_OPERATOR }), 400);
    await expectError(
      await fetch(`${u}/admin/connections?tenant=${encodeURIComponent("x' OR 1=1 --")}`, { headers: AS_OPERATOR }),
      400,
    );
    // Unknown query parameters are refused by the strict schemas, including names an object would take for its own.
    const { token } = await createApiToken(loop.cl.store, { tenantId, name: 'query keys' });
    const bearer = { authorization: `Bearer ${token}` };
    expect((await fetch(`${u}/api/v1/suggestions?status=review`, { headers: bearer })).status).toBe(200);
    for (const q of ['bogus=x', '__proto__=x', 'constructor=x', 'toString=x', 'status=review&__proto__=x']) {
      const res = await fetch(`${u}/api/v1/suggestions?${q}`, { headers: bearer });
      expect([q, res.status]).toEqual([q, 400]);
      expect(await res.json()).toMatchObject({ error: 'INVALID_PAYLOAD' });
    }
    await expectError(await fetch(`${u}/no/such/route`), 404);
    await expectError(await fetch(`${u}/healthz`, { method: 'DELETE' }), 405);
    await expectError(await fetch(`${u}/admin/connections`, { headers: { authorization: 'Bearer clt_forged' } }), 401);
    await expectError(await fetch(`${u}/admin/connections`, { headers: { authorization: 'Basic Zm9vOmJhcg==' } }), 401);
    await expectError(
      await fetch(`${u}/admin/connections`, { headers: { cookie: '__Host-closeloop_session=cls_' + 'A'.repeat(43) } }),
      401,
    );
    // Unsigned webhook: refused before anything is stored.
    await expectError(
      await fetch(`${u}/webhooks/hubspot`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '[]',
      }),
      401,
    );
    expect((await fetch(`${u}/healthz`)).status).toBe(200);
  });

  test("cross-tenant canaries: 20 tenants, none sees another's canary on any tenant-scoped read", async () => {
    const db = loop.cl.store.db;
    const tenants: { id: string; canary: string; token: string }[] = [];
    for (let i = 0; i < 20; i++) {
      const canary = `CANARY${i}x${Math.random().toString(36).slice(2, 10)}`;
      const conn = await loop.cl.store.connections.upsert({
        id: `conn_${canary}`,
        tenantId: `ten_${canary}`,
        provider: 'hubspot',
        accountId: `acct-${canary}`,
        apiBase: 'http://127.0.0.1:9',
        displayName: canary,
        accessTokenEnc: 'x',
        refreshTokenEnc: null,
        tokenExpiresAt: null,
        tokenMetadata: {},
      });
      await db.query(
        `INSERT INTO suggestions (id, tenant_id, connection_id, type, dedupe_key, deal_id, owner_id, status, payload)
        VALUES ($1, $2, $3, 'stale_deal', $1, $4, $5, 'written', $6::jsonb)`,
        [
          `sug_${canary}`,
          conn.tenant_id,
          conn.id,
          `deal-${canary}`,
          `owner-${canary}`,
          JSON.stringify({ title: canary }),
        ],
      );
      await db.query(
        `INSERT INTO writeback_outbox (suggestion_id, connection_id, action, idempotency_key, payload, status, crm_id, done_at)
        VALUES ($1, $2, 'create_task', $1, '{}'::jsonb, 'done', $3, now())`,
        [`sug_${canary}`, conn.id, `task-${canary}`],
      );
      // Synced (a poll and an applied change), so each has a sync lag the metrics could be tempted to name it by.
      await loop.cl.store.connections.markSynced(conn.id);
      await loop.cl.store.syncMarks.noteChange(conn.id);
      const { token } = await createApiToken(loop.cl.store, { tenantId: conn.tenant_id, name: `canary ${i}` });
      tenants.push({ id: conn.tenant_id, canary, token });
    }
    const reads = [
      '/',
      '/admin/connections',
      '/admin/feedback?since=30d',
      '/auth/session',
      '/api/v1/suggestions',
      '/api/v1/cards/salesforce/suggestions',
    ];
    for (const t of tenants) {
      const headers = { authorization: `Bearer ${t.token}`, accept: 'application/json' };
      let sawOwn = false;
      for (const path of reads) {
        const res = await fetch(`${loop.cl.url}${path}`, { headers });
        const text = await res.text();
        expect(res.status).toBeLessThan(500);
        if (text.includes(t.canary)) sawOwn = true;
        for (const other of tenants)
          if (other !== t) expect([path, text.includes(other.canary)]).toEqual([path, false]);
      }
      expect(sawOwn).toBe(true);
      // Asking for another tenant explicitly is refused, by query and by header.
      const other = tenants[(tenants.indexOf(t) + 1) % tenants.length]!;
      for (const path of ['/admin/connections', '/admin/feedback?since=30d', '/']) {
        const sep = path.includes('?') ? '&' : '?';
        expect((await fetch(`${loop.cl.url}${path}${sep}tenant=${other.id}`, { headers })).status).toBe(403);
        expect(
          (await fetch(`${loop.cl.url}${path}`, { headers: { ...headers, 'x-closeloop-tenant': other.id } })).status,
        ).toBe(403);
      }
    }
    // The operator sees every tenant; /metrics (operator) names none of them.
    const all = await (await fetch(`${loop.cl.url}/admin/connections`, { headers: AS_OPERATOR })).text();
    for (const t of tenants) expect(all).toContain(t.canary);
    const metrics = await (await fetch(`${loop.cl.url}/metrics`, { headers: AS_OPERATOR })).text();
    // No tenant, account or connection id: not the canaries', not the installed portal's (whose ids are
    // hashes of its portal id, src/lib/ids.ts), and no label that could carry one.
    for (const t of tenants) expect(metrics).not.toContain(t.canary);
    const installed = (await loop.cl.store.connections.byAccount('hubspot', String(loop.hs.defaultPortalId)))!;
    for (const id of [tenantId, installed.id, installed.tenant_id, `"${installed.account_id}"`])
      expect([id, metrics.includes(id)]).toEqual([id, false]);
    expect(metrics).not.toMatch(/\b(conn|ten)_[0-9a-f]{8,}|(connection|tenant|account|portal|org)(_id)?="/);
    // The lag is there all the same, per provider (the canaries and the installed portal all have one).
    expect(metrics).toMatch(/^closeloop_sync_lag_seconds\{provider="hubspot"\} \d/m);
    expect(
      Number(/^closeloop_sync_lag_connections\{provider="hubspot"\} (\d+)$/m.exec(metrics)?.[1]),
    ).toBeGreaterThanOrEqual(20);
  });

  test('API tokens are stored hashed, bound to one tenant, and stop working once revoked', async () => {
    const { id, token } = await createApiToken(loop.cl.store, { tenantId, name: 'ci' });
    const stored = await loop.cl.store.db.query<{ token_hash: string }>(
      'SELECT token_hash FROM api_tokens WHERE id = $1',
      [id],
    );
    expect(stored.rows[0]!.token_hash).not.toContain(token.slice(4));
    expect(JSON.stringify(stored.rows)).not.toContain(token);
    const headers = { authorization: `Bearer ${token}` };
    expect((await fetch(`${loop.cl.url}/admin/connections`, { headers })).status).toBe(200);
    expect((await fetch(`${loop.cl.url}/metrics`, { headers })).status).toBe(403);
    expect(await revokeApiToken(loop.cl.store, id)).toBe(true);
    expect((await fetch(`${loop.cl.url}/admin/connections`, { headers })).status).toBe(401);
  });

  test('sign in with HubSpot: the portal super admin gets a session for the tenant; a plain user is refused; writes need the CSRF token', async () => {
    const u = loop.cl.url;
    const admin = await signIn(u, 'hubspot');
    expect(admin.status).toBe(200);
    expect(admin.body).toMatchObject({ signedIn: true, role: 'admin', tenantId });
    expect(admin.cookie).toMatch(/^__Host-closeloop_session=cls_/);
    const session = { cookie: admin.cookie! };
    const me = (await (await fetch(`${u}/auth/session`, { headers: session })).json()) as any;
    expect(me).toMatchObject({ kind: 'session', role: 'admin', tenantId });
    expect((await fetch(`${u}/admin/connections`, { headers: session })).status).toBe(200);
    // CSRF: a write with only the cookie is refused; a foreign Origin is refused even with the token.
    expect((await fetch(`${u}/auth/logout`, { method: 'POST', headers: session })).status).toBe(403);
    expect(
      (
        await fetch(`${u}/auth/logout`, {
          method: 'POST',
          headers: { ...session, 'x-csrf-token': me.csrfToken, origin: 'https://evil.example' },
        })
      ).status,
    ).toBe(403);
    expect(
      (await fetch(`${u}/auth/logout`, { method: 'POST', headers: { ...session, 'x-csrf-token': me.csrfToken } }))
        .status,
    ).toBe(204);
    expect((await fetch(`${u}/admin/connections`, { headers: session })).status).toBe(401);

    // A rep (owner, not a super admin) consents: no session.
    const rep = loop.hs.store
      .portal(loop.hs.defaultPortalId)
      .addOwner({ id: '7001', userId: 7_000_001, email: 'rep@portal.example', firstName: 'Rae', lastName: 'Rep' });
    loop.hs.setConsentUser(rep.userId);
    try {
      const refused = await signIn(u, 'hubspot');
      expect(refused.status).toBe(403);
      expect(refused.cookie).toBeNull();
      expect(refused.body).toMatchObject({ error: 'FORBIDDEN' });
    } finally {
      loop.hs.setConsentUser(null);
    }
    // A state that was already used, or made up, is refused (even with the browser's flow cookie).
    const flow = await beginFlow(u, '/auth/login/hubspot', 'login');
    const withCookie = { accept: 'application/json', cookie: flow.cookie };
    expect((await fetch(flow.callback, { redirect: 'manual', headers: withCookie })).status).toBe(200);
    const replay = await fetch(flow.callback, { redirect: 'manual', headers: withCookie });
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ error: 'OAUTH_STATE_INVALID', message: expect.stringMatching(/used/) });
    expect((await fetch(`${u}/auth/callback/hubspot?code=x&state=forged`, { headers: withCookie })).status).toBe(400);
    /** A 400 for this path, and its JSON body. */
    const refused = async (path: string) => {
      const r = await fetch(`${u}${path}`, { redirect: 'manual', headers: { accept: 'application/json' } });
      expect([path, r.status]).toEqual([path, 400]);
      return (await r.json()) as { error: string; message: string };
    };
    // A start URL carrying a callback's code or error: our JSON error, not passport's plain text (nor an exchange).
    for (const path of [
      '/auth/login/hubspot?code=x',
      '/auth/login/hubspot?error=access_denied',
      '/install/hubspot?code=x&state=y',
    ]) {
      expect(await refused(path)).toMatchObject({
        error: 'INVALID_PAYLOAD',
        message: expect.stringContaining('starts the OAuth flow'),
      });
    }
    // A callback without a code and a state (or with arrays) is a malformed callback, not the start of a new flow; a
    // declined consent is said in our words, without echoing the provider's free text.
    for (const path of [
      '/oauth/hubspot/callback',
      '/auth/callback/hubspot?code[]=a&state[]=b',
      '/oauth/hubspot/callback?code=x',
    ]) {
      expect(await refused(path)).toMatchObject({ error: 'INVALID_PAYLOAD' });
    }
    for (const path of [
      '/oauth/hubspot/callback?error=access_denied&error_description=%3Cscript%3E',
      '/auth/callback/hubspot?error=%3Cb%3Ex%3C%2Fb%3E',
    ]) {
      const body = await refused(path);
      expect(body.error).toBe('INSTALL_FAILED');
      expect(body.message).toMatch(/did not grant access/);
      expect(body.message).not.toMatch(/script|<b>/);
    }
  });

  test('login CSRF: the OAuth state is bound to the browser that began the flow (flow cookie), for sign-in and install', async () => {
    const u = loop.cl.url;
    const sessions = async () =>
      Number((await loop.cl.store.db.query<{ n: string }>('SELECT count(*)::text AS n FROM sessions')).rows[0]!.n);
    const json = { accept: 'application/json' };

    // The attacker begins a sign-in and stops before the callback. The start set a short-lived __Host- cookie.
    const attacker = await beginFlow(u, '/auth/login/hubspot', 'login');
    expect(attacker.setCookie).toMatch(
      /^__Host-closeloop_oauth_login_hubspot=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; Secure; SameSite=Lax; Max-Age=600$/,
    );
    const before = await sessions();

    // The victim's browser opens the callback URL: without the cookie, or with a cookie of its own (its own sign-in
    // begun meanwhile), or a made-up one, or the install flow's: refused in our words, no session, nothing exchanged.
    const victim = await beginFlow(u, '/auth/login/hubspot', 'login');
    const installCookie = (await beginFlow(u, '/install/hubspot', 'install')).cookie;
    for (const cookie of [
      null,
      victim.cookie,
      `__Host-closeloop_oauth_login_hubspot=${'A'.repeat(43)}`,
      `__Host-closeloop_oauth_login_hubspot=${attacker.cookie.split('=')[1]!.slice(0, 40)}`,
      installCookie.replace('_install_', '_login_').replace(/=.*/, '=') + victim.cookie.split('=')[1],
      installCookie,
    ]) {
      const res = await fetch(attacker.callback, {
        redirect: 'manual',
        headers: { ...json, ...(cookie ? { cookie } : {}) },
      });
      expect([cookie, res.status]).toEqual([cookie, 400]);
      const body = (await res.json()) as { error: string; message: string };
      expect(body).toMatchObject({
        error: 'OAUTH_STATE_INVALID',
        message: expect.stringMatching(/not started in this browser/),
      });
      expect(res.headers.getSetCookie().some((c) => c.startsWith(SESSION_COOKIE))).toBe(false);
    }
    expect(await sessions()).toBe(before);
    // The victim's own cookie is cleared by a callback that was not theirs (the flow is over).
    const withVictims = await fetch(attacker.callback, {
      redirect: 'manual',
      headers: { ...json, cookie: victim.cookie },
    });
    expect(withVictims.headers.getSetCookie()).toContain(
      '__Host-closeloop_oauth_login_hubspot=; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=0',
    );

    // The browser that began it signs in, and its flow cookie is cleared.
    const own = await fetch(attacker.callback, { redirect: 'manual', headers: { ...json, cookie: attacker.cookie } });
    expect(own.status).toBe(200);
    expect(own.headers.getSetCookie()).toEqual(
      expect.arrayContaining([
        '__Host-closeloop_oauth_login_hubspot=; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=0',
        expect.stringMatching(new RegExp(`^${SESSION_COOKIE}=cls_`)),
      ]),
    );
    expect(await sessions()).toBe(before + 1);

    // The same for an install: the callback URL opened elsewhere installs nothing.
    const install = await beginFlow(u, '/install/hubspot', 'install');
    const foreign = await fetch(install.callback, { redirect: 'manual', headers: json });
    expect(foreign.status).toBe(400);
    expect(await foreign.json()).toMatchObject({
      error: 'OAUTH_STATE_INVALID',
      message: expect.stringMatching(/install link/),
    });
    const mine = await fetch(install.callback, { redirect: 'manual', headers: { ...json, cookie: install.cookie } });
    expect(mine.status).toBe(200);
    expect(await mine.json()).toMatchObject({ installed: true });
  });

  test('a callback whose code the CRM refuses (forged, expired, used) is a 400 saying to start again, not a 502', async () => {
    const u = loop.cl.url;
    const count = async (table: string) =>
      Number((await loop.cl.store.db.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${table}`)).rows[0]!.n);
    const before = { connections: await count('connections'), sessions: await count('sessions') };
    for (const [path, purpose, link] of [
      ['/install/hubspot', 'install', 'install link'],
      ['/auth/login/hubspot', 'login', 'sign-in link'],
    ] as const) {
      // The browser that began the flow, its state intact: only the code is not one the CRM issued (or no longer valid).
      const flow = await beginFlow(u, path, purpose);
      const forged = flow.callback.replace(/([?&]code=)[^&]+/, '$1forged-or-expired-code');
      expect(forged).not.toBe(flow.callback);
      const res = await fetch(forged, {
        redirect: 'manual',
        headers: { accept: 'application/json', cookie: flow.cookie },
      });
      expect([path, res.status]).toEqual([path, 400]);
      const body = (await res.json()) as { error: string; message: string };
      expect(body.error).toBe('INSTALL_FAILED');
      expect(body.message).toContain('invalid_grant');
      expect(body.message).toContain(link);
      expect(res.headers.getSetCookie().some((c) => c.startsWith(SESSION_COOKIE))).toBe(false);
    }
    expect({ connections: await count('connections'), sessions: await count('sessions') }).toEqual(before);
  });

  test('/install writes no row until the user comes back from consent', async () => {
    const count = async () =>
      Number(
        (
          await loop.cl.store.db.query<{ n: string }>(
            'SELECT ((SELECT count(*) FROM oauth_states) + (SELECT count(*) FROM oauth_state_uses))::text AS n',
          )
        ).rows[0]!.n,
      );
    const before = await count();
    for (let i = 0; i < 40; i++)
      expect((await fetch(`${loop.cl.url}/install/hubspot`, { redirect: 'manual' })).status).toBe(302);
    expect(await count()).toBe(before);
  });
});

describe('rate limits on unauthenticated routes', () => {
  let loop: Loop;
  beforeAll(async () => {
    loop = await startHubspotLoop({ env: { RATE_LIMIT_PER_MINUTE: '5' } });
  });
  afterAll(async () => {
    await loop?.stop();
  });

  test('the sixth /install in a minute gets 429 with Retry-After, counted in the database', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++)
      statuses.push((await fetch(`${loop.cl.url}/install/hubspot`, { redirect: 'manual' })).status);
    expect(statuses.slice(0, 5)).toEqual([302, 302, 302, 302, 302]);
    expect(statuses.slice(5)).toEqual([429, 429, 429]);
    const res = await fetch(`${loop.cl.url}/install/hubspot`, { redirect: 'manual' });
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await res.json()).toMatchObject({ error: 'RATE_LIMITED' });
    const row = await loop.cl.store.db.query<{ hits: number }>(
      "SELECT hits FROM rate_limits WHERE key LIKE 'install:%'",
    );
    expect(Number(row.rows[0]!.hits)).toBeGreaterThanOrEqual(9);
    // Other groups have their own budget; /healthz has none.
    expect((await fetch(`${loop.cl.url}/healthz`)).status).toBe(200);
  });
});
