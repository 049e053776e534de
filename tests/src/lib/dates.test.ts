import { formatDay, workingDue } from '../../../src/lib/dates.js';

describe('formatDay', () => {
  it('names the day, month and year in UTC', () => {
    expect(formatDay('2025-03-03T10:00:00Z')).toBe('3 March 2025');
    // 23:30 at UTC-2 is already the next day (and year) in UTC.
    expect(formatDay('2025-12-31T23:30:00-02:00')).toBe('1 January 2026');
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
