import { quoteWindow } from '../../../src/inference/quote-window.js';

const review =
  'after a long review with procurement, legal, IT security, the works council and our regional directors in Lyon, Munich and Porto, who all had a say in this, ';
const long = `Hi Riley, ${review.repeat(2)}finance told us yesterday that our budget was cut by a third for the rest of the fiscal year, so we cannot sign at the current price.`;
const budgetWords = (part: string) => (/budget|cannot sign/.test(part) ? 1 : 0);

describe('quoteWindow: a long sentence quoted around what it is quoted for', () => {
  test('a sentence that fits is quoted whole', () => {
    expect(quoteWindow('Our budget was cut, so we cannot sign.', budgetWords)).toBe(
      'Our budget was cut, so we cannot sign.',
    );
  });
  test('a long one keeps the clause with the signal and its neighbours, marked where cut, within the limit', () => {
    const q = quoteWindow(long, budgetWords);
    expect(q.length).toBeLessThanOrEqual(280);
    expect(q).toMatch(/^….*finance told us yesterday that our budget was cut by a third/);
    expect(q).toMatch(/so we cannot sign at the current price\.$/);
    expect(long.replace(/\s+/g, ' ')).toContain(q.replace(/^…|…$/g, ''));
  });
  test('without a focus the start is kept, cut after a whole word', () => {
    const q = quoteWindow(long, null);
    expect(q.length).toBeLessThanOrEqual(280);
    expect(q.startsWith('Hi Riley, after a long review')).toBe(true);
    expect(q.endsWith('…')).toBe(true);
    expect(q).not.toMatch(/\b\w,?…$/); // never one letter of a cut word ("Lyon, M…")
    expect(long).toContain(q.slice(0, -1));
  });
  test('one clause longer than the limit is cut at a word, and no input throws', () => {
    const words = `${'procurement '.repeat(40)}our budget was cut`;
    const q = quoteWindow(words, budgetWords);
    expect(q.length).toBeLessThanOrEqual(280);
    expect(q.endsWith('…')).toBe(true);
    for (const odd of ['', ',,,,', '—'.repeat(500), 'x'.repeat(1000), `${', '.repeat(400)}budget`])
      expect(quoteWindow(odd, budgetWords).length).toBeLessThanOrEqual(280);
  });
});
