import type { ProviderApp } from '../../src/core/index.js';
import { requiredSetting } from '../kit/app-settings.js';
import { rebaseUrl } from '../kit/rebase-url.js';
import { hubspotManifest } from './manifest.js';

/**
 * The HubSpot app from its settings: clientId, clientSecret, and optional apiBase / authorizeUrl / tokenUrl (the
 * sandbox in the demo and tests). The token endpoint lives on the API origin; HubSpot signs webhooks and app-card
 * requests with the app's client secret (BEHAVIOR.md, "Webhooks").
 */
export function resolveApp(settings: Readonly<Record<string, string>>): ProviderApp {
  const clientSecret = requiredSetting('hubspot', settings, 'clientSecret');
  const apiBase = settings.apiBase || hubspotManifest.apiBase;
  const tokenUrl = settings.tokenUrl || rebaseUrl(hubspotManifest.oauth.tokenUrl, apiBase);
  return {
    clientId: requiredSetting('hubspot', settings, 'clientId'),
    clientSecret,
    authorizeUrl: settings.authorizeUrl || hubspotManifest.oauth.authorizeUrl,
    tokenUrl,
    apiBase,
    origins: [apiBase, tokenUrl],
    webhookSecret: clientSecret,
  };
}
