import {
  findAllNumbers,
  findAmounts,
  findPercentages,
  parseLocaleNumber,
  sameNumber,
} from '../../../../src/guardrails/text/numbers.js';

describe('parseLocaleNumber', () => {
  it.each([
    ['12,000', 12000],
    ['12.000', 12000],
    ['1.200,50', 1200.5],
    ['1,200.50', 1200.5],
    ['12,5', 12.5],
    ['1.5', 1.5],
    ['0.125', 0.125],
    ['12 000', 12000],
    ['1,234,567', 1234567],
    ['42', 42],
  ])('%s → %d', (raw, n) => expect(parseLocaleNumber(raw)).toBe(n));
});

describe('findAmounts', () => {
  it('finds amounts with a currency symbol, code or word, and bare "k" figures', () => {
    const t = 'Either $12,000 or USD 12k, 12.000 € maybe 50k, or 1.2M dollars; €1.200,50. 3 seats in Q3 2026.';
    expect(findAmounts(t).map((a) => [a.text, a.value])).toEqual([
      ['$12,000', 12000],
      ['USD 12k', 12000],
      ['12.000 €', 12000],
      ['50k', 50000],
      ['1.2M dollars', 1200000],
      ['€1.200,50', 1200.5],
    ]);
  });
  it('ignores plain counts and years', () => {
    expect(findAmounts('We have 3 seats, 40 users and a 2026 roadmap.')).toEqual([]);
  });
});

describe('findPercentages', () => {
  it('finds %, percent and per cent', () => {
    expect(findPercentages('15% now, 12,5 percent later, 3 per cent of 7pct').map((p) => p.value)).toEqual([
      15, 12.5, 3, 7,
    ]);
  });
});

describe('findAllNumbers and sameNumber', () => {
  it('applies suffixes and compares to the cent', () => {
    expect(findAllNumbers('budget 48k, headcount 12, 1.5 million')).toEqual([48000, 12, 1500000]);
    expect(sameNumber(48000, 48000.004)).toBe(true);
    expect(sameNumber(48000, 48000.5)).toBe(false);
  });
});
