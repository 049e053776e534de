import { configuredStore, withStore, type SourcesCliDeps } from './cli-store.js';
import { defineCommand, ioOf, runCommand, UsageError } from './command.js';

/** `closeloop sources revoke-key --key clk_<id>`: the key stops working at once (401). */
export function commandWith(deps: SourcesCliDeps) {
  return defineCommand({
    name: 'sources revoke-key',
    summary: 'revoke an ingest API key: it stops working at once (401)',
    description:
      'Accepts the key id (clk_...) or the whole key. Exit 0, 1 when no live key has that id, 2 on bad usage.',
    options: {
      key: {
        type: 'string',
        value: 'clk_ID',
        required: true,
        description: 'the key id printed by create-key (or the whole key)',
      },
    },
    examples: ['npx closeloop sources revoke-key --key clk_0123456789ab'],
    async handler({ values }, io) {
      // Accept the whole key as well as its id: only the id part is used.
      const keyId = /^(clk_[0-9a-f]{12})/.exec(values.key)?.[1];
      if (!keyId) throw new UsageError(`--key must be a key id like clk_0123456789ab (got "${values.key}")`);
      return withStore(deps, async (store) => {
        if (!(await store.sources.revokeIngestKey(keyId, new Date((deps.now ?? Date.now)())))) {
          io.err(`no live ingest key ${keyId}\n`);
          return 1;
        }
        io.out(`revoked ${keyId}\n`);
        return 0;
      });
    },
  });
}

export const command = commandWith({ openStore: configuredStore });
export const runWith = (argv: string[], deps: SourcesCliDeps): Promise<number> =>
  runCommand(commandWith(deps), argv, ioOf(deps));
export const run = (argv: string[]): Promise<number> => runCommand(command, argv);
