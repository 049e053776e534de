/**
 * Standalone sandbox: `npx tsx connectors/salesforce/sandbox/cli.ts [--port 8787] [--empty] [--demo-activity]`.
 * Client id/secret come from the flags (defaults: closeloop-dev / closeloop-dev-secret).
 */
import { parseArgs } from 'node:util';
import { playDemoActivity, startSalesforceSandbox } from './index.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8787' },
    host: { type: 'string', default: '127.0.0.1' },
    'client-id': { type: 'string', default: 'closeloop-dev' },
    'client-secret': { type: 'string', default: 'closeloop-dev-secret' },
    'outbound-url': { type: 'string' },
    empty: { type: 'boolean', default: false },
    'demo-activity': { type: 'boolean', default: false },
    quiet: { type: 'boolean', default: false },
  },
});

const sandbox = await startSalesforceSandbox({
  port: Number(values.port),
  host: values.host,
  clientId: values['client-id'],
  clientSecret: values['client-secret'],
  seed: values.empty ? 'empty' : 'demo',
  outboundMessageUrl: values['outbound-url'] ?? null,
  logger: values.quiet ? undefined : (m) => console.log(`[sf-sandbox] ${m}`),
});

const [orgId] = sandbox.orgIds();
console.log(`Salesforce sandbox listening on ${sandbox.url}`);
console.log(
  `  org ${orgId}; login URL = instance URL = ${sandbox.url}; API v62.0; CometD at ${sandbox.url}/cometd/62.0`,
);
console.log(`  client id ${values['client-id']}`);

const controller = new AbortController();
if (values['demo-activity'] && orgId) {
  void playDemoActivity(sandbox, orgId, { count: 1000, intervalMs: 5000, signal: controller.signal });
}

const stop = async (): Promise<void> => {
  controller.abort();
  await sandbox.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
