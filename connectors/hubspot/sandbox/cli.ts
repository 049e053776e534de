/**
 * Standalone sandbox: `npx tsx connectors/hubspot/sandbox/cli.ts [--port 4010] [--client-id id] [--client-secret s]
 * [--webhook-target url] [--empty] [--demo-stream N]`. Prints the URL and a ready access token for the demo portal.
 */
import { parseArgs } from 'node:util';
import { ALL_SANDBOX_SCOPES, playDemoActivity, startHubspotSandbox } from './index.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4010' },
    host: { type: 'string', default: '127.0.0.1' },
    'client-id': { type: 'string', default: 'sandbox-client-id' },
    'client-secret': { type: 'string', default: 'sandbox-client-secret' },
    'webhook-target': { type: 'string' },
    empty: { type: 'boolean', default: false },
    'demo-stream': { type: 'string' },
    'demo-interval-ms': { type: 'string', default: '5000' },
  },
});

const sandbox = await startHubspotSandbox({
  port: Number(values.port),
  host: values.host,
  clientId: values['client-id'] as string,
  clientSecret: values['client-secret'] as string,
  webhookTargetUrl: values['webhook-target'] ?? null,
  seed: values.empty ? 'empty' : 'demo',
  logger: (msg) => console.log(`[sandbox] ${msg}`),
});
const tokens = sandbox.issueTokens(sandbox.defaultPortalId, ALL_SANDBOX_SCOPES);
console.log(
  JSON.stringify(
    {
      url: sandbox.url,
      portalId: sandbox.defaultPortalId,
      appId: sandbox.appId,
      clientId: sandbox.clientId,
      developerApiKey: sandbox.developerApiKey,
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      authorizeUrl: sandbox.authorizeUrl({
        redirectUri: 'http://localhost:3000/oauth/hubspot/callback',
        scopes: ALL_SANDBOX_SCOPES,
        state: 'demo',
      }),
    },
    null,
    2,
  ),
);

if (values['demo-stream'] !== undefined) {
  const actions = await playDemoActivity(sandbox, sandbox.defaultPortalId, {
    count: Number(values['demo-stream']),
    intervalMs: Number(values['demo-interval-ms']),
  });
  for (const a of actions) console.log(`[demo] ${a.kind}: ${a.description}`);
}

const stop = async () => {
  await sandbox.flushWebhooks();
  await sandbox.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
