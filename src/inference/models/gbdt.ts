import type { Dataset } from './logreg.js';
import { rocAuc } from './metrics.js';
import { sigmoid, subset } from './logreg.js';
import { mulberry32 } from '../../lib/random.js';

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
  /**
   * Categorical splits: bit c set = category code c goes left (0 = an ordinary threshold split). Absent in
   * models trained before native categorical splits.
   */
  catMask?: number[];
  /** Hessian weight of the training rows that reached each node: an unknown value (NaN) follows both sides. */
  cover?: number[];
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
  /**
   * Per encoded feature: number of category codes (values 0 … k−1) for a categorical feature, 0 for a numeric
   * one. Categorical features split natively: categories sorted by gradient/hessian ratio, best prefix left.
   */
  categorical?: ArrayLike<number>;
  /** Fraction of the rows each tree is grown on, drawn afresh per tree (stochastic gradient boosting); 1 = all. */
  subsample: number;
  /** Fraction of the features each tree may split on, drawn afresh per tree; 1 = all. */
  colsample: number;
  /** Seed of the row and feature draws (ignored when both fractions are 1). */
  seed: number;
  /**
   * Boosting runs averaged (bagging), each with its own draws (seeds seed, seed + 1, …); the average is one model
   * whose trees carry 1/bags of their values. Only useful with subsample or colsample below 1.
   */
  bags: number;
}
/** Category codes must fit a 32-bit mask. */
export const MAX_CATEGORIES = 32;
export const DEFAULT_GBDT: GbdtOptions = {
  learningRate: 0.1,
  maxDepth: 3,
  maxBins: 64,
  maxRounds: 400,
  minChildWeight: 1,
  minLeafRows: 20,
  l2: 1,
  earlyStoppingRounds: 30,
  subsample: 1,
  colsample: 1,
  seed: 1,
  bags: 1,
};

interface Binned {
  bins: Uint8Array;
  cuts: Float64Array[];
  offsets: Int32Array;
  totalBins: number;
  n: number;
  d: number;
}

