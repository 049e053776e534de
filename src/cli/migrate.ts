import { readConfigFromProcess } from '../config/index.js';
import { MIGRATIONS_DIR, migrate, openDb, pendingMigrations } from '../store/index.js';
import { defineCommand, runCommand } from './command.js';

/** `closeloop migrate [--check]`: exit 0 when the database is up to date, 1 on failure (or pending with --check). */
export const command = defineCommand({
  name: 'migrate',
  summary: 'apply pending database migrations (run before a new version starts)',
  description:
    'Applies the pending migrations of DATABASE_URL (or the embedded database under DATA_DIR) one at a ' +
    'time, each in its own transaction, under an advisory lock (other processes wait); indexes on existing tables ' +
    'are built CONCURRENTLY, without blocking writes. Exit 0 when the database is up to date, 1 when a migration ' +
    'fails (the ones before it stay applied; fix and rerun). With --check, changes nothing and exits 1 when any ' +
    'migration is pending.',
  options: {
    check: { type: 'boolean', description: 'list pending migrations, exit 1 when there are any; change nothing' },
  },
  examples: ['npx closeloop migrate', 'npx closeloop migrate --check'],
  async handler({ values }, io) {
    const cfg = readConfigFromProcess({}); // the database only: no CRM app settings
    const db = await openDb({ databaseUrl: cfg.databaseUrl, dataDir: cfg.dataDir, poolSize: 2 });
    try {
      if (values.check) {
        const pending = await pendingMigrations(db, MIGRATIONS_DIR);
        io.out(
          pending.length ? `${pending.length} pending:\n${pending.map((p) => `  ${p}`).join('\n')}\n` : 'up to date\n',
        );
        return pending.length ? 1 : 0;
      }
      const applied = await migrate(db, MIGRATIONS_DIR, {
        onApplied: (name, ms) => io.out(`applied ${name} (${ms} ms)\n`),
      });
      io.out(applied.length ? `${applied.length} migration(s) applied\n` : 'up to date\n');
      return 0;
    } catch (e) {
      io.err(`migration failed: ${(e as Error).message}\n`);
      return 1;
    } finally {
      await db.close();
    }
  },
});

export const run = (argv: string[]): Promise<number> => runCommand(command, argv);
