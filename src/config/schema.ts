import { z } from 'zod';
import type { AppSettingSpec } from '../core/connector.js';

/**
 * The one environment schema. Parsed once at start-up, frozen, handed to modules.
 * Every variable here is listed in .env.example. Secrets are marked so the logger and /healthz never print them.
 */
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const int = (def: number) => z.coerce.number().int().nonnegative().default(def);
const optionalUrl = z.string().url().optional();

export const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: int(3000),
  HOST: z.string().default('127.0.0.1'),
  /**
   * Seconds a client has to send a whole request (headers within half of it, or 5 s if more); the connection is then
   * closed with 408. A client that promises more body than it sends holds no connection longer (Node's default: 300).
   */
  HTTP_REQUEST_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(300).default(30),
  /** Public base URL of this service (OAuth redirect URIs and webhook target URLs are derived from it). */
  PUBLIC_URL: optionalUrl,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Process role: all (web + worker + cron, the embedded default), web, or worker. */
  ROLE: z.enum(['all', 'web', 'worker']).default('all'),
  DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  /**
   * AES-256-GCM keys for tokens at rest, comma-separated: the first encrypts, every one decrypts (rotation: put the
   * new key first and keep the old ones until the background re-encryption is done). Generated under DATA_DIR in demo
   * mode only.
   */
  TOKEN_ENCRYPTION_KEY: z
    .string()
    .regex(
      /^[0-9a-fA-F]{64}(,[0-9a-fA-F]{64})*$/,
      'must be one or more comma-separated keys of 64 hex characters (32 bytes)',
    )
    .optional(),
  /** Bearer tokens (comma-separated, at least 32 characters each) with the operator role: every tenant. */
  OPERATOR_TOKENS: z
    .string()
    .regex(/^[^,\s]{32,}(,[^,\s]{32,})*$/, 'must be comma-separated tokens of at least 32 characters')
    .optional(),
  /** CRM users with the operator role when they sign in: comma-separated provider:accountId:userId. */
  OPERATOR_USERS: z
    .string()
    .regex(
      /^[a-z]+:[^:,\s]+:[^:,\s]+(,[a-z]+:[^:,\s]+:[^:,\s]+)*$/,
      'must be comma-separated provider:accountId:userId',
    )
    .optional(),
  /** Bearer token that may read /metrics only (a Prometheus scraper); operators may always read it. */
  METRICS_TOKEN: z.string().min(32).optional(),
  /**
   * Express "trust proxy": false (default: the socket address is the client), true, a hop count or a list of subnets.
   */
  TRUST_PROXY: z.string().default('false'),
  /** Every CRM call gives up after this long (must stay below the write-back job lease). */
  CRM_CALL_TIMEOUT_MS: z.coerce.number().int().min(1000).default(30_000),
  /**
   * Requests per minute and client address on each unauthenticated route group (install, OAuth callback, sign-in,
   * ingest, Slack).
   */
  RATE_LIMIT_PER_MINUTE: int(120),
  /** Sign-in sessions last this long. */
  SESSION_TTL_HOURS: int(12),
  /** Demo mode starts the local sandboxes and installs into them. Default: on when no app credentials are set. */
  DEMO: bool.optional(),
  DEMO_EVENTS: int(40),
  DEMO_EVENT_INTERVAL_MS: int(500),
  // Each CRM's app settings (HUBSPOT_CLIENT_ID, SALESFORCE_LOGIN_URL, ...) are declared by its connector's manifest
  // (`appSettings`) and checked by crmSettingProblems below.
  RULES_DIR: z.string().default('./rules'),
  /** Folder of rule case tables (*.cases.json) the console runs against the rules and against drafts; unset: none. */
  RULES_CASES_DIR: z.string().optional(),
  /** Days without activity after which an open deal gets a follow-up task. */
  STALE_DEAL_DAYS: int(14),
  /** Poll schedule (node-cron syntax) for the safety-net sync. */
  POLL_CRON: z.string().default('*/5 * * * *'),
  SCAN_CRON: z.string().default('0 * * * *'),
  WORKER_CONCURRENCY: int(4),
  /**
   * Apply pending migrations at start. Default: true on the embedded PGlite and in demo mode; false with DATABASE_URL
   * (run `closeloop migrate`).
   */
  MIGRATE_ON_START: bool.optional(),
  /** Connections this process's own pool opens to DATABASE_URL (the queue has its own pool). */
  DB_POOL_SIZE: z.coerce.number().int().positive().default(10),
  QUEUE_POOL_SIZE: z.coerce.number().int().positive().default(4),
  /**
   * Queue wake-ups. DATABASE_URL behind PgBouncer in transaction mode cannot LISTEN: point QUEUE_LISTEN_URL at a
   * direct (session) connection to the same database, or set QUEUE_NOTIFY=false to rely on polling alone.
   */
  QUEUE_LISTEN_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  QUEUE_NOTIFY: bool.optional(),
  /** Seconds between polls for jobs when no notification arrives. */
  QUEUE_POLL_SECONDS: z.coerce.number().positive().default(2),
  /** Port of the health and metrics server of a ROLE=worker process (/livez, /readyz, /metrics); 0 = off. */
  HEALTH_PORT: int(9464),
  /** Model trainings at once in this process (each in a worker thread, off the event loop). */
  TRAINING_CONCURRENCY: z.coerce.number().int().positive().default(1),
  /** Worker threads embedding with a local embedder (EMBEDDINGS other than openai), off the event loop; 0 = on it. */
  EMBEDDING_THREADS: z.coerce.number().int().min(0).default(1),
  /** Tenants whose scoring model stays deserialized in memory (least recently used ones are dropped). */
  MODEL_CACHE_SIZE: z.coerce.number().int().positive().default(200),
  WEBHOOK_TOLERANCE_MS: int(300_000),
  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_BASE_URL: optionalUrl,
  OPENAI_MODEL: z.string().default('gpt-4o-mini'),
  /**
   * Embeddings for the context index. Local ones run offline in EMBEDDING_THREADS threads: `local` (default) = `hashing`
   * (hashed features alone, 384 dims, ~300x the indexing throughput, lexical only), `fusion` (hashed features + the
   * Universal Sentence Encoder Lite shipped in an npm package, 896 dims), `sentence` (the model alone, 512 dims);
   * `openai` = an OPENAI_* endpoint. A model that fails to load falls back to hashing. Changing it reindexes each
   * tenant's activities (src/store/context-spaces.ts). Figures: docs/benchmarks.md, "local embedders".
   */
  EMBEDDINGS: z.enum(['local', 'fusion', 'hashing', 'sentence', 'openai']).default('local'),
  /**
   * Sentence encoder of the signal models (worker processes): `use-lite` (default) embeds each sentence the customer
   * wrote with the Universal Sentence Encoder Lite shipped in node_modules (one worker thread, offline) and reads it
   * with the fused models (n-grams + sentence vector; better on sentences phrased in ways the n-grams never saw:
   * docs/benchmarks.md, "signals"); `none`: the n-gram models alone (no model load, ~10 ms less per sentence).
   */
  SIGNAL_ENCODER: z.enum(['use-lite', 'none']).default('use-lite'),
  OPENAI_EMBEDDING_MODEL: z.string().default('text-embedding-3-small'),
  /** Vector store: pgvector on the same database, or Pinecone (one namespace per tenant). */
  VECTOR_STORE: z.enum(['pgvector', 'pinecone']).default('pgvector'),
  PINECONE_API_KEY: z.string().min(1).optional(),
  PINECONE_INDEX: z.string().min(1).optional(),
  /** Data-plane host of the index; without it the client asks Pinecone's control plane. */
  PINECONE_HOST: z.string().url().optional(),
  /** No data leaves the deployment: no remote model, no OpenAI embeddings, no Pinecone (checked at start-up). */
  LOCAL_ONLY: bool.optional(),
  /** OTLP/HTTP collector (e.g. http://otel-collector:4318): traces are exported when set, and only then. */
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalUrl,
  /** The traces URL itself (wins over OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces). */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: optionalUrl,
  OTEL_SERVICE_NAME: z.string().min(1).default('closeloop'),
  /** Slack app signing secret: verifies Slack Events API requests (POST /slack/events). Unset = endpoint off. */
  SLACK_SIGNING_SECRET: z.string().min(1).optional(),
});

