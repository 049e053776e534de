import { runWith as createToken } from '../../../src/cli/auth-create-token.js';
import { runWith as listTokens } from '../../../src/cli/auth-list-tokens.js';
import { runWith as revokeToken } from '../../../src/cli/auth-revoke-token.js';
import type { SourcesCliDeps } from '../../../src/cli/cli-store.js';
import { hashSecret } from '../../../src/auth/principal.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';

describe(`closeloop auth ... (${process.env.DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  let t: TestDb;
  let out: string[];
  let err: string[];
  let deps: SourcesCliDeps;
  beforeAll(async () => {
    t = await openTestDb();
    for (const x of ['A', 'B']) {
      await t.store.connections.upsert({
        id: `conn${x}`,
        tenantId: `tenant${x}`,
        provider: 'hubspot',
        accountId: `acct${x}`,
        apiBase: 'http://127.0.0.1:9',
        displayName: null,
        accessTokenEnc: 'x',
        refreshTokenEnc: null,
        tokenExpiresAt: null,
        tokenMetadata: {},
      });
    }
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(() => {
    out = [];
    err = [];
    deps = {
      openStore: async () => ({ store: t.store, close: async () => undefined }),
      now: () => Date.now(),
      out: (s) => out.push(s),
      err: (s) => err.push(s),
    };
  });

  test("create-token prints the token once for the connection's tenant, stores its hash; revoke-token disables it", async () => {
    expect(await createToken(['--connection', 'connA', '--name', 'CI export', '--json'], deps)).toBe(0);
    const { tokenId, token, tenantId } = JSON.parse(out.join('')) as {
      tokenId: string;
      token: string;
      tenantId: string;
    };
    expect(tenantId).toBe('tenantA');
    expect(token).toMatch(/^clt_[A-Za-z0-9_-]{43}$/);
    const row = (await t.store.db.query<Record<string, unknown>>('SELECT * FROM api_tokens WHERE id = $1', [tokenId]))
      .rows[0]!;
    expect(row.token_hash).toBe(hashSecret(token));
    expect(JSON.stringify(row)).not.toContain(token.slice(4));
    expect((await t.store.access.useApiToken(hashSecret(token), new Date()))?.tenant_id).toBe('tenantA');

    out = [];
    expect(await listTokens(['--tenant', 'tenantA'], deps)).toBe(0);
    expect(out.join('')).toContain(tokenId);
    expect(out.join('')).not.toContain(token);

    out = [];
    expect(await revokeToken(['--id', tokenId], deps)).toBe(0);
    expect(await t.store.access.useApiToken(hashSecret(token), new Date())).toBeNull();
    expect(await revokeToken(['--id', tokenId], deps)).toBe(1);
  });

  test('bad usage exits 2; an unknown connection exits 1; --help prints on stdout', async () => {
    expect(await createToken(['--name', 'x'], deps)).toBe(2);
    expect(await createToken(['--connection', 'connA', '--tenant', 'tenantA', '--name', 'x'], deps)).toBe(2);
    expect(await createToken(['--connection', 'connA', '--name', 'x', '--expires-days', '0'], deps)).toBe(2);
    expect(await createToken(['--connection', 'nope', '--name', 'x'], deps)).toBe(1);
    expect(await revokeToken(['--id', 'not-a-token'], deps)).toBe(2);
    out = [];
    expect(await createToken(['--help'], deps)).toBe(0);
    expect(out.join('')).toContain('usage: closeloop auth create-token');
  });
});
