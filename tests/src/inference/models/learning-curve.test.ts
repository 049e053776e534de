import { curveSplit, slopePerDoubling } from '../../../../bench/scoring/learning-curve.js';

describe('curveSplit (bench/scoring/learning-curve.ts)', () => {
  // 1,000 rows, 10 % positive, spread through the file.
  const y = Array.from({ length: 1000 }, (_, i) => (i % 10 === 3 ? 1 : 0));
  const fractions = [0.25, 0.5, 0.75, 1];
  const s = curveSplit(y, 0.3, fractions, 1);
  const positives = (idx: number[]) => idx.filter((i) => y[i] === 1).length;

  it('sets aside a stratified test slice and never trains on it', () => {
    expect(s.test).toHaveLength(300);
    expect(positives(s.test)).toBe(30);
    const test = new Set(s.test);
    for (const t of s.train) expect(t.some((i) => test.has(i))).toBe(false);
    expect(new Set([...s.test, ...s.train[3]!]).size).toBe(1000);
  });

  it('trains on nested, stratified subsets of the rest, in file order', () => {
    expect(s.train.map((t) => t.length)).toEqual([176, 350, 526, 700]); // rounded per class: 158 + 18, …, 473 + 53
    expect(s.train.map(positives)).toEqual([18, 35, 53, 70]);
    for (let q = 1; q < s.train.length; q++) {
      const larger = new Set(s.train[q]!);
      expect(s.train[q - 1]!.every((i) => larger.has(i))).toBe(true);
    }
    for (const t of [s.test, ...s.train]) expect(t).toEqual([...t].sort((a, b) => a - b));
  });

  it('is seeded: same seed, same rows; another seed, other rows', () => {
    expect(curveSplit(y, 0.3, fractions, 1)).toEqual(s);
    expect(curveSplit(y, 0.3, fractions, 2).test).not.toEqual(s.test);
  });

  it('rejects fractions outside their range', () => {
    expect(() => curveSplit(y, 1, fractions, 1)).toThrow(/test fraction/);
    expect(() => curveSplit(y, 0.3, [0, 1], 1)).toThrow(/training fractions/);
  });
});

describe('slopePerDoubling', () => {
  it('is the change of the metric per doubling of the rows', () => {
    expect(slopePerDoubling([100, 200, 400, 800], [0.7, 0.72, 0.74, 0.76])).toBeCloseTo(0.02, 12);
    expect(slopePerDoubling([100, 100], [0.7, 0.8])).toBe(0);
  });
});
