import { createApiToken } from '../../../src/auth/api-tokens.js';
import { browse } from '../../../src/lib/browser-fetch.js';
import { stableId } from '../../../src/lib/ids.js';
import { ROUTES } from '../../../src/http/routes.js';
import { apiOperations } from '../../../src/http/api-v1/operations.js';
import { AS_OPERATOR, startHubspotLoop } from '../../helpers/closeloop.js';

/**
 * An outside checker's walk over every route in the route table (tests/src/http/security.int.test.ts keeps it equal to
 * what express mounts) and every documented /api/v1 operation, with input nobody wrote a test for: ids that name
 * nothing (NUL and other control characters, traversal, very long, UUIDs, prototype names), methods and content types
 * a route does not take, bodies of the wrong shape, query values no schema allows. Whatever the route and whoever
 * calls it, the answer is a 4xx or a success with the one error body: never a 5xx, a stack trace or an internal
 * detail, never a hang; and the process stays up.
 */

type Loop = Awaited<ReturnType<typeof startHubspotLoop>>;

const IDS = [
  '%00',
  'a%00b',
  '%0A',
  '%1F',
  '%7F',
  '..%2F..%2Fetc%2Fpasswd',
  '00000000-0000-0000-0000-000000000000',
  'x'.repeat(3000),
  '__proto__',
  'constructor',
  '%E2%80%AE%F0%9F%92%A5',
  '%FF',
];

const BODIES: [string, string][] = [
  ['application/json', '{'],
  ['application/json', '[]'],
  ['application/json', 'null'],
  ['application/json', '"text"'],
  ['application/json', '{"__proto__":{"polluted":1},"constructor":{"prototype":{"x":1}}}'],
  ['application/json', '{"file":1,"text":null,"reason":5,"action":[],"items":"x"}'],
  ['application/json', JSON.stringify({ file: 'a\u0000.json', text: '\u0000', reason: '\u0000', action: '\u0000' })],
  ['application/json', JSON.stringify({ file: '../../etc/passwd.json', text: '{"rules":[{}]}' })],
  ['text/plain', 'hello'],
  ['application/x-www-form-urlencoded', `_csrf=x&back=%00&reason=${'r'.repeat(600)}&reason=2`],
  ['application/xml', '<a><b>'],
  ['application/json; charset=utf-16', '{}'],
];

const ID_BODIES: [string, string][] = [
  ['application/json', '{"action":"useful","reason":"x"}'],
  ['application/x-www-form-urlencoded', '_csrf=x&reason=x'],
];

/** Query values no schema allows, put in every parameter a route or operation names (and one it does not). */
const VALUES = ['%00', '-1', 'NaN', '1e309', '99999999999999999999', 'x'.repeat(2000), '0000-01-01', '2026-02-30'];

const LEAK = /\n\s+at |node_modules|\/work\/|\bstack\b|SELECT |INSERT |ECONN|TypeError|RangeError|ReferenceError/;