function buildCuts(ds: Dataset, maxBins: number, categorical?: ArrayLike<number>): Float64Array[] {
  const { X, d, n } = ds;
  const cuts: Float64Array[] = [];
  const col = new Float64Array(n);
  for (let j = 0; j < d; j++) {
    const k = categorical?.[j] ?? 0;
    if (k > 0) {
      // One bin per category code: cut points halfway between codes.
      cuts.push(Float64Array.from({ length: k - 1 }, (_, c) => c + 0.5));
      continue;
    }
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

/** Histograms of `rows`, for the features in `cols` only (the others stay zero; null = every feature). */
function buildHist(b: Binned, rows: Int32Array, g: Float64Array, h: Float64Array, cols: Int32Array | null): Hist {
  const G = new Float64Array(b.totalBins);
  const H = new Float64Array(b.totalBins);
  const C = new Int32Array(b.totalBins);
  const { d, bins, offsets } = b;
  const nc = cols ? cols.length : d;
  for (let k = 0; k < rows.length; k++) {
    const i = rows[k]!;
    const gi = g[i]!;
    const hi = h[i]!;
    const base = i * d;
    for (let q = 0; q < nc; q++) {
      const j = cols ? cols[q]! : q;
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

/** Gradient and hessian sums, row count and G²/(H+λ) of the node being split. */
interface NodeSums {
  G: number;
  H: number;
  n: number;
  score: number;
}

/**
 * Loss reduction of sending the rows with sums (GL, HL, nL) left and the rest of `node` right; −Infinity when
 * either side has fewer than minLeafRows rows or less than minChildWeight hessian.
 */
function splitGain(GL: number, HL: number, nL: number, node: NodeSums, o: GbdtOptions): number {
  if (nL < o.minLeafRows || node.n - nL < o.minLeafRows) return -Infinity;
  const HR = node.H - HL;
  if (HL < o.minChildWeight || HR < o.minChildWeight) return -Infinity;
  const GR = node.G - GL;
  return (GL * GL) / (HL + o.l2) + (GR * GR) / (HR + o.l2) - node.score;
}

function growTree(
  b: Binned,
  g: Float64Array,
  h: Float64Array,
  rows: Int32Array,
  o: GbdtOptions,
  usable: Uint8Array | null,
): Tree {
  const cols = usable ? Int32Array.from(usable.keys()).filter((j) => usable[j] === 1) : null;
  const tree: Tree = { feature: [], threshold: [], left: [], right: [], value: [], catMask: [], cover: [] };
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
    tree.catMask!.push(0);
    tree.cover!.push(H);
    if (depth >= o.maxDepth || nodeRows.length < 2 * o.minLeafRows) return id;
    const node: NodeSums = { G, H, n: nodeRows.length, score: (G * G) / (H + o.l2) };
    let bestGain = 1e-9;
    let bestF = -1;
    let bestBin = -1;
    let bestMask = 0;
    for (let j = 0; j < b.d; j++) {
      if (usable && usable[j] === 0) continue;
      const off = b.offsets[j]!;
      const nb = b.cuts[j]!.length + 1;
      if ((o.categorical?.[j] ?? 0) > 0) {
        // Native categorical split (LightGBM's many-vs-many): order the categories present by G/(H+λ), scan prefixes.
        const cats: number[] = [];
        for (let k = 0; k < nb; k++) if (hist.C[off + k]! > 0) cats.push(k);
        if (cats.length < 2) continue;
        cats.sort(
          (a, c) => hist.G[off + a]! / (hist.H[off + a]! + o.l2) - hist.G[off + c]! / (hist.H[off + c]! + o.l2),
        );
        let GL = 0;
        let HL = 0;
        let CL = 0;
        let mask = 0;
        for (let q = 0; q < cats.length - 1; q++) {
          const k = cats[q]!;
          GL += hist.G[off + k]!;
          HL += hist.H[off + k]!;
          CL += hist.C[off + k]!;
          mask = (mask | (1 << k)) >>> 0;
          const gain = splitGain(GL, HL, CL, node, o);
          if (gain > bestGain) {
            bestGain = gain;
            bestF = j;
            bestBin = -1;
            bestMask = mask;
          }
        }
        continue;
      }
      let GL = 0;
      let HL = 0;
      let CL = 0;
      for (let k = 0; k < nb - 1; k++) {
        GL += hist.G[off + k]!;
        HL += hist.H[off + k]!;
        CL += hist.C[off + k]!;
        // Bins are ordered: once the right side is too small it only shrinks.
        if (nodeRows.length - CL < o.minLeafRows) break;
        const gain = splitGain(GL, HL, CL, node, o);
        if (gain > bestGain) {
          bestGain = gain;
          bestF = j;
          bestBin = k;
          bestMask = 0;
        }
      }
    }
    if (bestF < 0) return id;
    const goesLeft = (bin: number): boolean => (bestMask !== 0 ? ((bestMask >>> bin) & 1) === 1 : bin <= bestBin);
    let nLeft = 0;
    for (let k = 0; k < nodeRows.length; k++) if (goesLeft(b.bins[nodeRows[k]! * b.d + bestF]!)) nLeft++;
    const leftRows = new Int32Array(nLeft);
    const rightRows = new Int32Array(nodeRows.length - nLeft);
    let li = 0;
    let ri = 0;
    for (let k = 0; k < nodeRows.length; k++) {
      const i = nodeRows[k]!;
      if (goesLeft(b.bins[i * b.d + bestF]!)) leftRows[li++] = i;
      else rightRows[ri++] = i;
    }
    const smallIsLeft = leftRows.length <= rightRows.length;
    const small = buildHist(b, smallIsLeft ? leftRows : rightRows, g, h, cols);
    const large = subtractHist(hist, small);
    tree.feature[id] = bestF;
    tree.threshold[id] = bestMask !== 0 ? 0 : b.cuts[bestF]![bestBin]!;
    tree.catMask![id] = bestMask;
    tree.left[id] = grow(leftRows, smallIsLeft ? small : large, depth + 1);
    tree.right[id] = grow(rightRows, smallIsLeft ? large : small, depth + 1);
    return id;
  };
  grow(rows, buildHist(b, rows, g, h, cols), 0);
  return tree;
}

/** Whether value x goes left at inner node k. */
function goLeft(t: Tree, k: number, x: number): boolean {
  const mask = t.catMask?.[k] ?? 0;
  return mask !== 0 ? ((mask >>> x) & 1) === 1 : x <= t.threshold[k]!;
}

/**
 * Output of one tree for a row. An unknown value (NaN: e.g. a period snapshot never seen in training) follows
 * both branches, weighted by the training cover of each: the tree's expectation over that feature.
 */
function nodeOutput(t: Tree, X: Float64Array, base: number, start: number): number {
  let k = start;
  while (t.left[k]! >= 0) {
    const x = X[base + t.feature[k]!]!;
    if (x !== x && t.cover) {
      const l = t.left[k]!;
      const r = t.right[k]!;
      const cl = t.cover[l]!;
      const cr = t.cover[r]!;
      return (cl * nodeOutput(t, X, base, l) + cr * nodeOutput(t, X, base, r)) / (cl + cr || 1);
    }
    k = goLeft(t, k, x) ? t.left[k]! : t.right[k]!;
  }
  return t.value[k]!;
}

function treeOutput(t: Tree, X: Float64Array, d: number, row: number): number {
  return nodeOutput(t, X, row * d, 0);
}

export function gbdtMargin(p: GbdtParams, X: Float64Array, d: number, row: number): number {
  let z = p.baseScore;
  for (const t of p.trees) z += treeOutput(t, X, d, row);
  return z;
}

/**
 * Saabas path attribution: walking a row down each tree, the change in node value at every split is
 * credited to the split feature. Contributions plus the root values sum to the margin. At a split on an
 * unknown value both branches are followed with their cover weights and nothing is credited to that feature.
 */
export function gbdtContributions(p: GbdtParams, X: Float64Array, d: number, row: number): Float64Array {
  const c = new Float64Array(d);
  const base = row * d;
  const walk = (t: Tree, k: number, weight: number): void => {
    while (t.left[k]! >= 0) {
      const f = t.feature[k]!;
      const x = X[base + f]!;
      if (x !== x && t.cover) {
        const l = t.left[k]!;
        const r = t.right[k]!;
        const total = t.cover[l]! + t.cover[r]! || 1;
        walk(t, l, (weight * t.cover[l]!) / total);
        walk(t, r, (weight * t.cover[r]!) / total);
        return;
      }
      const next = goLeft(t, k, x) ? t.left[k]! : t.right[k]!;
      c[f]! += weight * (t.value[next]! - t.value[k]!);
      k = next;
    }
  };
  for (const t of p.trees) walk(t, 0, 1);
  return c;
}

export interface GbdtFit {
  params: GbdtParams;
  bestRounds: number;
  validationAuc: number | null;
}

/** One boosting run: trees grown one at a time on `train`, margins kept up to date on `valid` when given. */
class Booster {
  readonly params: GbdtParams;
  private readonly binned: Binned;
  private readonly F: Float64Array;
  private readonly g: Float64Array;
  private readonly h: Float64Array;
  private readonly rows: Int32Array;
  private readonly random: () => number;
  private readonly usable: Uint8Array | null;
  /** Current margins of the validation rows. */
  readonly Fv: Float64Array | null;

  constructor(
    private readonly train: Dataset,
    private readonly o: GbdtOptions,
    private readonly valid?: Dataset,
    binned?: Binned,
  ) {
    const { n, y, w } = train;
    this.binned = binned ?? binData(train, buildCuts(train, o.maxBins, o.categorical));
    let wPos = 0;
    let wAll = 0;
    for (let i = 0; i < n; i++) {
      wAll += w[i]!;
      if (y[i] === 1) wPos += w[i]!;
    }
    const prior = Math.min(1 - 1e-6, Math.max(1e-6, wPos / wAll));
    const baseScore = Math.log(prior / (1 - prior));
    this.params = { kind: 'gbdt', baseScore, learningRate: o.learningRate, maxDepth: o.maxDepth, trees: [] };
    this.F = new Float64Array(n).fill(baseScore);
    this.g = new Float64Array(n);
    this.h = new Float64Array(n);
    this.rows = Int32Array.from({ length: n }, (_, i) => i);
    this.random = mulberry32(o.seed);
    this.usable = o.colsample < 1 ? new Uint8Array(train.d) : null;
    this.Fv = valid ? new Float64Array(valid.n).fill(baseScore) : null;
  }

  /** All rows, or a fresh sample of about subsample × n of them (in row order). */
  private sampleRows(): Int32Array {
    if (this.o.subsample >= 1) return this.rows;
    const picked: number[] = [];
    for (let i = 0; i < this.rows.length; i++) if (this.random() < this.o.subsample) picked.push(i);
    return Int32Array.from(picked);
  }

  /** Null (every feature), or a mask of max(1, round(colsample × d)) features drawn without replacement. */
  private sampleFeatures(): Uint8Array | null {
    const mask = this.usable;
    if (!mask) return null;
    const d = mask.length;
    const take = Math.max(1, Math.round(this.o.colsample * d));
    const order = Array.from({ length: d }, (_, j) => j);
    for (let j = d - 1; j > 0; j--) {
      const q = Math.floor(this.random() * (j + 1));
      [order[j], order[q]] = [order[q]!, order[j]!];
    }
    mask.fill(0);
    for (let q = 0; q < take; q++) mask[order[q]!] = 1;
    return mask;
  }

  get binning(): Binned {
    return this.binned;
  }

  step(): void {
    const { n, d, y, w, X } = this.train;
    const { F, g, h } = this;
    for (let i = 0; i < n; i++) {
      const p = sigmoid(F[i]!);
      g[i] = w[i]! * (p - y[i]!);
      h[i] = w[i]! * Math.max(p * (1 - p), 1e-6);
    }
    const tree = growTree(this.binned, g, h, this.sampleRows(), this.o, this.sampleFeatures());
    this.params.trees.push(tree);
    for (let i = 0; i < n; i++) F[i]! += treeOutput(tree, X, d, i);
    if (this.valid && this.Fv)
      for (let i = 0; i < this.valid.n; i++) this.Fv[i]! += treeOutput(tree, this.valid.X, d, i);
  }
}

/** `bags` boosting runs stepped together; their validation margins and their models are averaged. */
class Bag {
  private readonly runs: Booster[];
  /** Mean margins of the validation rows over the runs. */
  readonly Fv: Float64Array | null;

  constructor(train: Dataset, o: GbdtOptions, valid?: Dataset) {
    const first = new Booster(train, o, valid);
    this.runs = [first];
    for (let m = 1; m < Math.max(1, Math.floor(o.bags)); m++)
      this.runs.push(new Booster(train, { ...o, seed: o.seed + m }, valid, first.binning));
    this.Fv = this.runs.length === 1 ? first.Fv : valid ? new Float64Array(valid.n) : null;
  }

  step(): void {
    for (const run of this.runs) run.step();
    if (this.runs.length === 1 || !this.Fv) return;
    const share = 1 / this.runs.length;
    this.Fv.fill(0);
    for (const run of this.runs) for (let i = 0; i < this.Fv.length; i++) this.Fv[i]! += share * run.Fv![i]!;
  }

  /** The first `rounds` trees of every run, as one model (values scaled by 1/runs when several). */
  params(rounds: number): GbdtParams {
    const first = this.runs[0]!.params;
    const share = 1 / this.runs.length;
    const trees = this.runs.flatMap((run) =>
      run.params.trees.slice(0, rounds).map((t) => (share === 1 ? t : { ...t, value: t.value.map((v) => v * share) })),
    );
    return { ...first, trees };
  }
}

/**
 * Fit on `train`; if `valid` is given, stop when its ROC-AUC has not improved for
 * earlyStoppingRounds rounds and keep the best prefix. `rounds` forces a fixed number of trees (refit).
 */
export function fitGbdt(train: Dataset, opts: Partial<GbdtOptions> = {}, valid?: Dataset, rounds?: number): GbdtFit {
  const o = { ...DEFAULT_GBDT, ...opts };
  const booster = new Bag(train, o, rounds === undefined ? valid : undefined);
  let best = -Infinity;
  let bestRounds = 0;
  const maxRounds = rounds ?? o.maxRounds;
  for (let r = 0; r < maxRounds; r++) {
    booster.step();
    if (booster.Fv && valid) {
      // Stop on ranking quality: the margin is recalibrated afterwards (Platt), so AUC is what boosting
      // must improve; weighted log-loss also penalises base-rate shifts between slices and stops too early.
      const auc = rocAuc(booster.Fv, valid.y);
      if (auc > best + 1e-5) {
        best = auc;
        bestRounds = r + 1;
      } else if (r + 1 - bestRounds >= o.earlyStoppingRounds) break;
    } else bestRounds = r + 1;
  }
  const params = booster.params(Math.max(1, bestRounds));
  return { params, bestRounds: Math.max(1, bestRounds), validationAuc: Number.isFinite(best) ? best : null };
}

export interface GbdtCv {
  /** Boosting rounds with the best mean validation AUC over the folds (early stopping on that mean). */
  bestRounds: number;
  /** Mean over folds of the validation-fold AUC at bestRounds. */
  meanAuc: number;
  /** Out-of-fold margins at bestRounds (each row scored by the model that did not train on it). */
  oof: Float64Array;
}

/**
 * k-fold cross-validation with early stopping on the mean fold AUC (xgboost's `cv` recipe): the folds boost in
 * lockstep, and the round count is one number chosen over all folds, then used to refit on every row.
 * `fold[i]` is the fold of row i (0 … k−1).
 */
export function cvGbdt(all: Dataset, fold: Int32Array, k: number, opts: Partial<GbdtOptions> = {}): GbdtCv {
  const o = { ...DEFAULT_GBDT, ...opts };
  const members = Array.from({ length: k }, (_, f) => {
    const trainIdx: number[] = [];
    const validIdx: number[] = [];
    for (let i = 0; i < all.n; i++) (fold[i] === f ? validIdx : trainIdx).push(i);
    const valid = subset(all, validIdx);
    return { booster: new Bag(subset(all, trainIdx), o, valid), valid, validIdx };
  });
  const oof = new Float64Array(all.n);
  let best = -Infinity;
  let bestRounds = 0;
  for (let r = 0; r < o.maxRounds; r++) {
    let sum = 0;
    for (const m of members) {
      m.booster.step();
      sum += rocAuc(m.booster.Fv!, m.valid.y);
    }
    const mean = sum / k;
    if (mean > best + 1e-5) {
      best = mean;
      bestRounds = r + 1;
      for (const m of members) m.validIdx.forEach((i, q) => (oof[i] = m.booster.Fv![q]!));
    } else if (r + 1 - bestRounds >= o.earlyStoppingRounds) break;
  }
  return { bestRounds: Math.max(1, bestRounds), meanAuc: best, oof };
}
