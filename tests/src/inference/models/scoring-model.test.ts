import {
  DEFAULT_L2,
  ScoringModel,
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

describe.each(['logreg', 'gbdt'] as Algorithm[])('%s', (algorithm) => {
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
      expect(s.model).toBe(algorithm === 'logreg' ? 'logreg-v1' : 'gbdt-v1');
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
  it('auto compares both candidates on the held-out slice and says why', () => {
    const m = trainScoringModel(syntheticLeads(1000, { seed: 8, noise: 0.5 }), opts);
    expect(m.training.candidates.map((c) => c.algorithm)).toEqual(['logreg', 'gbdt']);
    expect(m.training.reason).toMatch(/gbdt|logreg/);
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
    expect(() => trainScoringModel(t, { ...opts, positive: 'maybe' })).toThrow(/no row has outcome="maybe"/);
    expect(() => ScoringModel.fromJSON({ format: 'other' })).toThrow(/not a closeloop scoring model/);
  });

  it('keeps logreg with the default L2 when the latest slice is near chance (drift)', () => {
    const t = syntheticLeads(2000, { seed: 12, noise: 0.3 });
    // Latest 20 % of rows: outcome unrelated to the features (alternating), as under a regime change.
    const rows = t.rows.map((r, i) => (i >= 1600 ? [...r.slice(0, 5), i % 2 === 0 ? 'won' : 'lost'] : r));
    const m = trainScoringModel({ columns: t.columns, rows }, opts);
    expect(m.algorithm).toBe('logreg');
    expect(m.training.reason).toMatch(/near chance/);
    expect(m.training.candidates.find((c) => c.algorithm === 'logreg')!.setting).toBe(`l2=${DEFAULT_L2}`);
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

  it('sliceIsInformative needs more than two standard errors above chance', () => {
    expect(sliceIsInformative(0.52, 200, 800)).toBe(false);
    expect(sliceIsInformative(0.6, 200, 800)).toBe(true);
    expect(sliceIsInformative(0.55, 20, 80)).toBe(false);
  });
});