describe(`hostile input on every route (${process.env.DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  let loop: Loop;
  let auths: Record<string, Record<string, string>>;
  beforeAll(async () => {
    loop = await startHubspotLoop({ env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    const res = await browse(`${loop.cl.url}/install/hubspot`);
    expect(res.status).toBe(200);
    const { accountId } = (await res.json()) as { accountId: string };
    const { token } = await createApiToken(loop.cl.store, {
      tenantId: stableId('ten', 'hubspot', accountId),
      name: 'hostile input',
    });
    auths = { stranger: {}, tenant: { authorization: `Bearer ${token}` }, operator: { ...AS_OPERATOR } };
  }, 120_000);
  afterAll(async () => {
    await loop?.stop();
  });

  const failures: string[] = [];
  beforeEach(() => {
    failures.length = 0;
  });
  async function probe(method: string, path: string, headers: Record<string, string>, body?: string): Promise<void> {
    let res: Response;
    try {
      res = await fetch(`${loop.cl.url}${path}`, {
        method,
        headers,
        body: method === 'GET' || method === 'HEAD' ? undefined : body,
        redirect: 'manual',
        signal: AbortSignal.timeout(60_000),
      });
    } catch (e) {
      failures.push(`${method} ${path.slice(0, 100)}: no answer (${(e as Error).message})`);
      return;
    }
    const text = await res.text();
    const where = `${method} ${path.slice(0, 100)} [${headers['content-type'] ?? '-'}] ${String(body ?? '').slice(0, 40)}`;
    if (res.status >= 500) failures.push(`${where} → ${res.status} ${text.slice(0, 200)}`);
    else if (LEAK.test(text) && !(res.headers.get('content-type') ?? '').includes('html'))
      failures.push(`${where} → leaks ${text.slice(0, 200)}`);
    else if (method !== 'HEAD' && res.status >= 400 && (res.headers.get('content-type') ?? '').includes('json')) {
      const b = JSON.parse(text) as { error?: unknown; message?: unknown };
      if (typeof b.error !== 'string' || !/^[A-Z_]+$/.test(b.error) || typeof b.message !== 'string')
        failures.push(`${where} → ${res.status} without the error body: ${text.slice(0, 200)}`);
    }
  }

  const fill = (path: string, id: string) =>
    path
      .replace(':provider', id === 'x1' ? 'hubspot' : id)
      .replace(':sourceId', id)
      .replace(':id', id);

  test('every route in the table: hostile ids, methods, content types and bodies get 4xx, never 5xx', async () => {
    for (const r of ROUTES) {
      const ids = r.path.includes(':') ? ['x1', ...IDS] : ['x1'];
      for (const [who, auth] of Object.entries(auths)) {
        for (const id of ids) {
          const path = fill(r.path, id);
          if (r.method === 'GET') await probe('GET', path, { ...auth, accept: 'application/json' });
          // Every body on a plain id; a hostile id with a valid-looking JSON body and a form (the id is the attack).
          else
            for (const [type, body] of id === 'x1' ? BODIES : ID_BODIES)
              await probe(r.method, path, { ...auth, 'content-type': type }, body);
          if (who === 'stranger' || id !== 'x1') continue;
          for (const m of ['PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'])
            if (m !== r.method) await probe(m, path, { ...auth, 'content-type': 'application/json' }, '{}');
        }
      }
    }
    expect(failures).toEqual([]);
    expect((await fetch(`${loop.cl.url}/livez`)).status).toBe(200);
  }, 600_000);

  test('every documented /api/v1 operation and console page: each query parameter and body field given garbage', async () => {
    const params = new Map<string, Set<string>>();
    const add = (path: string, method: string, names: string[]) => {
      const key = `${method.toUpperCase()} ${path}`;
      params.set(key, new Set([...(params.get(key) ?? []), ...names, 'tenant', 'unknown']));
    };
    for (const op of apiOperations()) add(op.path, op.method, Object.keys(op.query?.shape ?? {}));
    add('/admin/suggestions', 'get', ['status', 'type', 'owner', 'deal', 'since', 'until', 'done', 'id']);
    add('/admin/outcomes', 'get', ['weeks']);
    add('/admin/feedback', 'get', ['since']);
    add('/admin/connections', 'get', []);
    for (const [key, names] of params) {
      const [method, path] = key.split(' ') as [string, string];
      // Strangers are refused before any parameter is read (the first test): the callers who get that far.
      for (const auth of [auths.tenant!, auths.operator!]) {
        for (const name of names) {
          for (const v of VALUES) {
            for (const q of [`${name}=${v}`, `${name}=${v}&${name}=${v}`, `${name}[a]=${v}`]) {
              const url = `${fill(path, 'x1')}?${q}`;
              if (method === 'GET') {
                await probe('GET', url, {
                  ...auth,
                  accept: path.startsWith('/admin') ? 'text/html' : 'application/json',
                });
              } else await probe(method, url, { ...auth, 'content-type': 'application/json' }, '{}');
            }
          }
        }
      }
    }
    // Each field of each documented body: every wrong type in turn, the others left as they are.
    const wrong: unknown[] = [null, 1, -1, 1e308, true, [], {}, '', '\u0000', 'x'.repeat(600_000), { __proto__: 1 }];
    for (const op of apiOperations()) {
      const shape = (op.body as { shape?: Record<string, unknown> } | undefined)?.shape;
      if (!shape) continue;
      for (const field of Object.keys(shape))
        for (const w of wrong)
          for (const auth of [auths.tenant!, auths.operator!])
            await probe(
              op.method.toUpperCase(),
              fill(op.path, 'x1'),
              { ...auth, 'content-type': 'application/json' },
              JSON.stringify({ file: 'limits.json', text: '{}', [field]: w }),
            );
    }
    expect(failures).toEqual([]);
    expect((await fetch(`${loop.cl.url}/livez`)).status).toBe(200);
  }, 600_000);
});
