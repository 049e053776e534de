import { editDistance } from '../../../src/lib/edit-distance.js';

describe('editDistance (the one implementation)', () => {
  it.each([
    ['', '', 0],
    ['', 'abc', 3],
    ['abc', '', 3],
    ['kitten', 'sitting', 3],
    ['flaw', 'lawn', 2],
    ['same', 'same', 0],
    ['ab', 'ba', 2],
    ['Müller', 'Muller', 1],
  ])('Levenshtein(%j, %j) = %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });

  it.each([
    ['ab', 'ba', 1],
    ['jonh', 'john', 1],
    ['ca', 'abc', 3],
    ['kitten', 'sitting', 3],
    ['abcdef', 'badcfe', 3],
  ])('with transpositions (optimal string alignment): %j, %j = %i', (a, b, d) => {
    expect(editDistance(a, b, { transpositions: true })).toBe(d);
  });

  it('agrees with a plain dynamic-programming reference on random strings', () => {
    const reference = (a: string, b: string): number => {
      const m = Array.from({ length: a.length + 1 }, (_, i) =>
        Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
      );
      for (let i = 1; i <= a.length; i++) {
        for (let j = 1; j <= b.length; j++)
          m[i]![j] = Math.min(
            m[i - 1]![j]! + 1,
            m[i]![j - 1]! + 1,
            m[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
          );
      }
      return m[a.length]![b.length]!;
    };
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const word = () => Array.from({ length: Math.floor(rnd() * 9) }, () => 'abc'[Math.floor(rnd() * 3)]).join('');
    for (let k = 0; k < 300; k++) {
      const [a, b] = [word(), word()];
      expect(editDistance(a, b)).toBe(reference(a, b));
    }
  });
});
