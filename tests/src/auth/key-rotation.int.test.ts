import { createCipheriv, randomBytes } from 'node:crypto';
import type { Connector, TokenSet } from '../../../src/core/index.js';
import { ErrorCode } from '../../../src/core/errors.js';
import { TokenVault } from '../../../src/auth/token-vault.js';
import { decideFailure } from '../../../src/lib/failure-action.js';
import { TokenCipher } from '../../../src/lib/crypto.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';

const OLD = '11'.repeat(32);
const NEW = '22'.repeat(32);

/** The ciphertext format before key ids (iv.tag.data), as tokens stored by earlier versions look. */
function legacyEncrypt(hexKey: string, plain: string): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', Buffer.from(hexKey, 'hex'), iv);
  const data = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
  return [iv, c.getAuthTag(), data].map((b) => b.toString('base64')).join('.');
}

describe(`TOKEN_ENCRYPTION_KEY rotation (${process.env.DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await openTestDb();
  });
  afterAll(async () => {
    await t.close();
  });

  let refreshes = 0;
  const connector = {
    manifest: { id: 'hubspot' },
    refreshTokens: async (): Promise<TokenSet> => {
      refreshes++;
      return { accessToken: 'fresh', refreshToken: 'r2', expiresAt: Date.now() + 1800_000, metadata: {} };
    },
  } as unknown as Connector;
  const vault = (keys: string) =>
    new TokenVault(
      t.store,
      new TokenCipher(keys),
      () => connector,
      () => ({ clientId: 'id', clientSecret: 's', tokenUrl: 'http://127.0.0.1:9/token' }),
      silentLogger(),
    );
  const install = (id: string, access: string, refresh: string) =>
    t.store.connections.upsert({
      id,
      tenantId: `ten-${id}`,
      provider: 'hubspot',
      accountId: id,
      apiBase: 'http://127.0.0.1:9',
      displayName: null,
      accessTokenEnc: access,
      refreshTokenEnc: refresh,
      tokenExpiresAt: new Date(Date.now() + 3600_000),
      tokenMetadata: {},
    });

  test('new key first, old key listed: old tokens still open, and the background pass rewrites them with the new key', async () => {
    const old = new TokenCipher(OLD);
    await install('rot-a', old.encrypt('access-a'), old.encrypt('refresh-a'));
    await install('rot-legacy', legacyEncrypt(OLD, 'access-l'), legacyEncrypt(OLD, 'refresh-l'));
    const rotating = vault(`${NEW},${OLD}`);
    expect(await rotating.getAccessToken('rot-a')).toBe('access-a');
    expect(await rotating.getAccessToken('rot-legacy')).toBe('access-l');

    const pass = await rotating.reencryptStale();
    expect(pass.reencrypted).toBeGreaterThanOrEqual(2);
    const current = new TokenCipher(NEW);
    for (const id of ['rot-a', 'rot-legacy']) {
      const row = (await t.store.connections.get(id))!;
      expect(current.isStale(row.access_token_enc)).toBe(false);
      expect(current.isStale(row.refresh_token_enc!)).toBe(false);
    }
    // The old key can now be dropped: the new key alone opens everything.
    const newOnly = vault(NEW);
    expect(await newOnly.getAccessToken('rot-a')).toBe('access-a');
    expect(await newOnly.getAccessToken('rot-legacy')).toBe('access-l');
    expect((await rotating.reencryptStale()).reencrypted).toBe(0);
    expect((await t.store.connections.get('rot-a'))!.status).toBe('active');
  });

  test('a token no configured key opens marks the connection needs_reconnect at once, and nothing retries it', async () => {
    const lost = new TokenCipher('33'.repeat(32));
    await install('rot-lost', lost.encrypt('access-x'), lost.encrypt('refresh-x'));
    const v = vault(NEW);
    const err = await v.getAccessToken('rot-lost').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: ErrorCode.AUTH_REVOKED });
    // The loops' policy for it: reconnect (an admin must act), never a retry.
    expect(decideFailure(err, { attempt: 1, maxAttempts: 8, now: Date.now(), idempotent: true }).action).toBe(
      'reconnect',
    );
    const row = (await t.store.connections.get('rot-lost'))!;
    expect(row.status).toBe('needs_reconnect');
    expect(row.status_reason).toContain('TOKEN_UNDECRYPTABLE');
    // Visible in the admin view's source, and later calls stop before any decryption or provider call.
    const before = refreshes;
    await expect(v.getAccessToken('rot-lost')).rejects.toMatchObject({ code: ErrorCode.AUTH_REVOKED });
    expect(refreshes).toBe(before);
  });

  test('the background pass finds undecryptable tokens before any job does', async () => {
    const lost = new TokenCipher('44'.repeat(32));
    await install('rot-lost-2', lost.encrypt('a'), lost.encrypt('r'));
    const pass = await vault(NEW).reencryptStale();
    expect(pass.undecryptable).toBeGreaterThanOrEqual(1);
    expect((await t.store.connections.get('rot-lost-2'))!.status).toBe('needs_reconnect');
  });
});
