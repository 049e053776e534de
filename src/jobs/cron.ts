import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../lib/logger.js';
import type { WorkQueue } from '../queue/index.js';
import type { Store } from '../store/index.js';
import { scanConnection } from './workers.js';
import { recordOverdue } from '../feedback/scan.js';
import { retrainAll } from '../feedback/retrain.js';
import { scanAccounts } from '../suggest/scan.js';

/**
 * Schedules. Each tick only enqueues singleton jobs, so any number of processes may run the cron
 * side by side: the queue's singleton key keeps one job per connection and kind.
 */
export function startCron(d: { store: Store; queue: WorkQueue; logger: Logger; now: () => number; pollCron: string; scanCron: string; feedback?: { overdueCron: string; retrainCron: string } }): () => void {
  const tasks: ScheduledTask[] = [];
  const safe = (name: string, fn: () => Promise<void>) => async () => {
    try { await fn(); } catch (err) { d.logger.error({ err, job: name }, 'cron tick failed'); }
  };
  // Safety net: webhooks do not cover engagements, and deliveries can be lost.
  tasks.push(cron.schedule(d.pollCron, safe('poll', async () => {
    for (const c of await d.store.connections.list()) {
      if (c.status === 'active' || c.status === 'paused') await d.queue.send('poll', { connectionId: c.id }, { singletonKey: `poll:${c.id}` });
    }
  })));
  tasks.push(cron.schedule(d.scanCron, safe('scan', async () => {
    for (const c of await d.store.connections.list()) if (c.status === 'active') await scanConnection(d, c.id);
  })));
  tasks.push(cron.schedule('*/10 * * * *', safe('sweep', async () => {
    await d.store.oauthStates.sweep(d.now());
    await d.store.sources.sweepSlackEvents(new Date(d.now() - 86_400_000));
    // Inbox batches whose job vanished (should not happen: the job commits with the batch) are requeued by batch id.
    const stale = await d.store.inbox.stale(10 * 60 * 1000, d.now());
    if (stale.length) await d.queue.send('inbox', { ids: stale, receivedAt: null, connectionId: null });
  })));
  // Feedback and learning (src/feedback): overdue write-backs become outcomes; models retrain when due. Both are
  // idempotent (one outcome per target; a per-tenant lease on each model), so every process may run them.
  if (d.feedback) {
    const fb = d.feedback;
    tasks.push(cron.schedule(fb.overdueCron, safe('feedback-overdue', async () => { await recordOverdue(d.store, d.now()); })));
    tasks.push(cron.schedule(fb.retrainCron, safe('retrain', async () => { await retrainAll({ store: d.store, logger: d.logger, now: d.now }); })));
    tasks.push(cron.schedule(d.scanCron, safe('scan-accounts', async () => {
      for (const c of await d.store.connections.list()) if (c.status === 'active') await scanAccounts(d, c.id);
    })));
  }
  return () => { for (const t of tasks) t.stop(); };
}
