import { minimizeLbfgs } from './lbfgs.js';
import { sigmoid } from './logreg.js';

/**
 * "GBDT + LR" (He et al. 2014, Practical lessons from predicting clicks on ads at Facebook): a logistic regression
 * over the boosted trees' leaf indicators (one weight per leaf: the trees' leaf values refitted jointly), optionally
 * beside the linear model's own features. Rows are given as the dense linear features X (n × d, d may be 0) and the
 * index of the leaf each of the T trees sends the row to (n × T, values < L). Sample-weighted mean log-loss plus
 * l2/2 ‖coef‖² + leafL2/2 ‖leaf − anchor‖²: with an anchor (the boosted leaf values) a strong penalty keeps the trees as
 * boosted and lets the data move them, without one it is He et al.'s plain L2 on the leaf weights.
 */
export interface LeafData {
  X: Float64Array;
  d: number;
  leaves: Int32Array;
  T: number;
  L: number;
  n: number;
  y: Uint8Array;
  w: Float64Array;
}

export interface LeafLogReg {
  coef: Float64Array;
  leaf: Float64Array;
  bias: number;
}

export function leafLogRegMargin(m: LeafLogReg, ds: LeafData, i: number): number {
  const { X, d, leaves, T } = ds;
  let z = m.bias;
  for (let j = 0; j < d; j++) z += m.coef[j]! * X[i * d + j]!;
  for (let t = 0; t < T; t++) z += m.leaf[leaves[i * T + t]!]!;
  return z;
}

export function fitLeafLogReg(
  ds: LeafData,
  l2: number,
  leafL2: number,
  anchor: Float64Array | null,
  warm?: LeafLogReg,
  maxIterations = 300,
): LeafLogReg {
  const { X, d, leaves, T, L, n, y, w } = ds;
  let wSum = 0;
  for (let i = 0; i < n; i++) wSum += w[i]!;
  const dim = d + L + 1;
  const theta0 = new Float64Array(dim);
  if (warm) {
    theta0.set(warm.coef, 0);
    theta0.set(warm.leaf, d);
    theta0[d + L] = warm.bias;
  } else if (anchor) theta0.set(anchor, d);
  const theta = minimizeLbfgs(
    (t, grad) => {
      grad.fill(0);
      let loss = 0;
      const b = t[d + L]!;
      for (let i = 0; i < n; i++) {
        const off = i * d;
        const lo = i * T;
        let z = b;
        for (let j = 0; j < d; j++) z += t[j]! * X[off + j]!;
        for (let q = 0; q < T; q++) z += t[d + leaves[lo + q]!]!;
        const lse = z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
        loss += w[i]! * (lse - y[i]! * z);
        const r = w[i]! * (sigmoid(z) - y[i]!);
        if (r !== 0) {
          for (let j = 0; j < d; j++) grad[j]! += r * X[off + j]!;
          for (let q = 0; q < T; q++) grad[d + leaves[lo + q]!]! += r;
          grad[d + L]! += r;
        }
      }
      loss /= wSum;
      for (let j = 0; j < d + L + 1; j++) grad[j]! /= wSum;
      for (let j = 0; j < d + L; j++) {
        const v = j >= d && anchor ? t[j]! - anchor[j - d]! : t[j]!;
        const lambda = j >= d ? leafL2 : l2;
        loss += 0.5 * lambda * v * v;
        grad[j]! += lambda * v;
      }
      return loss;
    },
    theta0,
    { maxIterations, memory: 10, tolerance: 1e-7 },
  );
  return { coef: theta.slice(0, d), leaf: theta.slice(d, d + L), bias: theta[d + L]! };
}
