import { findDates, readingGroundedBy, readingOfIso, type DateReading } from './dates.js';
import { findDiscounts } from './discounts.js';
import { findEntities } from './entities.js';
import { findAllNumbers, findAmounts, findPercentages, sameNumber } from './numbers.js';
import { containsPhrase } from './words.js';

export const CLAIM_KINDS = ['amount', 'percentage', 'discount', 'date', 'name'] as const;
export type ClaimKind = (typeof CLAIM_KINDS)[number];
export interface Claim {
  kind: ClaimKind;
  text: string;
}

/** Everything a claim may be grounded in, pre-parsed once per evaluation. */
export interface GroundingSources {
  /** All source texts joined (retrieved context, allow-list, CRM fields). */
  text: string;
  numbers: number[];
  percentages: number[];
  dates: DateReading[];
  /** The time the claims are written for: relative dates ("next Friday") on both sides are read as of then. */
  ref?: Date;
}

/**
 * Build the sources from plain texts plus structured values that are facts of the CRM
 * (deal amount, close date) and so need no quoting to be true.
 */
export function buildGroundingSources(
  texts: string[],
  extra: { numbers?: number[]; isoDates?: string[]; ref?: Date } = {},
): GroundingSources {
  const text = texts.join('\n');
  const dates = findDates(text, extra.ref);
  // "2026-03-05" must not ground "$5": numbers are read with the dates blanked out.
  let withoutDates = text;
  for (const d of dates)
    withoutDates = withoutDates.slice(0, d.start) + ' '.repeat(d.end - d.start) + withoutDates.slice(d.end);
  return {
    text,
    numbers: [...findAllNumbers(withoutDates), ...(extra.numbers ?? [])],
    percentages: findPercentages(text).map((p) => p.value),
    dates: [
      ...dates.flatMap((d) => d.readings),
      ...(extra.isoDates ?? []).map(readingOfIso).filter((r): r is DateReading => r !== null),
    ],
    ...(extra.ref ? { ref: extra.ref } : {}),
  };
}

const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }): boolean =>
  a.start < b.end && a.end > b.start;

/**
 * Claims in `text` that the sources do not support: amounts and percentages whose value never
 * appears in the sources, dates no source date agrees with, and names whose words never appear.
 */
export function findUngroundedClaims(text: string, sources: GroundingSources): Claim[] {
  const out: Claim[] = [];
  const seen = new Set<string>();
  const add = (kind: ClaimKind, claimText: string): void => {
    const key = `${kind}:${claimText.toLowerCase()}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push({ kind, text: claimText });
    }
  };
  const discounts = findDiscounts(text);
  const isDiscount = (span: { start: number; end: number }): boolean => discounts.some((d) => overlaps(d, span));

  const dates = findDates(text, sources.ref);
  for (const d of dates) {
    if (!d.readings.some((c) => sources.dates.some((s) => readingGroundedBy(c, s)))) add('date', d.text);
  }
  const inDate = (span: { start: number; end: number }): boolean => dates.some((d) => overlaps(d, span));

  const percentages = findPercentages(text);
  for (const p of percentages) {
    if (!sources.percentages.some((v) => sameNumber(v, p.value)))
      add(isDiscount(p) ? 'discount' : 'percentage', p.text);
  }
  for (const a of findAmounts(text)) {
    if (inDate(a) || percentages.some((p) => overlaps(p, a))) continue;
    if (!sources.numbers.some((v) => sameNumber(v, a.value))) add(isDiscount(a) ? 'discount' : 'amount', a.text);
  }
  for (const e of findEntities(text)) {
    if (containsPhrase(sources.text, e.text)) continue;
    if (e.tokens.every((t) => containsPhrase(sources.text, t))) continue;
    add('name', e.text);
  }
  return out;
}

export const formatClaim = (c: Claim): string => `${c.kind}: ${c.text}`;
