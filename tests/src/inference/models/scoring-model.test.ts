import {
  DEFAULT_L2,
  MODEL_NAMES,
  ScoringModel,
  selectionTolerance,
  stratifiedFolds,
  chooseL2,
  sliceIsInformative,
  trainScoringModel,
  type Algorithm,
} from '../../../../src/inference/models/scoring-model.js';
import { rocAuc } from '../../../../src/inference/models/metrics.js';
import { syntheticLeads } from '../../../../src/inference/models/synthetic.js';
import type { Table } from '../../../../src/inference/models/table.js';

const opts = { target: 'outcome', positive: 'won', drop: ['lead_id'] };
const labels = (t: Table) => t.rows.map((r) => (r[5] === 'won' ? 1 : 0));

describe.each(['logreg', 'gbdt', 'blend'] as Algorithm[])('%s', (algorithm) => {
  it('learns a separable problem (AUC > 0.95 on later rows)', () => {
    const m = trainScoringModel(syntheticLeads(1500, { seed: 1 }), { ...opts, algorithm });
    const test = syntheticLeads(600, { seed: 2 });
    expect(rocAuc(m.predictTable(test), labels(test))).toBeGreaterThan(0.95);
    expect(m.algorithm).toBe(algorithm);
  });

  it('learns a noisy problem (AUC > 0.7)', () => {
    const m = trainScoringModel(syntheticLeads(1500, { seed: 3, noise: 1 }), { ...opts, algorithm });
    const test = syntheticLeads(600, { seed: 4, noise: 1 });
    const auc = rocAuc(m.predictTable(test), labels(test));
    expect(auc).toBeGreaterThan(0.7);
    expect(auc).toBeLessThan(0.95);
  });

  it('explains with the right sign for a known positive feature', () => {
    const m = trainScoringModel(syntheticLeads(1500, { seed: 5 }), { ...opts, algorithm });
    const high = m.score({ signal: '2.5', plan: 'pro', visits: '10', region: 'east' });
    const low = m.score({ signal: '-2.5', plan: 'pro', visits: '10', region: 'east' });
    expect(high.probability).toBeGreaterThan(0.9);
    expect(low.probability).toBeLessThan(0.1);
    expect(high.factors[0]).toMatchObject({ name: 'signal=2.5', direction: '+' });
    expect(low.factors[0]).toMatchObject({ name: 'signal=-2.5', direction: '-' });
    const free = m.score({ signal: '0.2', plan: 'free', visits: '10', region: 'east' });
    expect(free.factors.find((f) => f.name === 'plan=free')?.direction).toBe('-');
    for (const s of [high, low, free]) {
      expect(s.model).toBe(MODEL_NAMES[algorithm]);
      expect(s.probability).toBeGreaterThanOrEqual(0);
      expect(s.probability).toBeLessThanOrEqual(1);
    }
  });

  it('round-trips through JSON with identical scores', () => {
    const m = trainScoringModel(syntheticLeads(800, { seed: 6, noise: 0.5 }), { ...opts, algorithm });
    const test = syntheticLeads(200, { seed: 7, noise: 0.5 });
    const loaded = ScoringModel.fromJSON(JSON.parse(JSON.stringify(m.toJSON())));
    expect(Array.from(loaded.predictTable(test))).toEqual(Array.from(m.predictTable(test)));
    expect(loaded.scoreTable(test)).toEqual(m.scoreTable(test));
  });
});

