import {
  jaro,
  jaroWinkler,
  damerauLevenshtein,
  editSimilarity,
  qgramJaccard,
  mongeElkan,
  numericCloseness,
  TfIdfIndex,
  cosine,
  containment,
  tokenize,
} from '../../../src/resolve/er/similarity.js';

describe('similarity functions', () => {
  it('Jaro and Jaro-Winkler match textbook values', () => {
    expect(jaro('martha', 'marhta')).toBeCloseTo(0.9444, 4);
    expect(jaroWinkler('martha', 'marhta')).toBeCloseTo(0.9611, 4);
    expect(jaroWinkler('dixon', 'dicksonx')).toBeCloseTo(0.8133, 4);
    expect(jaroWinkler('abc', 'abc')).toBe(1);
    expect(jaroWinkler('abc', 'xyz')).toBe(0);
    expect(jaroWinkler('', 'abc')).toBe(0);
  });
  it('Damerau-Levenshtein counts transpositions as one edit', () => {
    expect(damerauLevenshtein('kitten', 'sitting')).toBe(3);
    expect(damerauLevenshtein('19371223', '19372123')).toBe(1);
    expect(damerauLevenshtein('', 'abc')).toBe(3);
    expect(editSimilarity('abcd', 'abce')).toBeCloseTo(0.75);
  });
  it('q-gram Jaccard', () => {
    expect(qgramJaccard('acme', 'acme')).toBe(1);
    expect(qgramJaccard('acme', 'acne')).toBeGreaterThan(0.2);
    expect(qgramJaccard('acme', 'zzzz')).toBe(0);
  });
  it('Monge-Elkan ignores word order', () => {
    expect(mongeElkan(['anna', 'marie'], ['marie', 'anna'])).toBe(1);
    expect(mongeElkan([], [])).toBe(1);
  });
  it('numeric closeness', () => {
    expect(numericCloseness(100, 100)).toBe(1);
    expect(numericCloseness(100, 90)).toBeCloseTo(0.9);
    expect(numericCloseness(Number.NaN, 1)).toBe(0);
  });
  it('TF-IDF weighs rare words above common ones', () => {
    const idx = new TfIdfIndex();
    const docs = [
      'university of michigan',
      'university of pittsburgh',
      'university of vermont',
      'ibm almaden research center',
      'almaden',
    ].map(tokenize);
    docs.forEach((d) => idx.add(d));
    expect(idx.idf('almaden')).toBeGreaterThan(idx.idf('university'));
    const v = docs.map((d) => idx.vector(d));
    expect(cosine(v[0]!, v[0]!)).toBeCloseTo(1);
    expect(cosine(v[0]!, v[1]!)).toBeLessThan(0.5);
    expect(containment(v[4]!, v[3]!)).toBeCloseTo(1);
    expect(cosine(v[4]!, v[3]!)).toBeLessThan(0.7);
  });
});
