import type { Connector, ConnectionContext, RequestPacer, TokenSet } from '../core/connector.js';
import { AuthExpiredError, AuthRevokedError, CloseloopError, NotFoundError } from '../core/errors.js';
import { UndecryptableError, type TokenCipher } from '../lib/crypto.js';
import type { Logger } from '../lib/logger.js';
import type { ConnectionRow, Store } from '../store/index.js';

export interface OAuthClientCreds {
  clientId: string;
  clientSecret: string;
  tokenUrl: string;
}

/**
 * Tokens encrypted at rest; refreshed ahead of expiry under a row lock (SELECT ... FOR UPDATE), so
 * concurrent workers — in this process or others — refresh once: the second one finds the fresh token.
 */
export class TokenVault {
  private readonly inflight = new Map<string, Promise<string>>();
  /** The shared request budget handed to connectors with each context (composition root sets it). */
  pacerFor?: (conn: ConnectionRow) => RequestPacer | undefined;
  constructor(
    private readonly store: Store,
    private readonly cipher: TokenCipher,
    private readonly connectorFor: (provider: string) => Connector,
    private readonly credsFor: (provider: string, conn: ConnectionRow) => OAuthClientCreds,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
    /** Refresh this long before the stored expiry. */
    private readonly skewMs = 5 * 60 * 1000,
  ) {}

  encrypt(t: TokenSet) {
    return {
      accessTokenEnc: this.cipher.encrypt(t.accessToken),
      refreshTokenEnc: t.refreshToken ? this.cipher.encrypt(t.refreshToken) : null,
      expiresAt: t.expiresAt ? new Date(t.expiresAt) : null,
    };
  }

  context(conn: ConnectionRow): ConnectionContext {
    const pacer = this.pacerFor?.(conn);
    return {
      connectionId: conn.id,
      accountId: conn.account_id,
      apiBase: conn.api_base,
      getAccessToken: () => this.getAccessToken(conn.id),
      forceRefresh: () => this.refresh(conn.id, true),
      ...(pacer ? { pacer } : {}),
    };
  }

  async getAccessToken(connectionId: string): Promise<string> {
    const conn = await this.store.connections.get(connectionId);
    if (!conn) throw new NotFoundError(`connection ${connectionId} not found`);
    if (conn.status === 'needs_reconnect')
      throw new AuthRevokedError(`connection ${connectionId} needs to be reconnected: ${conn.status_reason ?? ''}`);
    if (!this.isExpiring(conn)) return this.open(conn, conn.access_token_enc);
    return this.refresh(connectionId, false);
  }

  /**
   * Decrypt a stored token. One that no configured key opens (TOKEN_ENCRYPTION_KEY changed without listing the old
   * key) marks the connection needs_reconnect at once: AUTH_REVOKED maps to "reconnect", so nothing retries it.
   */
  private async open(conn: ConnectionRow, box: string): Promise<string> {
    try {
      return this.cipher.decrypt(box);
    } catch (e) {
      if (e instanceof UndecryptableError) throw await this.markUndecryptable(conn);
      throw e;
    }
  }

  private async markUndecryptable(conn: Pick<ConnectionRow, 'id' | 'provider'>): Promise<AuthRevokedError> {
    const reason =
      'TOKEN_UNDECRYPTABLE: the stored token opens with no configured TOKEN_ENCRYPTION_KEY; list the old key after the new one, or reconnect';
    await this.store.connections.setStatus(conn.id, 'needs_reconnect', reason);
    this.logger.error(
      { connectionId: conn.id, provider: conn.provider, code: 'TOKEN_UNDECRYPTABLE' },
      'stored token cannot be decrypted; connection needs reconnect',
    );
    return new AuthRevokedError(`connection ${conn.id} needs to be reconnected: ${reason}`, {
      provider: conn.provider,
    });
  }

