import { flagString, parseArgs } from './rules-args.js';
import { configuredStore, stderr, stdout, type SourcesCliDeps } from './cli-store.js';

const USAGE = 'usage: closeloop sources bind-slack --connection <id> --team <T...> [--domain <workspace subdomain>] [--channel <C...> --company <CRM company id>]\n';

/**
 * `closeloop sources bind-slack`: route a Slack workspace's message events to a connection, and optionally
 * tie one channel to a CRM company (its messages are associated with that company). `--domain acme` (from
 * acme.slack.com) lets stored messages carry a permalink.
 */
export async function runWith(argv: string[], deps: SourcesCliDeps): Promise<number> {
  const out = deps.out ?? stdout;
  const err = deps.err ?? stderr;
  const args = parseArgs(argv);
  const connectionId = flagString(args, 'connection');
  const teamId = flagString(args, 'team');
  const channelId = flagString(args, 'channel');
  const companyId = flagString(args, 'company');
  const domain = flagString(args, 'domain') ?? null;
  if (!connectionId || !teamId || !/^[TE][A-Z0-9]+$/.test(teamId) || Boolean(channelId) !== Boolean(companyId)
    || (channelId && !/^[CG][A-Z0-9]+$/.test(channelId)) || (domain && !/^[a-z0-9][a-z0-9-]{0,62}$/.test(domain))) {
    err(USAGE);
    return 2;
  }
  const { store, close } = await deps.openStore();
  try {
    const conn = await store.connections.get(connectionId);
    if (!conn) { err(`no connection ${connectionId} (see /admin/connections)\n`); return 1; }
    const team = await store.sources.bindSlackTeam({ teamId, connectionId: conn.id, domain });
    if (team.connection_id !== conn.id) {
      err(`Slack team ${teamId} is already bound to connection ${team.connection_id}; a workspace feeds one connection\n`);
      return 1;
    }
    if (channelId && companyId) {
      if (!(await store.records.get(conn.id, 'company', companyId))) err(`warning: company ${companyId} is not (yet) synced for ${conn.id}; messages link to it once it is\n`);
      await store.sources.bindSlackChannel({ teamId, channelId, companyId });
      out(`bound Slack ${teamId}/${channelId} to connection ${conn.id}, company ${companyId}\n`);
    } else {
      out(`bound Slack ${teamId} to connection ${conn.id}${team.domain ? ` (permalinks on ${team.domain}.slack.com)` : ''}\n`);
    }
    return 0;
  } finally {
    await close();
  }
}

export const run = (argv: string[]): Promise<number> => runWith(argv, { openStore: configuredStore });
