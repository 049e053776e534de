import { listApiTokens } from '../auth/api-tokens.js';
import { configuredStore, withStore, type SourcesCliDeps } from './cli-store.js';
import { defineCommand, ioOf, runCommand } from './command.js';

/** `closeloop auth list-tokens [--tenant ID]`: ids, names and state of the API tokens (never the tokens). */
export function commandWith(deps: SourcesCliDeps) {
  return defineCommand({
    name: 'auth list-tokens',
    summary: 'list API tokens (id, tenant, name, created, last used, revoked); never the secrets',
    description: 'Exit 0.',
    options: {
      tenant: { type: 'string', value: 'ID', description: "only this tenant's tokens" },
      json: { type: 'boolean', description: 'print JSON' },
    },
    examples: ['npx closeloop auth list-tokens', 'npx closeloop auth list-tokens --tenant ten_0123abcd --json'],
    async handler({ values }, io) {
      return withStore(deps, async (store) => {
        const rows = await listApiTokens(store, values.tenant ?? null);
        const iso = (d: Date | null) => (d ? new Date(d).toISOString() : '-');
        if (values.json)
          io.out(
            `${JSON.stringify(rows.map((r) => ({ id: r.id, tenantId: r.tenant_id, name: r.name, createdAt: iso(r.created_at), lastUsedAt: iso(r.last_used_at), expiresAt: iso(r.expires_at), revokedAt: iso(r.revoked_at) })))}\n`,
          );
        else
          for (const r of rows)
            io.out(
              `${r.id}\t${r.tenant_id}\t${r.revoked_at ? 'revoked' : 'live'}\tlast used ${iso(r.last_used_at)}\t${r.name}\n`,
            );
        return 0;
      });
    },
  });
}

export const command = commandWith({ openStore: configuredStore });
export const runWith = (argv: string[], deps: SourcesCliDeps): Promise<number> =>
  runCommand(commandWith(deps), argv, ioOf(deps));
export const run = (argv: string[]): Promise<number> => runCommand(command, argv);
