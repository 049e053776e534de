import {
  AuthRevokedError,
  InstallFailedError,
  isCloseloopError,
  type AccountIdentity,
  type TokenSet,
} from '../../src/core/index.js';
import { callHubspot, createHubspotOauthClient, type HubspotClientOptions } from './client.js';
import { HUBSPOT_PROVIDER, HUBSPOT_TOKEN_PATH } from './manifest.js';
import { HubspotAccessTokenInfo, HubspotTokenResponse } from './schemas.js';

/**
 * The official client appends /oauth/v1/token to its basePath, so the configured token URL is turned back
 * into a base (which keeps sandbox hosts and path prefixes working).
 */
export function basePathFromTokenUrl(tokenUrl: string): string {
  const url = new URL(tokenUrl);
  const path = url.pathname.endsWith(HUBSPOT_TOKEN_PATH) ? url.pathname.slice(0, -HUBSPOT_TOKEN_PATH.length) : url.pathname.replace(/\/$/, '');
  return `${url.origin}${path}`;
}

/**
 * Refresh through the official client. Access tokens live ~30 minutes; the refresh token may come back
 * unchanged (or not at all), in which case the old one stays valid.
 * https://developers.hubspot.com/docs/api-reference/auth-oauth-v1/tokens/post-oauth-v1-token
 */
export async function refreshTokens(
  o: { tokenUrl: string; clientId: string; clientSecret: string; refreshToken: string },
  opts: HubspotClientOptions = {},
): Promise<TokenSet> {
  const now = opts.now ?? Date.now;
  const where = 'POST /oauth/v1/token (refresh)';
  const client = createHubspotOauthClient(basePathFromTokenUrl(o.tokenUrl), opts);
  try {
    const t = await callHubspot(where, HubspotTokenResponse,
      () => client.oauth.tokensApi.create('refresh_token', undefined, undefined, o.clientId, o.clientSecret, o.refreshToken), { now });
    return {
      accessToken: t.accessToken,
      refreshToken: t.refreshToken ?? o.refreshToken,
      expiresAt: now() + t.expiresIn * 1000,
      metadata: {
        ...(t.tokenType ? { tokenType: t.tokenType } : {}),
        ...(t.hubId ? { hubId: t.hubId } : {}),
      },
    };
  } catch (err) {
    // A 400/401 here means the refresh token is no longer accepted (app uninstalled, token revoked):
    // the connection needs a new install, not a retry.
    if (isCloseloopError(err) && (err.status === 400 || err.status === 401)) {
      throw new AuthRevokedError(`${where}: refresh token rejected (${err.message})`, {
        provider: HUBSPOT_PROVIDER, where, providerRequestId: err.providerRequestId, cause: err,
      });
    }
    throw err;
  }
}

/**
 * Right after the OAuth callback: the portal (hub) id every webhook is routed by.
 * https://developers.hubspot.com/docs/api-reference/auth-oauth-v1/access-tokens/get-oauth-v1-access-tokens-token
 */
export async function afterInstall(tokens: TokenSet, o: { apiBase: string }, opts: HubspotClientOptions = {}): Promise<AccountIdentity> {
  const where = 'GET /oauth/v1/access-tokens/{token}';
  const client = createHubspotOauthClient(o.apiBase, opts);
  try {
    const info = await callHubspot(where, HubspotAccessTokenInfo, () => client.oauth.accessTokensApi.get(tokens.accessToken), { now: opts.now });
    return { accountId: info.hubId, instanceUrl: null, displayName: info.hubDomain };
  } catch (err) {
    const e = isCloseloopError(err) ? err : null;
    throw new InstallFailedError(`${where}: could not resolve the HubSpot portal id (${err instanceof Error ? err.message : String(err)})`, {
      provider: HUBSPOT_PROVIDER, where, providerRequestId: e?.providerRequestId, cause: err,
    });
  }
}