  /**
   * Background re-encryption after a key rotation: tokens made with an older key are rewritten with the current
   * one, a row at a time under its lock. Returns how many were rewritten and how many could not be opened.
   */
  async reencryptStale(): Promise<{ reencrypted: number; undecryptable: number }> {
    let reencrypted = 0;
    let undecryptable = 0;
    for (const c of await this.store.connections.list()) {
      if (c.status === 'needs_reconnect') continue;
      if (
        !this.cipher.isStale(c.access_token_enc) &&
        (!c.refresh_token_enc || !this.cipher.isStale(c.refresh_token_enc))
      )
        continue;
      const outcome = await this.store.tx(async (r) => {
        const conn = await r.connections.get(c.id, { forUpdate: true });
        if (!conn) return 'gone';
        try {
          const access = this.cipher.decrypt(conn.access_token_enc);
          const refresh = conn.refresh_token_enc ? this.cipher.decrypt(conn.refresh_token_enc) : null;
          await r.connections.updateTokens(conn.id, {
            accessTokenEnc: this.cipher.encrypt(access),
            refreshTokenEnc: refresh === null ? null : this.cipher.encrypt(refresh),
            expiresAt: conn.token_expires_at,
          });
          return 'ok';
        } catch (e) {
          if (!(e instanceof UndecryptableError)) throw e;
          return 'bad';
        }
      });
      if (outcome === 'ok') reencrypted++;
      if (outcome === 'bad') {
        undecryptable++;
        await this.markUndecryptable(c);
      }
    }
    if (reencrypted || undecryptable) this.logger.info({ reencrypted, undecryptable }, 'token re-encryption pass');
    return { reencrypted, undecryptable };
  }

  private isExpiring(conn: ConnectionRow): boolean {
    return conn.token_expires_at !== null && new Date(conn.token_expires_at).getTime() - this.skewMs <= this.now();
  }

  /** Refresh once per connection at a time in this process; across processes the row lock serializes. */
  refresh(connectionId: string, force: boolean): Promise<string> {
    const key = `${connectionId}:${force}`;
    const existing = this.inflight.get(key);
    if (existing) return existing;
    const p = this.doRefresh(connectionId, force).finally(() => this.inflight.delete(key));
    this.inflight.set(key, p);
    return p;
  }

  private async doRefresh(connectionId: string, force: boolean): Promise<string> {
    try {
      return await this.refreshLocked(connectionId, force);
    } catch (err) {
      // A refused refresh (invalid_grant: revoked token, app uninstalled from the account) is the one auth failure
      // only an admin can fix: mark the connection once, so every worker stops calling the provider for it.
      if (err instanceof AuthRevokedError) {
        await this.store.connections.setStatus(connectionId, 'needs_reconnect', `${err.code}: ${err.message}`);
        this.logger.warn({ connectionId, code: err.code }, 'refresh refused: connection needs to be reconnected');
      }
      throw err;
    }
  }

  private async refreshLocked(connectionId: string, force: boolean): Promise<string> {
    const row = await this.store.connections.get(connectionId);
    const before = row?.access_token_enc;
    // The status is written after the transaction: inside it, the row lock would block our own update.
    const undecryptable = async (e: unknown): Promise<never> => {
      if (e instanceof UndecryptableError && row) throw await this.markUndecryptable(row);
      throw e;
    };
    return this.store
      .tx(async (r) => {
        const conn = await r.connections.get(connectionId, { forUpdate: true });
        if (!conn) throw new NotFoundError(`connection ${connectionId} not found`);
        // Another worker refreshed while we waited for the lock: use its token.
        const refreshedMeanwhile = conn.access_token_enc !== before;
        if (refreshedMeanwhile || (!force && !this.isExpiring(conn))) return this.cipher.decrypt(conn.access_token_enc);
        if (!conn.refresh_token_enc)
          throw new AuthExpiredError(`connection ${connectionId} has no refresh token`, { provider: conn.provider });
        const connector = this.connectorFor(conn.provider);
        const creds = this.credsFor(conn.provider, conn);
        let tokens: TokenSet;
        try {
          tokens = await connector.refreshTokens({
            ...creds,
            refreshToken: this.cipher.decrypt(conn.refresh_token_enc),
          });
        } catch (err) {
          this.logger.warn(
            { connectionId, provider: conn.provider, code: (err as CloseloopError).code },
            'token refresh failed',
          );
          throw err;
        }
        const enc = this.encrypt(tokens);
        await r.connections.updateTokens(conn.id, {
          ...enc,
          metadata: Object.keys(tokens.metadata).length ? { ...conn.token_metadata, ...tokens.metadata } : undefined,
        });
        this.logger.info({ connectionId, provider: conn.provider }, 'token refreshed');
        return tokens.accessToken;
      })
      .catch(undecryptable);
  }
}
