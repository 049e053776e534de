import { z } from 'zod';
import { PermissionMissingError, isCloseloopError, type SignedInUser, type TokenSet } from '../../src/core/index.js';
import { callHubspot, createHubspotClient, type HubspotClientOptions } from './client.js';
import { HUBSPOT_PROVIDER } from './manifest.js';
import { introspectToken } from './oauth.js';

/** GET /settings/v3/users/{userId}: only the fields the admin check reads. */
const HubspotUser = z.looseObject({
  id: z.union([z.string(), z.number()]).transform(String),
  email: z.string().optional(),
  superAdmin: z.boolean().optional(),
});

/**
 * Sign in with HubSpot: token introspection gives the portal (hub_id) and the user who consented (user_id); the
 * settings users API says whether that user is a super admin of the portal. Only super admins may administer
 * closeloop for the portal.
 * Introspection is the date-versioned OAuth API (the v1 access-token endpoint is sunset on 16 February 2027), so it
 * needs the app's client credentials.
 * https://developers.hubspot.com/docs/api-reference/2026-03/authentication/oauth-tokens/token-introspect
 * https://developers.hubspot.com/docs/api-reference/latest/account/settings/user-provisioning/users/get-user
 */
export async function identifyUser(
  tokens: TokenSet,
  o: { apiBase: string; clientId?: string; clientSecret?: string },
  opts: HubspotClientOptions = {},
): Promise<SignedInUser> {
  if (!o.clientId || !o.clientSecret)
    throw new PermissionMissingError("HubSpot sign-in needs the app's client id and secret", {
      provider: HUBSPOT_PROVIDER,
    });
  const token = await introspectToken(
    tokens.accessToken,
    'access_token',
    { apiBase: o.apiBase, clientId: o.clientId, clientSecret: o.clientSecret },
    opts,
  );
  const hubId = token.hub_id === undefined ? '' : String(token.hub_id);
  const userId = token.user_id === undefined ? '' : String(token.user_id);
  if (!token.active || !hubId)
    throw new PermissionMissingError('HubSpot did not accept the sign-in token', { provider: HUBSPOT_PROVIDER });
  if (!userId)
    throw new PermissionMissingError('HubSpot did not name the signed-in user', { provider: HUBSPOT_PROVIDER });
  const info = { hubId, userId, user: undefined as string | undefined };
  const client = await createHubspotClient(
    {
      connectionId: 'sign-in',
      accountId: info.hubId,
      apiBase: o.apiBase,
      getAccessToken: async () => tokens.accessToken,
      forceRefresh: async () => tokens.accessToken,
    },
    opts,
  );
  let superAdmin = false;
  try {
    const user = await callHubspot(
      'GET /settings/v3/users/{userId}',
      HubspotUser,
      () => client.settings.users.usersApi.getById(info.userId!, 'USER_ID'),
      { now: opts.now },
    );
    superAdmin = user.superAdmin === true;
    info.user = user.email;
  } catch (e) {
    // A user the settings API does not list (or a token without the scope) is not an admin; anything else is a failure.
    if (!(isCloseloopError(e) && (e.status === 403 || e.status === 404))) throw e;
  }
  return {
    accountId: info.hubId,
    userId: info.userId,
    label: info.user ?? `HubSpot user ${info.userId}`,
    isAdmin: superAdmin,
  };
}
