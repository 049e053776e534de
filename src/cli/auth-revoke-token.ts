import { revokeApiToken } from '../auth/api-tokens.js';
import { configuredStore, withStore, type SourcesCliDeps } from './cli-store.js';
import { defineCommand, ioOf, runCommand, UsageError } from './command.js';

/** `closeloop auth revoke-token --id tok_...`: the token stops working at once (401). */
export function commandWith(deps: SourcesCliDeps) {
  return defineCommand({
    name: 'auth revoke-token',
    summary: 'revoke an API token: it stops working at once (401)',
    description: 'Exit 0, 1 when no live token has that id, 2 on bad usage.',
    options: {
      id: {
        type: 'string',
        value: 'tok_ID',
        required: true,
        description: 'the token id printed by create-token (see auth list-tokens)',
      },
    },
    examples: ['npx closeloop auth revoke-token --id tok_AbCdEf0123456789'],
    async handler({ values }, io) {
      if (!/^tok_[A-Za-z0-9_-]{8,40}$/.test(values.id))
        throw new UsageError(`--id must be a token id like tok_AbCdEf0123456789 (got "${values.id}")`);
      return withStore(deps, async (store) => {
        if (!(await revokeApiToken(store, values.id))) {
          io.err(`no live API token ${values.id}\n`);
          return 1;
        }
        io.out(`revoked ${values.id}\n`);
        return 0;
      });
    },
  });
}

export const command = commandWith({ openStore: configuredStore });
export const runWith = (argv: string[], deps: SourcesCliDeps): Promise<number> =>
  runCommand(commandWith(deps), argv, ioOf(deps));
export const run = (argv: string[]): Promise<number> => runCommand(command, argv);