/** Each CRM's app settings by provider id, as its connector's manifest declares them (connectors/index.ts). */
export type CrmSettingSpecs = Readonly<Record<string, readonly AppSettingSpec[]>>;

/** The environment variables that hold a CRM app's credentials (set together; any one set means not demo). */
export function credentialEnvNames(crms: CrmSettingSpecs): string[] {
  return Object.values(crms).flatMap((specs) => specs.filter((s) => s.credential).map((s) => s.env));
}

/** Demo mode: DEMO when set, else on when no CRM app credential is set. */
export function isDemo(v: Record<string, string | undefined>, crms: CrmSettingSpecs): boolean {
  return v.DEMO !== undefined ? ['true', '1'].includes(v.DEMO) : !credentialEnvNames(crms).some((k) => v[k]);
}

/** Problems with the CRM app settings: credentials set together, URLs absolute. */
export function crmSettingProblems(v: Record<string, string | undefined>, crms: CrmSettingSpecs): string[] {
  const out: string[] = [];
  for (const specs of Object.values(crms)) {
    const creds = specs.filter((s) => s.credential);
    const set = creds.filter((s) => v[s.env]);
    if (set.length > 0)
      for (const s of creds)
        if (!v[s.env]) out.push(`${s.env}: is required when ${set.map((x) => x.env).join(', ')} is set`);
    for (const s of specs) {
      const value = v[s.env];
      if (s.url && value && !URL.canParse(value)) out.push(`${s.env}: must be a URL (${s.description})`);
    }
  }
  return out;
}

