import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Store } from '../store/index.js';

/** How the admin commands (sources, feedback) reach the database (tests inject their own store). */
export interface SourcesCliDeps {
  openStore(): Promise<{ store: Store; close(): Promise<void> }>;
  now?: () => number;
  out?: (s: string) => void;
  err?: (s: string) => void;
}

/**
 * The service's database from configuration (DATABASE_URL, or the embedded PGlite under DATA_DIR), migrated.
 * PGlite is single-process: with the embedded database, stop the service before running these commands.
 * An embedded database that does not exist yet is not created: run in another folder than the service's (DATA_DIR
 * defaults to ./data), a report would read a new, empty database and say "0 suggestions", and a key would be
 * stored where the service never looks. The command fails saying where it looked.
 */
export const configuredStore: SourcesCliDeps['openStore'] = async () => {
  const { readConfigFromProcess } = await import('../config/index.js');
  const { createStore, migrate, openDb } = await import('../store/index.js');
  const cfg = readConfigFromProcess({}); // the database only: no CRM app settings
  if (!cfg.databaseUrl && !cfg.dataDir.startsWith('memory://')) {
    const dir = path.resolve(cfg.dataDir);
    if (!existsSync(path.join(dir, 'pglite', 'PG_VERSION')))
      throw new Error(
        `no closeloop database in ${dir} (DATA_DIR, default ./data): run this ` +
          'command in the folder the service runs in, or set DATA_DIR (or DATABASE_URL) to its database; ' +
          '`closeloop migrate` creates a new one',
      );
  }
  const db = await openDb({ databaseUrl: cfg.databaseUrl, dataDir: cfg.dataDir });
  await migrate(db, fileURLToPath(new URL('../../migrations', import.meta.url)));
  return { store: createStore(db), close: () => db.close() };
};

/**
 * Open the store, run `fn` with it, and close it whatever `fn` does: the one open/try/finally of every admin command.
 */
export async function withStore<S, T>(
  deps: { openStore(): Promise<{ store: S; close(): Promise<void> }> },
  fn: (store: S) => Promise<T>,
): Promise<T> {
  const { store, close } = await deps.openStore();
  try {
    return await fn(store);
  } finally {
    await close();
  }
}
