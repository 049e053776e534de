import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { SignalType } from '../../src/inference/signals/types.js';

/** A held-out fixture of labelled sales sentences (tests/fixtures/signals/<file>), as `eval signals` reads it. */
export function heldOutSentences(file: string): { text: string; labels: SignalType[] }[] {
  const rows = parse(readFileSync(new URL(`../fixtures/signals/${file}`, import.meta.url), 'utf8'), {
    columns: true,
  }) as { text: string; signals: string }[];
  return rows.map((r) => ({ text: r.text, labels: r.signals.split(' ').filter(Boolean) as SignalType[] }));
}

/**
 * The independent held-out sets (B onwards): each written by someone given only the label policy and committed before
 * the training changes it measures (tests/fixtures/signals/README.md).
 */
export const INDEPENDENT_SETS = [
  'sales-sentences-b.csv',
  'sales-sentences-c.csv',
  'sales-sentences-d.csv',
  'sales-sentences-e.csv',
  'sales-sentences-f.csv',
  'sales-sentences-g.csv',
  'sales-sentences-h.csv',
] as const;
