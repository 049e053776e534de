/**
 * Money amounts and percentages in free text, normalised to numbers so that "$12k", "12,000 USD"
 * and "12.000 €" compare equal. Both the model's text and the grounding sources go through the
 * same parser, so an ambiguous format is at least read the same way on both sides.
 */
export interface NumberMention {
  text: string;
  value: number;
  start: number;
  end: number;
}

const NUM = String.raw`\d{1,3}(?:[,.\u00a0\u202f ]\d{3})+(?![\d])(?:[.,]\d{1,2})?|\d+(?:[.,]\d+)?`;
const SUFFIX = String.raw`(?:\s?(?:k|K|m|M|mn|bn|thousand|million|billion)(?![\p{L}\p{N}]))`;
const SYMBOL = String.raw`(?:[$€£¥₹]|\b(?:USD|EUR|GBP|CHF|JPY|CAD|AUD|INR|SEK|NOK|DKK)\b)`;
const CURRENCY_AFTER = String.raw`(?:[$€£¥₹]|\b(?:USD|EUR|GBP|CHF|JPY|CAD|AUD|INR|SEK|NOK|DKK|dollars?|euros?|pounds?|bucks)\b)`;

const AMOUNT_RE = new RegExp(
  String.raw`${SYMBOL}\s?(?<a>${NUM})(?<as>${SUFFIX})?|(?<![\p{L}\p{N}.,])(?<b>${NUM})(?<bs>${SUFFIX})?\s?${CURRENCY_AFTER}|(?<![\p{L}\p{N}.,$€£¥₹])(?<c>\d+(?:[.,]\d+)?)\s?(?<cs>[kK])(?![\p{L}\p{N}])`,
  'gu',
);
const PERCENT_RE = new RegExp(
  String.raw`(?<![\p{L}\p{N}.,])(?<n>\d+(?:[.,]\d+)?)\s?(?:%|percent\b|per\s?cent\b|pct\b)`,
  'giu',
);
const ANY_NUMBER_RE = new RegExp(String.raw`(?<![\p{L}\p{N}])(?<n>${NUM})(?<s>${SUFFIX})?`, 'gu');

/** "12,000" → 12000, "1.200,50" → 1200.5, "12,5" → 12.5, "0.125" → 0.125. */
export function parseLocaleNumber(raw: string): number {
  const s = raw.replace(/[\s\u00a0\u202f]/g, '');
  const lastComma = s.lastIndexOf(',');
  const lastDot = s.lastIndexOf('.');
  if (lastComma >= 0 && lastDot >= 0) {
    const decimal = lastComma > lastDot ? ',' : '.';
    const thousands = decimal === ',' ? '.' : ',';
    return Number(s.split(thousands).join('').replace(decimal, '.'));
  }
  const sep = lastComma >= 0 ? ',' : lastDot >= 0 ? '.' : null;
  if (sep === null) return Number(s);
  const parts = s.split(sep);
  const isThousands = parts.length > 2 || (parts[1]!.length === 3 && parts[0] !== '0');
  return Number(isThousands ? parts.join('') : parts.join('.'));
}

const multiplier = (suffix: string | undefined): number => {
  const s = (suffix ?? '').trim().toLowerCase();
  if (s === 'k' || s === 'thousand') return 1e3;
  if (s === 'm' || s === 'mn' || s === 'million') return 1e6;
  if (s === 'bn' || s === 'billion') return 1e9;
  return 1;
};

/** Money amounts: a number with a currency symbol, code or word, or a bare "50k". */
export function findAmounts(text: string): NumberMention[] {
  const out: NumberMention[] = [];
  for (const m of text.matchAll(AMOUNT_RE)) {
    const g = m.groups!;
    const num = g.a ?? g.b ?? g.c!;
    const suffix = g.as ?? g.bs ?? g.cs;
    out.push({
      text: m[0].trim(),
      value: parseLocaleNumber(num) * multiplier(suffix),
      start: m.index,
      end: m.index + m[0].length,
    });
  }
  return out;
}

export function findPercentages(text: string): NumberMention[] {
  return [...text.matchAll(PERCENT_RE)].map((m) => ({
    text: m[0],
    value: parseLocaleNumber(m.groups!.n!),
    start: m.index,
    end: m.index + m[0].length,
  }));
}

/** Every number in a source text, with k/M suffixes applied (for grounding amounts). */
export function findAllNumbers(text: string): number[] {
  return [...text.matchAll(ANY_NUMBER_RE)].map((m) => parseLocaleNumber(m.groups!.n!) * multiplier(m.groups!.s));
}

/** Equal to the cent: amounts are grounded only by the same figure, not a nearby one. */
export const sameNumber = (a: number, b: number): boolean => Math.round(a * 100) === Math.round(b * 100);
