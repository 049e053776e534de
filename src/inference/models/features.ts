import type { Table } from './table.js';

/**
 * Automatic feature typing and encoding. A tenant's table arrives as strings; the same code path types
 * every column (numeric, categorical, date, identifier, free text, constant), decides what counts as
 * missing, and builds a serialisable encoder. Nothing here knows which data set it is looking at.
 */

/** Values treated as "not recorded". Compared after trimming and lower-casing (so " " and "NA" match). */
export const MISSING_TOKENS: ReadonlySet<string> = new Set([
  '',
  'na',
  'n/a',
  'nan',
  'null',
  'none',
  'unknown',
  '?',
  '-',
  'nil',
  '#n/a',
]);
export const isMissing = (v: string | undefined): boolean =>
  v === undefined || MISSING_TOKENS.has(v.trim().toLowerCase());

const PLAIN_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)$/;

/**
 * Whether a label is `positive`: the same after trimming, ignoring case ("Yes", " yes" and "YES" are "yes"), or the
 * same plain number ("1.0" is "1"). Exports spell one label many ways (a file saved from a spreadsheet says "Yes",
 * another "yes"); read exactly, such a file scores every row negative and its figures are silently wrong.
 */
export function sameLabel(label: string, positive: string): boolean {
  const a = label.trim();
  const b = positive.trim();
  if (a === b || a.toLowerCase() === b.toLowerCase()) return true;
  return PLAIN_NUMBER.test(a) && PLAIN_NUMBER.test(b) && Number(a) === Number(b);
}

/** A row's 0/1 outcome: 1 when its label is `positive` (sameLabel). Rows whose label isMissing are left out first. */
export const outcomeOf = (label: string | undefined, positive: string): 0 | 1 =>
  sameLabel(label ?? '', positive) ? 1 : 0;

const MISSING_LEVEL = '(missing)';
const OTHER_LEVEL = '(other)';

export interface NumericColumn {
  kind: 'numeric';
  name: string;
  mean: number;
  std: number;
  median: number;
  hasMissing: boolean;
  /** Quantile cut points; value v falls in bin = number of cuts < v. Empty when binning is off. */
  cuts: number[];
  /**
   * Period snapshot (findPeriodColumns): the values seen in training. A value outside this list is unknown to
   * the model (a period it never saw): encoded as the training mean for linear models, as NaN for trees (which
   * then average over both branches), so it moves no score. Absent for ordinary numerics. See also
   * FeatureSchema.periods: the combination of all period columns must have been seen too.
   */
  seen?: string[];
  /** Why the column is treated as a period snapshot. */
  periodReason?: string;
}
export interface CategoricalColumn {
  kind: 'categorical';
  name: string;
  /** Encoded levels in one-hot order; may include "(missing)" and "(other)". */
  levels: string[];
}
export interface IgnoredColumn {
  /** 'period' only in models trained before period snapshots became guarded features (NumericColumn.seen). */
  kind: 'date' | 'identifier' | 'text' | 'constant' | 'period';
  name: string;
  reason: string;
}
export type ColumnSpec = NumericColumn | CategoricalColumn | IgnoredColumn;

export interface EncodedFeature {
  /** Index into schema.columns: explanations are aggregated per source column. */
  column: number;
  label: string;
  /** Number of category codes when this feature holds a categorical column's level index (encoding 'codes'). */
  categories?: number;
}

export interface FeatureSchema {
  columns: ColumnSpec[];
  /** Column used to order rows in time; null = row order is time order. */
  dateColumn: string | null;
  features: EncodedFeature[];
  /**
   * 'onehot' (default; linear models): one indicator per level. 'codes' (trees): one feature per categorical
   * column holding the level index, split natively by the GBDT.
   */
  encoding?: 'onehot' | 'codes';
  /**
   * The combinations of period-snapshot values seen in training (values joined by "|", in schema order): a
   * period is identified by all its snapshots together. A row whose combination was never seen has every
   * period column unknown, even when each value on its own recurs (an indicator back at an earlier level).
   */
  periods?: string[];
}

export interface TypingOptions {
  /** Quantile bins added next to each standardised numeric (piecewise-constant shape for linear models). 0 = off. */
  numericBins: number;
  /** A level seen fewer times than this goes to "(other)". Default max(5, 0.5 % of rows). */
  minLevelCount?: number;
  /** Keep at most this many levels per categorical column (most frequent first). */
  maxLevels: number;
  /** Categorical columns as level codes (trees) instead of one-hot indicators. */
  codes?: boolean;
  /** Leave the period-snapshot columns out (kept in the schema as ignored, kind 'period'): the new-period model. */
  withoutPeriods?: boolean;
}
export const DEFAULT_TYPING: TypingOptions = { numericBins: 8, maxLevels: 30 };

