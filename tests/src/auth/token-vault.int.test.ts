import type { Connector, TokenSet } from '../../../src/core/index.js';
import { TokenVault } from '../../../src/auth/token-vault.js';
import { TokenCipher } from '../../../src/lib/crypto.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { createStore } from '../../../src/store/index.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';

const KEY = '12'.repeat(32);

/** A connector whose refresh is slow and counted, to expose races. */
function countingConnector() {
  const calls: string[] = [];
  const c = {
    manifest: { id: 'hubspot' },
    refreshTokens: async (o: { refreshToken: string }): Promise<TokenSet> => {
      calls.push(o.refreshToken);
      await new Promise((r) => setTimeout(r, 100));
      return {
        accessToken: `access-${calls.length}`,
        refreshToken: `refresh-${calls.length}`,
        expiresAt: Date.now() + 1800_000,
        metadata: {},
      };
    },
  } as unknown as Connector;
  return { c, calls };
}

describe(`token vault (${process.env.DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  let t: TestDb;
  const cipher = new TokenCipher(KEY);
  beforeAll(async () => {
    t = await openTestDb();
  });
  afterAll(async () => {
    await t.close();
  });

  const install = async (id: string, expiresInMs: number) =>
    t.store.connections.upsert({
      id,
      tenantId: 't',
      provider: 'hubspot',
      accountId: id,
      apiBase: 'http://x',
      displayName: null,
      accessTokenEnc: cipher.encrypt('access-0'),
      refreshTokenEnc: cipher.encrypt('refresh-0'),
      tokenExpiresAt: new Date(Date.now() + expiresInMs),
      tokenMetadata: {},
    });
  const vault = (c: Connector) =>
    new TokenVault(
      t.store,
      cipher,
      () => c,
      () => ({ clientId: 'id', clientSecret: 's', tokenUrl: 'http://x/token' }),
      silentLogger(),
    );

  test('tokens are stored encrypted and a fresh token is returned without refreshing', async () => {
    await install('fresh', 3600_000);
    const { c, calls } = countingConnector();
    expect(await vault(c).getAccessToken('fresh')).toBe('access-0');
    expect(calls).toEqual([]);
    const row = await t.store.connections.get('fresh');
    expect(row!.access_token_enc).not.toContain('access-0');
    expect(cipher.decrypt(row!.access_token_enc)).toBe('access-0');
  });

  test('a token about to expire is refreshed ahead of time, once, by concurrent callers in one process', async () => {
    await install('expiring', 60_000);
    const { c, calls } = countingConnector();
    const v = vault(c);
    const tokens = await Promise.all([
      v.getAccessToken('expiring'),
      v.getAccessToken('expiring'),
      v.getAccessToken('expiring'),
    ]);
    expect(tokens).toEqual(['access-1', 'access-1', 'access-1']);
    expect(calls).toEqual(['refresh-0']);
    const row = await t.store.connections.get('expiring');
    expect(cipher.decrypt(row!.refresh_token_enc!)).toBe('refresh-1');
  });

  test('two workers (separate vaults, same database) refresh once: the second finds the new token under the lock', async () => {
    await install('shared', 60_000);
    const a = countingConnector();
    const b = countingConnector();
    const store2 = createStore(t.db);
    const vb = new TokenVault(
      store2,
      cipher,
      () => b.c,
      () => ({ clientId: 'id', clientSecret: 's', tokenUrl: 'x' }),
      silentLogger(),
    );
    const [ta, tb] = await Promise.all([vault(a.c).getAccessToken('shared'), vb.getAccessToken('shared')]);
    expect(a.calls.length + b.calls.length).toBe(1);
    expect(ta).toBe(tb);
  });

  test('a forced refresh after a 401 does not refresh twice when another worker just did', async () => {
    await install('forced', 3600_000);
    const { c, calls } = countingConnector();
    const v = vault(c);
    const [x, y] = await Promise.all([v.refresh('forced', true), v.refresh('forced', true)]);
    expect(x).toBe(y);
    expect(calls).toHaveLength(1);
  });
});
