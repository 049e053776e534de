import { createApiToken } from '../auth/api-tokens.js';
import { configuredStore, withStore, type SourcesCliDeps } from './cli-store.js';
import { defineCommand, ioOf, runCommand, UsageError, wholeNumber } from './command.js';

/**
 * `closeloop auth create-token --connection <id> --name <who>`: an API token for /admin/** and /api/** scoped to the
 * connection's tenant. Printed once on stdout; only its SHA-256 is stored. Revoke with `auth revoke-token`.
 */
export function commandWith(deps: SourcesCliDeps) {
  return defineCommand({
    name: 'auth create-token',
    summary: 'create an API token for /admin and /api, scoped to one tenant; printed once',
    description:
      'The token is printed once on stdout; only its SHA-256 is stored. It reaches only the tenant of the given connection ' +
      "(or --tenant). Exit 0, 1 when the connection or tenant is unknown, 2 on bad usage. Reads the service's database " +
      '(DATABASE_URL, or the embedded one under DATA_DIR: stop the service first).',
    options: {
      connection: { type: 'string', value: 'ID', description: 'a connection of the tenant (see /admin/connections)' },
      tenant: { type: 'string', value: 'ID', description: 'the tenant id itself (instead of --connection)' },
      name: {
        type: 'string',
        value: 'TEXT',
        required: true,
        description: 'who or what uses the token (shown by auth list-tokens)',
      },
      'expires-days': {
        type: 'string',
        value: 'N',
        description: 'expire after N days (default: never; revoke instead)',
      },
      json: { type: 'boolean', description: 'print {tokenId, token, tenantId} as JSON' },
    },
    examples: ['npx closeloop auth create-token --connection conn_0123abcd --name "CI export"'],
    async handler({ values }, io) {
      if (!values.connection === !values.tenant) throw new UsageError('give exactly one of --connection or --tenant');
      const days = values['expires-days'] === undefined ? null : wholeNumber(values['expires-days']);
      if (days !== null && (!Number.isInteger(days) || days < 1 || days > 3650))
        throw new UsageError('--expires-days must be a whole number of days between 1 and 3650');
      return withStore(deps, async (store) => {
        let tenantId = values.tenant ?? null;
        if (values.connection) {
          const conn = await store.connections.get(values.connection);
          if (!conn) {
            io.err(`no connection ${values.connection} (see /admin/connections)\n`);
            return 1;
          }
          tenantId = conn.tenant_id;
        }
        if (!tenantId || !(await store.access.tenantExists(tenantId))) {
          io.err(`no tenant ${tenantId}\n`);
          return 1;
        }
        const now = (deps.now ?? Date.now)();
        const t = await createApiToken(store, {
          tenantId,
          name: values.name,
          expiresAt: days === null ? null : new Date(now + days * 86_400_000),
        });
        if (values.json) io.out(`${JSON.stringify({ tokenId: t.id, token: t.token, tenantId })}\n`);
        else {
          io.out(`${t.token}\n`);
          io.err(
            `API token ${t.id} created for tenant ${tenantId}. It is shown once: only its hash is stored.\n` +
              'Send it as "Authorization: Bearer <token>" to /admin/** and /api/**.\n' +
              `Revoke it with: npx closeloop auth revoke-token --id ${t.id}\n`,
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