const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const US_DATE = /^\d{1,2}\/\d{1,2}\/\d{4}$/;

export function parseNumber(v: string): number {
  const t = v.trim();
  if (t === '') return NaN;
  const x = Number(t.replace(/^\$/, '').replace(/,(?=\d{3}(\D|$))/g, ''));
  return Number.isFinite(x) ? x : NaN;
}

export function parseDate(v: string): number {
  const t = v.trim();
  if (!ISO_DATE.test(t) && !US_DATE.test(t)) return NaN;
  const ms = Date.parse(t);
  return Number.isFinite(ms) ? ms : NaN;
}

function quantileCuts(sorted: number[], bins: number): number[] {
  if (bins < 2 || sorted.length === 0) return [];
  const cuts: number[] = [];
  for (let b = 1; b < bins; b++) {
    const q = sorted[Math.min(sorted.length - 1, Math.floor((b / bins) * sorted.length))]!;
    // A cut equal to the maximum would leave the last bin empty.
    if (q < sorted[sorted.length - 1]! && (cuts.length === 0 || q > cuts[cuts.length - 1]!)) cuts.push(q);
  }
  return cuts;
}

function typeColumn(name: string, values: string[], opts: TypingOptions): ColumnSpec {
  const n = values.length;
  const present = values.filter((v) => !isMissing(v));
  if (present.length === 0) return { kind: 'constant', name, reason: 'all values missing' };
  const distinct = new Map<string, number>();
  for (const v of present) distinct.set(v.trim(), (distinct.get(v.trim()) ?? 0) + 1);
  if (distinct.size === 1 && present.length === n) return { kind: 'constant', name, reason: 'a single value' };

  const dates = present.filter((v) => Number.isFinite(parseDate(v))).length;
  if (dates >= 0.95 * present.length)
    return { kind: 'date', name, reason: 'dates: used for time order, not as a feature' };

  const nums = present.map(parseNumber);
  const numeric = nums.filter(Number.isFinite);
  if (numeric.length >= 0.98 * present.length) {
    const sorted = numeric.slice().sort((a, b) => a - b);
    const mean = numeric.reduce((s, x) => s + x, 0) / numeric.length;
    const variance = numeric.reduce((s, x) => s + (x - mean) ** 2, 0) / numeric.length;
    return {
      kind: 'numeric',
      name,
      mean,
      std: Math.sqrt(variance) || 1,
      median: sorted[Math.floor(sorted.length / 2)]!,
      hasMissing: present.length < n || numeric.length < present.length,
      cuts: quantileCuts(sorted, opts.numericBins),
    };
  }

  const meanWords =
    present.slice(0, 500).reduce((s, v) => s + v.trim().split(/\s+/).length, 0) / Math.min(500, present.length);
  // Mostly-unique strings carry no shared signal (ids, names, e-mails); long multi-word strings are free text.
  if (distinct.size > 50 && distinct.size > 0.5 * present.length) {
    return meanWords > 4
      ? { kind: 'text', name, reason: `free text (${distinct.size} distinct values): use the signal extractor instead` }
      : { kind: 'identifier', name, reason: `identifier-like (${distinct.size} distinct of ${present.length})` };
  }
  const minCount = opts.minLevelCount ?? Math.max(5, Math.ceil(0.005 * n));
  const ranked = [...distinct.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const levels = ranked
    .filter(([, c]) => c >= minCount)
    .slice(0, opts.maxLevels)
    .map(([v]) => v);
  const missingCount = n - present.length;
  if (missingCount >= minCount) levels.push(MISSING_LEVEL);
  if (levels.length < distinct.size + (missingCount > 0 ? 1 : 0)) levels.push(OTHER_LEVEL);
  if (levels.length < 2) return { kind: 'constant', name, reason: 'one usable level' };
  return { kind: 'categorical', name, levels };
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toPrecision(4).replace(/\.?0+$/, '');
}

/**
 * Decide the type of each column of `table` (minus `exclude`) and build the encoded feature list.
 * `ignore` names columns to keep in the schema as ignored, with the reason (e.g. period snapshots).
 */
export function inferSchema(
  table: Table,
  exclude: string[],
  opts: TypingOptions = DEFAULT_TYPING,
  ignore: ReadonlyMap<string, string> = new Map(),
): FeatureSchema {
  const columns: ColumnSpec[] = [];
  for (let c = 0; c < table.columns.length; c++) {
    const name = table.columns[c]!;
    if (exclude.includes(name)) continue;
    const reason = ignore.get(name);
    if (reason && opts.withoutPeriods) {
      columns.push({ kind: 'period', name, reason });
      continue;
    }
    const values = table.rows.map((r) => r[c] ?? '');
    const spec = typeColumn(name, values, opts);
    if (reason && spec.kind === 'numeric') {
      spec.seen = [...new Set(values.filter((v) => !isMissing(v)).map((v) => v.trim()))].sort();
      spec.periodReason = reason;
      spec.cuts = [];
    }
    columns.push(spec);
  }
  const features: EncodedFeature[] = [];
  columns.forEach((col, ci) => {
    if (col.kind === 'numeric') {
      features.push({ column: ci, label: col.name });
      if (col.hasMissing) features.push({ column: ci, label: `${col.name} missing` });
      for (let b = 0; b <= col.cuts.length; b++) {
        if (col.cuts.length === 0) break;
        const lo = b === 0 ? '-inf' : fmt(col.cuts[b - 1]!);
        const hi = b === col.cuts.length ? 'inf' : fmt(col.cuts[b]!);
        features.push({ column: ci, label: `${col.name} in (${lo}, ${hi}]` });
      }
    } else if (col.kind === 'categorical') {
      if (opts.codes) features.push({ column: ci, label: col.name, categories: col.levels.length });
      else for (const level of col.levels) features.push({ column: ci, label: `${col.name}=${level}` });
    }
  });
  const date = columns.find((c) => c.kind === 'date');
  const periodCols = columns.flatMap((c) => (c.kind === 'numeric' && c.seen ? [table.columns.indexOf(c.name)] : []));
  const periods =
    periodCols.length > 0
      ? [...new Set(table.rows.map((r) => periodCols.map((c) => (r[c] ?? '').trim()).join('|')))].sort()
      : null;
  return {
    columns,
    dateColumn: date ? date.name : null,
    features,
    ...(opts.codes ? { encoding: 'codes' as const } : {}),
    ...(periods ? { periods } : {}),
  };
}

/** Number of encoded features each schema column contributes, in schema order. */
function widths(schema: FeatureSchema): number[] {
  const w = new Array<number>(schema.columns.length).fill(0);
  for (const f of schema.features) w[f.column]!++;
  return w;
}

/**
 * Encode rows (aligned with `columnNames`) into a row-major Float64Array of n × schema.features.length.
 * Numerics are standardised and clipped to ±5 sd (a mistyped amount must not dominate); missing numerics
 * encode as the mean plus a missing indicator.
 */
export function encodeRows(schema: FeatureSchema, columnNames: string[], rows: string[][]): Float64Array {
  const d = schema.features.length;
  const out = new Float64Array(rows.length * d);
  const w = widths(schema);
  const srcIndex = schema.columns.map((c) => columnNames.indexOf(c.name));
  const levelIndex = schema.columns.map((c) =>
    c.kind === 'categorical' ? new Map(c.levels.map((l, i) => [l, i])) : null,
  );
  const codes = schema.encoding === 'codes';
  const seen = schema.columns.map((c) => (c.kind === 'numeric' && c.seen ? new Set(c.seen) : null));
  const periods = schema.periods ? new Set(schema.periods) : null;
  const periodSrc = schema.columns.flatMap((c, ci) => (c.kind === 'numeric' && c.seen ? [srcIndex[ci]!] : []));
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    let off = r * d;
    const newPeriod =
      periods !== null && !periods.has(periodSrc.map((c) => (c >= 0 ? (row[c] ?? '') : '').trim()).join('|'));
    for (let ci = 0; ci < schema.columns.length; ci++) {
      const col = schema.columns[ci]!;
      const raw = srcIndex[ci]! >= 0 ? (row[srcIndex[ci]!] ?? '') : '';
      if (col.kind === 'numeric') {
        const x = isMissing(raw) ? NaN : parseNumber(raw);
        const missing = !Number.isFinite(x);
        const unknown = !missing && seen[ci] !== null && (newPeriod || !seen[ci]!.has(raw.trim()));
        out[off] = unknown ? (codes ? NaN : 0) : missing ? 0 : Math.max(-5, Math.min(5, (x - col.mean) / col.std));
        let k = 1;
        if (col.hasMissing) out[off + k++] = missing ? 1 : 0;
        if (col.cuts.length > 0) {
          const v = missing ? col.median : x;
          let bin = 0;
          while (bin < col.cuts.length && v > col.cuts[bin]!) bin++;
          out[off + k + bin] = 1;
        }
      } else if (col.kind === 'categorical') {
        const levels = levelIndex[ci]!;
        const key = isMissing(raw) ? MISSING_LEVEL : raw.trim();
        const j = levels.get(key) ?? levels.get(OTHER_LEVEL) ?? -1;
        if (codes) out[off] = j >= 0 ? j : NaN;
        else if (j >= 0) out[off + j] = 1;
      }
      off += w[ci]!;
    }
  }
  return out;
}

