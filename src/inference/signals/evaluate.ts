import { calibrationReport } from '../models/scoring-model.js';
import { extractSignals } from './index.js';
import type { SentenceVectorLookup } from './sentence-vectors.js';
import { shippedFusedSignalModels, shippedSignalModels } from './shipped.js';
import { textFeatures } from './text-classifier.js';
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
 * models (default) or the lexicon alone, so both can be reported on the same rows; with `vectors` (the rows'
 * sentences prepared) the learned path reads them with the fused models, as the product does.
 */
export function scoreSignals(
  rows: { text: string; labels: readonly SignalType[] }[],
  detector: 'learned' | 'lexicon' = 'learned',
  vectors: SentenceVectorLookup | null = null,
): SignalScore[] {
  const predicted = rows.map((r) => new Set(extractSignals(r.text, { detector, vectors }).map((s) => s.type)));
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

/**
 * Sentences labelled with no signal at all, and how many of them the detector flags with a risk type (any type but
 * `explicit_ask`). Each is a false signal: a false quote in a budget or churn task for budget, sentiment and
 * competitor, a wrong shift of the deal score (cold-start SIGNAL_SHIFT) for the others.
 */
export function falseRiskFlags(
  rows: { text: string; labels: readonly SignalType[] }[],
  detector: 'learned' | 'lexicon' = 'learned',
  vectors: SentenceVectorLookup | null = null,
): { rows: number; flagged: number } {
  const quiet = rows.filter((r) => r.labels.length === 0);
  const flagged = quiet.filter((r) =>
    extractSignals(r.text, { detector, vectors }).some((s) => s.type !== 'explicit_ask'),
  );
  return { rows: quiet.length, flagged: flagged.length };
}

export interface SignalError {
  text: string;
  type: SignalType;
  /** The detector's confidence in the type it found (false positive); null for a type it missed. */
  confidence: number | null;
  /** The detector that produced the false signal (a model version or the lexicon's pattern). */
  model: string | null;
  /** The lexicon cue that agreed with the model, if any. */
  cue: string | null;
}

/**
 * The rows the detector gets wrong, per type: every type it finds that the row is not labelled with (false
 * positives, with the highest confidence among that type's signals in the row and what produced it) and every label
 * it misses (false negatives). The same production path as `scoreSignals`, so the lists explain its counts.
 */
export function signalErrors(
  rows: { text: string; labels: readonly SignalType[] }[],
  detector: 'learned' | 'lexicon' = 'learned',
  vectors: SentenceVectorLookup | null = null,
): { falsePositives: SignalError[]; falseNegatives: SignalError[] } {
  const falsePositives: SignalError[] = [];
  const falseNegatives: SignalError[] = [];
  for (const r of rows) {
    const found = extractSignals(r.text, { detector, vectors });
    for (const type of SIGNAL_TYPES) {
      const mine = found.filter((s) => s.type === type).sort((a, b) => b.confidence - a.confidence);
      const labelled = r.labels.includes(type);
      if (mine.length > 0 && !labelled)
        falsePositives.push({
          text: r.text,
          type,
          confidence: mine[0]!.confidence,
          model: mine[0]!.model,
          cue: mine[0]!.cue ?? null,
        });
      else if (mine.length === 0 && labelled)
        falseNegatives.push({ text: r.text, type, confidence: null, model: null, cue: null });
    }
  }
  falsePositives.sort((a, b) => a.type.localeCompare(b.type) || b.confidence! - a.confidence!);
  falseNegatives.sort((a, b) => a.type.localeCompare(b.type));
  return { falsePositives, falseNegatives };
}

export interface SignalCalibration {
  type: SignalType;
  rows: number;
  /** Mean squared error of the shipped model's probability against the labels. */
  brier: number;
  /** Brier score of predicting the set's own positive rate for every sentence (an oracle constant, for scale). */
  prevalenceBrier: number;
  /** Expected calibration error over ten probability bins. */
  ece: number;
  bins: { predicted: number; observed: number; n: number }[];
}

/**
 * Calibration of each shipped model's probability (the model alone, before the lexicon fallback and denials) on
 * labelled sentences: Brier score, ECE and the reliability bins. With `vectors`, a row whose whole text has a
 * vector is read by the fused model, as the product reads a one-sentence text.
 */
export function calibrateSignals(
  rows: { text: string; labels: readonly SignalType[] }[],
  vectors: SentenceVectorLookup | null = null,
): SignalCalibration[] {
  const models = shippedSignalModels();
  const fused = vectors ? shippedFusedSignalModels() : {};
  const feats = rows.map((r) => textFeatures(r.text));
  const vecs = rows.map((r) => vectors?.get(r.text.trim()));
  const out: SignalCalibration[] = [];
  for (const type of SIGNAL_TYPES) {
    const m = models[type];
    if (!m) continue;
    const f = fused[type];
    const y = Uint8Array.from(rows, (r) => (r.labels.includes(type) ? 1 : 0));
    const logits = Float64Array.from(feats, (x, i) =>
      f?.reads(vectors!.encoderId, vecs[i]) ? f.calibratedLogitOf(x, vecs[i]) : m.calibratedLogitOf(x),
    );
    const r = calibrationReport(logits, y, { a: 1, b: 0 });
    const rate = y.reduce((s, v) => s + v, 0) / Math.max(1, y.length);
    out.push({
      type,
      rows: r.rows,
      brier: r.brier,
      prevalenceBrier: Math.round(rate * (1 - rate) * 1e4) / 1e4,
      ece: r.ece,
      bins: r.bins,
    });
  }
  return out;
}
