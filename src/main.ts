import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { Express } from 'express';
import type { SpanExporter } from '@opentelemetry/sdk-trace-node';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { randomBytes } from 'node:crypto';
import {
  appSettingSpecs,
  connectors as defaultRegistry,
  getConnector as registryConnector,
} from '../connectors/index.js';
import { registerInstall, type ProviderAppConfig } from './auth/oauth-install.js';
import { registerSignIn } from './auth/crm-sign-in.js';
import { installHandlers, signInHandlers } from './http/oauth.js';
import { StateSealer } from './auth/signed-state.js';
import { TokenVault } from './auth/token-vault.js';
import { createPacers } from './sync/rate-pacer.js';
import { crmAppSettings, readConfigFromProcess, type Config } from './config/index.js';
import type { Connector, ProviderApp } from './core/connector.js';
import { ConfigError, isCloseloopError, MigrationsPendingError, ResourceInUseError } from './core/errors.js';
import { createGuardrails } from './guardrails/index.js';
import { ThreadedEmbedder } from './context/threaded-embedder.js';
import { LocalEmbedder, localSpec } from './context/local-embedder.js';
import { sentenceModelInstalled } from './context/sentence-embedder.js';
import { SignalSentenceVectors } from './inference/signals/sentence-vectors.js';
import { SHIPPED_FUSED_SIGNAL_ENCODER } from './inference/signals/shipped.js';
import { switchSpaces } from './store/context-spaces.js';
import { ContextIndexer } from './context/indexer.js';
import type { Embedder, VectorStore } from './context/types.js';
import { contextTableReady, PgVectorStore } from './store/pgvector-store.js';
import { pingDatabase } from './store/health.js';
import { indexActivities } from './sync/index-activities.js';
import { assertLocalOnly } from './privacy/local-only.js';
import { createApp, type InstallHandlers } from './http/app.js';
import { startHealthServer } from './http/health.js';
import { createHealth, type Health } from './lib/health.js';
import { startCron } from './jobs/cron.js';
import { startWorkers, type IndexHandler, type Workers } from './jobs/workers.js';
import { afterBackfill } from './suggest/after-backfill.js';
import { createConfiguredLlm } from './llm/configured.js';
import { FEEDBACK_SCHEDULES } from './feedback/schedules.js';
import { setModelCacheSize } from './suggest/scorer.js';
import { createTrainer } from './feedback/trainer.js';
import { onChangesApplied } from './feedback/record-outcomes.js';
import type { ChangeSubscriber } from './sync/change-events.js';
import { createCrmFacts } from './suggest/crm-facts.js';
import type { ChangeStreamOptions, ChangeStreams } from './sync/change-streams.js';
import { TokenCipher } from './lib/crypto.js';
import {
  createOutboundDispatcher,
  crmProviderMatcher,
  crmStatusClass,
  useOutboundDispatcher,
} from './lib/outbound-timeouts.js';
import { createLogger, type Logger } from './lib/logger.js';
import { createMetrics, type Metrics } from './lib/metrics.js';
import { createWorkQueue, type WorkQueue } from './queue/index.js';
import { createWakeup } from './store/wakeup.js';
import { createStore, migrate, MIGRATIONS_DIR, openDb, pendingMigrations, type Db, type Store } from './store/index.js';

/**
 * OAuth app settings per provider id, as the connector's `resolveApp` reads them (from configuration, or the demo's
 * and the tests' sandboxes): clientId, clientSecret and the provider's URL overrides.
 */
export type ProviderApps = Partial<Record<string, Readonly<Record<string, string>>>>;

