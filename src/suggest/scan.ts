import type { WorkQueue } from '../queue/index.js';
import type { Store } from '../store/index.js';

/**
 * Proactive churn scan: queue an account analysis for every company of a connection that has deals
 * (customers), including those with no open deal, which the deal scan never reaches. Stale deals and deals
 * with no next step are found by the deal scan (scanConnection in src/jobs/workers.ts); the per-rep daily
 * cap (rule `rep-daily-cap`) bounds what any scan produces.
 */
export async function scanAccounts(d: { store: Store; queue: WorkQueue }, connectionId: string): Promise<number> {
  const companies = await d.store.models.companies(connectionId);
  // A few multi-row INSERTs (WorkQueue.sendMany), not one statement per company.
  await d.queue.sendMany(
    'analyze',
    companies.map((c) => ({
      data: { connectionId, companyId: c.externalId, receivedAt: null },
      singletonKey: `${connectionId}:company:${c.externalId}`,
    })),
  );
  return companies.length;
}
