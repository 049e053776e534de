import { formatDay } from '../../../src/lib/dates.js';

describe('formatDay', () => {
  it('names the day, month and year in UTC', () => {
    expect(formatDay('2025-03-03T10:00:00Z')).toBe('3 March 2025');
    // 23:30 at UTC-2 is already the next day (and year) in UTC.
    expect(formatDay('2025-12-31T23:30:00-02:00')).toBe('1 January 2026');
  });
});
