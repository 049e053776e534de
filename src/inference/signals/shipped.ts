import shippedWeights from './weights/signals-v2.json' with { type: 'json' };
import { TextClassifier } from './text-classifier.js';
import type { SignalType } from './types.js';

/**
 * The signal models that ship in the package: one calibrated sentence classifier per signal type, trained by
 * `bench/signals/train-signal-models.ts` on data whose licence allows shipping (weights/DATA_CARD.md).
 * Loaded once, on first use; pure (the weights are a module, not a file read at run time).
 */
export const SHIPPED_SIGNAL_MODELS_VERSION = `signals-v2@${(shippedWeights as { version: string }).version}`;

let cache: Partial<Record<SignalType, TextClassifier>> | null = null;

export function shippedSignalModels(): Partial<Record<SignalType, TextClassifier>> {
  if (cache) return cache;
  const models = (shippedWeights as { models: Record<string, unknown> }).models;
  const out: Partial<Record<SignalType, TextClassifier>> = {};
  for (const [type, json] of Object.entries(models)) out[type as SignalType] = TextClassifier.fromJSON(json);
  cache = out;
  return out;
}
