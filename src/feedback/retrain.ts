import { isCloseloopError } from '../core/errors.js';
import { DEAL_POSITIVE, DEAL_TARGET, dealTrainingTable } from '../inference/deal-features.js';
import { chooseScorer } from '../inference/models/cold-start.js';
import type { Logger } from '../lib/logger.js';
import type { Store } from '../store/index.js';
import { createTrainer, type Trainer } from './trainer.js';
import { DEAL_MODEL_KIND, SIGNALS_KIND, USEFULNESS_KIND } from '../store/models.js';
import {
  SHIPPED_FUSED_SIGNAL_MODELS_VERSION,
  SHIPPED_SIGNAL_MODELS_VERSION,
  shippedFusedSignalModels,
  shippedSignalModels,
  SIGNAL_OF_SUGGESTION,
  TENANT_SIGNAL_MODEL,
  trainTenantSignalModels,
  type FineTuneReport,
  type SentenceVectorLookup,
} from '../inference/signals/index.js';

const HOUR = 3_600_000;
/** A scheduled retrain skips a model trained less than this long ago (a forced one, after a backfill, does not). */
export const RETRAIN_MIN_INTERVAL_MS = 20 * HOUR;
const LEASE_MS = HOUR;
/** Outcomes older than this do not re-weight a type any more. */
export const USEFULNESS_WINDOW_MS = 180 * 24 * HOUR;
/** Pseudo-counts: a type with no outcomes keeps weight 1; the weight moves within [0.5, 1.5]. */
const USEFULNESS_PRIOR = 2;

export interface RetrainDeps {
  store: Store;
  logger: Logger;
  now: () => number;
  trainer?: Trainer;
  /**
   * The worker's sentence vectors (src/inference/signals/sentence-vectors.ts): with them the signal corrections are
   * also learnt on the fused models, for the sentences the product reads with them.
   */
  signalVectors?: SentenceVectorLookup & { prepare(texts: readonly string[]): Promise<void> };
}

const INLINE = createTrainer({ concurrency: 1, threads: false });

export interface RetrainResult {
  deal: { trained: boolean; model: string | null; validationAuc: number | null; reason: string } | null;
  usefulness: Record<string, { weight: number; accepted: number; ignored: number }> | null;
  /**
   * Per signal type: whether the tenant's fine-tuned model was kept, and why; `fused`: the same on the fused models
   * (null when the retrain had no sentence encoder).
   */
  signals: {
    trained: boolean;
    types: Record<string, FineTuneReport>;
    fused: Record<string, FineTuneReport> | null;
  } | null;
}

/** Labels older than this are not used to fine-tune the tenant's signal models. */
export const SIGNAL_LABEL_WINDOW_MS = 365 * 24 * HOUR;
/** At most this many (newest) quoted sentences per retrain: fine-tuning runs inline, ≈ 5 s for 1,600 on a busy core. */
export const SIGNAL_LABEL_LIMIT = 2000;

/** Per-type weight from outcomes, negative ones included: 2·(accepted + 2) / (accepted + ignored + 4). */
export function usefulnessWeight(accepted: number, ignored: number): number {
  return Math.round(((2 * (accepted + USEFULNESS_PRIOR)) / (accepted + ignored + 2 * USEFULNESS_PRIOR)) * 1000) / 1000;
}

/**
 * Retrain a tenant's small models: the deal-scoring model from its closed won AND lost deals (class balance
 * and time-ordered validation are the trainer's), stored only when chooseScorer finds the history enough;
 * and the per-type usefulness weights from what reps did with the suggestions. Each model is claimed first,
 * so concurrent processes do not train one tenant twice.
 */
