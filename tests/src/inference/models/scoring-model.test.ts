import { ScoringModel, trainScoringModel, type Algorithm } from '../../../../src/inference/models/scoring-model.js';
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
});