/**
 * Cross-field rules, checked on the raw values so they are reported together with every per-field problem.
 */
export function crossFieldProblems(v: Record<string, string | undefined>, crms: CrmSettingSpecs): string[] {
  const out: string[] = crmSettingProblems(v, crms);
  const demo = isDemo(v, crms);
  if (!demo && !v.TOKEN_ENCRYPTION_KEY) out.push('TOKEN_ENCRYPTION_KEY: is required outside demo mode');
  if (v.VECTOR_STORE === 'pinecone' && (!v.PINECONE_API_KEY || !v.PINECONE_INDEX))
    out.push('PINECONE_API_KEY, PINECONE_INDEX: are required when VECTOR_STORE=pinecone');
  if (v.EMBEDDINGS === 'openai' && !v.OPENAI_API_KEY) out.push('OPENAI_API_KEY: is required when EMBEDDINGS=openai');
  if (v.LOCAL_ONLY !== undefined && ['true', '1'].includes(v.LOCAL_ONLY)) {
    if (v.VECTOR_STORE === 'pinecone')
      out.push('VECTOR_STORE: pinecone sends CRM text to Pinecone; LOCAL_ONLY=true allows only pgvector');
    if (v.EMBEDDINGS === 'openai')
      out.push('EMBEDDINGS: openai sends CRM text to a remote embeddings API; LOCAL_ONLY=true allows only local');
  }
  if (!demo && !v.PUBLIC_URL) out.push('PUBLIC_URL: is required outside demo mode (OAuth redirect and webhook URLs)');
  return out;
}

/** Secrets of the core schema; each CRM marks its own (`AppSettingSpec.secret`). */
export const SECRET_KEYS = [
  'TOKEN_ENCRYPTION_KEY',
  'OPENAI_API_KEY',
  'PINECONE_API_KEY',
  'DATABASE_URL',
  'QUEUE_LISTEN_URL',
  'SLACK_SIGNING_SECRET',
  'OPERATOR_TOKENS',
  'METRICS_TOKEN',
] as const;
export type Env = z.infer<typeof EnvSchema>;
