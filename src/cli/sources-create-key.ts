import { generateIngestKey } from '../sources/ingest-keys.js';
import { flagString, parseArgs } from './rules-args.js';
import { configuredStore, stderr, stdout, type SourcesCliDeps } from './cli-store.js';

const USAGE = 'usage: closeloop sources create-key --connection <connection id> [--label <text>] [--json]\n';

/**
 * `closeloop sources create-key --connection <id>`: a new ingest key for POST /ingest/v1/interactions.
 * The key is printed once on stdout; only its SHA-256 is stored. Revoke with `sources revoke-key`.
 */
export async function runWith(argv: string[], deps: SourcesCliDeps): Promise<number> {
  const out = deps.out ?? stdout;
  const err = deps.err ?? stderr;
  const args = parseArgs(argv, ['json']);
  const connectionId = flagString(args, 'connection');
  if (!connectionId) { err(USAGE); return 2; }
  const { store, close } = await deps.openStore();
  try {
    const conn = await store.connections.get(connectionId);
    if (!conn) { err(`no connection ${connectionId} (see /admin/connections)\n`); return 1; }
    const k = generateIngestKey();
    await store.sources.createIngestKey({ id: k.id, connectionId: conn.id, secretSha256: k.secretSha256, label: flagString(args, 'label') ?? null });
    if (args.flags.has('json')) out(`${JSON.stringify({ keyId: k.id, key: k.key, connectionId: conn.id })}\n`);
    else {
      out(`${k.key}\n`);
      err(`ingest key ${k.id} created for connection ${conn.id} (${conn.provider} ${conn.account_id}).\n`
        + 'It is shown once: only its hash is stored. Send it as "Authorization: Bearer <key>" to POST /ingest/v1/interactions.\n'
        + `Revoke it with: npx closeloop sources revoke-key --key ${k.id}\n`);
    }
    return 0;
  } finally {
    await close();
  }
}

export const run = (argv: string[]): Promise<number> => runWith(argv, { openStore: configuredStore });
