import pg from 'pg';
import { PgBoss, fromPglite, type Db as Db_, type Job } from 'pg-boss';
import { withLogContext } from '../lib/log-context.js';
import type { Logger } from '../lib/logger.js';
import type { Db, Queryable } from '../store/db.js';
import { listenWithReconnect } from '../store/wakeup.js';

/**
 * Durable work on the same database as everything else (pg-boss). Jobs survive restarts and kill -9:
 * an active job whose process died expires and is retried; handlers are idempotent (inbox rows,
 * unique suggestion keys, outbox idempotency keys), so a retry never does the work twice. Webhook batches are not
 * here: the inbox is its own queue (src/store/inbox.ts, src/sync/inbox-runner.ts), with no job per delivery.
 */
export const QUEUE_NAMES = ['backfill', 'poll', 'analyze', 'writeback', 'index'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];
/**
 * Keyed queues use pg-boss's "stately" policy: per singleton key at most one job waiting and one running,
 * so a burst of webhooks on one deal yields one re-analysis, and two workers never sync one connection at once.
 * Their jobs must always carry a key. The others are plain FIFO queues.
 */
const KEYED: ReadonlySet<QueueName> = new Set(['backfill', 'poll', 'analyze']);
const LONG: ReadonlySet<QueueName> = new Set(['backfill', 'poll']);
/**
 * Index jobs embed activities with the local model, tens of chunks a second per thread (a backfill page of 100
 * activities can take minutes): they prove liveness by heartbeat instead of the 60 s expiry. Set on each job, so
 * an `index` queue created before this keeps working.
 */
const PER_JOB: Partial<Record<QueueName, { expireInSeconds: number; heartbeatSeconds: number }>> = {
  index: { expireInSeconds: 6 * 3600, heartbeatSeconds: 30 },
};
/** Jobs per INSERT statement when a scan enqueues many at once (sendMany). */
export const SEND_MANY_CHUNK = 500;

export interface QueueDepth {
  queued: number;
  active: number;
  oldestSeconds: number;
}

export interface SendOpts {
  singletonKey?: string;
  startAfterSeconds?: number;
  /** Not before this time (a provider's Retry-After, the end of a pause). Wins over startAfterSeconds. */
  startAfter?: Date;
  retryLimit?: number;
}

/** A job as handlers see it: its data, and the key it was sent with (a retry is sent with the same key). */
export interface QueuedJob<T> {
  id: string;
  name: string;
  data: T;
  singletonKey: string | null;
}

export interface WorkQueue {
  start(): Promise<void>;
  send(name: QueueName, data: object, opts?: SendOpts): Promise<string | null>;
  /**
   * Enqueue many jobs with a few multi-row INSERTs (scans: one statement per SEND_MANY_CHUNK jobs, not one per
   * job). Same rules as `send`: keyed queues skip a job whose key already waits. Returns how many were queued.
   */
  /** `priority`: higher first (default 0, what every other job has); a scan ranks its jobs below 0. */
  sendMany(name: QueueName, jobs: { data: object; singletonKey?: string; priority?: number }[]): Promise<number>;
  /** Enqueue inside the caller's transaction: the job exists iff the transaction commits. */
  sendInTx(tx: Queryable, name: QueueName, data: object, opts?: SendOpts): Promise<string | null>;
  work<T extends object>(
    name: QueueName,
    opts: { concurrency: number; batchSize?: number },
    handler: (jobs: QueuedJob<T>[]) => Promise<void>,
  ): Promise<void>;
  stats(): Promise<Record<string, { queued: number; active: number; total: number }>>;
  /**
   * Live depth per queue, read from the job table: jobs due and waiting, running, and the age of the oldest due one.
   */
  depth?(): Promise<Record<QueueName, QueueDepth>>;
  /** Throws unless the queue is started and its tables answer (readiness). */
  ping?(): Promise<void>;
  stop(): Promise<void>;
}

function requireKey(name: QueueName, opts?: SendOpts): void {
  if (KEYED.has(name) && !opts?.singletonKey) throw new Error(`jobs on queue ${name} need a singletonKey`);
}

export interface QueueOptions {
  logger: Logger;
  /** Seconds before an active job whose worker vanished is retried (kill -9 recovery). */
  expireInSeconds?: number;
  pollingIntervalSeconds?: number;
  superviseIntervalSeconds?: number;
  /** Connections of the queue's own pool (PostgreSQL). */
  poolSize?: number;
  /** false: no LISTEN/NOTIFY, jobs are found by polling alone (PgBouncer in transaction mode). */
  notify?: boolean;
  /** A direct (session-mode) connection to LISTEN on when DATABASE_URL goes through a transaction pooler. */
  listenUrl?: string | null;
}

