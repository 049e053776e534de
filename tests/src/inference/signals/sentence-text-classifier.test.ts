import { InvalidPayloadError } from '../../../../src/core/index.js';
import { trainFusedTextClassifier } from '../../../../src/inference/signals/sentence-text-classifier.js';
import { trainTextClassifier } from '../../../../src/inference/signals/text-classifier.js';

// Texts whose words say nothing about the label (the same word pool for both classes); the label is only in the
// direction of the "sentence vector", as when paraphrases share meaning but not words.
const WORDS = 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu'.split(' ');
function data(n: number, seed: number) {
  let s = seed;
  const rnd = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const texts: string[] = [];
  const y: number[] = [];
  const vectors: Float32Array[] = [];
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    texts.push(Array.from({ length: 5 }, () => WORDS[Math.floor(rnd() * WORDS.length)]).join(' '));
    y.push(label);
    const v = Float32Array.from({ length: 8 }, () => rnd() - 0.5);
    v[0] = label ? 1 : -1;
    let norm = 0;
    for (const x of v) norm += x * x;
    vectors.push(v.map((x) => x / Math.sqrt(norm)));
  }
  return { texts, y, vectors };
}

describe('trainFusedTextClassifier', () => {
  const tr = data(80, 1);
  const te = data(40, 7);
  it('learns what only the sentence vectors carry, where the n-gram classifier cannot', () => {
    const fused = trainFusedTextClassifier(tr.texts, tr.y, tr.vectors);
    const ngram = trainTextClassifier(tr.texts, tr.y);
    expect(fused.report.folds).toBe(5);
    expect(fused.report.grid).toHaveLength(6);
    expect(fused.report.validationF1!).toBeGreaterThan(0.9);
    expect(fused.report.validationF1!).toBeGreaterThan((ngram.report.validationF1 ?? 0) + 0.2);
    const correct = te.texts.filter(
      (t, i) => (fused.model.probability(t, te.vectors[i]!) >= fused.model.threshold ? 1 : 0) === te.y[i],
    ).length;
    expect(correct / te.texts.length).toBeGreaterThan(0.9);
  });
  it('is deterministic and its probabilities are in (0, 1)', () => {
    const a = trainFusedTextClassifier(tr.texts, tr.y, tr.vectors);
    const b = trainFusedTextClassifier(tr.texts, tr.y, tr.vectors);
    expect(b.report).toEqual(a.report);
    const p = te.texts.map((t, i) => a.model.probability(t, te.vectors[i]!));
    expect(te.texts.map((t, i) => b.model.probability(t, te.vectors[i]!))).toEqual(p);
    for (const x of p) expect(x > 0 && x < 1).toBe(true);
  });
  it('weighs each row by rowWeights in its fits (ones change nothing); a wrong length is refused', () => {
    const plain = trainFusedTextClassifier(tr.texts, tr.y, tr.vectors, { alphas: [1], grid: [3] });
    const ones = trainFusedTextClassifier(tr.texts, tr.y, tr.vectors, {
      alphas: [1],
      grid: [3],
      rowWeights: tr.y.map(() => 1),
    });
    const heavyNegatives = trainFusedTextClassifier(tr.texts, tr.y, tr.vectors, {
      alphas: [1],
      grid: [3],
      rowWeights: tr.y.map((v) => (v ? 1 : 20)),
    });
    const margins = (m: typeof plain.model) => te.texts.map((t, i) => m.margin(t, te.vectors[i]!));
    expect(margins(ones.model)).toEqual(margins(plain.model));
    const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
    expect(mean(margins(heavyNegatives.model))).toBeLessThan(mean(margins(plain.model)) - 0.5);
    expect(() => trainFusedTextClassifier(tr.texts, tr.y, tr.vectors, { rowWeights: [1] })).toThrow(RangeError);
  });
  it('rejects one-class labels and vectors that do not match the texts', () => {
    expect(() =>
      trainFusedTextClassifier(
        tr.texts,
        tr.y.map(() => 1),
        tr.vectors,
      ),
    ).toThrow(InvalidPayloadError);
    expect(() => trainFusedTextClassifier(tr.texts, tr.y, tr.vectors.slice(1))).toThrow(RangeError);
    const ragged = tr.vectors.map((v, i) => (i === 3 ? v.subarray(1) : v));
    expect(() => trainFusedTextClassifier(tr.texts, tr.y, ragged)).toThrow(/differ in length/);
  });
});
