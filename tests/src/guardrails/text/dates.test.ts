import { findDates, readingGroundedBy, readingOfIso } from '../../../../src/guardrails/text/dates.js';
import { buildGroundingSources, findUngroundedClaims } from '../../../../src/guardrails/text/grounding.js';

describe('findDates', () => {
  it('reads ISO, month-name, day-month, month-year and numeric dates', () => {
    const t =
      'Due 2026-03-15T10:00Z. Call on March 15th, 2026 or 15 March or the 3rd of April. By May 2026. 3/4 and 15.03.2026.';
    expect(findDates(t).map((d) => [d.text, d.readings])).toEqual([
      ['2026-03-15', [{ year: 2026, month: 3, day: 15 }]],
      ['March 15th, 2026', [{ year: 2026, month: 3, day: 15 }]],
      ['15 March', [{ year: null, month: 3, day: 15 }]],
      ['3rd of April', [{ year: null, month: 4, day: 3 }]],
      ['May 2026', [{ year: 2026, month: 5, day: null }]],
      [
        '3/4',
        [
          { year: null, month: 3, day: 4 },
          { year: null, month: 4, day: 3 },
        ],
      ],
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

describe('relative dates (chrono-node), read as of the time the text is written for', () => {
  const ref = new Date(2026, 11, 5, 12); // Saturday 5 December 2026, local time
  it('reads the day a relative expression names', () => {
    const got = findDates(
      'Could we talk next Friday, or on Monday? The day after tomorrow works too, or in two weeks.',
      ref,
    ).map((d) => [d.text, d.readings[0], d.relative]);
    expect(got).toEqual([
      ['next Friday', { year: 2026, month: 12, day: 11 }, true],
      ['on Monday', { year: 2026, month: 12, day: 7 }, true],
      ['The day after tomorrow', { year: 2026, month: 12, day: 7 }, true],
      ['in two weeks', { year: 2026, month: 12, day: 19 }, true],
    ]);
  });
  it('leaves vague expressions alone, and reads nothing relative without a reference time', () => {
    expect(findDates('Would a short call this week work? Thanks for your email today, talk next week.', ref)).toEqual(
      [],
    );
    // The writer's own next step, like "today": not a deadline the customer acts on.
    expect(findDates('I will call you at +49 30 1234567 tomorrow, as you asked yesterday.', ref)).toEqual([]);
    expect(findDates('Could we talk next Friday?')).toEqual([]);
  });
  it('grounds "next Friday" in a draft only when a source names that day', () => {
    const claims = 'Hi Ada, could we meet next Friday to go through the options?';
    expect(
      findUngroundedClaims(claims, buildGroundingSources(['Ada: I am free on Friday afternoon.'], { ref })),
    ).toEqual([]);
    expect(findUngroundedClaims(claims, buildGroundingSources(['Ada: I am free on 18 December.'], { ref }))).toEqual([
      { kind: 'date', text: 'next Friday' },
    ]);
    expect(
      findUngroundedClaims(claims, buildGroundingSources(['Ada: how about the 11th of December?'], { ref })),
    ).toEqual([]);
  });
});