export function createWorkQueue(db: Db & { raw?: unknown }, databaseUrl: string | null, o: QueueOptions): WorkQueue {
  // How often expired jobs (their worker died) are found and retried.
  const supervise = o.superviseIntervalSeconds ?? 10;
  const notify = o.notify ?? true;
  const pooled = o.listenUrl ? pooledWithListener(databaseUrl!, o.listenUrl, o.poolSize ?? 4) : null;
  // Traces (src/lib/tracing.ts): a job stores the trace context it was sent in (pg-boss's trace_context column)
  // and its worker continues that trace. Without a registered tracer provider nothing is stored or recorded.
  const openTelemetry = { propagateContext: true };
  const boss =
    db.engine === 'pglite'
      ? new PgBoss({
          db: fromPglite(db.raw as any),
          backend: 'pglite',
          schema: 'pgboss',
          supervise: true,
          schedule: false,
          superviseIntervalSeconds: supervise,
          useListenNotify: notify,
          openTelemetry,
        })
      : pooled
        ? new PgBoss({
            db: pooled.db,
            schema: 'pgboss',
            supervise: true,
            schedule: false,
            useListenNotify: notify,
            superviseIntervalSeconds: supervise,
            openTelemetry,
          })
        : new PgBoss({
            connectionString: databaseUrl!,
            schema: 'pgboss',
            max: o.poolSize ?? 4,
            supervise: true,
            schedule: false,
            useListenNotify: notify,
            superviseIntervalSeconds: supervise,
            openTelemetry,
          });
  boss.on('error', (err: unknown) => o.logger.error({ err }, 'queue error'));
  const expire = o.expireInSeconds ?? 60;
  let started = false;
  const sendOpts = (opts: SendOpts = {}) => ({
    singletonKey: opts.singletonKey,
    startAfter: opts.startAfter ?? opts.startAfterSeconds,
    retryLimit: opts.retryLimit ?? 8,
    retryDelay: 2,
    retryBackoff: true,
    retryDelayMax: 300,
  });
  return {
    async start() {
      await boss.start();
      started = true;
      for (const name of QUEUE_NAMES) {
        if (!(await boss.getQueue(name)))
          await boss.createQueue(name, {
            policy: KEYED.has(name) ? 'stately' : 'standard',
            retryLimit: 8,
            retryBackoff: true,
            notify: true,
            // Syncs may run for a long time: they prove liveness by heartbeat instead of a short expiry.
            ...(LONG.has(name) ? { expireInSeconds: 6 * 3600, heartbeatSeconds: 30 } : { expireInSeconds: expire }),
          } as any);
      }
    },
    send: (name, data, opts) => {
      requireKey(name, opts);
      return boss.send(name, data, { ...sendOpts(opts), ...PER_JOB[name] });
    },
    async sendMany(name, jobs) {
      let n = 0;
      for (let i = 0; i < jobs.length; i += SEND_MANY_CHUNK) {
        const chunk = jobs.slice(i, i + SEND_MANY_CHUNK).map((j) => {
          requireKey(name, { singletonKey: j.singletonKey });
          const { singletonKey, retryLimit, retryDelay, retryBackoff, retryDelayMax } = sendOpts({
            singletonKey: j.singletonKey,
          });
          return {
            data: j.data,
            singletonKey,
            retryLimit,
            retryDelay,
            retryBackoff,
            retryDelayMax,
            ...(j.priority ? { priority: j.priority } : {}),
            ...PER_JOB[name],
          };
        });
        const ids = await boss.insert(name, chunk, { returnId: true });
        n += ids?.length ?? 0;
      }
      return n;
    },
    sendInTx: (tx, name, data, opts) => {
      requireKey(name, opts);
      return boss.send(name, data, {
        ...sendOpts(opts),
        ...PER_JOB[name],
        db: { executeSql: (text: string, values?: unknown[]) => tx.query(text, values) },
      });
    },
    async work(name, opts, handler) {
      for (let i = 0; i < Math.max(1, opts.concurrency); i++) {
        // NOTIFY wakes workers at once for new jobs; retries and delayed jobs are found by the backstop poll.
        // A worker that got a full batch fetches again at once (burstWhenBatchFull): a backlog queued by one
        // multi-row INSERT (sendMany) sends one NOTIFY, and would otherwise drain one batch per backstop poll.
        // A worker that got any job looks again as soon as it is done (notifyWorker): pg-boss clears a worker's wake-up
        // when it fetches, and a fetch takes one batch, so jobs queued while every worker was busy waited for the
        // backstop poll (2 s and more) after the last of them, with the workers idle (the demo's close and withdraw
        // writes took 2-7 s that way).
        let workerId: string | null = null;
        workerId = await boss.work(
          name,
          {
            batchSize: opts.batchSize ?? 1,
            burstWhenBatchFull: (opts.batchSize ?? 1) > 1,
            pollingIntervalSeconds: o.pollingIntervalSeconds ?? (notify ? 0.5 : 2),
            notifyPollingIntervalSeconds: Math.max(2, o.pollingIntervalSeconds ?? 0),
            includeMetadata: true,
          } as any,
          // Every log line the handler writes names the queue and the job (src/lib/log-context.ts).
          async (jobs: Job<object>[]) => {
            try {
              return await withLogContext(
                jobs.length === 1
                  ? { queue: name, jobId: jobs[0]!.id }
                  : { queue: name, jobIds: jobs.map((j) => j.id) },
                () =>
                  handler(
                    jobs.map((j) => ({
                      id: j.id,
                      name: j.name,
                      data: j.data as never,
                      singletonKey: (j as { singletonKey?: string | null }).singletonKey ?? null,
                    })),
                  ),
              );
            } finally {
              if (jobs.length > 0 && workerId !== null) boss.notifyWorker(workerId);
            }
          },
        );
      }
    },
    async depth() {
      // State order in pg-boss's enum: created < retry < active < completed < cancelled < failed.
      const r = await db.query<{ name: string; queued: number; active: number; oldest: number | null }>(
        `SELECT name,
                count(*) FILTER (WHERE state < 'active' AND start_after <= now())::int AS queued,
                count(*) FILTER (WHERE state = 'active')::int AS active,
                extract(epoch FROM now() - min(created_on) FILTER (WHERE state < 'active' AND start_after <= now()))::float8 AS oldest
           FROM pgboss.job WHERE state < 'completed' GROUP BY name`,
      );
      const out = Object.fromEntries(QUEUE_NAMES.map((n) => [n, { queued: 0, active: 0, oldestSeconds: 0 }])) as Record<
        QueueName,
        QueueDepth
      >;
      for (const row of r.rows) {
        if ((QUEUE_NAMES as readonly string[]).includes(row.name))
          out[row.name as QueueName] = {
            queued: row.queued,
            active: row.active,
            oldestSeconds: Math.max(0, row.oldest ?? 0),
          };
      }
      return out;
    },
    async ping() {
      if (!started) throw new Error('queue not started');
      await db.query('SELECT 1 FROM pgboss.job LIMIT 1');
    },
    async stats() {
      const out: Record<string, { queued: number; active: number; total: number }> = {};
      for (const name of QUEUE_NAMES) {
        const q = (await boss.getQueue(name)) as any;
        out[name] = { queued: q?.queuedCount ?? 0, active: q?.activeCount ?? 0, total: q?.totalCount ?? 0 };
      }
      return out;
    },
    stop: async () => {
      started = false;
      await boss.stop({ graceful: true, timeout: 5000, close: true });
      await pooled?.close();
    },
  };
}

/**
 * pg-boss on a pool through DATABASE_URL (which may be PgBouncer in transaction mode: plain statements only),
 * listening for job notifications on its own session connection to `listenUrl` (direct to PostgreSQL).
 * NOTIFY is only a wake-up hint: while the listener is down, workers still find jobs by polling.
 */
function pooledWithListener(url: string, listenUrl: string, max: number): { db: Db_; close(): Promise<void> } {
  const pool = new pg.Pool({ connectionString: url, max });
  pool.on('error', () => {
    /* idle client errors surface on the next query */
  });
  const db: Db_ = {
    executeSql: (text, values) => pool.query(text, values as any[]),
    async listen(channel, onNotification, onReconnect) {
      const l = listenWithReconnect(listenUrl, channel, {
        onNotification: (payload) => {
          if (payload !== undefined) onNotification(payload);
        },
        onConnected: onReconnect,
      });
      try {
        await l.ready;
      } catch (e) {
        await l.close();
        throw e;
      }
      return { close: l.close };
    },
  };
  return { db, close: () => pool.end() };
}
