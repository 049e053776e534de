import { retrainTenant, type RetrainDeps } from '../feedback/retrain.js';
import type { Trainer } from '../feedback/trainer.js';
import type { Logger } from '../lib/logger.js';
import type { WorkQueue } from '../queue/index.js';
import type { Store } from '../store/index.js';
import { scanAccounts } from './scan.js';

/** After a backfill: train the tenant's models on the history just synced, then queue its account (churn) scan. */
export async function afterBackfill(
  d: {
    store: Store;
    queue: WorkQueue;
    logger: Logger;
    now: () => number;
    trainer?: Trainer;
    signalVectors?: RetrainDeps['signalVectors'];
  },
  connectionId: string,
): Promise<void> {
  const conn = await d.store.connections.get(connectionId);
  if (!conn) return;
  const r = await retrainTenant(d, conn.tenant_id, { force: true });
  d.logger.info({ connectionId, tenantId: conn.tenant_id, deal: r.deal }, 'models trained after backfill');
  await scanAccounts(d, connectionId);
}
