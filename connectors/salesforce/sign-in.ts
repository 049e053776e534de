import { z } from 'zod';
import { InstallFailedError, PermissionMissingError, type SignedInUser, type TokenSet } from '../../src/core/index.js';
import { createSalesforceClient } from './client.js';
import { salesforceManifest } from './manifest.js';
import { SalesforceIdentityUrl } from './schemas.js';
import { soqlString } from './soql.js';

const SALESFORCE_PROVIDER = salesforceManifest.id;

/** The identity URL's answer: only the fields the sign-in reads. */
const SalesforceIdentity = z.looseObject({
  user_id: z.string(),
  organization_id: z.string(),
  username: z.string().optional(),
});

/**
 * Sign in with Salesforce: the token response's identity URL names the org and the user, confirmed by reading it
 * with the token; the user is an admin when a permission set assigned to them (profiles included: every profile owns
 * one) grants Modify All Data.
 * https://help.salesforce.com/s/articleView?id=sf.remoteaccess_using_openid.htm (identity URL)
 * https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_permissionsetassignment.htm
 */
export async function identifyUser(tokens: TokenSet, o: { apiBase: string }): Promise<SignedInUser> {
  const claimed = SalesforceIdentityUrl.safeParse(tokens.metadata.id);
  if (!claimed.success)
    throw new InstallFailedError('Salesforce sign-in: the token response has no identity URL', {
      provider: SALESFORCE_PROVIDER,
    });
  const instance = tokens.metadata.instance_url ?? o.apiBase;
  const client = await createSalesforceClient({
    connectionId: 'sign-in',
    accountId: claimed.data.organizationId,
    apiBase: instance,
    getAccessToken: async () => tokens.accessToken,
    forceRefresh: async () => tokens.accessToken,
  });
  const idUrl = tokens.metadata.id!;
  const raw = await client.call(`GET ${new URL(idUrl).pathname}`, (c) => c.request({ method: 'GET', url: idUrl }));
  const identity = SalesforceIdentity.parse(raw);
  if (identity.user_id !== claimed.data.userId || identity.organization_id !== claimed.data.organizationId) {
    throw new PermissionMissingError('Salesforce sign-in: the identity URL names another user', {
      provider: SALESFORCE_PROVIDER,
    });
  }
  const soql = `SELECT Id FROM PermissionSetAssignment WHERE AssigneeId = ${soqlString(identity.user_id)} AND PermissionSet.PermissionsModifyAllData = true LIMIT 1`;
  const grants = await client.query(soql, 'GET /query (PermissionSetAssignment)');
  return {
    accountId: identity.organization_id,
    userId: identity.user_id,
    label: identity.username ?? null,
    isAdmin: grants.totalSize > 0,
  };
}
