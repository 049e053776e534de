import os from 'node:os';
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../lib/logger.js';
import type { WorkQueue } from '../queue/index.js';
import type { Store } from '../store/index.js';
import { INBOX_RETENTION_MS } from '../store/inbox.js';
import { scanConnection } from './workers.js';
import { recordOverdue } from '../feedback/scan.js';
import { retrainAll, type RetrainDeps } from '../feedback/retrain.js';
import type { Trainer } from '../feedback/trainer.js';
import { scanAccounts } from '../suggest/scan.js';

/** A pending write-back whose job is this overdue is considered lost and queued again. */
export const OUTBOX_LOST_AFTER_MS = 15 * 60_000;

/**
 * How late a schedule's tick may still run. Under 30 s, so a late tick names the same minute in `schedule_ticks` as an
 * on-time one in another process (src/store/schedules.ts rounds the database clock to the nearest minute).
 */
export const TICK_TOLERANCE_MS = 25_000;

/** Parked and lost write-backs: queued again when their connection can write. */
export async function sweepOutbox(d: {
  store: Store;
  queue: WorkQueue;
  logger: Logger;
  now: () => number;
}): Promise<number> {
  // A connection whose writes its account's setup refused: one parked write is tried again when due (its success
  // resumes the rest).
  const rows = [
    ...(await d.store.outbox.claimSetupProbes(d.now())),
    ...(await d.store.outbox.claimResumable(d.now(), OUTBOX_LOST_AFTER_MS)),
  ];
  for (const r of rows) await d.queue.send('writeback', { outboxId: r.id, receivedAt: null });
  if (rows.length) d.logger.info({ rows: rows.length }, 'write-backs resumed');
  return rows.length;
}

/**
 * Schedules. Any number of processes run the cron side by side; each tick of each schedule runs in one of
 * them (src/store/schedules.ts), and what a tick enqueues is keyed, so a late duplicate would still be harmless.
 */
export function startCron(d: {
  store: Store;
  queue: WorkQueue;
  logger: Logger;
  now: () => number;
  pollCron: string;
  scanCron: string;
  feedback?: { overdueCron: string; retrainCron: string };
  reencrypt?: () => Promise<unknown>;
  settleIndex?: (deadline: number) => Promise<unknown>;
  owner?: string;
  trainer?: Trainer;
  /** Sentence vectors for the signal corrections on the fused models (RetrainDeps.signalVectors). */
  signalVectors?: RetrainDeps['signalVectors'];
}): () => void {
  const tasks: ScheduledTask[] = [];
  const owner = d.owner ?? `${os.hostname()}:${process.pid}`;
  // Every process runs the same cron; the first to claim a tick in the database runs it, the others skip it.
  const safe = (name: string, fn: () => Promise<void>) => async () => {
    try {
      if (!(await d.store.schedules.claim(name, owner))) return;
      d.logger.info({ schedule: name }, 'schedule tick');
      await fn();
    } catch (err) {
      d.logger.error({ err, job: name }, 'cron tick failed');
    }
  };
  // A tick that comes due while the process is busy (a retrain, a backfill on a small machine) still runs when the
  // process gets to it, up to TICK_TOLERANCE_MS late; node-cron's default (1 s) skipped the tick altogether.
  const every = (expression: string, name: string, fn: () => Promise<void>) => {
    const task = cron.schedule(expression, safe(name, fn), { name, missedExecutionTolerance: TICK_TOLERANCE_MS });
    task.on('execution:missed', (ctx) =>
      d.logger.warn(
        { schedule: name, tick: ctx.date.toISOString() },
        `schedule tick missed: the process was busy for more than ${TICK_TOLERANCE_MS / 1000} s (the next tick runs)`,
      ),
    );
    tasks.push(task);
  };
  // Safety net: webhooks do not cover engagements, and deliveries can be lost.
  every(d.pollCron, 'poll', async () => {
    for (const c of await d.store.connections.list()) {
      if (c.status === 'active' || c.status === 'paused')
        await d.queue.send('poll', { connectionId: c.id }, { singletonKey: `poll:${c.id}` });
    }
  });
  every(d.scanCron, 'scan', async () => {
    for (const c of await d.store.connections.list()) if (c.status === 'active') await scanConnection(d, c.id);
  });
  every('*/10 * * * *', 'sweep', async () => {
    await d.store.oauthStates.sweep(d.now());
    await d.store.access.sweep(new Date(d.now()));
    // Tokens still under an older TOKEN_ENCRYPTION_KEY (a rotation in progress) are rewritten with the current one.
    if (d.reencrypt) await d.reencrypt();
    await d.store.sources.sweepSlackEvents(new Date(d.now() - 86_400_000));
    await d.store.schedules.prune(new Date(d.now() - 7 * 86_400_000));
    // Processed webhook batches and their event ids, past every provider's redelivery window (INBOX_RETENTION_MS).
    await d.store.inbox.prune(new Date(d.now() - INBOX_RETENTION_MS));
  });
  // Parked write-backs resume once their connection can write again (pause over, reinstalled); lost jobs are requeued.
  every('* * * * *', 'outbox-sweep', async () => {
    await sweepOutbox(d);
  });
  // Chunks a backfill bulk-loaded are queryable at once (exact scan); this folds them into the HNSW graph,
  // in small transactions for at most 45 s a minute, so the scan stays fast (src/store/pgvector-store.ts).
  const settleIndex = d.settleIndex;
  if (settleIndex)
    every('* * * * *', 'context-settle', async () => {
      await settleIndex(Date.now() + 45_000);
    });
  // Feedback and learning (src/feedback): overdue write-backs become outcomes; models retrain when due. Both are
  // idempotent (one outcome per target; a per-tenant lease on each model), so every process may run them.
  if (d.feedback) {
    const fb = d.feedback;
    every(fb.overdueCron, 'feedback-overdue', async () => {
      await recordOverdue(d.store, d.now());
    });
    every(fb.retrainCron, 'retrain', async () => {
      await retrainAll({
        store: d.store,
        logger: d.logger,
        now: d.now,
        trainer: d.trainer,
        signalVectors: d.signalVectors,
      });
    });
    every(d.scanCron, 'scan-accounts', async () => {
      for (const c of await d.store.connections.list()) if (c.status === 'active') await scanAccounts(d, c.id);
    });
  }
  return () => {
    for (const t of tasks) t.stop();
  };
}
