import type { Connector, ConnectionContext, TokenSet } from '../core/connector.js';
import { AuthExpiredError, AuthRevokedError, CloseloopError, NotFoundError } from '../core/errors.js';
import type { TokenCipher } from '../lib/crypto.js';
import type { Logger } from '../lib/logger.js';
import type { ConnectionRow, Store } from '../store/index.js';

export interface OAuthClientCreds { clientId: string; clientSecret: string; tokenUrl: string }

/**
 * Tokens encrypted at rest; refreshed ahead of expiry under a row lock (SELECT ... FOR UPDATE), so
 * concurrent workers — in this process or others — refresh once: the second one finds the fresh token.
 */
export class TokenVault {
  private readonly inflight = new Map<string, Promise<string>>();
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
    return {
      connectionId: conn.id,
      accountId: conn.account_id,
      apiBase: conn.api_base,
      getAccessToken: () => this.getAccessToken(conn.id),
      forceRefresh: () => this.refresh(conn.id, true),
    };
  }

  async getAccessToken(connectionId: string): Promise<string> {
    const conn = await this.store.connections.get(connectionId);
    if (!conn) throw new NotFoundError(`connection ${connectionId} not found`);
    if (conn.status === 'needs_reconnect') throw new AuthRevokedError(`connection ${connectionId} needs to be reconnected: ${conn.status_reason ?? ''}`);
    if (!this.isExpiring(conn)) return this.cipher.decrypt(conn.access_token_enc);
    return this.refresh(connectionId, false);
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
    const before = (await this.store.connections.get(connectionId))?.access_token_enc;
    return this.store.tx(async (r) => {
      const conn = await r.connections.get(connectionId, { forUpdate: true });
      if (!conn) throw new NotFoundError(`connection ${connectionId} not found`);
      // Another worker refreshed while we waited for the lock: use its token.
      const refreshedMeanwhile = conn.access_token_enc !== before;
      if (refreshedMeanwhile || (!force && !this.isExpiring(conn))) return this.cipher.decrypt(conn.access_token_enc);
      if (!conn.refresh_token_enc) throw new AuthExpiredError(`connection ${connectionId} has no refresh token`, { provider: conn.provider });
      const connector = this.connectorFor(conn.provider);
      const creds = this.credsFor(conn.provider, conn);
      let tokens: TokenSet;
      try {
        tokens = await connector.refreshTokens({ ...creds, refreshToken: this.cipher.decrypt(conn.refresh_token_enc) });
      } catch (err) {
        this.logger.warn({ connectionId, provider: conn.provider, code: (err as CloseloopError).code }, 'token refresh failed');
        throw err;
      }
      const enc = this.encrypt(tokens);
      await r.connections.updateTokens(conn.id, { ...enc, metadata: Object.keys(tokens.metadata).length ? { ...conn.token_metadata, ...tokens.metadata } : undefined });
      this.logger.info({ connectionId, provider: conn.provider }, 'token refreshed');
      return tokens.accessToken;
    });
  }
}
