import { chooseScorer, type ScorerChoice } from '../inference/models/cold-start.js';
import { ScoringModel } from '../inference/models/scoring-model.js';
import type { Store } from '../store/index.js';
import { Lru } from '../lib/lru.js';

import { DEAL_MODEL_KIND, USEFULNESS_KIND } from '../store/models.js';

export { DEAL_MODEL_KIND, USEFULNESS_KIND };

export interface TenantScorer {
  choice: ScorerChoice;
  /** Present when choice.scorer is 'trained'. */
  model: ScoringModel | null;
}

// Deserialized models of the most recently scored tenants (MODEL_CACHE_SIZE): memory stays bounded with 1,000s of
// tenants.
const cache = new Lru<string, { trainedAt: number; model: ScoringModel }>(200);

/** Set how many tenants' models stay in memory (configuration, at start-up). */
export function setModelCacheSize(n: number): void {
  cache.resize(n);
}
/** Tenants whose model is in memory now (metrics, tests). */
export const modelCacheSize = (): number => cache.size;

/**
 * Which deal scorer serves this tenant (chooseScorer: history size and the trained model's held-out AUC),
 * with the deserialized model when it is the trained one. Models are cached per tenant until retrained.
 */
export async function tenantScorer(store: Store, tenantId: string): Promise<TenantScorer> {
  const [history, row] = await Promise.all([
    store.models.closedDealCounts(tenantId),
    store.models.get(tenantId, DEAL_MODEL_KIND),
  ]);
  const trained =
    row?.model && row.model_name ? { model: row.model_name, validationAuc: row.validation_auc } : undefined;
  const choice = chooseScorer(history, trained);
  if (choice.scorer !== 'trained' || !row?.model || !row.trained_at) return { choice, model: null };
  const at = row.trained_at.getTime();
  const hit = cache.get(tenantId);
  if (hit && hit.trainedAt === at) return { choice, model: hit.model };
  const model = ScoringModel.fromJSON(row.model);
  cache.set(tenantId, { trainedAt: at, model });
  return { choice, model };
}

/** Per-type weights learnt from outcomes (src/feedback/retrain.ts); 1 where nothing is known. */
export async function usefulnessWeights(
  store: Store,
  tenantId: string,
): Promise<Record<string, { weight: number; accepted: number; ignored: number }>> {
  const row = await store.models.get(tenantId, USEFULNESS_KIND);
  const w = (
    row?.metrics as { types?: Record<string, { weight: number; accepted: number; ignored: number }> } | undefined
  )?.types;
  return w ?? {};
}
