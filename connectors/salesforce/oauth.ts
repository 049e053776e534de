import { OAuth2 } from 'jsforce';
import type { AccountIdentity, TokenSet } from '../../src/core/connector.js';
import { InstallFailedError, isCloseloopError } from '../../src/core/errors.js';
import { toSalesforceError } from './client.js';
import { SALESFORCE_OAUTH_PATHS, salesforceManifest } from './manifest.js';
import { SalesforceIdentityUrl, SalesforceTokenResponse, parseOrThrow } from './schemas.js';

const PROVIDER = salesforceManifest.id;

/**
 * Token response → TokenSet. Salesforce sends no `expires_in` (the lifetime is the org's session timeout), so
 * expiresAt is null and expiry is discovered by a 401 (client.ts refreshes then). instance_url and the identity
 * URL are kept in metadata: afterInstall and every later call need them.
 */
export function toTokenSet(raw: unknown, where: string, previousRefreshToken: string | null = null): TokenSet {
  const t = parseOrThrow(SalesforceTokenResponse, raw, where);
  const metadata: Record<string, string> = { instance_url: t.instance_url, id: t.id };
  if (t.scope !== undefined) metadata.scope = t.scope;
  if (t.issued_at !== undefined) metadata.issued_at = t.issued_at;
  return {
    accessToken: t.access_token,
    // A refresh grant does not return a new refresh token unless rotation is on: keep the one we have.
    refreshToken: t.refresh_token ?? previousRefreshToken,
    expiresAt: null,
    metadata,
  };
}

/**
 * Refresh through jsforce's OAuth2 client against the token URL of the org's login host (production, sandbox or
 * My Domain: it comes from the stored connection, never a literal).
 * https://help.salesforce.com/s/articleView?id=remoteaccess_oauth_refresh_token_flow.htm
 */
export async function refreshTokens(opts: {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}): Promise<TokenSet> {
  const where = `POST ${SALESFORCE_OAUTH_PATHS.token}`;
  const origin = new URL(opts.tokenUrl).origin;
  const oauth2 = new OAuth2({
    authzServiceUrl: origin + SALESFORCE_OAUTH_PATHS.authorize,
    tokenServiceUrl: opts.tokenUrl,
    clientId: opts.clientId,
    clientSecret: opts.clientSecret,
  });
  let raw: unknown;
  try {
    raw = await oauth2.refreshToken(opts.refreshToken);
  } catch (err) {
    // invalid_grant (refresh token revoked or expired by the connected-app policy) → AuthRevokedError → reconnect.
    throw toSalesforceError(err, { where, now: Date.now() });
  }
  return toTokenSet(raw, where, opts.refreshToken);
}

/**
 * Resolves the org right after the OAuth callback: org id and user id from the identity URL (`id`), the API origin
 * from `instance_url`. Both come from the token response; anything missing or malformed fails the install.
 */
export async function afterInstall(tokens: TokenSet, _opts: { apiBase: string }): Promise<AccountIdentity> {
  try {
    const identity = parseOrThrow(SalesforceIdentityUrl, tokens.metadata.id, 'token metadata id');
    const instance = tokens.metadata.instance_url ?? null;
    if (instance === null)
      throw new InstallFailedError('Salesforce token metadata has no instance_url', { provider: PROVIDER });
    const instanceUrl = new URL(instance).origin;
    return { accountId: identity.organizationId, instanceUrl, displayName: new URL(instanceUrl).hostname };
  } catch (err) {
    if (err instanceof InstallFailedError) throw err;
    throw new InstallFailedError(
      `Salesforce install: cannot resolve the org (${isCloseloopError(err) ? err.message : String(err)})`,
      {
        provider: PROVIDER,
        where: 'token metadata',
        cause: err,
      },
    );
  }
}
