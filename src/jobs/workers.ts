import { isCloseloopError } from '../core/errors.js';
import { decideFailure, type FailureAction } from '../lib/failure-action.js';
import { inSpan } from '../lib/tracing.js';
import type { Logger } from '../lib/logger.js';
import type { Metrics } from '../lib/metrics.js';
import type { QueueName, QueuedJob, WorkQueue } from '../queue/index.js';
import type { Store } from '../store/index.js';
import { startChangeStreams, type ChangeStreamOptions, type ChangeStreams } from '../sync/change-streams.js';
import type { SyncDeps } from '../sync/process-inbox.js';
import { startInboxRunner, type InboxRunner, type InboxRunnerOptions } from '../sync/inbox-runner.js';
import type { Wakeup } from '../store/wakeup.js';
import { syncConnection } from '../sync/sync-connection.js';
import { checkCompleteness, checkConnectionSetup, setupCheckDue } from '../sync/connection-checks.js';
import { analyzeDeal, type AnalyzeDeps } from '../suggest/analyze-deal.js';
import { analyzeAccount } from '../suggest/analyze-account.js';
import { processOutbox, type WritebackDeps } from '../writeback/process-outbox.js';

/** Attempts per job before the policy gives up (transient failures only; the rest never retry). */
const MAX_ATTEMPTS: Partial<Record<QueueName, number>> = { analyze: 5, index: 8, poll: 3, backfill: 8 };

export interface IndexHandler {
  (connectionId: string, records: { kind: string; externalId: string }[]): Promise<void>;
}

export interface WorkerDeps {
  store: Store;
  queue: WorkQueue;
  logger: Logger;
  metrics: Metrics;
  sync: SyncDeps;
  analyze: AnalyzeDeps;
  writeback: WritebackDeps;
  index: IndexHandler | null;
  concurrency: number;
  now: () => number;
  /**
   * After a backfill, before the deal scan: train the tenant's models on its history and scan its accounts
   * (src/suggest, src/feedback).
   */
  afterBackfill?: (connectionId: string) => Promise<void>;
  /** Change-stream subscriptions (Salesforce CDC) held by this worker process; false turns them off. */
  changeStreams?: ChangeStreamOptions | false;
  /** Wake-ups for the inbox claim loops (new webhook batches). */
  wakeup: Wakeup;
  /** Inbox claim settings (poll interval, lease); concurrency is `concurrency`. */
  inbox?: Partial<Omit<InboxRunnerOptions, 'concurrency'>>;
}

export interface Workers {
  /** The change-stream supervisor of this process (null when turned off). */
  changeStreams: ChangeStreams | null;
  /** The inbox claim loops of this process. */
  inbox: InboxRunner;
  stop(): Promise<void>;
}

/**
 * Every queue's worker: a few lines each, delegating to the feature modules. Safe to run in any number of processes.
 */
