/**
 * A closeloop process for the restart test: configured from the environment the test sets, pointed at a
 * sandbox the test runs. The test kills it with SIGKILL and starts it again on the same database.
 */
import { loadConfig } from '../../src/config/index.js';
import { silentLogger } from '../../src/lib/logger.js';
import { startCloseloop } from '../../src/main.js';
import { appSettingSpecs } from '../../connectors/index.js';

const e = process.env;
const cfg = loadConfig(
  {
    PORT: e.CHILD_PORT!,
    DATA_DIR: e.CHILD_DATA_DIR!,
    DATABASE_URL: e.CHILD_DATABASE_URL,
    MIGRATE_ON_START: 'true',
    TOKEN_ENCRYPTION_KEY: 'cd'.repeat(32),
    LOG_LEVEL: 'silent',
    OPERATOR_TOKENS: e.CHILD_OPERATOR_TOKEN,
    POLL_CRON: '0 0 1 1 *',
    SCAN_CRON: '0 0 1 1 *',
    WORKER_CONCURRENCY: '2',
  },
  appSettingSpecs,
);
const sb = e.CHILD_SANDBOX_URL!;
const cl = await startCloseloop(cfg, {
  logger: silentLogger(),
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
process.stdout.write(`READY ${cl.url}\n`);
