import { generateIngestKey } from '../sources/ingest-keys.js';
import { configuredStore, withStore, type SourcesCliDeps } from './cli-store.js';
import { defineCommand, ioOf, runCommand } from './command.js';

/**
 * `closeloop sources create-key --connection <id>`: a new ingest key for POST /ingest/v1/interactions.
 * The key is printed once on stdout; only its SHA-256 is stored. Revoke with `sources revoke-key`.
 */
export function commandWith(deps: SourcesCliDeps) {
  return defineCommand({
    name: 'sources create-key',
    summary: 'create an ingest API key for a connection (POST /ingest/v1/interactions); printed once',
    description:
      'The key is printed once on stdout; only its SHA-256 is stored. Exit 0, 1 when the connection is unknown, ' +
      "2 on bad usage. Reads the service's database (DATABASE_URL, or the embedded one under DATA_DIR: stop the service first).",
    options: {
      connection: {
        type: 'string',
        value: 'ID',
        required: true,
        description: 'the connection the key writes into (see /admin/connections)',
      },
      label: { type: 'string', value: 'TEXT', description: 'a note stored with the key (who uses it)' },
      json: { type: 'boolean', description: 'print {keyId, key, connectionId} as JSON' },
    },
    examples: ['npx closeloop sources create-key --connection hubspot:12345 --label "call recorder"'],
    async handler({ values }, io) {
      const connectionId = values.connection;
      return withStore(deps, async (store) => {
        const conn = await store.connections.get(connectionId);
        if (!conn) {
          io.err(`no connection ${connectionId} (see /admin/connections)\n`);
          return 1;
        }
        const k = generateIngestKey();
        await store.sources.createIngestKey({
          id: k.id,
          connectionId: conn.id,
          secretSha256: k.secretSha256,
          label: values.label ?? null,
        });
        if (values.json) io.out(`${JSON.stringify({ keyId: k.id, key: k.key, connectionId: conn.id })}\n`);
        else {
          io.out(`${k.key}\n`);
          io.err(
            `ingest key ${k.id} created for connection ${conn.id} (${conn.provider} ${conn.account_id}).\n` +
              'It is shown once: only its hash is stored. Send it as "Authorization: Bearer <key>" to POST /ingest/v1/interactions.\n' +
              `Revoke it with: npx closeloop sources revoke-key --key ${k.id}\n`,
          );
        }
        return 0;
      });
    },
  });
}

export const command = commandWith({ openStore: configuredStore });
export const runWith = (argv: string[], deps: SourcesCliDeps): Promise<number> =>
  runCommand(commandWith(deps), argv, ioOf(deps));
export const run = (argv: string[]): Promise<number> => runCommand(command, argv);
