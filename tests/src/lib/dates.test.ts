import {
  interactionDayLine,
  interactionDays,
  knownTimeZone,
  localDay,
  startOfLocalDay,
} from '../../../src/core/time-zone.js';
import { formatDay, workingDue } from '../../../src/lib/dates.js';

describe('formatDay', () => {
  it('names the day, month and year in UTC', () => {
    expect(formatDay('2025-03-03T10:00:00Z')).toBe('3 March 2025');
    // 23:30 at UTC-2 is already the next day (and year) in UTC.
    expect(formatDay('2025-12-31T23:30:00-02:00')).toBe('1 January 2026');
  });
  it("names the day as the rep lives it when the CRM tells the rep's time zone", () => {
    expect(formatDay('2025-03-02T23:30:00Z', 'Asia/Tokyo')).toBe('3 March 2025');
    expect(formatDay('2025-03-03T05:00:00Z', 'America/Los_Angeles')).toBe('2 March 2025');
    expect(formatDay('2025-03-03T05:00:00Z', 'Not/AZone')).toBe('3 March 2025');
    expect(formatDay('2025-03-03T05:00:00Z', null)).toBe('3 March 2025');
  });
});

describe('workingDue: a task is never due on a weekend', () => {
  const at = (iso: string) => Date.parse(iso);
  const DAY = 86_400_000;
  test.each([
    ['2026-12-03T10:00:00.000Z', DAY, '2026-12-04T10:00:00.000Z'], // Thursday → Friday
    ['2026-12-04T10:00:00.000Z', DAY, '2026-12-07T10:00:00.000Z'], // Friday → Monday, not Saturday
    ['2026-12-05T10:00:00.000Z', DAY, '2026-12-07T10:00:00.000Z'], // Saturday → Monday, not Sunday
    ['2026-12-06T10:00:00.000Z', DAY / 2, '2026-12-07T22:00:00.000Z'], // Sunday night → Monday
    ['2026-12-07T23:30:00.000Z', DAY / 2, '2026-12-08T11:30:00.000Z'], // Monday night → Tuesday
  ])('made %s, due %d ms later → %s', (now, ms, due) => {
    expect(workingDue(at(now), ms)).toBe(due);
    expect([0, 6]).not.toContain(new Date(workingDue(at(now), ms)).getUTCDay());
  });
});

describe("workingDue in the rep's own time zone: their weekend, their working hours, the date they read", () => {
  const at = (iso: string) => Date.parse(iso);
  const DAY = 86_400_000;
  test.each([
    // Friday 18:00 in Los Angeles is Saturday 02:00 UTC: the UTC rule kept it on Friday evening (Saturday UTC moved to
    // Monday); in Los Angeles it is Thursday 18:00 + 1 day = Friday 18:00 → Friday 17:00.
    ['2026-12-04T02:00:00.000Z', DAY, 'America/Los_Angeles', '2026-12-05T01:00:00.000Z'],
    // Friday 10:00 in Tokyo + 1 day = Saturday in Tokyo → Monday 09:00 Tokyo (Monday 00:00 UTC), not Saturday.
    ['2026-12-04T01:00:00.000Z', DAY, 'Asia/Tokyo', '2026-12-07T00:00:00.000Z'],
    // Made at 02:30 Berlin on a Tuesday: due Wednesday 09:00 Berlin, not 02:30.
    ['2026-12-08T01:30:00.000Z', DAY, 'Europe/Berlin', '2026-12-09T08:00:00.000Z'],
    // Summer time: 22:00 in New York on Monday 1 June (EDT, UTC-4) + 1 day → Tuesday 17:00 EDT.
    ['2026-06-02T02:00:00.000Z', DAY, 'America/New_York', '2026-06-02T21:00:00.000Z'],
    // HubSpot's account time zones include the old aliases.
    ['2026-12-08T15:00:00.000Z', DAY / 2, 'US/Eastern', '2026-12-08T22:00:00.000Z'],
  ])('made %s, due %d ms later in %s → %s', (now, ms, tz, due) => {
    expect(workingDue(at(now), ms, tz)).toBe(due);
  });

  test('an unknown or absent zone keeps the UTC rule', () => {
    const now = at('2026-12-04T10:00:00.000Z');
    expect(workingDue(now, DAY, 'Mars/Olympus_Mons')).toBe(workingDue(now, DAY));
    expect(workingDue(now, DAY, null)).toBe('2026-12-07T10:00:00.000Z');
    expect(knownTimeZone('Europe/Paris')).toBe('Europe/Paris');
    expect(knownTimeZone('not a zone')).toBeNull();
  });

  test("the rep's day starts at their midnight, and a due instant is read as their date", () => {
    // 05:00 UTC on 8 December is still 7 December in Los Angeles (21:00).
    expect(new Date(startOfLocalDay(at('2026-12-08T05:00:00Z'), 'America/Los_Angeles')).toISOString()).toBe(
      '2026-12-07T08:00:00.000Z',
    );
    expect(new Date(startOfLocalDay(at('2026-12-08T05:00:00Z'), null)).toISOString()).toBe('2026-12-08T00:00:00.000Z');
    expect(localDay(at('2026-12-05T01:00:00.000Z'), 'America/Los_Angeles')).toBe('2026-12-04');
    expect(localDay(at('2026-12-05T01:00:00.000Z'), undefined)).toBe('2026-12-05');
  });
});

describe("an interaction's day as the guardrails' context writes it, and read back by the output gate", () => {
  test('the UTC day alone when the rep lives in it; both days when the rep lives on another', () => {
    expect(interactionDayLine('email', '2026-03-09T20:00:00Z', null)).toBe('email on 2026-03-09');
    expect(interactionDayLine('email', '2026-03-09T20:00:00Z', 'Europe/Berlin')).toBe('email on 2026-03-09');
    const tokyo = interactionDayLine('meeting', '2026-03-09T20:00:00Z', 'Asia/Tokyo');
    expect(tokyo).toBe('meeting on 2026-03-09 (2026-03-10 in Asia/Tokyo)');
    const text = ['email on 2026-03-01', 'Subject: renewal', tokyo, 'not a line: email on 2026-03-02'].join('\n');
    expect(interactionDays(text)).toEqual(['2026-03-01', '2026-03-09', '2026-03-10']);
    // The same text read twice gives the same days (the pattern keeps no state between calls).
    expect(interactionDays(text)).toEqual(['2026-03-01', '2026-03-09', '2026-03-10']);
  });
});
