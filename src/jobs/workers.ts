import { isCloseloopError } from '../core/errors.js';
import { failureAction } from '../lib/failure-action.js';
import type { Logger } from '../lib/logger.js';
import type { Metrics } from '../lib/metrics.js';
import type { WorkQueue } from '../queue/index.js';
import type { Store } from '../store/index.js';
import { startChangeStreams, type ChangeStreamOptions, type ChangeStreams } from '../sync/change-streams.js';
import { processInbox, type SyncDeps } from '../sync/process-inbox.js';
import { syncConnection } from '../sync/sync-connection.js';
import { analyzeDeal, type AnalyzeDeps } from '../suggest/analyze-deal.js';
import { analyzeAccount } from '../suggest/analyze-account.js';
import { processOutbox, type WritebackDeps } from '../writeback/process-outbox.js';

export interface IndexHandler { (connectionId: string, records: { kind: string; externalId: string }[]): Promise<void> }

export interface WorkerDeps {
  store: Store; queue: WorkQueue; logger: Logger; metrics: Metrics;
  sync: SyncDeps; analyze: AnalyzeDeps; writeback: WritebackDeps;
  index: IndexHandler | null;
  concurrency: number;
  now: () => number;
  /** After a backfill, before the deal scan: train the tenant's models on its history and scan its accounts (src/suggest, src/feedback). */
  afterBackfill?: (connectionId: string) => Promise<void>;
  /** Change-stream subscriptions (Salesforce CDC) held by this worker process; false turns them off. */
  changeStreams?: ChangeStreamOptions | false;
}

export interface Workers {
  /** The change-stream supervisor of this process (null when turned off). */
  changeStreams: ChangeStreams | null;
  stop(): Promise<void>;
}

/** Every queue's worker: a few lines each, delegating to the feature modules. Safe to run in any number of processes. */
export async function startWorkers(d: WorkerDeps): Promise<Workers> {
  const guard = (queue: string, connectionId: string | null) => async (err: unknown) => {
    const code = isCloseloopError(err) ? err.code : 'INTERNAL';
    d.metrics.jobFailures.inc({ queue, code });
    const action = failureAction(err, d.now());
    d.logger.warn({ queue, connectionId, code, action: action.action, reason: action.reason }, 'job failed');
    if (connectionId && action.action === 'reconnect') await d.store.connections.setStatus(connectionId, 'needs_reconnect', action.reason);
    if (connectionId && action.action === 'pause') await d.store.connections.setStatus(connectionId, 'paused', action.reason, new Date(action.until));
    if (action.action === 'reconnect' || action.action === 'fail') return; // do not retry: an admin must act
    throw err;
  };

  await d.queue.work<{ ids: string[]; receivedAt: number | null; connectionId: string | null }>('inbox', { concurrency: d.concurrency }, async (jobs) => {
    for (const j of jobs) await processInbox(d.sync, j.data.ids, j.data.receivedAt).catch(guard('inbox', j.data.connectionId));
  });
  await d.queue.work<{ connectionId: string; dealId?: string; companyId?: string; receivedAt: number | null }>('analyze', { concurrency: d.concurrency }, async (jobs) => {
    for (const j of jobs) {
      // Account (churn) analyses share the queue: a job carries a dealId or a companyId.
      const run = j.data.companyId
        ? analyzeAccount(d.analyze, j.data.connectionId, j.data.companyId, j.data.receivedAt)
        : analyzeDeal(d.analyze, j.data.connectionId, j.data.dealId!, j.data.receivedAt);
      await run.catch(guard('analyze', j.data.connectionId));
    }
  });
  await d.queue.work<{ outboxId: string; receivedAt: number | null }>('writeback', { concurrency: d.concurrency }, async (jobs) => {
    for (const j of jobs) await processOutbox(d.writeback, j.data.outboxId, j.data.receivedAt);
  });
  for (const mode of ['backfill', 'poll'] as const) {
    await d.queue.work<{ connectionId: string }>(mode, { concurrency: 1 }, async (jobs) => {
      for (const j of jobs) {
        const conn = await d.store.connections.get(j.data.connectionId);
        if (!conn || conn.status === 'needs_reconnect' || conn.status === 'failed') continue;
        if (conn.status === 'paused' && conn.paused_until && new Date(conn.paused_until).getTime() > d.now()) continue;
        try {
          const counts = await syncConnection(d.sync, conn, mode);
          if (conn.status !== 'active') await d.store.connections.setStatus(conn.id, 'active', null);
          d.logger.info({ connectionId: conn.id, provider: conn.provider, mode, counts }, `${mode} finished`);
          if (mode === 'backfill' && d.afterBackfill) await d.afterBackfill(conn.id);
          if (mode === 'backfill') await scanConnection(d, conn.id);
        } catch (err) {
          await guard(mode, conn.id)(err);
        }
      }
    });
  }
  await d.queue.work<{ connectionId: string; records: { kind: string; externalId: string }[] }>('index', { concurrency: 1, batchSize: 20 }, async (jobs) => {
    for (const j of jobs) if (d.index) await d.index(j.data.connectionId, j.data.records).catch(guard('index', j.data.connectionId));
  });
  // One subscriber per connection across every worker process: the supervisor holds a lease row per stream.
  const changeStreams = d.changeStreams === false ? null : startChangeStreams({ ...d.sync, now: d.now }, d.changeStreams ?? {});
  return { changeStreams, stop: async () => { await changeStreams?.stop(); } };
}

/** Proactive scan: queue an analysis of every open deal of a connection (stale deals surface here). */
export async function scanConnection(d: Pick<WorkerDeps, 'store' | 'queue'>, connectionId: string): Promise<number> {
  const deals = await d.store.records.openDeals(connectionId);
  for (const deal of deals) await d.queue.send('analyze', { connectionId, dealId: deal.externalId, receivedAt: null }, { singletonKey: `${connectionId}:${deal.externalId}` });
  return deals.length;
}
