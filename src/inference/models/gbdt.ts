import type { Dataset } from './logreg.js';
import { rocAuc } from './metrics.js';
import { sigmoid } from './logreg.js';

/**
 * Histogram-based gradient-boosted decision trees for binary log-loss (the LightGBM / sklearn
 * HistGradientBoosting recipe, small): features are bucketed into ≤ maxBins quantile bins, each node
 * builds gradient/hessian histograms (the larger child by subtraction), trees are depth-limited,
 * every leaf is shrunk by the learning rate, and boosting stops early on a held-out later slice.
 */
export interface Tree {
  /** Flat node arrays; left[k] < 0 marks a leaf. Go left when x[feature] <= threshold. */
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  /** Shrunk Newton value of the node (leaves: the output; inner nodes: used for path attribution). */
  value: number[];
}

export interface GbdtParams {
  kind: 'gbdt';
  baseScore: number;
  learningRate: number;
  maxDepth: number;
  trees: Tree[];
}

export interface GbdtOptions {
  learningRate: number;
  maxDepth: number;
  maxBins: number;
  maxRounds: number;
  minChildWeight: number;
  minLeafRows: number;
  l2: number;
  earlyStoppingRounds: number;
}
export const DEFAULT_GBDT: GbdtOptions = {
  learningRate: 0.1,
  maxDepth: 3,
  maxBins: 64,
  maxRounds: 400,
  minChildWeight: 1,
  minLeafRows: 20,
  l2: 1,
  earlyStoppingRounds: 30,
};

interface Binned {
  bins: Uint8Array;
  cuts: Float64Array[];
  offsets: Int32Array;
  totalBins: number;
  n: number;
  d: number;
}

