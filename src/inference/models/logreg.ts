import { minimizeLbfgs } from './lbfgs.js';

/** L2-regularised, sample-weighted logistic regression over a dense row-major matrix. */
export interface LogRegParams {
  kind: 'logreg';
  l2: number;
  bias: number;
  coef: number[];
  /** Training mean of each encoded feature: contributions are measured against an average record. */
  means: number[];
}

export const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

export interface Dataset {
  X: Float64Array;
  d: number;
  n: number;
  y: Uint8Array;
  w: Float64Array;
}

/** Rows `idx` of a dataset as a new, contiguous dataset. */
export function subset(ds: Dataset, idx: ArrayLike<number>): Dataset {
  const { d } = ds;
  const X = new Float64Array(idx.length * d);
  const y = new Uint8Array(idx.length);
  const w = new Float64Array(idx.length);
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k]!;
    X.set(ds.X.subarray(i * d, (i + 1) * d), k * d);
    y[k] = ds.y[i]!;
    w[k] = ds.w[i]!;
  }
  return { X, d, n: idx.length, y, w };
}

/** Minimise mean weighted log-loss + l2/2 ‖coef‖² (bias unpenalised). */
export function fitLogReg(ds: Dataset, l2: number, maxIterations = 300, warmStart?: LogRegParams): LogRegParams {
  const { X, d, n, y, w } = ds;
  let wSum = 0;
  for (let i = 0; i < n; i++) wSum += w[i]!;
  const theta0 = new Float64Array(d + 1);
  if (warmStart) {
    theta0.set(warmStart.coef);
    theta0[d] = warmStart.bias;
  }
  const theta = minimizeLbfgs(
    (t, grad) => {
      grad.fill(0);
      let loss = 0;
      const b = t[d]!;
      for (let i = 0; i < n; i++) {
        const off = i * d;
        let z = b;
        for (let j = 0; j < d; j++) z += t[j]! * X[off + j]!;
        // log(1 + e^z) - y z, computed stably
        const lse = z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
        loss += w[i]! * (lse - y[i]! * z);
        const r = w[i]! * (sigmoid(z) - y[i]!);
        if (r !== 0) {
          for (let j = 0; j < d; j++) grad[j]! += r * X[off + j]!;
          grad[d]! += r;
        }
      }
      loss /= wSum;
      for (let j = 0; j <= d; j++) grad[j]! /= wSum;
      for (let j = 0; j < d; j++) {
        loss += 0.5 * l2 * t[j]! * t[j]!;
        grad[j]! += l2 * t[j]!;
      }
      return loss;
    },
    theta0,
    { maxIterations, memory: 10, tolerance: 1e-7 },
  );
  const means = new Array<number>(d).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) means[j]! += X[i * d + j]!;
  for (let j = 0; j < d; j++) means[j]! /= Math.max(1, n);
  return { kind: 'logreg', l2, bias: theta[d]!, coef: Array.from(theta.subarray(0, d)), means };
}

export function logRegMargin(p: LogRegParams, X: Float64Array, row: number): number {
  const d = p.coef.length;
  let z = p.bias;
  for (let j = 0; j < d; j++) z += p.coef[j]! * X[row * d + j]!;
  return z;
}

/** Per-feature contribution to the margin: coef × (value − training mean). */
export function logRegContributions(p: LogRegParams, X: Float64Array, row: number): Float64Array {
  const d = p.coef.length;
  const c = new Float64Array(d);
  for (let j = 0; j < d; j++) c[j] = p.coef[j]! * (X[row * d + j]! - p.means[j]!);
  return c;
}
