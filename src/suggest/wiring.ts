import type { Config } from '../config/index.js';
import { retrainTenant } from '../feedback/retrain.js';
import type { Trainer } from '../feedback/trainer.js';
import { createLlmClient, type LlmClient } from '../llm/index.js';
import type { Logger } from '../lib/logger.js';
import type { WorkQueue } from '../queue/index.js';
import type { Store } from '../store/index.js';
import { scanAccounts } from './scan.js';

/**
 * The large model for drafts: config `openai` (OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_MODEL); null = template drafter.
 */
export function createDraftLlm(cfg: Pick<Readonly<Config>, 'openai'>): LlmClient | null {
  return cfg.openai
    ? createLlmClient({ apiKey: cfg.openai.apiKey, baseURL: cfg.openai.baseURL ?? undefined, model: cfg.openai.model })
    : null;
}

/** Overdue outcomes hourly; models retrain nightly (each tenant at most once per RETRAIN_MIN_INTERVAL_MS). */
export const FEEDBACK_SCHEDULES = { overdueCron: '15 * * * *', retrainCron: '30 3 * * *' } as const;

/** After a backfill: train the tenant's models on the history just synced, then queue its account (churn) scan. */
export async function afterBackfill(
  d: { store: Store; queue: WorkQueue; logger: Logger; now: () => number; trainer?: Trainer },
  connectionId: string,
): Promise<void> {
  const conn = await d.store.connections.get(connectionId);
  if (!conn) return;
  const r = await retrainTenant(d, conn.tenant_id, { force: true });
  d.logger.info({ connectionId, tenantId: conn.tenant_id, deal: r.deal }, 'models trained after backfill');
  await scanAccounts(d, connectionId);
}