function buildCuts(ds: Dataset, maxBins: number): Float64Array[] {
  const { X, d, n } = ds;
  const cuts: Float64Array[] = [];
  const col = new Float64Array(n);
  for (let j = 0; j < d; j++) {
    for (let i = 0; i < n; i++) col[i] = X[i * d + j]!;
    const sorted = Float64Array.from(col).sort();
    const distinct: number[] = [];
    for (let i = 0; i < n; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct.push(sorted[i]!);
    const c: number[] = [];
    if (distinct.length <= maxBins) {
      for (let k = 0; k + 1 < distinct.length; k++) c.push((distinct[k]! + distinct[k + 1]!) / 2);
    } else {
      for (let b = 1; b < maxBins; b++) {
        const q = sorted[Math.floor((b / maxBins) * n)]!;
        if (q < sorted[n - 1]! && (c.length === 0 || q > c[c.length - 1]!)) c.push(q);
      }
    }
    cuts.push(Float64Array.from(c));
  }
  return cuts;
}

function binIndex(cuts: Float64Array, x: number): number {
  let lo = 0;
  let hi = cuts.length; // first cut >= x
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cuts[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function binData(ds: Dataset, cuts: Float64Array[]): Binned {
  const { X, d, n } = ds;
  const offsets = new Int32Array(d);
  let total = 0;
  for (let j = 0; j < d; j++) {
    offsets[j] = total;
    total += cuts[j]!.length + 1;
  }
  const bins = new Uint8Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) bins[i * d + j] = binIndex(cuts[j]!, X[i * d + j]!);
  return { bins, cuts, offsets, totalBins: total, n, d };
}

interface Hist {
  G: Float64Array;
  H: Float64Array;
  C: Int32Array;
}

function buildHist(b: Binned, rows: Int32Array, g: Float64Array, h: Float64Array): Hist {
  const G = new Float64Array(b.totalBins);
  const H = new Float64Array(b.totalBins);
  const C = new Int32Array(b.totalBins);
  const { d, bins, offsets } = b;
  for (let k = 0; k < rows.length; k++) {
    const i = rows[k]!;
    const gi = g[i]!;
    const hi = h[i]!;
    const base = i * d;
    for (let j = 0; j < d; j++) {
      const idx = offsets[j]! + bins[base + j]!;
      G[idx]! += gi;
      H[idx]! += hi;
      C[idx]!++;
    }
  }
  return { G, H, C };
}

function subtractHist(parent: Hist, child: Hist): Hist {
  const G = new Float64Array(parent.G.length);
  const H = new Float64Array(parent.G.length);
  const C = new Int32Array(parent.G.length);
  for (let k = 0; k < G.length; k++) {
    G[k] = parent.G[k]! - child.G[k]!;
    H[k] = parent.H[k]! - child.H[k]!;
    C[k] = parent.C[k]! - child.C[k]!;
  }
  return { G, H, C };
}

function growTree(b: Binned, g: Float64Array, h: Float64Array, rows: Int32Array, o: GbdtOptions): Tree {
  const tree: Tree = { feature: [], threshold: [], left: [], right: [], value: [] };
  const leafValue = (G: number, H: number): number => (-G / (H + o.l2)) * o.learningRate;
  const grow = (nodeRows: Int32Array, hist: Hist, depth: number): number => {
    let G = 0;
    let H = 0;
    for (let k = 0; k < nodeRows.length; k++) {
      G += g[nodeRows[k]!]!;
      H += h[nodeRows[k]!]!;
    }
    const id = tree.value.length;
    tree.feature.push(-1);
    tree.threshold.push(0);
    tree.left.push(-1);
    tree.right.push(-1);
    tree.value.push(leafValue(G, H));
    if (depth >= o.maxDepth || nodeRows.length < 2 * o.minLeafRows) return id;
    const parentScore = (G * G) / (H + o.l2);
    let bestGain = 1e-9;
    let bestF = -1;
    let bestBin = -1;
    for (let j = 0; j < b.d; j++) {
      const off = b.offsets[j]!;
      const nb = b.cuts[j]!.length + 1;
      let GL = 0;
      let HL = 0;
      let CL = 0;
      for (let k = 0; k < nb - 1; k++) {
        GL += hist.G[off + k]!;
        HL += hist.H[off + k]!;
        CL += hist.C[off + k]!;
        const CR = nodeRows.length - CL;
        if (CL < o.minLeafRows) continue;
        if (CR < o.minLeafRows) break;
        const HR = H - HL;
        if (HL < o.minChildWeight || HR < o.minChildWeight) continue;
        const GR = G - GL;
        const gain = (GL * GL) / (HL + o.l2) + (GR * GR) / (HR + o.l2) - parentScore;
        if (gain > bestGain) {
          bestGain = gain;
          bestF = j;
          bestBin = k;
        }
      }
    }
    if (bestF < 0) return id;
    let nLeft = 0;
    for (let k = 0; k < nodeRows.length; k++) if (b.bins[nodeRows[k]! * b.d + bestF]! <= bestBin) nLeft++;
    const leftRows = new Int32Array(nLeft);
    const rightRows = new Int32Array(nodeRows.length - nLeft);
    let li = 0;
    let ri = 0;
    for (let k = 0; k < nodeRows.length; k++) {
      const i = nodeRows[k]!;
      if (b.bins[i * b.d + bestF]! <= bestBin) leftRows[li++] = i;
      else rightRows[ri++] = i;
    }
    const smallIsLeft = leftRows.length <= rightRows.length;
    const small = buildHist(b, smallIsLeft ? leftRows : rightRows, g, h);
    const large = subtractHist(hist, small);
    tree.feature[id] = bestF;
    tree.threshold[id] = b.cuts[bestF]![bestBin]!;
    tree.left[id] = grow(leftRows, smallIsLeft ? small : large, depth + 1);
    tree.right[id] = grow(rightRows, smallIsLeft ? large : small, depth + 1);
    return id;
  };
  grow(rows, buildHist(b, rows, g, h), 0);
  return tree;
}

function treeOutput(t: Tree, X: Float64Array, d: number, row: number): number {
  let k = 0;
  while (t.left[k]! >= 0) k = X[row * d + t.feature[k]!]! <= t.threshold[k]! ? t.left[k]! : t.right[k]!;
  return t.value[k]!;
}

export function gbdtMargin(p: GbdtParams, X: Float64Array, d: number, row: number): number {
  let z = p.baseScore;
  for (const t of p.trees) z += treeOutput(t, X, d, row);
  return z;
}

/**
 * Saabas path attribution: walking a row down each tree, the change in node value at every split is
 * credited to the split feature. Contributions plus the root values sum exactly to the margin.
 */
export function gbdtContributions(p: GbdtParams, X: Float64Array, d: number, row: number): Float64Array {
  const c = new Float64Array(d);
  for (const t of p.trees) {
    let k = 0;
    while (t.left[k]! >= 0) {
      const f = t.feature[k]!;
      const next = X[row * d + f]! <= t.threshold[k]! ? t.left[k]! : t.right[k]!;
      c[f]! += t.value[next]! - t.value[k]!;
      k = next;
    }
  }
  return c;
}

export interface GbdtFit {
  params: GbdtParams;
  bestRounds: number;
  validationAuc: number | null;
}

/**
 * Fit on `train`; if `valid` is given, stop when its ROC-AUC has not improved for
 * earlyStoppingRounds rounds and keep the best prefix. `rounds` forces a fixed number of trees (refit).
 */
export function fitGbdt(train: Dataset, opts: Partial<GbdtOptions> = {}, valid?: Dataset, rounds?: number): GbdtFit {
  const o = { ...DEFAULT_GBDT, ...opts };
  const { n, d, y, w } = train;
  const binned = binData(train, buildCuts(train, o.maxBins));
  let wPos = 0;
  let wAll = 0;
  for (let i = 0; i < n; i++) {
    wAll += w[i]!;
    if (y[i] === 1) wPos += w[i]!;
  }
  const prior = Math.min(1 - 1e-6, Math.max(1e-6, wPos / wAll));
  const baseScore = Math.log(prior / (1 - prior));
  const params: GbdtParams = { kind: 'gbdt', baseScore, learningRate: o.learningRate, maxDepth: o.maxDepth, trees: [] };
  const F = new Float64Array(n).fill(baseScore);
  const g = new Float64Array(n);
  const h = new Float64Array(n);
  const rows = Int32Array.from({ length: n }, (_, i) => i);
  const Fv = valid ? new Float64Array(valid.n).fill(baseScore) : null;
  const pv = valid ? new Float64Array(valid.n) : null;
  let best = Infinity;
  let bestRounds = 0;
  const maxRounds = rounds ?? o.maxRounds;
  for (let r = 0; r < maxRounds; r++) {
    for (let i = 0; i < n; i++) {
      const p = sigmoid(F[i]!);
      g[i] = w[i]! * (p - y[i]!);
      h[i] = w[i]! * Math.max(p * (1 - p), 1e-6);
    }
    const tree = growTree(binned, g, h, rows, o);
    params.trees.push(tree);
    for (let i = 0; i < n; i++) F[i]! += treeOutput(tree, train.X, d, i);
    if (valid && Fv && pv && rounds === undefined) {
      for (let i = 0; i < valid.n; i++) {
        Fv[i]! += treeOutput(tree, valid.X, d, i);
        pv[i] = sigmoid(Fv[i]!);
      }
      // Stop on ranking quality: the margin is recalibrated afterwards (Platt), so AUC is what boosting
      // must improve; weighted log-loss also penalises the base-rate shift between slices and stops too early.
      const loss = -rocAuc(pv, valid.y);
      if (loss < best - 1e-5) {
        best = loss;
        bestRounds = r + 1;
      } else if (r + 1 - bestRounds >= o.earlyStoppingRounds) break;
    } else {
      bestRounds = r + 1;
    }
  }
  params.trees.length = Math.max(1, bestRounds);
  return { params, bestRounds: Math.max(1, bestRounds), validationAuc: Number.isFinite(best) ? -best : null };
}
