/**
 * One closeloop process of the scale test (tests/integration/scale.int.test.ts): ROLE web or worker on a shared
 * PostgreSQL database that the test migrated, pointed at the test's HubSpot sandbox. Logs JSON on stdout.
 */
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/lib/logger.js';
import { startCloseloop } from '../../src/main.js';
import { appSettingSpecs } from '../../connectors/index.js';

const e = process.env;
const cfg = loadConfig(
  {
    ROLE: e.CHILD_ROLE!,
    PORT: e.CHILD_PORT ?? '0',
    HEALTH_PORT: e.CHILD_HEALTH_PORT ?? '0',
    DATA_DIR: e.CHILD_DATA_DIR!,
    DATABASE_URL: e.CHILD_DATABASE_URL,
    MIGRATE_ON_START: 'false',
    TOKEN_ENCRYPTION_KEY: 'cd'.repeat(32),
    LOG_LEVEL: 'info',
    OPERATOR_TOKENS: e.CHILD_OPERATOR_TOKEN,
    POLL_CRON: '0 0 1 1 *',
    SCAN_CRON: '0 0 1 1 *',
    WORKER_CONCURRENCY: '4',
    DB_POOL_SIZE: '4',
    QUEUE_POOL_SIZE: '3',
  },
  appSettingSpecs,
);
const sb = e.CHILD_SANDBOX_URL!;
const cl = await startCloseloop(cfg, {
  logger: createLogger({ level: 'info' }),
  queueExpireSeconds: 5,
  superviseIntervalSeconds: 1,
  apps: {
    hubspot: {
      clientId: e.CHILD_CLIENT_ID!,
      clientSecret: e.CHILD_CLIENT_SECRET!,
      apiBase: sb,
      authorizeUrl: `${sb}/oauth/authorize`,
      tokenUrl: `${sb}/oauth/2026-03/token`,
    },
  },
});
process.stdout.write(`READY ${cl.url || '-'} ${cl.healthUrl ?? '-'}\n`);
process.on('SIGTERM', () => {
  void cl.stop().then(() => process.exit(0));
});
