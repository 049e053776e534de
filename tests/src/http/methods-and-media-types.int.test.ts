import request from 'supertest';
import { createApiToken } from '../../../src/auth/api-tokens.js';
import { ROUTES } from '../../../src/http/routes.js';
import { openTestDb, ROOT, type TestDb } from '../../helpers/db.js';
import { cardTestApp, installConnection, OPERATOR_TOKEN, storeSuggestion } from './card-app.js';

/**
 * What an outside checker sends that no handler was written for: a method a path does not take, and a body in a
 * media type a route does not read. The first names the methods the path takes (405 with Allow, RFC 9110), not the
 * 404 of a path that names nothing; the second is refused (415) before anything acts, not read as an empty body and
 * acted on.
 */
const NOW = Date.parse('2026-03-11T10:00:00.000Z');
const AS_OPERATOR = { authorization: `Bearer ${OPERATOR_TOKEN}` };
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
let t: TestDb;
let app: ReturnType<typeof cardTestApp>;
let bearer: Record<string, string>;

beforeAll(async () => {
  t = await openTestDb();
  app = cardTestApp(t.store, () => NOW, { rulesDir: `${ROOT}/rules` });
  await installConnection(t.store, { id: 'hs-1', tenantId: 'tenant-a', provider: 'hubspot', accountId: '4200' });
  const { token } = await createApiToken(t.store, { tenantId: 'tenant-a', name: 'media types' });
  bearer = { authorization: `Bearer ${token}` };
});
afterAll(async () => {
  await t.close();
});

const sample = (p: string) => p.replace(':provider', 'hubspot').replace(':sourceId', 'x1').replace(':id', 'x1');
const send = (method: string, path: string) =>
  (request(app) as unknown as Record<string, (p: string) => request.Test>)[method.toLowerCase()]!(path);

describe('a method a path does not take: 405 with Allow', () => {
  test('every path of the route table, asked with each method it does not take (as the operator)', async () => {
    const paths = [...new Set(ROUTES.map((r) => r.path))];
    const wrong: string[] = [];
    for (const path of paths) {
      const takes = ROUTES.filter((r) => r.path === path).map((r) => r.method);
      const allow = [...takes, ...(takes.includes('GET') ? ['HEAD'] : []), 'OPTIONS'];
      for (const method of METHODS.filter((m) => !takes.includes(m))) {
        const r = await send(method, sample(path)).set(AS_OPERATOR);
        const got = (r.headers.allow ?? '').split(', ').sort();
        if (r.status !== 405 || r.body.error !== 'METHOD_NOT_ALLOWED' || got.join() !== [...allow].sort().join())
          wrong.push(`${method} ${path}: ${r.status} ${r.headers.allow} ${JSON.stringify(r.body)}`);
      }
      const options = await request(app).options(sample(path)).set(AS_OPERATOR);
      if (
        options.status !== 204 ||
        (options.headers.allow ?? '').split(', ').sort().join() !== [...allow].sort().join()
      )
        wrong.push(`OPTIONS ${path}: ${options.status} ${options.headers.allow}`);
    }
    expect(wrong).toEqual([]);
  });

  test('the answer is the one error body, names the methods, and a trailing slash or other case is the same path', async () => {
    const r = await request(app).delete('/webhooks/hubspot').expect(405);
    expect(r.headers.allow).toBe('POST, OPTIONS');
    expect(r.body).toEqual({ error: 'METHOD_NOT_ALLOWED', message: expect.stringContaining('POST') });
    expect((await request(app).get('/Webhooks/HubSpot/').expect(405)).headers.allow).toBe('POST, OPTIONS');
    expect((await request(app).put('/livez').expect(405)).headers.allow).toBe('GET, HEAD, OPTIONS');
  });

  test('a path that names nothing is still 404, and under /admin and /api a stranger still gets the 401 first', async () => {
    expect((await request(app).delete('/no/such/route').expect(404)).body.error).toBe('NOT_FOUND');
    expect((await request(app).delete('/webhooks/hubspot/extra').expect(404)).body.error).toBe('NOT_FOUND');
    expect((await request(app).delete('/api/v1/suggestions').expect(401)).body.error).toBe('UNAUTHENTICATED');
    expect((await request(app).put('/admin/rules').expect(401)).body.error).toBe('UNAUTHENTICATED');
    expect((await request(app).delete('/api/v1/suggestions').set(bearer).expect(405)).headers.allow).toBe(
      'GET, HEAD, OPTIONS',
    );
  });
});

