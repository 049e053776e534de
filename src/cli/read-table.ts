import { isCloseloopError } from '../core/index.js';
import { readCsvFile } from '../lib/csv.js';
import { isMissing, outcomeOf } from '../inference/models/features.js';
import { columnIndex, tableOf, type Table } from '../inference/models/table.js';
import { UsageError } from './command.js';

/**
 * Read a CSV file for the eval CLIs; unreadable or malformed files become UsageErrors (exit 2). Column names are
 * trimmed (a header cell "won " is the column won: the space is invisible in every message that lists the columns);
 * a name the header gives twice is refused (which of the two would be the target, or the feature?).
 */
export async function readTableFile(path: string): Promise<Table> {
  try {
    const t = tableOf(await readCsvFile(path), path);
    const columns = t.columns.map((c) => c.trim());
    const twice = columns.find((c, i) => c !== '' && columns.indexOf(c) !== i);
    if (twice !== undefined)
      throw new UsageError(`${path}: the header has the column "${twice}" twice; rename or remove one of them`);
    if (t.rows.length === 0) throw new UsageError(`${path}: no data rows`);
    return { columns, rows: withDecimalPoints(t.rows, columns.length) };
  } catch (e) {
    if (isCloseloopError(e)) throw new UsageError(e.message);
    throw e;
  }
}

/** A number with a decimal comma, dots between thousands allowed: 0,5 / -12,25 / 1.234,5. */
const DECIMAL_COMMA = /^[+-]?(\d+|\d{1,3}(\.\d{3})+),\d+$/;
/** One that cannot be a thousands grouping: not three digits after the comma, a 0 before it, or dots before it. */
const SURELY_DECIMAL = /^[+-]?(0,\d+|\d+,(\d{1,2}|\d{4,})|\d{1,3}(\.\d{3})+,\d+)$/;

/**
 * Columns written with decimal commas (a European spreadsheet's export: "0,5", "1.234,5") rewritten with decimal
 * points. Read as they are, "0,177" is 177 to the number parser (a comma before three digits groups thousands) and
 * "0,5" is no number at all: the column becomes wrong numbers or categories, silently. A column is rewritten when
 * every value is empty, missing, a whole number or a decimal-comma number, and one of them at least cannot be a
 * thousands grouping; a column of values like "1,234" alone stays as it is (thousands).
 */
export function withDecimalPoints(rows: string[][], width: number): string[][] {
  const convert: number[] = [];
  for (let c = 0; c < width; c++) {
    let sure = false;
    let numbers = true;
    for (const r of rows) {
      const v = (r[c] ?? '').trim();
      if (isMissing(v) || /^[+-]?\d+$/.test(v)) continue;
      if (!DECIMAL_COMMA.test(v)) {
        numbers = false;
        break;
      }
      sure ||= SURELY_DECIMAL.test(v);
    }
    if (numbers && sure) convert.push(c);
  }
  if (convert.length === 0) return rows;
  return rows.map((r) => {
    const out = r.slice();
    for (const c of convert) {
      const v = (out[c] ?? '').trim();
      if (DECIMAL_COMMA.test(v)) out[c] = v.replaceAll('.', '').replace(',', '.');
    }
    return out;
  });
}

/**
 * The rows of `t` (read from `path`) that have a label in `column` (and pass `keep`), with their 0/1 outcomes
 * (outcomeOf: `positive` ignoring case and surrounding spaces). Refuses, naming the file, the column and the
 * labels it holds, a file whose rows are all of one outcome: a metric computed on it would be 0 or undefined, and a
 * `--positive` that is not one of the file's labels would otherwise read as "no positives" without a word.
 */
export function labelledRows(
  t: Table,
  path: string,
  column: string,
  positive: string,
  keep: { row: (row: string[]) => boolean; what: string } | null = null,
): { rows: string[][]; y: number[]; negatives: [string, number][] } {
  const ci = columnIndex(t, column, path);
  const withLabel = t.rows.filter((r) => !isMissing(r[ci]));
  const rows = keep ? withLabel.filter(keep.row) : withLabel;
  const y: number[] = rows.map((r) => outcomeOf(r[ci], positive));
  const positives = y.reduce((s, v) => s + v, 0);
  if (rows.length > 0 && positives > 0 && positives < rows.length) {
    // The labels counted as negative, most frequent first (one entry per label whatever its case).
    const byLabel = new Map<string, [string, number]>();
    rows.forEach((r, i) => {
      if (y[i]) return;
      const v = r[ci]!.trim();
      const e = byLabel.get(v.toLowerCase());
      if (e) e[1]++;
      else byLabel.set(v.toLowerCase(), [v, 1]);
    });
    return { rows, y, negatives: [...byLabel.values()].sort((a, b) => b[1] - a[1]) };
  }
  if (withLabel.length === 0)
    throw new UsageError(`${path}: no row has a label in column "${column}" (every value is empty or missing)`);
  if (rows.length === 0) throw new UsageError(`${path}: no row with a label in column "${column}" has ${keep!.what}`);
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r[ci]!.trim(), (counts.get(r[ci]!.trim()) ?? 0) + 1);
  const seen = [...counts.entries()].sort((a, b) => b[1] - a[1]);
  const list = `${seen
    .slice(0, 10)
    .map(([v, n]) => `"${v.length > 40 ? `${v.slice(0, 40)}…` : v}": ${n}`)
    .join(', ')}${seen.length > 10 ? `, … (${seen.length} distinct)` : ''}`;
  throw new UsageError(
    positives === 0
      ? `${path}: no row has ${column}="${positive.trim()}" (labels seen: ${list}); --positive must be one of the labels (case and surrounding spaces are ignored)`
      : `${path}: every row has ${column}="${positive.trim()}" (${rows.length} rows); both outcomes are needed`,
  );
}

/**
 * Said on stderr when more than one label counts as negative: "--positive won" on won/lost/open scores open deals as
 * lost, and a typo among the labels ("yse") is silently a negative. Null when the column holds two labels.
 */
export function otherLabelsNote(
  command: string,
  path: string,
  column: string,
  positive: string,
  negatives: readonly [string, number][],
): string | null {
  if (negatives.length < 2) return null;
  const shown = negatives
    .slice(0, 6)
    .map(([v, n]) => `${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}: ${n}`)
    .join(', ');
  return (
    `${command}: ${path}: column "${column}" has ${negatives.length} labels besides "${positive.trim()}", all counted ` +
    `as negative (${shown}${negatives.length > 6 ? ', …' : ''})\n`
  );
}