export interface Closeloop {
  url: string;
  /** The health and metrics server of a worker process (null in other roles: the web app serves them). */
  healthUrl: string | null;
  health: Health;
  /** The HTTP app (null in a worker-only process); the route-table test walks it. */
  app: Express | null;
  store: Store;
  queue: WorkQueue;
  metrics: Metrics;
  logger: Logger;
  /** The context index (null when the vector store is unavailable). */
  indexer: ContextIndexer | null;
  /** Change-stream subscriptions (Salesforce CDC) held by this process; null in a web-only process. */
  changeStreams: ChangeStreams | null;
  stop(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  now?: () => number;
  /** Overrides the apps derived from config (demo mode and tests). */
  apps?: ProviderApps;
  /** Override the public URL (tests); defaults to PUBLIC_URL or http://HOST:PORT. */
  publicUrl?: string;
  index?: IndexHandler | null;
  queueExpireSeconds?: number;
  superviseIntervalSeconds?: number;
  /** Change-stream supervision (lease length, tick); false turns change streams off in this process. */
  changeStreams?: ChangeStreamOptions | false;
  /** Connectors built with non-default options (tests: small pages, a low Bulk threshold), by provider id. */
  connectors?: Partial<Record<string, Connector>>;
  /** false: train models inline instead of in a worker thread. */
  trainInThreads?: boolean;
  /** false: no health port even for ROLE=worker (tests running several workers in one process). */
  healthServer?: boolean;
  /** Called as each start-up step finishes (bench/startup.ts prints where the time goes). */
  onPhase?: (phase: string) => void;
  /** Inbox claim settings (tests: a short lease for kill -9 recovery). */
  inbox?: { leaseMs?: number; pollMs?: number };
  /** More operators (provider:accountId:userId) on top of OPERATOR_USERS: the demo makes its sandbox admin one. */
  operatorUsers?: string[];
  /** Export spans here instead of to OTEL_EXPORTER_OTLP_ENDPOINT (tests: an in-memory exporter). */
  spanExporter?: SpanExporter;
}

/** Composition root: the only place that knows every module. */
export async function startCloseloop(cfg: Readonly<Config>, o: StartOptions = {}): Promise<Closeloop> {
  // Refuse a configuration that would send data out of the deployment in local-only mode.
  assertLocalOnly(cfg);
  const logger = o.logger ?? createLogger({ level: cfg.logLevel });
  const now = o.now ?? Date.now;
  const phase = o.onPhase ?? (() => {});
  const metrics = createMetrics({ defaults: true });
  const db = await openDb({ databaseUrl: cfg.databaseUrl, dataDir: cfg.dataDir, poolSize: cfg.dbPoolSize });
  phase('database open');
  if (cfg.migrateOnStart) {
    const applied = await migrate(db, MIGRATIONS_DIR);
    if (applied.length) logger.info({ applied }, 'migrations applied');
  } else {
    const pending = await pendingMigrations(db, MIGRATIONS_DIR);
    if (pending.length) {
      await db.close();
      throw new MigrationsPendingError(pending);
    }
  }
  phase('migrations');
  const store = createStore(db);
  const queue = createWorkQueue(db, cfg.databaseUrl, {
    logger,
    expireInSeconds: o.queueExpireSeconds,
    superviseIntervalSeconds: o.superviseIntervalSeconds,
    ...queueOptions(cfg),
  });
  // pg-boss starts while the rest is wired and the rules load (start-up: bench/startup.ts); awaited before HTTP.
  const queueStarted = queue.start().then(
    () => null,
    (e: unknown) => e,
  );
  // Webhook batches wake inbox workers in this process at once, and other processes through NOTIFY/LISTEN.
  const inboxWakeup = createWakeup(db, {
    channel: 'closeloop_inbox',
    crossProcess: cfg.queue.notify,
    listenUrl: cfg.queue.listenUrl ?? cfg.databaseUrl,
    onError: (err) => logger.warn({ err }, 'inbox wake-up failed (workers fall back to polling)'),
  });
  // Traces only when an OTLP endpoint is configured (or a test hands in an exporter); else nothing is registered and
  // the SDK is not even loaded.
  const tracing =
    cfg.tracing.url || o.spanExporter
      ? (await import('./lib/tracing-sdk.js')).startTracing({
          url: cfg.tracing.url,
          exporter: o.spanExporter,
          serviceName: cfg.tracing.serviceName,
          role: cfg.role,
        })
      : null;

  const registry: Partial<Record<string, Connector>> = { ...defaultRegistry, ...o.connectors };
  const getConnector = (provider: string): Connector => o.connectors?.[provider] ?? registryConnector(provider);
  const cipher = new TokenCipher(cfg.tokenEncryptionKey ?? demoKey(cfg.dataDir));
  // Each configured CRM's app, resolved by its connector (URLs, secrets, origins): no provider is named here.
  const apps = new Map<string, ProviderApp>();
  for (const [provider, settings] of Object.entries(o.apps ?? crmAppSettings(cfg))) {
    if (settings && Object.hasOwn(registry, provider)) apps.set(provider, getConnector(provider).resolveApp(settings));
  }
  const credsFor = (provider: string) => {
    const a = apps.get(provider);
    if (!a) throw new ConfigError([`${provider} is not configured`]);
    return { clientId: a.clientId, clientSecret: a.clientSecret, tokenUrl: a.tokenUrl };
  };
  const vault = new TokenVault(store, cipher, getConnector, credsFor, logger, now);
  // Every CRM call gives up after CRM_CALL_TIMEOUT_MS (below the write-back job lease): the global fetch and the
  // provider clients with an HTTP stack of their own (connector.useDispatcher) share one dispatcher that knows the CRM
  // origins.
  // The same dispatcher counts every CRM call and 429 per provider (closeloop_crm_calls_total,
  // closeloop_crm_rate_limited_total).
  const crmProviders = crmProviderMatcher(
    () => Object.fromEntries([...apps].map(([provider, a]) => [provider, a.origins])),
    Object.fromEntries(Object.entries(registry).map(([provider, c]) => [provider, c?.manifest.apiHosts ?? []])),
  );
  const dispatcher = createOutboundDispatcher(crmProviders, cfg.crmCallTimeoutMs, (provider, status) => {
    metrics.crmCalls.inc({ provider, status: crmStatusClass(status) });
    if (status === 429) metrics.crmRateLimited.inc({ provider });
  });
  useOutboundDispatcher(dispatcher);
  for (const c of Object.values(registry)) c?.useDispatcher?.(dispatcher);
  // OAuth state is sealed with a key derived from the token key (nothing stored before the user returns).
  const sealer = new StateSealer(cipher.derive('oauth-state'));
  // One shared request budget per account and app, in the database (every worker process paces against it).
  const pacers = createPacers(
    store,
    (p) => getConnector(p).manifest.rateLimits,
    (p) => apps.get(p)?.clientId ?? 'default',
    now,
  );
  vault.pacerFor = (conn) => pacers(conn.provider, conn.account_id);
  const guardrails = await createGuardrails({ dir: path.resolve(cfg.rulesDir), logger });
  const stopWatch = guardrails.watch();
  phase('rules load');
  const queueError = await queueStarted;
  if (queueError) {
    stopWatch();
    throw queueError;
  }
  phase('queue (pg-boss) start');

  let listenUrl = '';
  const publicUrl = () => o.publicUrl ?? cfg.publicUrl ?? listenUrl;
  const installs = new Map<string, InstallHandlers>();
  const installDeps = {
    store,
    vault,
    logger,
    now,
    sealer,
    onInstalled: async (conn: { id: string }) => {
      await queue.send('backfill', { connectionId: conn.id }, { singletonKey: `backfill:${conn.id}` });
    },
  };
  const appConfigFor = (provider: string): ProviderAppConfig | null => {
    const a = apps.get(provider);
    return a
      ? {
          clientId: a.clientId,
          clientSecret: a.clientSecret,
          authorizeUrl: a.authorizeUrl,
          tokenUrl: a.tokenUrl,
          apiBase: a.apiBase,
          callbackUrl: `${publicUrl()}/oauth/${provider}/callback`,
        }
      : null;
  };
  const installFor = (provider: string): InstallHandlers | null => {
    if (installs.has(provider)) return installs.get(provider)!;
    const c = registry[provider];
    const appCfg = c ? appConfigFor(provider) : null;
    if (!c || !appCfg) return null;
    const flow = installHandlers(registerInstall(c, appCfg, installDeps), provider);
    installs.set(provider, flow);
    return flow;
  };

  const signIns = new Map<string, InstallHandlers | null>();
  const signInFor = (provider: string): InstallHandlers | null => {
    if (signIns.has(provider)) return signIns.get(provider)!;
    const c = registry[provider];
    const appCfg = c?.identifyUser ? appConfigFor(provider) : null;
    const signInDeps = {
      store,
      sealer,
      logger,
      now,
      operatorUsers: [...cfg.access.operatorUsers, ...(o.operatorUsers ?? [])],
      sessionTtlMs: cfg.access.sessionTtlMs,
    };
    const flow =
      c && appCfg
        ? signInHandlers(
            registerSignIn(c, { ...appCfg, callbackUrl: `${publicUrl()}/auth/callback/${provider}` }, signInDeps),
            provider,
            signInDeps,
          )
        : null;
    signIns.set(provider, flow);
    return flow;
  };

  // One direction of flow: sync announces every applied page of changes; feedback subscribes here (sync never calls
  // it).
  const changeSubscribers: readonly ChangeSubscriber[] = [onChangesApplied];

  let ready = false;
  // Readiness on every role: the database answers, the queue is up, this version's migrations are all applied,
  // rules are loaded. Migrations applied stay applied: checked until true, then remembered.
  let migrationsOk = false;
  const health = createHealth({
    database: () => pingDatabase(db),
    queue: async () => {
      await queue.ping?.();
    },
    migrations: async () => {
      if (migrationsOk) return;
      const pending = await pendingMigrations(db, MIGRATIONS_DIR);
      if (pending.length) throw new Error(`pending: ${pending.join(', ')}`);
      migrationsOk = true;
    },
    rules: async () => {
      if (guardrails.rules().length === 0) throw new Error('no rules loaded');
    },
  });
  metrics.observeQueue(async () => ({ ...(queue.depth ? await queue.depth() : {}), inbox: await store.inbox.depth() }));
  metrics.observeSyncLag(() => store.syncMarks.lag());
  let server: Server | null = null;
  let app: Express | null = null;
  if (cfg.role !== 'worker') {
    app = createApp({
      store,
      queue,
      inboxWakeup,
      metrics,
      logger,
      connectorFor: getConnector,
      now,
      providers: () => Object.keys(registry),
      installFor,
      signInFor,
      access: cfg.access,
      webhookSecretFor: (p) => apps.get(p)?.webhookSecret ?? null,
      publicUrl,
      webhookToleranceMs: cfg.webhookToleranceMs,
      isReady: () => ready,
      health,
      slackSigningSecret: cfg.slack?.signingSecret ?? null,
      changeSubscribers,
      rulesDir: path.resolve(cfg.rulesDir),
      rulesCasesDir: cfg.rulesCasesDir ? path.resolve(cfg.rulesCasesDir) : null,
      guardrails,
    });
    try {
      server = await listen(app, cfg.port, cfg.host, cfg.requestTimeoutMs);
    } catch (e) {
      stopWatch();
      await queue.stop().catch(() => undefined);
      await db.close().catch(() => undefined);
      await tracing?.shutdown();
      throw e;
    }
    const addr = server.address();
    listenUrl = typeof addr === 'object' && addr ? `http://${cfg.host}:${addr.port}` : `http://${cfg.host}:${cfg.port}`;
  }
  phase('http listen');
  const ctxIndex = await createIndexer(cfg, db, logger, (space) => {
    // The local model fell back to hashing at run time: the tenants' indexes follow it into the hashing space.
    if (cfg.role !== 'web') void reindexSpaces(space);
  });
  const indexer = ctxIndex?.indexer ?? null;
  // An index built with one embedder is never queried with another: after a change of embedder, workers re-queue
  // each tenant's activities for the new space (src/store/context-spaces.ts), in the background.
  const reindexSpaces = async (space: { id: string; dimensions: number }) => {
    if (!ctxIndex) return;
    try {
      const r = await switchSpaces(db, queue, space, {
        pgvector: ctxIndex.vectorStore instanceof PgVectorStore,
        dropTenant: (t) => ctxIndex.vectorStore.deleteTenant(t),
      });
      for (const t of r.switched)
        logger.info(
          { tenantId: t.tenantId, from: t.from, to: space.id, activities: t.activities, jobs: t.jobs },
          'context index: embedder changed, tenant re-queued for indexing',
        );
    } catch (err) {
      logger.error({ err }, 'context index: embedder change check failed');
    }
  };
  if (ctxIndex && cfg.role !== 'web') void reindexSpaces(ctxIndex.space);
  // Tokens made with an older TOKEN_ENCRYPTION_KEY are re-encrypted in the background (and on the sweep schedule).
  if (cfg.role !== 'web')
    void vault.reencryptStale().catch((err: unknown) => logger.error({ err }, 'token re-encryption failed'));
  let stopCron = () => {};
  let workers: Workers | null = null;
  const signalEncoder = cfg.role !== 'web' ? createSignalEncoder(cfg, logger) : null;
  if (cfg.role !== 'web') {
    // Model training off the event loop, a few at a time; deserialized models kept for a bounded set of tenants.
    const trainer = createTrainer({ concurrency: cfg.trainingConcurrency, threads: o.trainInThreads ?? true });
    setModelCacheSize(cfg.modelCacheSize);
    const sync = {
      store,
      queue,
      metrics,
      logger,
      vault,
      connectorFor: getConnector,
      vectorIndex: ctxIndex?.vectorStore ?? null,
      subscribers: changeSubscribers,
    };
    workers = await startWorkers({
      store,
      queue,
      logger,
      metrics,
      now,
      concurrency: cfg.workerConcurrency,
      sync,
      index:
        o.index !== undefined
          ? o.index
          : indexer
            ? async (connectionId, refs) => {
                await indexActivities(store, indexer, connectionId, refs);
              }
            : null,
      analyze: {
        store,
        queue,
        metrics,
        logger,
        guardrails,
        now,
        staleDealDays: cfg.staleDealDays,
        llm: cfg.localOnly ? null : await createConfiguredLlm(cfg),
        localOnly: cfg.localOnly,
        crm: createCrmFacts({ vault, connectorFor: getConnector, logger, now }),
        ...(signalEncoder ? { signalVectors: signalEncoder.vectors } : {}),
      },
      writeback: {
        store,
        metrics,
        logger,
        vault,
        connectorFor: getConnector,
        now,
        inDoubtSettleMs: 2 * cfg.crmCallTimeoutMs,
        callTimeoutMs: cfg.crmCallTimeoutMs,
      },
      changeStreams: o.changeStreams,
      wakeup: inboxWakeup,
      inbox: { pollMs: cfg.queue.notify ? 1000 : cfg.queue.pollSeconds * 1000, ...o.inbox },
      afterBackfill: async (connectionId) => {
        await afterBackfill(
          { store, queue, logger, now, trainer, signalVectors: signalEncoder?.vectors },
          connectionId,
        );
      },
    });
    phase('workers start');
    stopCron = startCron({
      store,
      queue,
      logger,
      now,
      pollCron: cfg.pollCron,
      scanCron: cfg.scanCron,
      feedback: FEEDBACK_SCHEDULES,
      trainer,
      signalVectors: signalEncoder?.vectors,
      reencrypt: () => vault.reencryptStale(),
      ...(indexer ? { settleIndex: (deadline: number) => indexer.settle(deadline) } : {}),
    });
  }
  // A worker serves no HTTP of its own: a small port for probes and scrapes.
  const healthServer =
    cfg.role === 'worker' && cfg.healthPort > 0 && o.healthServer !== false
      ? await startHealthServer({ health, metrics, host: cfg.host, port: cfg.healthPort })
      : null;
  ready = true;
  health.setStarted(true);
  phase('ready');
  logger.info(
    { url: listenUrl || null, healthUrl: healthServer?.url ?? null, role: cfg.role, engine: db.engine },
    'closeloop ready',
  );
  return {
    url: listenUrl,
    app,
    healthUrl: healthServer?.url ?? null,
    health,
    store,
    queue,
    metrics,
    logger,
    indexer,
    changeStreams: workers?.changeStreams ?? null,
    async stop() {
      ready = false;
      health.setStarted(false);
      await healthServer?.close();
      stopCron();
      stopWatch();
      // Streams first: the event in hand is stored and the leases released while the database is still open.
      await workers?.stop();
      await inboxWakeup.close();
      if (server) await new Promise<void>((r) => server!.close(() => r()));
      server?.closeAllConnections?.();
      await queue.stop();
      await db.close();
      await ctxIndex?.close();
      await signalEncoder?.close();
      await tracing?.shutdown();
    },
  };
}

/**
 * The context index: embedder + vector store from configuration. Null (with a warning) when the store cannot run.
 * `onSpaceChange` is told when the local model falls back to hashing (a new vector space) at run time.
 */
async function createIndexer(
  cfg: Readonly<Config>,
  db: Db,
  logger: Logger,
  onSpaceChange: (space: { id: string; dimensions: number }) => void = () => {},
): Promise<{
  indexer: ContextIndexer;
  vectorStore: VectorStore;
  /** The embedder's vector space at start (it can change once, on a fallback). */
  space: { id: string; dimensions: number };
  close(): Promise<void>;
} | null> {
  let embedder: Embedder;
  if (cfg.embeddings === 'openai' && cfg.openai) {
    // Remote clients load only when configured: the embedded default never pays for the OpenAI or Pinecone SDK.
    embedder = new (await import('./context/openai-embedder.js')).OpenAIEmbedder({
      apiKey: cfg.openai.apiKey,
      baseURL: cfg.openai.baseURL ?? undefined,
      model: cfg.openai.embeddingModel,
    });
  } else {
    // Local embedders (hashing, the sentence model shipped in node_modules, or their fusion) run in EMBEDDING_THREADS
    // worker threads, off the event loop (0: inline); the model loads lazily on the first embed.
    const spec = localSpec(cfg.embeddings);
    const fallback = (reason: string) => {
      logger.warn(
        { reason, space: embedder.id },
        'context index: sentence model unavailable, using the hashing embedder',
      );
      onSpaceChange({ id: embedder.id, dimensions: embedder.dimensions });
    };
    let startup = true;
    embedder =
      cfg.embeddingThreads > 0
        ? new ThreadedEmbedder(cfg.embeddingThreads, spec, (r) => (startup ? undefined : fallback(r)))
        : new LocalEmbedder(spec, (r) => (startup ? undefined : fallback(r)));
    startup = false;
    const fb = (embedder as ThreadedEmbedder | LocalEmbedder).fallbackReason;
    if (fb)
      logger.warn(
        { reason: fb, space: embedder.id },
        'context index: sentence model unavailable, using the hashing embedder',
      );
  }
  let store: VectorStore;
  if (cfg.vectorStore.kind === 'pinecone') {
    const { PineconeVectorStore } = await import('./context/pinecone-store.js');
    store = new PineconeVectorStore({
      apiKey: cfg.vectorStore.apiKey,
      indexName: cfg.vectorStore.index,
      indexHost: cfg.vectorStore.host ?? undefined,
    });
  } else {
    if (!(await contextTableReady(db))) {
      logger.warn(
        'context index disabled: the pgvector extension is not installed on this PostgreSQL server (install it, or set VECTOR_STORE=pinecone)',
      );
      return null;
    }
    // Read per call: a fallback to hashing moves later writes and queries to the hashing space together.
    store = new PgVectorStore(db, { dimensions: () => embedder.dimensions, space: () => embedder.id });
  }
  return {
    indexer: new ContextIndexer(embedder, store),
    vectorStore: store,
    space: { id: embedder.id, dimensions: embedder.dimensions },
    close: async () => {
      if (embedder instanceof ThreadedEmbedder) await embedder.close();
    },
  };
}

/**
 * The signal models' sentence encoder (SIGNAL_ENCODER=use-lite): USE Lite in one worker thread (inline when
 * EMBEDDING_THREADS=0), loaded lazily on the first analysis; null when off or the model packages are missing (the
 * n-gram models then read every sentence). A model that fails to load later leaves the n-gram models in charge.
 */
function createSignalEncoder(
  cfg: Readonly<Config>,
  logger: Logger,
): { vectors: SignalSentenceVectors; close(): Promise<void> } | null {
  if (cfg.signalEncoder === 'none') return null;
  if (!sentenceModelInstalled()) {
    logger.warn('signals: the sentence model packages are not installed; the n-gram signal models read every sentence');
    return null;
  }
  const spec = { kind: 'sentence' as const };
  const warn = (reason: string) =>
    logger.warn({ reason }, 'signals: sentence encoder unavailable; the n-gram signal models read every sentence');
  // The inline embedder names the vector space without loading the model (that happens on the first embed).
  const inline = new LocalEmbedder(spec, warn);
  // Another version of the model packages than the fused models were trained with: its vectors are not their input,
  // so no thread is started for it.
  if (inline.id !== SHIPPED_FUSED_SIGNAL_ENCODER) {
    logger.warn(
      { encoder: inline.id, trainedWith: SHIPPED_FUSED_SIGNAL_ENCODER },
      'signals: the installed sentence encoder is not the one the fused signal models were trained with; the n-gram signal models read every sentence',
    );
    return null;
  }
  const encoder = cfg.embeddingThreads > 0 ? new ThreadedEmbedder(1, spec, warn) : inline;
  const vectors = new SignalSentenceVectors(encoder, {
    onError: (err) => logger.warn({ err }, 'signals: sentence encoder failed; n-gram models for these sentences'),
  });
  return { vectors, close: async () => (encoder instanceof ThreadedEmbedder ? encoder.close() : undefined) };
}

/** Queue connections from configuration: pool size, and how workers learn of new jobs (notify, listen URL, polling). */
function queueOptions(cfg: Readonly<Config>): {
  poolSize: number;
  notify: boolean;
  listenUrl: string | null;
  pollingIntervalSeconds?: number;
} {
  return {
    poolSize: cfg.queue.poolSize,
    notify: cfg.queue.notify,
    listenUrl: cfg.queue.listenUrl,
    ...(cfg.queue.notify ? {} : { pollingIntervalSeconds: cfg.queue.pollSeconds }),
  };
}

/** Listen, or fail with a clear error when the port is taken (never a second instance beside the first). */
function listen(
  app: ReturnType<typeof createApp>,
  port: number,
  host: string,
  requestTimeoutMs: number,
): Promise<Server> {
  return new Promise<Server>((resolve, reject) => {
    // A slow or stalled client (headers or body trickled, a body shorter than its Content-Length) gets 408 and its
    // connection closed once the time is up; Node checks every connection at the interval.
    const s = createServer(
      {
        requestTimeout: requestTimeoutMs,
        headersTimeout: Math.min(requestTimeoutMs, Math.max(5000, Math.floor(requestTimeoutMs / 2))),
        connectionsCheckingInterval: Math.min(5000, Math.max(250, Math.floor(requestTimeoutMs / 4))),
      },
      app,
    ).listen(port, host);
    s.once('listening', () => resolve(s));
    s.once('error', (e: NodeJS.ErrnoException) => {
      reject(
        e.code === 'EADDRINUSE'
          ? new ResourceInUseError(
              `Port ${port} on ${host} is already in use (is closeloop already running?). Stop the other process or start with another PORT.`,
            )
          : e,
      );
    });
  });
}

/** Demo mode only: a random key kept under DATA_DIR, so a restart can still read its tokens. */
function demoKey(dataDir: string): string {
  const file = path.resolve(dataDir, 'demo-token-key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(path.dirname(file), { recursive: true });
  const key = randomBytes(32).toString('hex');
  writeFileSync(file, key, { mode: 0o600 });
  return key;
}

export const SERVICE_USAGE = `usage: npm start [-- --role=all|web|worker]
       node dist/src/main.js [--role=all|web|worker]     (the production build, \`npm run build\`)

Runs closeloop: the HTTP service (CRM webhooks, OAuth installs, the API and the console), the queue workers and the
cluster-wide schedules. Configuration comes from the environment; .env.example lists every variable with its
default. Without CRM app credentials (HUBSPOT_CLIENT_ID, SALESFORCE_CLIENT_ID) it runs the demo: local HubSpot and
Salesforce sandboxes with their rate limits on, installs through OAuth, a backfill, a stream of demo changes and the
tasks and drafts written back (DEMO=true or DEMO=false forces it on or off). Without DATABASE_URL the data lives in
the embedded database under DATA_DIR (default ./data).

Options:
  --role=all|web|worker   process role, instead of ROLE: all (web, workers and schedules in one process; the
                          default), web (HTTP only), worker (queue workers and schedules, with /livez, /readyz and
                          /metrics on HEALTH_PORT)
  -h, --help              print this help and exit

Admin and evaluation commands (migrate, rules, suggestions, tenant, eval, ...): npx closeloop --help
`;

/** Checks the service's arguments: the help, or the role; anything else is a usage error (exit 2). */
export function parseServiceArgs(argv: readonly string[]): { help: true } | { help: false; role?: Config['role'] } {
  let role: Config['role'] | undefined;
  for (const a of argv) {
    if (a === '--help' || a === '-h') return { help: true };
    const m = /^--role=(.*)$/.exec(a);
    if (m && ['all', 'web', 'worker'].includes(m[1]!)) role = m[1] as Config['role'];
    else if (m) throw new Error(`--role: expected all, web or worker, got "${m[1]}"`);
    else throw new Error(`unknown argument "${a}"`);
  }
  return { help: false, role };
}

/** `npm start` / `node dist/src/main.js`: configuration from the environment, then the demo or a real deployment. */
export async function cli(): Promise<void> {
  let args: ReturnType<typeof parseServiceArgs>;
  try {
    args = parseServiceArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`closeloop: ${(e as Error).message}\n\n${SERVICE_USAGE}`);
    process.exit(2);
  }
  if (args.help) {
    process.stdout.write(SERVICE_USAGE);
    return;
  }
  let cfg: Readonly<Config>;
  try {
    cfg = readConfigFromProcess(appSettingSpecs);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\nSee .env.example for every variable.\n`);
    process.exit(1);
  }
  if (args.role) cfg = { ...cfg, role: args.role };
  try {
    if (cfg.demo) {
      const { runDemo } = await import('./demo/run-demo.js');
      await runDemo(cfg, startCloseloop);
      return;
    }
    const cl = await startCloseloop(cfg);
    const shutdown = async () => {
      await cl.stop();
      process.exit(0);
    };
    process.on('SIGINT', shutdown);
    process.on('SIGTERM', shutdown);
  } catch (e) {
    // Known conditions (port or embedded database taken, bad configuration) are one clear line, not a stack.
    process.stderr.write(`closeloop: ${isCloseloopError(e) ? e.message : ((e as Error).stack ?? String(e))}\n`);
    process.exit(1);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  await cli();
}
