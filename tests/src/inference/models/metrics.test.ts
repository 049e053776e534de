import {
  aucStandardError,
  logLoss,
  prAuc,
  precisionRecallF1,
  rocAuc,
} from '../../../../src/inference/models/metrics.js';

describe('rocAuc', () => {
  it('matches a hand count of correctly ordered pairs', () => {
    // positives {0.35, 0.8} vs negatives {0.1, 0.4}: 3 of 4 pairs ordered correctly
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBeCloseTo(0.75, 12);
  });
  it('counts ties as half', () => {
    expect(rocAuc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).toBeCloseTo(0.5, 12);
    // pos {0.3, 0.7}, neg {0.3, 0.1}: (0.3 vs 0.3 = 0.5) + 1 + 1 + 1 = 3.5 / 4
    expect(rocAuc([0.3, 0.7, 0.3, 0.1], [1, 1, 0, 0])).toBeCloseTo(0.875, 12);
  });
  it('is 1 for a perfect ranking and NaN with one class', () => {
    expect(rocAuc([1, 2, 3, 4], [0, 0, 1, 1])).toBe(1);
    expect(rocAuc([1, 2], [1, 1])).toBeNaN();
  });
});

describe('prAuc (average precision)', () => {
  it('matches the step-wise hand computation', () => {
    // ranked: 0.8 (pos) P=1 R=.5; 0.4 (neg); 0.35 (pos) P=2/3 R=1 → 0.5·1 + 0.5·2/3
    expect(prAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBeCloseTo(0.5 + 1 / 3, 12);
  });
  it('treats tied scores as one threshold', () => {
    expect(prAuc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).toBeCloseTo(0.5, 12);
  });
});

describe('precisionRecallF1 and logLoss', () => {
  it('computes the positive-class figures', () => {
    const r = precisionRecallF1([1, 1, 0, 0, 1], [1, 0, 1, 0, 1]);
    expect(r).toMatchObject({ tp: 2, fp: 1, fn: 1 });
    expect(r.precision).toBeCloseTo(2 / 3);
    expect(r.recall).toBeCloseTo(2 / 3);
    expect(r.f1).toBeCloseTo(2 / 3);
  });
  it('log-loss of a coin flip is ln 2', () => {
    expect(logLoss([0.5, 0.5], [0, 1])).toBeCloseTo(Math.LN2);
  });
});

describe('aucStandardError', () => {
  it('matches Hanley & McNeil for AUC 0.75 on 40 positives / 160 negatives', () => {
    // q1 = 0.6, q2 = 0.642857; (0.1875 + 39·0.0375 + 159·0.080357) / 6400 = 0.0022542 → 0.04748
    expect(aucStandardError(0.75, 40, 160)).toBeCloseTo(0.04748, 4);
  });
});
