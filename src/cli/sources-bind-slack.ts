import { configuredStore, withStore, type SourcesCliDeps } from './cli-store.js';
import { defineCommand, ioOf, runCommand, UsageError } from './command.js';

/**
 * `closeloop sources bind-slack`: route a Slack workspace's message events to a connection, and optionally
 * tie one channel to a CRM company (its messages are associated with that company). `--domain acme` (from
 * acme.slack.com) lets stored messages carry a permalink.
 */
export function commandWith(deps: SourcesCliDeps) {
  return defineCommand({
    name: 'sources bind-slack',
    summary: "route a Slack workspace's messages to a connection, optionally one channel to a CRM company",
    description:
      "A workspace feeds one connection. --channel and --company go together: that channel's messages are " +
      'associated with the company. Exit 0, 1 when the connection is unknown or the workspace is bound elsewhere, 2 on bad usage.',
    options: {
      connection: {
        type: 'string',
        value: 'ID',
        required: true,
        description: 'the connection (see /admin/connections)',
      },
      team: { type: 'string', value: 'T…', required: true, description: 'the Slack team (workspace) id, T... or E...' },
      domain: {
        type: 'string',
        value: 'SUBDOMAIN',
        description: 'the workspace subdomain (acme for acme.slack.com), for permalinks',
      },
      channel: { type: 'string', value: 'C…', description: 'a channel id (C... or G...); needs --company' },
      company: {
        type: 'string',
        value: 'ID',
        description: 'the CRM company id the channel belongs to; needs --channel',
      },
    },
    examples: [
      'npx closeloop sources bind-slack --connection hubspot:12345 --team T0123ABCD --domain acme',
      'npx closeloop sources bind-slack --connection hubspot:12345 --team T0123ABCD --channel C0456EFGH --company 9876',
    ],
    async handler({ values }, io) {
      const { connection: connectionId, team: teamId, channel: channelId, company: companyId } = values;
      const domain = values.domain ?? null;
      if (!/^[TE][A-Z0-9]+$/.test(teamId))
        throw new UsageError(`--team must be a Slack team id like T0123ABCD (got "${teamId}")`);
      if (Boolean(channelId) !== Boolean(companyId)) throw new UsageError('--channel and --company go together');
      if (channelId && !/^[CG][A-Z0-9]+$/.test(channelId))
        throw new UsageError(`--channel must be a Slack channel id like C0123ABCD (got "${channelId}")`);
      if (domain && !/^[a-z0-9][a-z0-9-]{0,62}$/.test(domain))
        throw new UsageError(`--domain must be a workspace subdomain like acme (got "${domain}")`);
      return withStore(deps, async (store) => {
        const conn = await store.connections.get(connectionId);
        if (!conn) {
          io.err(`no connection ${connectionId} (see /admin/connections)\n`);
          return 1;
        }
        const team = await store.sources.bindSlackTeam({ teamId, connectionId: conn.id, domain });
        if (team.connection_id !== conn.id) {
          io.err(
            `Slack team ${teamId} is already bound to connection ${team.connection_id}; a workspace feeds one connection\n`,
          );
          return 1;
        }
        if (channelId && companyId) {
          if (!(await store.records.get(conn.id, 'company', companyId)))
            io.err(
              `warning: company ${companyId} is not (yet) synced for ${conn.id}; messages link to it once it is\n`,
            );
          await store.sources.bindSlackChannel({ teamId, channelId, companyId });
          io.out(`bound Slack ${teamId}/${channelId} to connection ${conn.id}, company ${companyId}\n`);
        } else {
          io.out(
            `bound Slack ${teamId} to connection ${conn.id}${team.domain ? ` (permalinks on ${team.domain}.slack.com)` : ''}\n`,
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
