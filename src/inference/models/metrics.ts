/**
 * Ranking and classification metrics. Ties in scores are handled exactly (ROC-AUC = Mann-Whitney U with
 * mid-ranks; PR-AUC = average precision, the step-wise area sklearn's average_precision_score reports).
 */

function assertSameLength(scores: ArrayLike<number>, labels: ArrayLike<number>): void {
  if (scores.length !== labels.length)
    throw new RangeError(`scores (${scores.length}) and labels (${labels.length}) differ in length`);
}

/** Area under the ROC curve; NaN when one class is absent. Labels are 1 (positive) / 0. */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  assertSameLength(scores, labels);
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let rankSumPos = 0;
  let nPos = 0;
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]!] === scores[order[i]!]) j++;
    const midRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++)
      if (labels[order[k]!] === 1) {
        rankSumPos += midRank;
        nPos++;
      }
    i = j + 1;
  }
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) return NaN;
  return (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/** Average precision: sum over thresholds of (recall step) × precision; tied scores form one threshold. */
export function prAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  assertSameLength(scores, labels);
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  let totalPos = 0;
  for (let i = 0; i < n; i++) if (labels[i] === 1) totalPos++;
  if (totalPos === 0) return NaN;
  let tp = 0;
  let fp = 0;
  let ap = 0;
  for (let i = 0; i < n;) {
    let j = i;
    let tpStep = 0;
    while (j < n && scores[order[j]!] === scores[order[i]!]) {
      if (labels[order[j]!] === 1) tpStep++;
      else fp++;
      j++;
    }
    tp += tpStep;
    if (tpStep > 0) ap += (tpStep / totalPos) * (tp / (tp + fp));
    i = j;
  }
  return ap;
}

export interface BinaryCounts {
  precision: number;
  recall: number;
  f1: number;
  tp: number;
  fp: number;
  fn: number;
}

/** Precision / recall / F1 of the positive class for hard predictions (1/0). */
export function precisionRecallF1(predicted: ArrayLike<number>, labels: ArrayLike<number>): BinaryCounts {
  assertSameLength(predicted, labels);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < labels.length; i++) {
    if (predicted[i] === 1 && labels[i] === 1) tp++;
    else if (predicted[i] === 1) fp++;
    else if (labels[i] === 1) fn++;
  }
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1, tp, fp, fn };
}

/** Mean log-loss with optional per-row weights; probabilities are clipped away from 0 and 1. */
export function logLoss(probs: ArrayLike<number>, labels: ArrayLike<number>, weights?: ArrayLike<number>): number {
  let s = 0;
  let w = 0;
  for (let i = 0; i < probs.length; i++) {
    const p = Math.min(1 - 1e-12, Math.max(1e-12, probs[i]!));
    const wi = weights ? weights[i]! : 1;
    s -= wi * (labels[i] === 1 ? Math.log(p) : Math.log(1 - p));
    w += wi;
  }
  return w === 0 ? NaN : s / w;
}

/** Hanley & McNeil (1982) standard error of a ROC-AUC measured on nPos positives and nNeg negatives. */
export function aucStandardError(auc: number, nPos: number, nNeg: number): number {
  if (nPos === 0 || nNeg === 0) return NaN;
  const q1 = auc / (2 - auc);
  const q2 = (2 * auc * auc) / (1 + auc);
  return Math.sqrt((auc * (1 - auc) + (nPos - 1) * (q1 - auc * auc) + (nNeg - 1) * (q2 - auc * auc)) / (nPos * nNeg));
}
