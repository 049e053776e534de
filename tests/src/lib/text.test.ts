import { escapeRegExp } from '../../../src/lib/text.js';

test('escapeRegExp makes a pattern that matches the text literally, every special character included', () => {
  const s = 'a.b*c+d?e^f$g{h}i(j)k|l[m]n\\o/p-q';
  expect(new RegExp(`^${escapeRegExp(s)}$`).test(s)).toBe(true);
  expect(new RegExp(`^${escapeRegExp('a.c')}$`).test('abc')).toBe(false);
  expect(new RegExp(escapeRegExp('/admin/:id')).test('/admin/:id')).toBe(true);
});
