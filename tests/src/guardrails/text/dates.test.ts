import { findDates, readingGroundedBy, readingOfIso } from '../../../../src/guardrails/text/dates.js';

describe('findDates', () => {
  it('reads ISO, month-name, day-month, month-year and numeric dates', () => {
    const t = 'Due 2026-03-15T10:00Z. Call on March 15th, 2026 or 15 March or the 3rd of April. By May 2026. 3/4 and 15.03.2026.';
    expect(findDates(t).map((d) => [d.text, d.readings])).toEqual([
      ['2026-03-15', [{ year: 2026, month: 3, day: 15 }]],
      ['March 15th, 2026', [{ year: 2026, month: 3, day: 15 }]],
      ['15 March', [{ year: null, month: 3, day: 15 }]],
      ['3rd of April', [{ year: null, month: 4, day: 3 }]],
      ['May 2026', [{ year: 2026, month: 5, day: null }]],
      ['3/4', [{ year: null, month: 3, day: 4 }, { year: null, month: 4, day: 3 }]],
      ['15.03.2026', [{ year: 2026, month: 3, day: 15 }]],
    ]);
  });
  it('does not read decimals, "24/7" or "we may" as dates', () => {
    expect(findDates('1.5 million, 24/7 support, we may 5 times')).toEqual([]);
  });
  it('drops impossible readings of numeric dates', () => {
    expect(findDates('on 25/12').map((d) => d.readings)).toEqual([[{ year: null, month: 12, day: 25 }]]);
  });
});

describe('readingGroundedBy', () => {
  it('needs the same month, the same day when the claim has one, and the same year when both have one', () => {
    const source = readingOfIso('2026-03-31T00:00:00Z')!;
    expect(readingGroundedBy({ year: null, month: 3, day: 31 }, source)).toBe(true);
    expect(readingGroundedBy({ year: 2026, month: 3, day: null }, source)).toBe(true);
    expect(readingGroundedBy({ year: 2027, month: 3, day: 31 }, source)).toBe(false);
    expect(readingGroundedBy({ year: null, month: 3, day: 30 }, source)).toBe(false);
    expect(readingGroundedBy({ year: null, month: 3, day: 31 }, { year: 2026, month: 3, day: null })).toBe(false);
  });
});
