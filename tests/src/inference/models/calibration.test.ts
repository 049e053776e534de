import { calibrationReport, trainScoringModel } from '../../../../src/inference/models/scoring-model.js';
import { syntheticLeads } from '../../../../src/inference/models/synthetic.js';

describe('calibrationReport (ECE, Brier, reliability bins on the validation slice)', () => {
  it('is near zero when predicted probabilities match the observed rates, large when they do not', () => {
    // Margins 0 → p = 0.5 with a = 1, b = 0: half of the rows positive is calibrated, all positive is not.
    const margins = new Float64Array(100);
    const half = Uint8Array.from({ length: 100 }, (_, i) => i % 2);
    const all = new Uint8Array(100).fill(1);
    const good = calibrationReport(margins, half, { a: 1, b: 0 });
    const bad = calibrationReport(margins, all, { a: 1, b: 0 });
    expect(good).toEqual({ rows: 100, brier: 0.25, ece: 0, bins: [{ predicted: 0.5, observed: 0.5, n: 100 }] });
    expect(bad.ece).toBe(0.5);
    expect(bad.brier).toBe(0.25);
  });

  it('bins by predicted probability and weights the gap by rows', () => {
    // Ten rows at p≈0.12 (one positive), ten at p≈0.88 (all positive).
    const m = Float64Array.from([...Array(10).fill(-2), ...Array(10).fill(2)]);
    const y = Uint8Array.from([1, ...Array(9).fill(0), ...Array(10).fill(1)]);
    const r = calibrationReport(m, y, { a: 1, b: 0 });
    expect(r.bins.map((b) => [b.n, b.observed])).toEqual([
      [10, 0.1],
      [10, 1],
    ]);
    expect(r.ece).toBeCloseTo((Math.abs(0.1192 - 0.1) + Math.abs(0.8808 - 1)) / 2, 3);
  });

  it('a trained model carries its calibration check, and a noisier problem is no better calibrated in Brier terms', () => {
    const opts = { target: 'outcome', positive: 'won', drop: ['lead_id'], algorithm: 'logreg' as const };
    const clean = trainScoringModel(syntheticLeads(1200, { seed: 11 }), opts).training.calibration!;
    const noisy = trainScoringModel(syntheticLeads(1200, { seed: 11, noise: 1 }), opts).training.calibration!;
    expect(clean.rows).toBeGreaterThan(100);
    expect(clean.ece).toBeGreaterThanOrEqual(0);
    expect(clean.ece).toBeLessThan(0.2);
    expect(noisy.brier).toBeGreaterThan(clean.brier);
    expect(clean.bins.reduce((s, b) => s + b.n, 0)).toBe(clean.rows);
  });
});