export async function startWorkers(d: WorkerDeps): Promise<Workers> {
  /**
   * The one failure policy for jobs (src/lib/failure-action.ts), honoured here rather than by the queue's own
   * backoff: a retry is sent again, same data and key, not before the policy's time (a provider's Retry-After);
   * pause and reconnect set the connection's status and park the job (`park`); resync and fail end it.
   * The attempt count travels in the job data. Returns the action taken.
   */
  const onFailure = async <T extends object>(
    name: QueueName,
    job: QueuedJob<T & { attempt?: number }>,
    connectionId: string | null,
    err: unknown,
    park?: (a: FailureAction) => Promise<void>,
  ): Promise<FailureAction> => {
    const attempt = (job.data.attempt ?? 0) + 1;
    const action = decideFailure(err, { attempt, maxAttempts: MAX_ATTEMPTS[name] ?? 8, now: d.now() });
    const code = isCloseloopError(err) ? err.code : 'INTERNAL';
    d.metrics.jobFailures.inc({ queue: name, code });
    d.logger.warn(
      { queue: name, connectionId, code, attempt, action: action.action, reason: action.reason },
      'job failed',
    );
    if (connectionId && action.action === 'reconnect')
      await d.store.connections.setStatus(connectionId, 'needs_reconnect', action.reason);
    if (connectionId && action.action === 'pause')
      await d.store.connections.setStatus(connectionId, 'paused', action.reason, new Date(action.until));
    if (action.action === 'retry') {
      await d.queue.send(
        name,
        { ...job.data, attempt },
        { singletonKey: job.singletonKey ?? undefined, startAfter: new Date(action.at) },
      );
    } else if (action.action === 'pause' || action.action === 'reconnect') {
      await park?.(action);
    }
    return action;
  };
  const guard =
    <T extends object>(name: QueueName, job: QueuedJob<T & { attempt?: number }>, connectionId: string | null) =>
    async (err: unknown): Promise<void> => {
      await onFailure(name, job, connectionId, err);
    };

  // Webhook batches: claimed straight from the inbox (no job per delivery), connections served round-robin.
  const inbox = startInboxRunner(
    { ...d.sync, wakeup: d.wakeup },
    { concurrency: d.concurrency, now: d.now, ...d.inbox },
  );
  // Two jobs a fetch: while fetches come back full the worker keeps fetching, so a scan's backlog (queued by one
  // multi-row INSERT, one wake-up) drains without waiting for the backstop poll between jobs.
  await d.queue.work<{ connectionId: string; dealId?: string; companyId?: string; receivedAt: number | null }>(
    'analyze',
    { concurrency: d.concurrency, batchSize: 2 },
    async (jobs) => {
      for (const j of jobs) {
        // Account (churn) analyses share the queue: a job carries a dealId or a companyId.
        const run = j.data.companyId
          ? inSpan(
              'analyze account',
              { 'closeloop.connection_id': j.data.connectionId, 'closeloop.company_id': j.data.companyId },
              () => analyzeAccount(d.analyze, j.data.connectionId, j.data.companyId!, j.data.receivedAt),
            )
          : inSpan(
              'analyze deal',
              { 'closeloop.connection_id': j.data.connectionId, 'closeloop.deal_id': j.data.dealId! },
              () => analyzeDeal(d.analyze, j.data.connectionId, j.data.dealId!, j.data.receivedAt),
            );
        await run.catch(guard('analyze', j, j.data.connectionId));
      }
    },
  );
  await d.queue.work<{ outboxId: string; receivedAt: number | null }>(
    'writeback',
    { concurrency: d.concurrency },
    async (jobs) => {
      for (const j of jobs) {
        // The row keeps the attempt count; a retry is queued at the policy's time, a paused connection parks the row.
        const requeue = async (outboxId: string, at: Date) => {
          await d.queue.send('writeback', { outboxId, receivedAt: j.data.receivedAt }, { startAfter: at });
        };
        await inSpan('write-back', { 'closeloop.outbox_id': j.data.outboxId }, () =>
          processOutbox({ ...d.writeback, requeue }, j.data.outboxId, j.data.receivedAt),
        );
      }
    },
  );
  for (const mode of ['backfill', 'poll'] as const) {
    await d.queue.work<{ connectionId: string }>(mode, { concurrency: 1 }, async (jobs) => {
      for (const j of jobs) {
        const conn = await d.store.connections.get(j.data.connectionId);
        // A disconnected connection's sync restarts with the backfill a reinstall queues; a paused one's is parked
        // in the queue until the pause ends (polls also come back with the next cron tick).
        if (!conn || conn.status === 'needs_reconnect' || conn.status === 'failed') continue;
        if (conn.status === 'paused' && conn.paused_until && new Date(conn.paused_until).getTime() > d.now()) {
          if (mode === 'backfill')
            await d.queue.send(mode, j.data, {
              singletonKey: j.singletonKey ?? `backfill:${conn.id}`,
              startAfter: new Date(conn.paused_until),
            });
          continue;
        }
        try {
          // The install check at every backfill (an install or reinstall queues one), and on polls while it found
          // problems or once its answer is old (a field hidden or granted since).
          if (mode === 'backfill' || setupCheckDue(conn, d.now())) await checkConnectionSetup(d.sync, conn);
          const counts = await syncConnection(d.sync, conn, mode);
          if (conn.status !== 'active') await d.store.connections.setStatus(conn.id, 'active', null);
          d.logger.info({ connectionId: conn.id, provider: conn.provider, mode, counts }, `${mode} finished`);
          // Did the backfill get everything? Count per kind against the account, repair a difference (report in
          // /admin/connections).
          if (mode === 'backfill') await checkCompleteness(d.sync, conn, d.now);
          if (mode === 'backfill' && d.afterBackfill) await d.afterBackfill(conn.id);
          if (mode === 'backfill') await scanConnection(d, conn.id);
        } catch (err) {
          await onFailure(mode, j, conn.id, err, async (a) => {
            if (mode === 'backfill' && a.action === 'pause')
              await d.queue.send(
                mode,
                { connectionId: conn.id },
                { singletonKey: j.singletonKey ?? `backfill:${conn.id}`, startAfter: new Date(a.until) },
              );
          });
        }
      }
    });
  }
  await d.queue.work<{ connectionId: string; records: { kind: string; externalId: string }[] }>(
    'index',
    { concurrency: 1, batchSize: 20 },
    async (jobs) => {
      for (const j of jobs)
        if (d.index) await d.index(j.data.connectionId, j.data.records).catch(guard('index', j, j.data.connectionId));
    },
  );
  // One subscriber per connection across every worker process: the supervisor holds a lease row per stream.
  const changeStreams =
    d.changeStreams === false ? null : startChangeStreams({ ...d.sync, now: d.now }, d.changeStreams ?? {});
  return {
    changeStreams,
    inbox,
    stop: async () => {
      await changeStreams?.stop();
      await inbox.stop();
    },
  };
}

/** Proactive scan: queue an analysis of every open deal of a connection (stale deals surface here). */
export async function scanConnection(d: Pick<WorkerDeps, 'store' | 'queue'>, connectionId: string): Promise<number> {
  // Biggest deals first: when a rep's daily cap is reached, what waits for tomorrow is the smaller deals' advice.
  const deals = (await d.store.records.openDeals(connectionId)).sort((a, b) => (b.amount ?? -1) - (a.amount ?? -1));
  // A few multi-row INSERTs: a scan of 10,000 open deals is 20 statements, not 10,000.
  await d.queue.sendMany(
    'analyze',
    deals.map((deal, rank) => ({
      data: { connectionId, dealId: deal.externalId, receivedAt: null },
      singletonKey: `${connectionId}:${deal.externalId}`,
      // Claimed in this order, after every job of a live change (priority 0).
      priority: -(rank + 1),
    })),
  );
  return deals.length;
}
