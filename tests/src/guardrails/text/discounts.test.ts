import { findDiscounts, maxDiscountPercent } from '../../../../src/guardrails/text/discounts.js';

describe('findDiscounts', () => {
  it('ties each discount word to the nearest figure in its sentence', () => {
    const t =
      'Your usage grew 30% and we can offer a 10% discount. Also $500 off, and a discount of 15 percent. Prices rise 5% next year. Half price for you.';
    expect(findDiscounts(t).map((d) => [d.text, d.percent, d.amount])).toEqual([
      ['10%', 10, null],
      ['$500', null, 500],
      ['15 percent', 15, null],
      ['Half price', 50, null],
    ]);
  });
  it('does not split a sentence at a decimal point', () => {
    expect(findDiscounts('Version 2.0 is out and we can offer a 12.5% discount.').map((d) => d.percent)).toEqual([
      12.5,
    ]);
  });
  it('only counts "off" right after its figure', () => {
    expect(findDiscounts('Take the day off after the 20% growth.')).toEqual([]);
  });
});

describe('maxDiscountPercent', () => {
  it('is the largest discount, with amounts measured against the deal amount', () => {
    expect(maxDiscountPercent('5% off now, $3,000 off later.', 10000)).toBe(30);
    expect(maxDiscountPercent('5% off now, $3,000 off later.', null)).toBe(5);
    expect(maxDiscountPercent('No discounts here.', 10000)).toBe(0);
  });
});
