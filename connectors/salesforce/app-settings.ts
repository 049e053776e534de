import type { ProviderApp } from '../../src/core/index.js';
import { requiredSetting } from '../kit/app-settings.js';
import { rebaseUrl } from '../kit/rebase-url.js';
import { salesforceManifest } from './manifest.js';

/**
 * The Salesforce connected app from its settings: clientId, clientSecret and loginUrl (login.salesforce.com,
 * test.salesforce.com for sandbox orgs, a My Domain, or the local sandbox). The authorize and token endpoints are
 * the manifest's paths on the login URL; the org's API origin comes later from the token's instance_url.
 */
export function resolveApp(settings: Readonly<Record<string, string>>): ProviderApp {
  const clientSecret = requiredSetting('salesforce', settings, 'clientSecret');
  const loginUrl = settings.loginUrl || new URL(salesforceManifest.oauth.tokenUrl).origin;
  return {
    clientId: requiredSetting('salesforce', settings, 'clientId'),
    clientSecret,
    authorizeUrl: rebaseUrl(salesforceManifest.oauth.authorizeUrl, loginUrl),
    tokenUrl: rebaseUrl(salesforceManifest.oauth.tokenUrl, loginUrl),
    apiBase: loginUrl,
    origins: [loginUrl],
    webhookSecret: clientSecret,
  };
}
