import { configuredStore, withStore, type SourcesCliDeps } from './cli-store.js';
import { defineCommand, ioOf, runCommand, UsageError, wholeNumber } from './command.js';

/** `closeloop webhooks quarantine`: the webhook events kept aside because they failed validation. */
export function commandWith(deps: SourcesCliDeps) {
  return defineCommand({
    name: 'webhooks quarantine',
    summary: 'list webhook events quarantined because they failed validation (newest first)',
    description:
      'A signed delivery with malformed events is accepted (2xx) and its valid events processed; the malformed ones are ' +
      'kept here with the reason, since HubSpot does not retry a 4xx. Prints one JSON object per line. Exit 0.',
    options: {
      provider: { type: 'string', value: 'ID', description: 'only this provider (hubspot, salesforce)' },
      connection: { type: 'string', value: 'CONNECTION_ID', description: 'only this connection' },
      limit: { type: 'string', value: 'N', default: '50', description: 'at most N events' },
    },
    examples: ['npx closeloop webhooks quarantine --provider hubspot --limit 20'],
    async handler({ values }, io) {
      const limit = wholeNumber(values.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 10_000)
        throw new UsageError(`--limit must be an integer from 1 to 10000 (got "${values.limit}")`);
      if (values.provider !== undefined) {
        // The registry is loaded only when a provider is named (the CRM clients take a second to load).
        const known = Object.keys((await import('../../connectors/index.js')).connectors);
        if (!known.includes(values.provider))
          throw new UsageError(`--provider must be one of ${known.join(', ')} (got "${values.provider}")`);
      }
      return withStore(deps, async (store) => {
        const rows = await store.webhookQuarantine.list({
          provider: values.provider,
          connectionId: values.connection,
          limit,
        });
        for (const r of rows) {
          io.out(
            `${JSON.stringify({ id: r.id, provider: r.provider, accountId: r.account_id, connectionId: r.connection_id, receivedAt: r.received_at, reason: r.reason, payload: r.payload })}\n`,
          );
        }
        if (rows.length === 0) io.err('no quarantined webhook events\n');
        return 0;
      });
    },
  });
}

export const command = commandWith({ openStore: configuredStore });
export const runWith = (argv: string[], deps: SourcesCliDeps): Promise<number> =>
  runCommand(commandWith(deps), argv, ioOf(deps));
export const run = (argv: string[]): Promise<number> => runCommand(command, argv);