describe('trainScoringModel', () => {
  it('auto compares logreg, gbdt and their blend by cross-validation and says why', () => {
    const m = trainScoringModel(syntheticLeads(1000, { seed: 8, noise: 0.5 }), opts);
    expect(m.training.candidates.map((c) => c.algorithm)).toEqual(['logreg', 'gbdt', 'blend']);
    for (const c of m.training.candidates) expect(c.validationAuc).toBeGreaterThan(0.7);
    expect(m.training.candidates[1]!.setting).toMatch(
      /^trees=\d+ rate=0\.(1|05) depth=\d min_leaf=\d+( bags=3 colsample=0\.5)?$/,
    );
    expect(m.training.reason).toMatch(/4.fold/);
    // Calibrated on the out-of-fold margins of every training row.
    expect(m.training.calibration!.rows).toBe(1000);
  });

  it('the blend weight is chosen on the out-of-fold margins: an interaction only trees can see leans to the gbdt', () => {
    let h = 7;
    const u = () => ((h = (Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0) / 2 ** 32) * 2 - 1;
    const rows = Array.from({ length: 1200 }, (_, i) => {
      const [a, b] = [u(), u()];
      return [`id-${i}`, a.toFixed(3), b.toFixed(3), a * b + 0.1 * u() > 0 ? 'won' : 'lost'];
    });
    const t: Table = { columns: ['lead_id', 'a', 'b', 'outcome'], rows };
    const m = trainScoringModel(t, { ...opts, algorithm: 'blend' });
    const [lr, gb, blend] = m.training.candidates;
    expect(lr!.validationAuc!).toBeLessThan(0.6);
    expect(gb!.validationAuc!).toBeGreaterThan(0.9);
    expect(blend!.setting).toMatch(/^0\.2 × logreg/);
    expect(blend!.validationAuc!).toBeGreaterThan(0.9);
  });

  it('a blend explains with both members: contributions add up to its margin direction', () => {
    const m = trainScoringModel(syntheticLeads(1200, { seed: 13, noise: 0.3 }), { ...opts, algorithm: 'blend' });
    const doc = m.toJSON();
    expect(doc.version).toBe(2);
    expect(doc.members!.map((x) => x.params.kind)).toEqual(['logreg', 'gbdt']);
    expect(doc.members![1]!.schema.encoding).toBe('codes');
    const s = m.score({ signal: '2', plan: 'enterprise', visits: '12', region: 'west' });
    expect(s.probability).toBeGreaterThan(0.8);
    expect(s.factors.map((f) => f.name)).toContain('signal=2');
  });

  it('still loads version-1 documents (one schema + params)', () => {
    const m = trainScoringModel(syntheticLeads(600, { seed: 14, noise: 0.5 }), { ...opts, algorithm: 'logreg' });
    const { members, ...rest } = m.toJSON();
    const v1 = { ...rest, version: 1, params: members![0]!.params };
    const test = syntheticLeads(100, { seed: 15, noise: 0.5 });
    expect(Array.from(ScoringModel.fromJSON(v1).predictTable(test))).toEqual(Array.from(m.predictTable(test)));
    expect(() => ScoringModel.fromJSON({ ...rest, version: 1 })).toThrow(/no parameters/);
  });

  it('handles heavy class imbalance (class weights) and still ranks', () => {
    const t = syntheticLeads(2000, { seed: 9, noise: 0.3 });
    // keep every 10th win only: ~5 % positives
    const rows = t.rows.filter((r, i) => r[5] === 'lost' || i % 10 === 0);
    const m = trainScoringModel({ columns: t.columns, rows }, { ...opts, algorithm: 'logreg' });
    const test = syntheticLeads(600, { seed: 10, noise: 0.3 });
    expect(rocAuc(m.predictTable(test), labels(test))).toBeGreaterThan(0.85);
  });

  it('rejects unusable training data with typed errors', () => {
    const t = syntheticLeads(50, { seed: 11 });
    expect(() => trainScoringModel(t, { ...opts, target: 'nope' })).toThrow(/no column "nope"/);
    expect(() => trainScoringModel(t, { ...opts, positive: 'maybe' })).toThrow(
      /no row has outcome="maybe" \(values seen: "(won|lost)", "(won|lost)"\)/,
    );
    expect(() => ScoringModel.fromJSON({ format: 'other' })).toThrow(/not a closeloop scoring model/);
  });

  it('keeps logreg with the default L2 when every candidate is near chance', () => {
    const t = syntheticLeads(1200, { seed: 12, noise: 0.3 });
    // Outcome unrelated to the features: no fold can tell the candidates apart.
    let h = 99;
    const coin = () => ((h = (Math.imul(h ^ (h >>> 16), 0x45d9f3b) + 0x9e3779b9) >>> 0) >>> 7) % 2 === 0;
    const rows = t.rows.map((r) => [...r.slice(0, 5), coin() ? 'won' : 'lost']);
    const m = trainScoringModel({ columns: t.columns, rows }, opts);
    expect(m.training.reason).toMatch(/near chance/);
    expect(m.algorithm).toBe('logreg');
    expect(m.training.candidates.find((c) => c.algorithm === 'logreg')!.setting).toBe(`l2=${DEFAULT_L2}`);
  });

  it('guards a period snapshot: a period never seen in training goes to the model without period columns', () => {
    // `quarter_rate` takes one value per period; the latest periods are new. Outcome depends on it and on signal.
    const t = syntheticLeads(1500, { seed: 16, noise: 0.3 });
    const rate = (i: number) => (1 + Math.floor(i / 150) * 0.25).toFixed(2);
    const table = {
      columns: [...t.columns, 'quarter_rate'],
      rows: t.rows.map((r, i) => [...r.slice(0, 5), i % 150 < 40 ? 'won' : r[5]!, rate(i)]),
    };
    for (const algorithm of ['logreg', 'gbdt'] as const) {
      const m = trainScoringModel(table, { ...opts, algorithm });
      const col = m.schema.columns.find((c) => c.name === 'quarter_rate');
      expect(col).toMatchObject({ kind: 'numeric', seen: expect.arrayContaining(['1.00', '3.25']) });
      const rec = { signal: '0.3', plan: 'pro', visits: '5', region: 'east' };
      const unseen = m.score({ ...rec, quarter_rate: '9.99' });
      const missing = m.score({ ...rec, quarter_rate: '' });
      expect(unseen.factors.find((f) => f.name.startsWith('quarter_rate'))).toBeUndefined();
      expect(m.score({ ...rec, quarter_rate: '1.00' }).factors.some((f) => f.name === 'quarter_rate=1.00')).toBe(true);
      expect(unseen.probability).toBeCloseTo(missing.probability, 6);
      // A new period is scored by the model trained without the period columns.
      expect(unseen.model).toBe(MODEL_NAMES.logreg);
      expect(m.toJSON().newPeriod!.setting).toMatch(/without quarter_rate/);
      const seen = m.scoreTable({
        columns: [...Object.keys(rec), 'quarter_rate'],
        rows: [['0.3', 'pro', '5', 'east', '1.00']],
      });
      expect(seen[0]!.model).toBe(MODEL_NAMES[algorithm]);
    }
  });
});

describe('selection rules', () => {
  const y = Uint8Array.from({ length: 1000 }, (_, i) => (i % 5 === 0 ? 1 : 0)); // 200 positives, 800 negatives

  it('chooseL2 takes the best strength on an informative slice, the default on a near-chance one', () => {
    const path = (a: number, b: number, c: number) => [
      { l2: 0.1, auc: a },
      { l2: DEFAULT_L2, auc: b },
      { l2: 1e-4, auc: c },
    ];
    expect(chooseL2(path(0.8, 0.78, 0.79), y).l2).toBe(0.1);
    expect(chooseL2(path(0.78, 0.78, 0.8), y).l2).toBe(1e-4);
    expect(chooseL2(path(0.8, 0.8, 0.80005), y).l2).toBe(0.1); // a tie keeps the stronger penalty
    expect(chooseL2(path(0.49, 0.48, 0.52), y).l2).toBe(DEFAULT_L2); // near chance: 0.52 is noise
  });

  it('stratifiedFolds deals each class evenly over the folds, deterministically', () => {
    const f = stratifiedFolds(y, 4);
    expect(Array.from(f)).toEqual(Array.from(stratifiedFolds(y, 4)));
    for (let k = 0; k < 4; k++) {
      expect(Array.from(f).filter((v, i) => v === k && y[i] === 1)).toHaveLength(50);
      expect(Array.from(f).filter((v, i) => v === k && y[i] === 0)).toHaveLength(200);
    }
  });

  it('selectionTolerance is half a standard error, at least 0.002', () => {
    expect(selectionTolerance(0.8, 40, 160)).toBeGreaterThan(0.015);
    expect(selectionTolerance(0.8, 100_000, 400_000)).toBe(0.002);
  });

  it('sliceIsInformative needs more than two standard errors above chance', () => {
    expect(sliceIsInformative(0.52, 200, 800)).toBe(false);
    expect(sliceIsInformative(0.6, 200, 800)).toBe(true);
    expect(sliceIsInformative(0.55, 20, 80)).toBe(false);
  });
});
