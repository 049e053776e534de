import { ConfigError } from '../core/errors.js';
import { EnvSchema, crossFieldProblems, isDemo, type CrmSettingSpecs, type Env } from './schema.js';

export type { CrmSettingSpecs } from './schema.js';

/** The OTLP/HTTP traces URL: the traces-only variable as given, else the general endpoint + /v1/traces (OTLP spec). */
export function otlpTracesUrl(env: { endpoint?: string | null; tracesEndpoint?: string | null }): string | null {
  if (env.tracesEndpoint) return env.tracesEndpoint;
  if (env.endpoint) return `${env.endpoint.replace(/\/+$/, '')}/v1/traces`;
  return null;
}

export interface Config {
  env: Env['NODE_ENV'];
  port: number;
  host: string;
  /** HTTP_REQUEST_TIMEOUT_SECONDS, in milliseconds. */
  requestTimeoutMs: number;
  publicUrl: string | null;
  logLevel: Env['LOG_LEVEL'];
  role: Env['ROLE'];
  dataDir: string;
  databaseUrl: string | null;
  tokenEncryptionKey: string | null;
  demo: boolean;
  demoEvents: number;
  demoEventIntervalMs: number;
  /**
   * Each configured CRM's app settings by provider id (keys as its manifest's `appSettings` declare them), present
   * only when all of its credentials are set.
   */
  apps: Readonly<Record<string, Readonly<Record<string, string>>>>;
  rulesDir: string;
  rulesCasesDir: string | null;
  staleDealDays: number;
  pollCron: string;
  scanCron: string;
  workerConcurrency: number;
  /** Apply pending migrations at start (else refuse to start while any is pending). */
  migrateOnStart: boolean;
  dbPoolSize: number;
  queue: { poolSize: number; listenUrl: string | null; notify: boolean; pollSeconds: number };
  /** Health and metrics port of a worker-only process (0 = none). */
  healthPort: number;
  trainingConcurrency: number;
  /** Worker threads for the local embedder (0: on the event loop). */
  embeddingThreads: number;
  modelCacheSize: number;
  /** OpenTelemetry traces: the OTLP/HTTP traces URL (null: tracing off) and the service name. */
  tracing: { url: string | null; serviceName: string };
  webhookToleranceMs: number;
  openai: { apiKey: string; baseURL: string | null; model: string; embeddingModel: string } | null;
  embeddings: 'local' | 'fusion' | 'hashing' | 'sentence' | 'openai';
  /** SIGNAL_ENCODER: the sentence encoder of the signal models (none: the n-gram models alone). */
  signalEncoder: 'use-lite' | 'none';
  vectorStore: { kind: 'pgvector' } | { kind: 'pinecone'; apiKey: string; index: string; host: string | null };
  /** Slack Events API (src/sources); null when SLACK_SIGNING_SECRET is unset. */
  slack: { signingSecret: string } | null;
  /** LOCAL_ONLY: no data leaves the deployment (no remote model, embeddings or vector store). */
  localOnly: boolean;
  /** Access control (src/auth, src/http). */
  access: {
    operatorTokens: string[];
    /** provider:accountId:userId of CRM users who are operators when they sign in. */
    operatorUsers: string[];
    metricsToken: string | null;
    trustProxy: boolean | number | string;
    rateLimitPerMinute: number;
    sessionTtlMs: number;
  };
  /** Every CRM call gives up after this long. */
  crmCallTimeoutMs: number;
}

/**
 * Parse the environment once; throws ConfigError listing every bad variable at once. `crms` are the CRM app settings
 * the connectors declare (`appSettingSpecs` of connectors/index.ts); a command that never talks to a CRM passes {}.
 */
