import { findAmounts, findPercentages, type NumberMention } from './numbers.js';
import { sentenceBounds } from './words.js';

/**
 * Discounts offered in text: a percentage or amount tied to a discount word in the same sentence
 * ("15% off", "a discount of 10%", "$500 rebate"). A keyword is tied to the nearest figure, so in
 * "usage grew 30% and we can offer a 10% discount" only 10% is a discount.
 */
export interface DiscountMention {
  text: string;
  percent: number | null;
  amount: number | null;
  start: number;
  end: number;
}

const KEYWORDS =
  /\b(off|discount(?:s|ed)?|rebates?|markdown|cheaper|save|savings|price (?:cut|reduction)|reduced (?:price|rate)|lower price)\b/gi;
const HALF = /\bhalf[ -](?:off|price)\b/gi;

export function findDiscounts(text: string): DiscountMention[] {
  const figures: (NumberMention & { kind: 'percent' | 'amount' })[] = [
    ...findPercentages(text).map((m) => ({ ...m, kind: 'percent' as const })),
    ...findAmounts(text).map((m) => ({ ...m, kind: 'amount' as const })),
  ];
  const chosen = new Set<(typeof figures)[number]>();
  for (const k of text.matchAll(KEYWORDS)) {
    const kStart = k.index,
      kEnd = k.index + k[0].length;
    const { start, end } = sentenceBounds(text, kStart);
    let best: (typeof figures)[number] | null = null;
    let bestDistance = Infinity;
    for (const f of figures) {
      if (f.start < start || f.end > end) continue;
      const distance = f.end <= kStart ? kStart - f.end : f.start >= kEnd ? f.start - kEnd : 0;
      // "off" only ever follows its figure directly: "20% off", "$500 off".
      if (k[0].toLowerCase() === 'off' && !(f.end <= kStart && distance <= 2)) continue;
      if (distance < bestDistance) {
        best = f;
        bestDistance = distance;
      }
    }
    if (best && bestDistance <= 60) chosen.add(best);
  }
  const out: DiscountMention[] = [...chosen].map((f) => ({
    text: f.text,
    percent: f.kind === 'percent' ? f.value : null,
    amount: f.kind === 'amount' ? f.value : null,
    start: f.start,
    end: f.end,
  }));
  for (const h of text.matchAll(HALF))
    out.push({ text: h[0], percent: 50, amount: null, start: h.index, end: h.index + h[0].length });
  return out.sort((a, b) => a.start - b.start);
}

/** Largest discount in percent; an amount counts relative to the deal amount when that is known. 0 when none. */
export function maxDiscountPercent(text: string, dealAmount: number | null): number {
  let max = 0;
  for (const d of findDiscounts(text)) {
    const pct =
      d.percent ?? (d.amount !== null && dealAmount !== null && dealAmount > 0 ? (d.amount / dealAmount) * 100 : 0);
    if (pct > max) max = pct;
  }
  return Math.round(max * 100) / 100;
}