describe('a body in a media type the route does not read: 415, nothing done', () => {
  test('a dismissal whose body is not JSON is refused and the suggestion stays held', async () => {
    await storeSuggestion(t.store, {
      id: 'sug-held',
      tenantId: 'tenant-a',
      connectionId: 'hs-1',
      dealId: '777',
      status: 'review',
    });
    const url = '/api/v1/suggestions/sug-held/dismiss';
    for (const [type, body] of [
      ['application/x-www-form-urlencoded', 'reason=the+customer+already+answered'],
      ['text/plain', '{"reason":"the customer already answered"}'],
      ['application/xml', '<reason>x</reason>'],
    ] as const) {
      const r = await request(app).post(url).set(bearer).set('content-type', type).send(body);
      expect([type, r.status, r.body.error]).toEqual([type, 415, 'UNSUPPORTED_MEDIA_TYPE']);
      expect(r.body.message).toContain('application/json');
    }
    expect((await t.store.suggestions.get('sug-held'))?.status).toBe('review');

    const ok = await request(app)
      .post(url)
      .set(bearer)
      .set('content-type', 'application/json; charset=utf-8')
      .send('{"reason":"the customer already answered"}')
      .expect(200);
    expect(ok.body.suggestion).toMatchObject({
      status: 'dismissed',
      closedReason: expect.stringContaining('answered'),
    });
  });

  test('the console forms read only urlencoded bodies: a JSON reason is refused, not dropped', async () => {
    await storeSuggestion(t.store, {
      id: 'sug-form',
      tenantId: 'tenant-a',
      connectionId: 'hs-1',
      dealId: '778',
      status: 'review',
    });
    const r = await request(app)
      .post('/admin/suggestions/sug-form/dismiss')
      .set(bearer)
      .set('accept', 'application/json')
      .set('content-type', 'application/json')
      .send('{"reason":"wrong contact"}');
    expect([r.status, r.body.error]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    expect((await t.store.suggestions.get('sug-form'))?.status).toBe('review');
  });

  test('rule drafts sent as text are 415, not "file: expected string"; a request without a body goes on', async () => {
    const r = await request(app)
      .post('/api/v1/admin/rules/lint')
      .set(bearer)
      .set('content-type', 'text/plain')
      .send('{"file":"limits.json","text":"{}"}');
    expect([r.status, r.body.error]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    const lint = await request(app)
      .post('/api/v1/admin/rules/lint')
      .set(bearer)
      .send({ file: 'limits.json', text: '{"rules":[]}' })
      .expect(200);
    expect(lint.body.problems.length).toBeGreaterThan(0);
    // A structured-syntax JSON type is JSON: read, not skipped.
    const vnd = await request(app)
      .post('/api/v1/admin/rules/lint')
      .set(bearer)
      .set('content-type', 'application/vnd.api+json')
      .send('{"file":"limits.json","text":"{\\"rules\\":[]}"}')
      .expect(200);
    expect(vnd.body.problems.length).toBeGreaterThan(0);
    // Approve takes no body: without one (no Content-Type) it is handled as before.
    const approve = await request(app).post('/api/v1/suggestions/sug-none/approve').set(bearer);
    expect([approve.status, approve.body.error]).toEqual([404, 'NOT_FOUND']);
  });
});

describe('the tenant named twice', () => {
  test('?tenant= and X-Closeloop-Tenant naming different tenants is a 400, not one of them picked', async () => {
    await installConnection(t.store, { id: 'hs-2', tenantId: 'tenant-b', provider: 'hubspot', accountId: '9900' });
    const r = await request(app)
      .get('/admin/connections?tenant=tenant-a')
      .set(AS_OPERATOR)
      .set('x-closeloop-tenant', 'tenant-b');
    expect([r.status, r.body.error]).toEqual([400, 'INVALID_PAYLOAD']);
    expect(r.body.message).toContain('different tenants');
    const same = await request(app)
      .get('/admin/connections?tenant=tenant-b')
      .set(AS_OPERATOR)
      .set('x-closeloop-tenant', 'tenant-b')
      .expect(200);
    expect(same.body.map((c: { id: string }) => c.id)).toEqual(['hs-2']);
  });
});
