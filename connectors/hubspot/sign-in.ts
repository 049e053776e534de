import { z } from 'zod';
import { PermissionMissingError, isCloseloopError, type SignedInUser, type TokenSet } from '../../src/core/index.js';
import { callHubspot, createHubspotClient, createHubspotOauthClient, type HubspotClientOptions } from './client.js';
import { HUBSPOT_PROVIDER } from './manifest.js';
import { HubspotAccessTokenInfo } from './schemas.js';

/** GET /settings/v3/users/{userId}: only the fields the admin check reads. */
const HubspotUser = z.looseObject({ id: z.union([z.string(), z.number()]).transform(String), email: z.string().optional(), superAdmin: z.boolean().optional() });

/**
 * Sign in with HubSpot: token introspection gives the portal (hub_id) and the user who consented (user_id); the
 * settings users API says whether that user is a super admin of the portal. Only super admins may administer
 * closeloop for the portal.
 * https://developers.hubspot.com/docs/api-reference/auth-oauth-v1/access-tokens/get-oauth-v1-access-tokens-token
 * https://developers.hubspot.com/docs/api-reference/latest/account/settings/user-provisioning/users/get-user
 */
export async function identifyUser(tokens: TokenSet, o: { apiBase: string }, opts: HubspotClientOptions = {}): Promise<SignedInUser> {
  const info = await callHubspot('GET /oauth/v1/access-tokens/{token}', HubspotAccessTokenInfo,
    () => createHubspotOauthClient(o.apiBase, opts).oauth.accessTokensApi.get(tokens.accessToken), { now: opts.now });
  if (!info.userId) throw new PermissionMissingError('HubSpot did not name the signed-in user', { provider: HUBSPOT_PROVIDER });
  const client = await createHubspotClient({ connectionId: 'sign-in', accountId: info.hubId, apiBase: o.apiBase, getAccessToken: async () => tokens.accessToken, forceRefresh: async () => tokens.accessToken }, opts);
  let superAdmin = false;
  try {
    const user = await callHubspot('GET /settings/v3/users/{userId}', HubspotUser, () => client.settings.users.usersApi.getById(info.userId!, 'USER_ID'), { now: opts.now });
    superAdmin = user.superAdmin === true;
  } catch (e) {
    // A user the settings API does not list (or a token without the scope) is not an admin; anything else is a failure.
    if (!(isCloseloopError(e) && (e.status === 403 || e.status === 404))) throw e;
  }
  return { accountId: info.hubId, userId: info.userId, label: info.user, isAdmin: superAdmin };
}
