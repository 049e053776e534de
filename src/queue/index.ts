import { PgBoss, fromPglite, type Job } from 'pg-boss';
import type { Logger } from '../lib/logger.js';
import type { Db, Queryable } from '../store/db.js';

/**
 * Durable work on the same database as everything else (pg-boss). Jobs survive restarts and kill -9:
 * an active job whose process died expires and is retried; handlers are idempotent (inbox rows,
 * unique suggestion keys, outbox idempotency keys), so a retry never does the work twice.
 */
export const QUEUE_NAMES = ['inbox', 'backfill', 'poll', 'analyze', 'writeback', 'index'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];
/**
 * Keyed queues use pg-boss's "stately" policy: per singleton key at most one job waiting and one running,
 * so a burst of webhooks on one deal yields one re-analysis, and two workers never sync one connection at once.
 * Their jobs must always carry a key. The others are plain FIFO queues.
 */
const KEYED: ReadonlySet<QueueName> = new Set(['backfill', 'poll', 'analyze']);
const LONG: ReadonlySet<QueueName> = new Set(['backfill', 'poll']);

export interface SendOpts {
  singletonKey?: string;
  startAfterSeconds?: number;
  /** Not before this time (a provider's Retry-After, the end of a pause). Wins over startAfterSeconds. */
  startAfter?: Date;
  retryLimit?: number;
}

/** A job as handlers see it: its data, and the key it was sent with (a retry is sent with the same key). */
export interface QueuedJob<T> { id: string; name: string; data: T; singletonKey: string | null }

export interface WorkQueue {
  start(): Promise<void>;
  send(name: QueueName, data: object, opts?: SendOpts): Promise<string | null>;
  /** Enqueue inside the caller's transaction: the job exists iff the transaction commits. */
  sendInTx(tx: Queryable, name: QueueName, data: object, opts?: SendOpts): Promise<string | null>;
  work<T extends object>(name: QueueName, opts: { concurrency: number; batchSize?: number }, handler: (jobs: QueuedJob<T>[]) => Promise<void>): Promise<void>;
  stats(): Promise<Record<string, { queued: number; active: number; total: number }>>;
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
}

export function createWorkQueue(db: Db & { raw?: unknown }, databaseUrl: string | null, o: QueueOptions): WorkQueue {
  // How often expired jobs (their worker died) are found and retried.
  const supervise = o.superviseIntervalSeconds ?? 10;
  const boss = db.engine === 'pglite'
    ? new PgBoss({ db: fromPglite(db.raw as any), backend: 'pglite', schema: 'pgboss', supervise: true, schedule: false, superviseIntervalSeconds: supervise, useListenNotify: true })
    : new PgBoss({ connectionString: databaseUrl!, schema: 'pgboss', max: 5, supervise: true, schedule: false, useListenNotify: true, superviseIntervalSeconds: supervise });
  boss.on('error', (err: unknown) => o.logger.error({ err }, 'queue error'));
  const expire = o.expireInSeconds ?? 60;
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
      for (const name of QUEUE_NAMES) {
        if (!(await boss.getQueue(name))) await boss.createQueue(name, {
          policy: KEYED.has(name) ? 'stately' : 'standard', retryLimit: 8, retryBackoff: true, notify: true,
          // Syncs may run for a long time: they prove liveness by heartbeat instead of a short expiry.
          ...(LONG.has(name) ? { expireInSeconds: 6 * 3600, heartbeatSeconds: 30 } : { expireInSeconds: expire }),
        } as any);
      }
    },
    send: (name, data, opts) => { requireKey(name, opts); return boss.send(name, data, sendOpts(opts)); },
    sendInTx: (tx, name, data, opts) => {
      requireKey(name, opts);
      return boss.send(name, data, { ...sendOpts(opts), db: { executeSql: (text: string, values?: unknown[]) => tx.query(text, values) } });
    },
    async work(name, opts, handler) {
      for (let i = 0; i < Math.max(1, opts.concurrency); i++) {
        // NOTIFY wakes workers at once for new jobs; retries and delayed jobs are found by the backstop poll.
        await boss.work(name, { batchSize: opts.batchSize ?? 1, pollingIntervalSeconds: o.pollingIntervalSeconds ?? 0.5, notifyPollingIntervalSeconds: 2, includeMetadata: true } as any,
          (jobs: Job<object>[]) => handler(jobs.map((j) => ({ id: j.id, name: j.name, data: j.data as never, singletonKey: (j as { singletonKey?: string | null }).singletonKey ?? null }))));
      }
    },
    async stats() {
      const out: Record<string, { queued: number; active: number; total: number }> = {};
      for (const name of QUEUE_NAMES) {
        const q = (await boss.getQueue(name)) as any;
        out[name] = { queued: q?.queuedCount ?? 0, active: q?.activeCount ?? 0, total: q?.totalCount ?? 0 };
      }
      return out;
    },
    stop: () => boss.stop({ graceful: true, timeout: 5000, close: true }),
  };
}
