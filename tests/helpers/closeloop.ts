import {
  startHubspotSandbox,
  type HubspotSandbox,
  type HubspotSandboxOptions,
} from '../../connectors/hubspot/sandbox/index.js';
import { loadConfig } from '../../src/config/index.js';
import { silentLogger } from '../../src/lib/logger.js';
import { startCloseloop, type Closeloop } from '../../src/main.js';
import { freshDatabase } from './db.js';
import { appSettingSpecs } from '../../connectors/index.js';

export const TEST_KEY = 'ab'.repeat(32);
/** The deployment's operator in tests (OPERATOR_TOKENS): every tenant on /admin/**, /api/**, / and /metrics. */
export const TEST_OPERATOR_TOKEN = 'test-operator-token-0123456789abcdef';
export const AS_OPERATOR = { authorization: `Bearer ${TEST_OPERATOR_TOKEN}` } as const;

/**
 * The configuration every in-process test deployment starts from: in-memory PGlite (or the DATABASE_URL given),
 * the test key and operator token, migrations at start, schedules that never fire during a test; `env` wins.
 */
export function testConfig(env: Record<string, string | undefined>): ReturnType<typeof loadConfig> {
  return loadConfig(
    {
      PORT: '0',
      DATA_DIR: 'memory://',
      TOKEN_ENCRYPTION_KEY: TEST_KEY,
      LOG_LEVEL: 'silent',
      OPERATOR_TOKENS: TEST_OPERATOR_TOKEN,
      MIGRATE_ON_START: 'true',
      POLL_CRON: '0 0 1 1 *',
      SCAN_CRON: '0 0 1 1 *',
      WORKER_CONCURRENCY: '2',
      ...env,
    },
    appSettingSpecs,
  );
}

/** closeloop on an in-memory PGlite (or DATABASE_URL when set) wired to a fresh HubSpot sandbox. */
export async function startHubspotLoop(
  o: {
    sandbox?: Partial<HubspotSandboxOptions>;
    env?: Record<string, string>;
    dataDir?: string;
    queueExpireSeconds?: number;
    superviseIntervalSeconds?: number;
  } = {},
): Promise<{ hs: HubspotSandbox; cl: Closeloop; stop(): Promise<void> }> {
  const clientId = 'test-app';
  const clientSecret = 'test-secret-123';
  const hs = await startHubspotSandbox({
    port: 0,
    clientId,
    clientSecret,
    seed: 'empty',
    webhookBatchMs: 20,
    webhookRetryBaseMs: 50,
    ...o.sandbox,
  });
  const pgdb = process.env.DATABASE_URL ? await freshDatabase(process.env.DATABASE_URL) : null;
  const cfg = testConfig({ DATA_DIR: o.dataDir ?? 'memory://', DATABASE_URL: pgdb?.url, ...o.env });
  const cl = await startCloseloop(cfg, {
    logger: silentLogger(),
    queueExpireSeconds: o.queueExpireSeconds,
    superviseIntervalSeconds: o.superviseIntervalSeconds,
    apps: {
      hubspot: {
        clientId,
        clientSecret,
        apiBase: hs.url,
        authorizeUrl: `${hs.url}/oauth/authorize`,
        tokenUrl: `${hs.url}/oauth/2026-03/token`,
      },
    },
  });
  hs.setWebhookTarget(`${cl.url}/webhooks/hubspot`);
  return {
    hs,
    cl,
    async stop() {
      await cl.stop();
      await hs.close();
      await pgdb?.drop();
    },
  };
}

export async function waitFor<T>(
  fn: () => T | null | undefined | false | Promise<T | null | undefined | false>,
  ms = 20000,
  what = 'condition',
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
