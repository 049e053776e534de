import { chooseScorer, type ScorerChoice } from '../inference/models/cold-start.js';
import { ScoringModel } from '../inference/models/scoring-model.js';
import type { Activity } from '../core/canonical.js';
import type { Store } from '../store/index.js';
import { isCustomerTouch } from '../inference/deal-features.js';
import { isSellersOwn } from '../inference/conversation.js';
import { signalText } from '../inference/signals/email-text.js';
import type { AnalyzeDeps } from './analyze-deps.js';
import { Lru } from '../lib/lru.js';

import { DEAL_MODEL_KIND, SIGNALS_KIND, USEFULNESS_KIND } from '../store/models.js';
import {
  SHIPPED_FUSED_SIGNAL_MODELS_VERSION,
  SHIPPED_SIGNAL_MODELS_VERSION,
  shippedFusedSignalModels,
  shippedSignalModels,
  tenantFusedSignalModelsFromJSON,
  tenantSignalModelsFromJSON,
  type SentenceModel,
  type SentenceVectorLookup,
  type SignalType,
} from '../inference/signals/index.js';

export { DEAL_MODEL_KIND, SIGNALS_KIND, USEFULNESS_KIND };

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
  signalCache.resize(n);
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

/** A tenant's signal models for extractSignals: its fine-tuned types, named by when they were trained. */
export interface TenantSignals {
  classifiers: Partial<Record<SignalType, SentenceModel>>;
  /**
   * Its models on the fused base (for sentences with a vector); null when its corrections were learnt without the
   * sentence encoder (then `classifiers` serve every sentence). See ExtractOptions.fusedClassifiers.
   */
  fusedClassifiers: Partial<Record<SignalType, SentenceModel>> | null;
  /** `<trained date>` of the tenant's models, or null when every type runs on the shipped model. */
  classifiersVersion: string | null;
}

const signalCache = new Lru<string, { trainedAt: number; signals: TenantSignals }>(200);
const SHIPPED_ONLY: TenantSignals = { classifiers: {}, fusedClassifiers: null, classifiersVersion: null };

/**
 * The tenant's fine-tuned signal models (src/feedback/retrain.ts), for the types it has one for; the shipped model
 * serves every other type, and every type when the tenant has none or its corrections were learnt on another shipped
 * version. Cached per tenant until retrained.
 */
export async function tenantSignalModels(store: Store, tenantId: string): Promise<TenantSignals> {
  const row = await store.models.get(tenantId, SIGNALS_KIND);
  if (!row?.model || !row.trained_at) return SHIPPED_ONLY;
  const at = row.trained_at.getTime();
  const hit = signalCache.get(tenantId);
  if (hit && hit.trainedAt === at) return hit.signals;
  const classifiers = tenantSignalModelsFromJSON(row.model, shippedSignalModels(), SHIPPED_SIGNAL_MODELS_VERSION);
  const fusedClassifiers = tenantFusedSignalModelsFromJSON(
    row.model,
    shippedFusedSignalModels(),
    SHIPPED_FUSED_SIGNAL_MODELS_VERSION,
  );
  const signals: TenantSignals =
    Object.keys(classifiers).length > 0 || Object.keys(fusedClassifiers ?? {}).length > 0
      ? { classifiers, fusedClassifiers, classifiersVersion: row.trained_at.toISOString().slice(0, 19) + 'Z' }
      : SHIPPED_ONLY;
  signalCache.set(tenantId, { trainedAt: at, signals });
  return signals;
}

/**
 * Embeds the sentences of what the customer said (their emails, notes of calls and meetings with them: the texts
 * signals are read from) before the analysis reads them; without vectors the n-gram models read them.
 */
export async function prepareSignalVectors(
  vectors: AnalyzeDeps['signalVectors'],
  activities: readonly Activity[],
): Promise<void> {
  if (!vectors) return;
  await vectors.prepare(
    activities
      .filter((a) => isCustomerTouch(a) && !a.archived && !isSellersOwn(a, Number.POSITIVE_INFINITY))
      .map(signalText),
  );
}

/**
 * extractSignals options for a tenant's signal models (none: the shipped ones) and the sentence vectors the analysis
 * prepared (none: the n-gram models alone).
 */
export function signalOptions(
  t: TenantSignals,
  vectors?: SentenceVectorLookup | null,
): {
  classifiers?: Partial<Record<SignalType, SentenceModel>>;
  fusedClassifiers?: Partial<Record<SignalType, SentenceModel>> | null;
  classifiersVersion?: string;
  vectors?: SentenceVectorLookup;
} {
  return {
    ...(t.classifiersVersion
      ? { classifiers: t.classifiers, fusedClassifiers: t.fusedClassifiers, classifiersVersion: t.classifiersVersion }
      : {}),
    ...(vectors ? { vectors } : {}),
  };
}
