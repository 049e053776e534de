import request from 'supertest';
import { createApiToken } from '../../../src/auth/api-tokens.js';
import { openTestDb, ROOT, type TestDb } from '../../helpers/db.js';
import { cardTestApp, installConnection } from './card-app.js';

/**
 * The pages a browser opens without the console's own layout (the sign-in page a stranger gets at / and /admin, the
 * summary at /) and every JSON answer carry a Content-Security-Policy that runs no script, loads nothing from
 * elsewhere, takes no <base> and cannot be framed; the console's pages keep theirs (one nonce'd script), with
 * base-uri too.
 */
const NOW = Date.parse('2026-03-11T10:00:00.000Z');
let t: TestDb;
let app: ReturnType<typeof cardTestApp>;
let bearer: Record<string, string>;

beforeAll(async () => {
  t = await openTestDb();
  app = cardTestApp(t.store, () => NOW, { rulesDir: `${ROOT}/rules` });
  await installConnection(t.store, { id: 'hs-1', tenantId: 'tenant-a', provider: 'hubspot', accountId: '4200' });
  const { token } = await createApiToken(t.store, { tenantId: 'tenant-a', name: 'headers' });
  bearer = { authorization: `Bearer ${token}` };
});
afterAll(async () => {
  await t.close();
});

const directives = (csp: string | undefined) =>
  new Map(
    (csp ?? '')
      .split(';')
      .map((d) => d.trim().split(/\s+/) as [string, ...string[]])
      .map(([k, ...v]) => [k, v]),
  );

describe('Content-Security-Policy on every answer', () => {
  test('the sign-in page, the summary page and JSON answers: no script, nothing loaded, no <base>, no framing', async () => {
    const answers = {
      'sign-in at /admin': await request(app).get('/admin').set('accept', 'text/html').expect(401),
      'sign-in at /': await request(app).get('/').set('accept', 'text/html').expect(401),
      summary: await request(app).get('/').set(bearer).set('accept', 'text/html').expect(200),
      'JSON 404': await request(app).get('/no/such/route').expect(404),
      livez: await request(app).get('/livez').expect(200),
    };
    for (const [what, r] of Object.entries(answers)) {
      const d = directives(r.headers['content-security-policy']);
      expect([what, d.get('default-src')]).toEqual([what, ["'none'"]]);
      expect(d.get('script-src')).toBeUndefined();
      expect(d.get('base-uri')).toEqual(["'none'"]);
      expect(d.get('frame-ancestors')).toEqual(["'none'"]);
      expect(d.get('form-action')).toEqual(["'self'"]);
    }
    expect(answers['sign-in at /admin'].text).toContain('Sign in');
  });

  test("the console's pages keep their nonce'd script and take no <base> either", async () => {
    const r = await request(app).get('/admin/rules').set(bearer).set('accept', 'text/html').expect(200);
    const d = directives(r.headers['content-security-policy']);
    expect(d.get('script-src')?.[0]).toMatch(/^'nonce-/);
    expect(d.get('base-uri')).toEqual(["'none'"]);
    expect(d.get('frame-ancestors')).toEqual(["'none'"]);
  });
});
