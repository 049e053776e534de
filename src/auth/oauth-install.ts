import { createHash } from 'node:crypto';
import type { Connector, TokenSet } from '../core/connector.js';
import { CloseloopError, InstallFailedError } from '../core/errors.js';
import { stableId } from '../lib/ids.js';
import type { Logger } from '../lib/logger.js';
import type { ConnectionRow, Store } from '../store/index.js';
import { registerOAuthFlow, type ProviderAppConfig } from './oauth-strategy.js';
import type { TokenVault } from './token-vault.js';
import type { StateSealer } from './signed-state.js';

export { SealedStateStore, toTokenSet, type ProviderAppConfig } from './oauth-strategy.js';

export interface InstallDeps {
  store: Store;
  sealer: StateSealer;
  vault: TokenVault;
  logger: Logger;
  now: () => number;
  onInstalled: (conn: ConnectionRow) => Promise<void>;
}

/**
 * The install flow of one provider: OAuth with the manifest's scopes, then `completeInstall`. Returns the passport
 * strategy name; the HTTP handlers (GET /install/:provider, /oauth/:provider/callback) are in src/http/oauth.ts.
 */
export function registerInstall(connector: Connector, app: ProviderAppConfig, deps: InstallDeps): string {
  return registerOAuthFlow(
    {
      name: connector.manifest.id,
      purpose: 'install',
      connector,
      app,
      scopes: connector.manifest.oauth.scopes,
      access: deps.store.access,
      sealer: deps.sealer,
      now: deps.now,
    },
    (tokens) => completeInstall(connector, app, deps, tokens),
  );
}

/** After the token exchange: resolve the account identity (fails the install visibly), store the connection. */
export async function completeInstall(
  connector: Connector,
  app: ProviderAppConfig,
  deps: InstallDeps,
  tokens: TokenSet,
): Promise<ConnectionRow> {
  const provider = connector.manifest.id;
  const identity = await connector
    .afterInstall(tokens, { apiBase: app.apiBase, clientId: app.clientId, clientSecret: app.clientSecret })
    .catch((e: unknown) => {
      throw e instanceof CloseloopError
        ? e
        : new InstallFailedError(`could not resolve the installed account: ${(e as Error).message}`, {
            provider,
            cause: e,
          });
    });
  const enc = deps.vault.encrypt(tokens);
  const conn = await deps.store.connections.upsert({
    id: stableId('conn', provider, identity.accountId),
    tenantId: stableId('ten', provider, identity.accountId),
    provider,
    accountId: identity.accountId,
    apiBase: identity.instanceUrl ?? app.apiBase,
    displayName: identity.displayName,
    accessTokenEnc: enc.accessTokenEnc,
    refreshTokenEnc: enc.refreshTokenEnc,
    tokenExpiresAt: enc.expiresAt,
    tokenMetadata: tokens.metadata,
  });
  deps.logger.info({ provider, connectionId: conn.id, accountId: conn.account_id }, 'installed');
  await deps.onInstalled(conn);
  return conn;
}

export const pkceChallenge = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');