export function loadConfig(source: Record<string, string | undefined>, crms: CrmSettingSpecs): Readonly<Config> {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const r = EnvSchema.safeParse(cleaned);
  const problems = [
    ...(r.success ? [] : r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)),
    ...crossFieldProblems(cleaned, crms),
  ];
  if (!r.success || problems.length) throw new ConfigError(problems);
  const v = r.data;
  const demo = isDemo(cleaned, crms);
  const cfg: Config = {
    env: v.NODE_ENV,
    port: v.PORT,
    requestTimeoutMs: v.HTTP_REQUEST_TIMEOUT_SECONDS * 1000,
    host: v.HOST,
    publicUrl: v.PUBLIC_URL ?? null,
    logLevel: v.LOG_LEVEL,
    role: v.ROLE,
    dataDir: v.DATA_DIR,
    databaseUrl: v.DATABASE_URL ?? null,
    tokenEncryptionKey: v.TOKEN_ENCRYPTION_KEY ?? null,
    demo,
    demoEvents: v.DEMO_EVENTS,
    demoEventIntervalMs: v.DEMO_EVENT_INTERVAL_MS,
    apps: crmApps(cleaned, crms),
    rulesDir: v.RULES_DIR,
    rulesCasesDir: v.RULES_CASES_DIR ? v.RULES_CASES_DIR : null,
    staleDealDays: v.STALE_DEAL_DAYS,
    pollCron: v.POLL_CRON,
    scanCron: v.SCAN_CRON,
    workerConcurrency: Math.max(1, v.WORKER_CONCURRENCY),
    migrateOnStart: v.MIGRATE_ON_START ?? (!v.DATABASE_URL || demo),
    dbPoolSize: v.DB_POOL_SIZE,
    queue: {
      poolSize: v.QUEUE_POOL_SIZE,
      listenUrl: v.QUEUE_LISTEN_URL ?? null,
      notify: v.QUEUE_NOTIFY ?? true,
      pollSeconds: v.QUEUE_POLL_SECONDS,
    },
    healthPort: v.HEALTH_PORT,
    trainingConcurrency: v.TRAINING_CONCURRENCY,
    embeddingThreads: v.EMBEDDING_THREADS,
    modelCacheSize: v.MODEL_CACHE_SIZE,
    tracing: {
      url: otlpTracesUrl({
        endpoint: v.OTEL_EXPORTER_OTLP_ENDPOINT,
        tracesEndpoint: v.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
      }),
      serviceName: v.OTEL_SERVICE_NAME,
    },
    webhookToleranceMs: v.WEBHOOK_TOLERANCE_MS,
    openai: v.OPENAI_API_KEY
      ? {
          apiKey: v.OPENAI_API_KEY,
          baseURL: v.OPENAI_BASE_URL ?? null,
          model: v.OPENAI_MODEL,
          embeddingModel: v.OPENAI_EMBEDDING_MODEL,
        }
      : null,
    embeddings: v.EMBEDDINGS,
    signalEncoder: v.SIGNAL_ENCODER,
    vectorStore:
      v.VECTOR_STORE === 'pinecone'
        ? { kind: 'pinecone', apiKey: v.PINECONE_API_KEY!, index: v.PINECONE_INDEX!, host: v.PINECONE_HOST ?? null }
        : { kind: 'pgvector' },
    slack: v.SLACK_SIGNING_SECRET ? { signingSecret: v.SLACK_SIGNING_SECRET } : null,
    localOnly: v.LOCAL_ONLY ?? false,
    access: {
      operatorTokens: v.OPERATOR_TOKENS ? v.OPERATOR_TOKENS.split(',') : [],
      operatorUsers: v.OPERATOR_USERS ? v.OPERATOR_USERS.split(',') : [],
      metricsToken: v.METRICS_TOKEN ?? null,
      trustProxy: parseTrustProxy(v.TRUST_PROXY),
      rateLimitPerMinute: v.RATE_LIMIT_PER_MINUTE,
      sessionTtlMs: v.SESSION_TTL_HOURS * 3600_000,
    },
    crmCallTimeoutMs: v.CRM_CALL_TIMEOUT_MS,
  };
  return deepFreeze(cfg);
}

function parseTrustProxy(v: string): boolean | number | string {
  if (v === 'false' || v === '0' || v === '') return false;
  if (v === 'true') return true;
  return /^\d+$/.test(v) ? Number(v) : v;
}

export function readConfigFromProcess(crms: CrmSettingSpecs): Readonly<Config> {
  return loadConfig(process.env, crms);
}

/** The settings of each CRM whose credentials are all set, keyed as its connector reads them. */
function crmApps(v: Record<string, string | undefined>, crms: CrmSettingSpecs): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const [provider, specs] of Object.entries(crms)) {
    const creds = specs.filter((s) => s.credential);
    if (creds.length === 0 || creds.some((s) => !v[s.env])) continue;
    out[provider] = Object.fromEntries(specs.flatMap((s) => (v[s.env] ? [[s.key, v[s.env]!]] : [])));
  }
  return out;
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

/**
 * Each configured CRM's app settings by provider id, as its connector's `resolveApp` reads them
 * (connectors/<crm>/app-settings.ts). A provider without credentials is absent.
 */
export function crmAppSettings(cfg: Readonly<Config>): Partial<Record<string, Readonly<Record<string, string>>>> {
  return cfg.apps;
}
