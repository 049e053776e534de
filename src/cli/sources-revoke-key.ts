import { flagString, parseArgs } from './rules-args.js';
import { configuredStore, stderr, stdout, type SourcesCliDeps } from './cli-store.js';

const USAGE = 'usage: closeloop sources revoke-key --key <key id (clk_...)>\n';

/** `closeloop sources revoke-key --key clk_<id>`: the key stops working at once (401). */
export async function runWith(argv: string[], deps: SourcesCliDeps): Promise<number> {
  const out = deps.out ?? stdout;
  const err = deps.err ?? stderr;
  const args = parseArgs(argv);
  // Accept the whole key as well as its id: only the id part is used.
  const keyId = /^(clk_[0-9a-f]{12})/.exec(flagString(args, 'key') ?? '')?.[1];
  if (!keyId) { err(USAGE); return 2; }
  const { store, close } = await deps.openStore();
  try {
    if (!(await store.sources.revokeIngestKey(keyId, new Date((deps.now ?? Date.now)())))) {
      err(`no live ingest key ${keyId}\n`);
      return 1;
    }
    out(`revoked ${keyId}\n`);
    return 0;
  } finally {
    await close();
  }
}

export const run = (argv: string[]): Promise<number> => runWith(argv, { openStore: configuredStore });
