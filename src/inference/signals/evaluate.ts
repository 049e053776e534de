import { extractSignals } from './index.js';
import { SIGNAL_TYPES, type SignalType } from './types.js';

export interface SignalScore {
  type: SignalType;
  support: number;
  precision: number;
  recall: number;
  f1: number;
  tp: number;
  fp: number;
  fn: number;
}

/**
 * Per-signal precision / recall of the production path (`extractSignals`) on labelled sentences: a sentence
 * counts as predicted for a type when any signal of that type is found in it. `detector` picks the learned
 * models (default) or the lexicon alone, so both can be reported on the same rows.
 */
export function scoreSignals(
  rows: { text: string; labels: readonly SignalType[] }[],
  detector: 'learned' | 'lexicon' = 'learned',
): SignalScore[] {
  const predicted = rows.map((r) => new Set(extractSignals(r.text, { detector }).map((s) => s.type)));
  return SIGNAL_TYPES.map((type) => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    rows.forEach((r, i) => {
      const y = r.labels.includes(type);
      const p = predicted[i]!.has(type);
      if (y && p) tp++;
      else if (p) fp++;
      else if (y) fn++;
    });
    const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
    const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { type, support: tp + fn, precision, recall, f1, tp, fp, fn };
  });
}