/** Human-readable "column=value" for an explanation factor. */
export function describeValue(schema: FeatureSchema, column: number, raw: string | undefined): string {
  const col = schema.columns[column]!;
  if (raw === undefined || isMissing(raw)) return `${col.name} missing`;
  if (col.kind === 'categorical' && !col.levels.includes(raw.trim())) return `${col.name}=${raw.trim()} (rare)`;
  return `${col.name}=${raw.trim()}`;
}

/** Row indices sorted by the schema's date column (stable; undated rows keep their place at the end). */
export function timeOrder(schema: FeatureSchema, table: Table): number[] {
  const idx = table.rows.map((_, i) => i);
  if (!schema.dateColumn) return idx;
  const c = table.columns.indexOf(schema.dateColumn);
  const t = table.rows.map((r) => parseDate(r[c] ?? ''));
  return idx.sort((a, b) => {
    const ta = Number.isFinite(t[a]!) ? t[a]! : Infinity;
    const tb = Number.isFinite(t[b]!) ? t[b]! : Infinity;
    return ta - tb || a - b;
  });
}

/**
 * Numeric columns that behave like period snapshots: few distinct values (≤ 2 % of rows) and at least half
 * of the latest rows carry a value never seen in the earlier rows. Calendar-coded numbers (a macro
 * indicator published per quarter, a price-list version, a fiscal year) look like this. A model can only
 * extrapolate them: whatever base-rate trend they explained between past periods gets projected onto the
 * next one, which ranks future records by a guess about the period rather than by the record. They are
 * ignored (and listed in the schema with this reason). Categorical columns are not flagged: their levels
 * recur (months, weekdays) and unseen levels fall into "(other)".
 * `order` is the time order of rows; `latestFrom` the position in `order` where the latest slice starts.
 */
