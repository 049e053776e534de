import { FusedTextClassifier } from './sentence-text-classifier.js';
import { TextClassifier } from './text-classifier.js';
import type { SignalType } from './types.js';
import { readSignalWeights } from './weights-file.js';

/**
 * The signal models that ship in the package: one calibrated sentence classifier per signal type, trained by
 * `bench/signals/train-signal-models.ts` on data whose licence allows shipping (weights/DATA_CARD.md).
 * The files are read when this module loads (weights-file.ts); each model is deserialized on first use.
 *
 * Two sets, trained on the same rows: the n-gram models (signals-v2.json.gz), which need nothing but the text, and
 * the fused models (signals-v2-fused.json.gz: the same n-grams plus the sentence's USE Lite vector), used for a
 * sentence whose vector the analysis prepared (sentence-vectors.ts). Held-out figures of both: docs/benchmarks.md.
 */
const shippedWeights = readSignalWeights('ngram');
const shippedFusedWeights = readSignalWeights('fused');
export const SHIPPED_SIGNAL_MODELS_VERSION = `signals-v2@${(shippedWeights as { version: string }).version}`;
export const SHIPPED_FUSED_SIGNAL_MODELS_VERSION = `signals-v2-fused@${(shippedFusedWeights as { version: string }).version}`;
/** The sentence encoder (SentenceEmbedder.id) whose vectors the fused models were trained on. */
export const SHIPPED_FUSED_SIGNAL_ENCODER = (shippedFusedWeights as { encoder: string }).encoder;

/** One model per signal type from a weights file, deserialized on first use and kept. */
function lazyModels<M>(weights: unknown, fromJSON: (json: unknown) => M): () => Partial<Record<SignalType, M>> {
  let cache: Partial<Record<SignalType, M>> | null = null;
  return () => {
    if (cache) return cache;
    const out: Partial<Record<SignalType, M>> = {};
    for (const [type, json] of Object.entries((weights as { models: Record<string, unknown> }).models))
      out[type as SignalType] = fromJSON(json);
    return (cache = out);
  };
}

/** The n-gram models by signal type. */
export const shippedSignalModels = lazyModels(shippedWeights, (j) => TextClassifier.fromJSON(j));

/** The fused models by signal type; each names the encoder its vectors must come from (`encoder`). */
export const shippedFusedSignalModels = lazyModels(shippedFusedWeights, (j) => FusedTextClassifier.fromJSON(j));
