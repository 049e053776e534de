import { fitGbdt, gbdtContributions, gbdtMargin, cvGbdt } from '../../../../src/inference/models/gbdt.js';
import { rocAuc } from '../../../../src/inference/models/metrics.js';
import { stratifiedFolds } from '../../../../src/inference/models/scoring-model.js';

/** Category codes 0–5; codes 1, 3 and 4 are the positive ones (no order a threshold could use in one split). */
function categoricalData(n: number) {
  const X = new Float64Array(n * 2);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = (i * 7) % 6;
    X[i * 2] = c;
    X[i * 2 + 1] = (i % 10) / 10; // noise feature
    y[i] = [1, 3, 4].includes(c) ? 1 : 0;
  }
  return { X, d: 2, n, y, w: new Float64Array(n).fill(1) };
}

/** Two informative numeric features: the outcome needs both. */
function twoFeatureData(n: number) {
  const X = new Float64Array(n * 2);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const a = ((i * 37) % 101) / 101;
    const b = ((i * 53) % 97) / 97;
    X[i * 2] = a;
    X[i * 2 + 1] = b;
    y[i] = a + b > 1 ? 1 : 0;
  }
  return { X, d: 2, n, y, w: new Float64Array(n).fill(1) };
}

const splitFeatures = (t: { feature: number[]; left: number[] }) =>
  new Set(t.feature.filter((_, k) => t.left[k]! >= 0));

describe('gbdt', () => {
  it('colsample: each tree splits only on the features drawn for it, and the draws vary between trees', () => {
    const ds = twoFeatureData(800);
    const all = fitGbdt(ds, { maxDepth: 3 }, undefined, 20).params.trees.map(splitFeatures);
    expect(all.some((f) => f.size === 2)).toBe(true);
    const half = fitGbdt(ds, { maxDepth: 3, colsample: 0.5 }, undefined, 20).params.trees.map(splitFeatures);
    for (const f of half) expect(f.size).toBeLessThanOrEqual(1);
    expect(new Set(half.flatMap((f) => [...f])).size).toBe(2);
  });

  it('bags: the model is the average of runs with seeds seed, seed + 1, …', () => {
    const ds = twoFeatureData(600);
    const o = { maxDepth: 2, colsample: 0.5, subsample: 0.8 };
    const bag = fitGbdt(ds, { ...o, bags: 3, seed: 4 }, undefined, 15).params;
    const runs = [4, 5, 6].map((seed) => fitGbdt(ds, { ...o, seed }, undefined, 15).params);
    expect(bag.trees).toHaveLength(45);
    for (const i of [0, 17, 250, 599]) {
      const mean = runs.reduce((s, r) => s + gbdtMargin(r, ds.X, 2, i), 0) / 3;
      expect(gbdtMargin(bag, ds.X, 2, i)).toBeCloseTo(mean, 10);
    }
    // The runs differ (else bagging would be a no-op).
    expect(gbdtMargin(runs[0]!, ds.X, 2, 17)).not.toBeCloseTo(gbdtMargin(runs[1]!, ds.X, 2, 17), 6);
  });

  it('splits a categorical feature natively: one depth-1 tree separates a non-ordinal set of categories', () => {
    const ds = categoricalData(600);
    const fit = fitGbdt(ds, { maxDepth: 1, categorical: [6, 0], learningRate: 1 }, undefined, 1);
    const tree = fit.params.trees[0]!;
    expect(tree.feature[0]).toBe(0);
    const mask = tree.catMask![0]!;
    const left = [0, 1, 2, 3, 4, 5].filter((c) => ((mask >>> c) & 1) === 1);
    expect([
      [0, 2, 5],
      [1, 3, 4],
    ]).toContainEqual(left);
    const m = Array.from({ length: ds.n }, (_, i) => gbdtMargin(fit.params, ds.X, 2, i));
    expect(rocAuc(m, ds.y)).toBe(1);
    // The same data as a plain number needs more than one threshold.
    const plain = fitGbdt(ds, { maxDepth: 1, learningRate: 1 }, undefined, 1).params;
    expect(
      rocAuc(
        Array.from({ length: ds.n }, (_, i) => gbdtMargin(plain, ds.X, 2, i)),
        ds.y,
      ),
    ).toBeLessThan(1);
  });

  it('an unknown value (NaN) averages both branches by cover and is credited nothing', () => {
    const ds = categoricalData(600);
    const p = fitGbdt(ds, { maxDepth: 2, categorical: [6, 0] }, undefined, 5).params;
    const X = Float64Array.from([NaN, 0.5]);
    const z = gbdtMargin(p, X, 2, 0);
    const lo = gbdtMargin(p, Float64Array.from([0, 0.5]), 2, 0);
    const hi = gbdtMargin(p, Float64Array.from([1, 0.5]), 2, 0);
    expect(z).toBeGreaterThan(Math.min(lo, hi));
    expect(z).toBeLessThan(Math.max(lo, hi));
    expect(gbdtContributions(p, X, 2, 0)[0]).toBe(0);
  });

  it('cvGbdt stops on the mean fold AUC and returns out-of-fold margins', () => {
    const ds = categoricalData(800);
    const fold = stratifiedFolds(ds.y, 4);
    const r = cvGbdt(ds, fold, 4, { categorical: [6, 0], maxRounds: 200, earlyStoppingRounds: 5 });
    expect(r.bestRounds).toBeLessThan(200);
    expect(r.meanAuc).toBe(1);
    expect(rocAuc(r.oof, ds.y)).toBe(1);
  });
});