export async function retrainTenant(
  deps: RetrainDeps,
  tenantId: string,
  opts: { force?: boolean } = {},
): Promise<RetrainResult> {
  const now = new Date(deps.now());
  const minInterval = opts.force ? 0 : RETRAIN_MIN_INTERVAL_MS;
  const out: RetrainResult = { deal: null, usefulness: null, signals: null };
  const log = deps.logger.child({ tenantId, job: 'retrain' });

  if (await deps.store.models.claim(tenantId, DEAL_MODEL_KIND, now, LEASE_MS, minInterval)) {
    const history = await deps.store.models.closedDealCounts(tenantId);
    const pre = chooseScorer(history, { model: 'candidate', validationAuc: null });
    const previous = await deps.store.models.get(tenantId, DEAL_MODEL_KIND);
    if (pre.scorer === 'cold_start') {
      // Not enough history: keep any previous model out of service by recording why (chooseScorer decides at use).
      await deps.store.models.save(tenantId, DEAL_MODEL_KIND, {
        modelName: null,
        model: null,
        rows: history.won + history.lost,
        positives: history.won,
        validationAuc: null,
        metrics: { reason: pre.reason },
        trainedAt: now,
      });
      out.deal = { trained: false, model: null, validationAuc: null, reason: pre.reason };
    } else {
      try {
        const { deals, activities } = await deps.store.models.closedDealsWithActivities(tenantId);
        const table = dealTrainingTable(deals, activities);
        const started = Date.now();
        // CPU-heavy: in a worker thread with a per-process cap when the service wired a trainer
        // (src/feedback/trainer.ts).
        const model = await (deps.trainer ?? INLINE).train(table, {
          target: DEAL_TARGET,
          positive: DEAL_POSITIVE,
          algorithm: 'auto',
        });
        const chosen = model.training.candidates.find((c) => c.algorithm === model.algorithm);
        const validationAuc = chosen?.validationAuc ?? null;
        const metrics = {
          reason: model.training.reason,
          candidates: model.training.candidates,
          trainMs: Date.now() - started,
          topFactors: model.topFactors,
          calibration: model.training.calibration ?? null,
        };
        await deps.store.models.save(tenantId, DEAL_MODEL_KIND, {
          modelName: model.modelName,
          model: model.model,
          rows: model.training.rows,
          positives: model.training.positives,
          validationAuc,
          metrics,
          trainedAt: now,
        });
        const use = chooseScorer(history, { model: model.modelName, validationAuc });
        out.deal = { trained: true, model: model.modelName, validationAuc, reason: use.reason };
        log.info(
          {
            model: model.modelName,
            rows: model.training.rows,
            positives: model.training.positives,
            validationAuc,
            choice: use.scorer,
            why: model.training.reason,
          },
          'deal model trained',
        );
      } catch (e) {
        await deps.store.models.release(tenantId, DEAL_MODEL_KIND);
        if (!isCloseloopError(e)) throw e;
        log.warn({ code: e.code, err: e.message }, 'deal model not trained');
        out.deal = {
          trained: false,
          model: previous?.model_name ?? null,
          validationAuc: previous?.validation_auc ?? null,
          reason: e.message,
        };
      }
    }
  }

  if (await deps.store.models.claim(tenantId, USEFULNESS_KIND, now, LEASE_MS, opts.force ? 0 : HOUR)) {
    const counts = await deps.store.feedback.typeCounts(tenantId, new Date(now.getTime() - USEFULNESS_WINDOW_MS));
    const types = Object.fromEntries(
      counts.map((c) => [
        c.type,
        { weight: usefulnessWeight(c.accepted, c.ignored), accepted: c.accepted, ignored: c.ignored },
      ]),
    );
    const rows = counts.reduce((s, c) => s + c.accepted + c.ignored, 0);
    await deps.store.models.save(tenantId, USEFULNESS_KIND, {
      modelName: 'usefulness-by-type-v1',
      model: null,
      rows,
      positives: counts.reduce((s, c) => s + c.accepted, 0),
      validationAuc: null,
      metrics: { types },
      trainedAt: now,
    });
    out.usefulness = types;
    log.info({ types }, 'usefulness weights updated');
  }
  if (await deps.store.models.claim(tenantId, SIGNALS_KIND, now, LEASE_MS, minInterval)) {
    // The shipped signal models fine-tuned on what the tenant's reps said about the sentences quoted to them
    // (src/inference/signals/tenant-model.ts: minimum labels, acceptance out of fold). Stored with the shipped
    // version it was learnt on; production scoring (src/suggest/scorer.ts tenantSignalModels) falls back to the
    // shipped model for any type without an accepted correction.
    try {
      const labels = await deps.store.feedback.signalLabels(
        tenantId,
        Object.keys(SIGNAL_OF_SUGGESTION),
        new Date(now.getTime() - SIGNAL_LABEL_WINDOW_MS),
        SIGNAL_LABEL_LIMIT,
      );
      const started = Date.now();
      const vectors = deps.signalVectors;
      if (vectors) await vectors.prepare(labels.map((l) => l.quote));
      const { model, reports, fusedReports } = trainTenantSignalModels(
        labels,
        shippedSignalModels(),
        SHIPPED_SIGNAL_MODELS_VERSION,
        vectors
          ? {
              models: shippedFusedSignalModels(),
              version: SHIPPED_FUSED_SIGNAL_MODELS_VERSION,
              vectorOf: (s) => vectors.get(s),
            }
          : undefined,
      );
      const rows = Object.values(reports).reduce((s, r) => s + r.rows, 0);
      await deps.store.models.save(tenantId, SIGNALS_KIND, {
        modelName: model ? `${TENANT_SIGNAL_MODEL}:${SHIPPED_SIGNAL_MODELS_VERSION}` : null,
        model,
        rows,
        positives: Object.values(reports).reduce((s, r) => s + r.positives, 0),
        validationAuc: null,
        metrics: {
          reason: model
            ? `fine-tuned: ${[...Object.keys(model.models), ...Object.keys(model.fused?.models ?? {}).map((t) => `${t} (fused)`)].join(', ')}`
            : rows === 0
              ? 'no labelled sentences yet'
              : 'no type beat the shipped model',
          types: reports,
          fused: fusedReports,
          labels: labels.length,
          trainMs: Date.now() - started,
        },
        trainedAt: now,
      });
      out.signals = {
        trained: model !== null,
        types: reports as Record<string, FineTuneReport>,
        fused: fusedReports as Record<string, FineTuneReport> | null,
      };
      log.info(
        { signals: Object.fromEntries(Object.entries(reports).map(([t, r]) => [t, r.reason])) },
        'signal models retrained',
      );
    } catch (e) {
      await deps.store.models.release(tenantId, SIGNALS_KIND);
      throw e;
    }
  }
  return out;
}

/** The scheduled run: every tenant, each retrained when its models are due. */
export async function retrainAll(deps: RetrainDeps): Promise<number> {
  let n = 0;
  for (const t of await deps.store.models.tenants()) {
    await retrainTenant(deps, t);
    n++;
  }
  return n;
}
