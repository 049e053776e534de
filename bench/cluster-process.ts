/**
 * One closeloop process of the cluster benchmark (bench/cluster-throughput.ts): ROLE web or worker on the
 * benchmark's PostgreSQL database (migrated by the benchmark), pointed at its HubSpot sandbox. Prints
 * `READY <url>` once started; logs only warnings, to stderr.
 */
import { loadConfig } from '../src/config/index.js';
import { createLogger } from '../src/lib/logger.js';
import { startCloseloop } from '../src/main.js';
import { appSettingSpecs } from '../connectors/index.js';

const e = process.env;
const cfg = loadConfig(
  {
    ROLE: e.BENCH_ROLE!,
    PORT: e.BENCH_PORT ?? '0',
    HEALTH_PORT: '0',
    DATA_DIR: e.BENCH_DATA_DIR!,
    DATABASE_URL: e.BENCH_DATABASE_URL,
    MIGRATE_ON_START: 'false',
    TOKEN_ENCRYPTION_KEY: 'cd'.repeat(32),
    LOG_LEVEL: 'warn',
    POLL_CRON: '0 0 1 1 *',
    SCAN_CRON: '0 0 1 1 *',
    WORKER_CONCURRENCY: '4',
    DB_POOL_SIZE: '4',
    QUEUE_POOL_SIZE: '3',
  },
  appSettingSpecs,
);
const sb = e.BENCH_SANDBOX_URL!;
const cl = await startCloseloop(cfg, {
  logger: createLogger({ level: 'warn', destination: process.stderr }),
  apps: {
    hubspot: {
      clientId: e.BENCH_CLIENT_ID!,
      clientSecret: e.BENCH_CLIENT_SECRET!,
      apiBase: sb,
      authorizeUrl: `${sb}/oauth/authorize`,
      tokenUrl: `${sb}/oauth/2026-03/token`,
    },
  },
});
process.stdout.write(`READY ${cl.url || '-'}\n`);
process.on('SIGTERM', () => {
  void cl.stop().then(() => process.exit(0));
});