export function findPeriodColumns(
  table: Table,
  schema: FeatureSchema,
  order: number[],
  latestFrom: number,
): Map<string, string> {
  const out = new Map<string, string>();
  const n = order.length;
  if (latestFrom <= 0 || latestFrom >= n) return out;
  for (const col of schema.columns) {
    if (col.kind !== 'numeric') continue;
    const c = table.columns.indexOf(col.name);
    const distinct = new Set(order.map((i) => (table.rows[i]![c] ?? '').trim()));
    if (distinct.size > Math.max(2, 0.02 * n)) continue;
    const seen = new Set(order.slice(0, latestFrom).map((i) => (table.rows[i]![c] ?? '').trim()));
    let novel = 0;
    for (let k = latestFrom; k < n; k++) if (!seen.has((table.rows[order[k]!]![c] ?? '').trim())) novel++;
    const share = novel / (n - latestFrom);
    if (share >= 0.5)
      out.set(
        col.name,
        `period snapshot: ${distinct.size} distinct values, ${Math.round(share * 100)} % of the latest rows carry a value unseen before`,
      );
  }
  return out;
}

/**
 * Rows (aligned with `columnNames`) whose combination of period-snapshot values was never seen in training:
 * for them the model knows nothing about the period (see FeatureSchema.periods). Empty without period columns.
 */
export function newPeriodRows(schema: FeatureSchema, columnNames: string[], rows: string[][]): boolean[] {
  if (!schema.periods) return rows.map(() => false);
  const periods = new Set(schema.periods);
  const src = schema.columns.flatMap((c) => (c.kind === 'numeric' && c.seen ? [columnNames.indexOf(c.name)] : []));
  return rows.map((row) => !periods.has(src.map((c) => (c >= 0 ? (row[c] ?? '') : '').trim()).join('|')));
}
