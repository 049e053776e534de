import { z } from 'zod';
import { InvalidPayloadError } from '../../core/index.js';
import {
  describeValue,
  encodeRows,
  findPeriodColumns,
  inferSchema,
  isMissing,
  outcomeOf,
  newPeriodRows,
  timeOrder,
  type FeatureSchema,
} from './features.js';
import { cvGbdt, fitGbdt, gbdtContributions, gbdtMargin, type GbdtOptions, type GbdtParams } from './gbdt.js';
import {
  fitLogReg,
  logRegContributions,
  logRegMargin,
  sigmoid,
  subset,
  type Dataset,
  type LogRegParams,
} from './logreg.js';
import { minimizeLbfgs } from './lbfgs.js';
import { aucStandardError, rocAuc } from './metrics.js';
import { columnIndex, type Table } from './table.js';
import { mulberry32 } from '../../lib/random.js';

/**
 * Tabular scoring model for leads, deals and churn: one code path and one configuration for every tenant and
 * every data set.
 *
 * Training (all choices made by cross-validation on the training rows, never per data set):
 *  1. type and encode columns automatically (features.ts): one-hot + quantile bins for the linear model,
 *     level codes (native categorical splits) for the trees; numeric period snapshots are kept as features
 *     guarded by the values seen in training (an unseen period moves no score);
 *  2. weight classes so each carries half the total weight ("balanced");
 *  3. split the rows into FOLDS stratified folds (seeded, so training is deterministic);
 *  4. candidates, each scored by its mean validation-fold ROC-AUC: logistic regression over an L2 grid (the
 *     default strength when every fold is near chance: chooseL2); GBDT over a small grid of learning rate,
 *     depth and minimum leaf size, each with early stopping on the mean fold AUC (the folds boost in lockstep);
 *     the best of those bagged (GBDT_BAGGING); and the blend: a weighted average of the two best models'
 *     standardised margins, the weight chosen on their out-of-fold margins (BLEND_WEIGHTS);
 *  5. `auto` takes the best, but keeps the simpler model (logreg, then gbdt) unless the more complex one is
 *     ahead by more than selectionTolerance (half a Hanley–McNeil standard error, at least 0.002): a smaller
 *     gap is noise;
 *  6. refit the chosen candidate on all training rows with the chosen settings, and calibrate its margin with
 *     Platt scaling fitted on the out-of-fold margins (undoing the class weighting; the calibration report is
 *     measured on the same out-of-fold margins).
 */

export type Algorithm = 'logreg' | 'gbdt' | 'blend';
export type AlgorithmChoice = Algorithm | 'auto';
type MemberParams = LogRegParams | GbdtParams;
/** One model inside a scoring model: its own encoding, its parameters, and its weight in the summed margin. */
export interface Member {
  weight: number;
  schema: FeatureSchema;
  params: MemberParams;
}

/** One reason behind a score, in the shape of core's Explanation factors (weight = |logit contribution|). */
export interface Factor {
  name: string;
  direction: '+' | '-';
  weight: number;
}
export interface Score {
  /** Calibrated probability of the positive outcome. */
  probability: number;
  /** Which model produced the score (e.g. "gbdt-v1", "logreg-v1", "cold-start-rules-v1"). */
  model: string;
  factors: Factor[];
}

export const L2_GRID = [1e-4, 1e-3, 1e-2, 1e-1] as const;
/** L2 used when every fold is near chance for every strength, or when there are too few rows to cross-validate. */
export const DEFAULT_L2 = 1e-2;
/** Stratified folds for every internal choice. */
export const FOLDS = 4;
/**
 * GBDT grid, searched in three stages: tree shape (depth × minimum leaf rows) at learning rate 0.1, then the best
 * shape at 0.05, then the best so far bagged (GBDT_BAGGING). Each setting stops early on the mean fold AUC
 * (patience 30 rounds, at most 600 rounds); the best mean fold AUC wins.
 */
export const GBDT_SHAPES: readonly Pick<GbdtOptions, 'maxDepth' | 'minLeafRows'>[] = [
  { maxDepth: 3, minLeafRows: 20 },
  { maxDepth: 5, minLeafRows: 50 },
];
export const GBDT_RATES = [0.1, 0.05] as const;
/**
 * The bagged setting: three boosting runs averaged, each tree drawn on half of the features (random-subspace
 * bagging). Seeded halves, mean of seeds 1–3 (docs/benchmarks.md): bank −duration +0.0016 test AUC over the
 * single run, telco gbdt +0.0013.
 */
export const GBDT_BAGGING: Pick<GbdtOptions, 'colsample' | 'bags'> = { colsample: 0.5, bags: 3 };
/**
 * Blend weights of the logistic regression (the GBDT gets the rest), each member's margin divided by the spread
 * of its out-of-fold margins; the weight with the best mean fold AUC of the blended out-of-fold margins is kept.
 */
export const BLEND_WEIGHTS = [0.2, 0.35, 0.5, 0.65, 0.8] as const;
export const MODEL_NAMES: Record<Algorithm, string> = { logreg: 'logreg-v1', gbdt: 'gbdt-v2', blend: 'blend-v1' };

export interface TrainOptions {
  target: string;
  /** Target value that counts as the positive class (compared after trimming). */
  positive: string;
  drop?: string[];
  algorithm?: AlgorithmChoice;
  /** Number of cross-validation folds (default FOLDS). */
  folds?: number;
}

export interface CandidateReport {
  algorithm: Algorithm;
  validationAuc: number | null;
  setting: string;
}

const SchemaShape = z.custom<FeatureSchema>(
  (v) => typeof v === 'object' && v !== null && Array.isArray((v as FeatureSchema).columns),
);
const ParamsShape = z.custom<MemberParams>(
  (v) => typeof v === 'object' && v !== null && ['logreg', 'gbdt'].includes((v as { kind: string }).kind),
);
const SerializedModel = z.object({
  format: z.literal('closeloop.scoring-model'),
  /** 1: one model (schema + params); 2: members (a blend has two). Version 1 documents still load. */
  version: z.union([z.literal(1), z.literal(2)]),
  algorithm: z.enum(['logreg', 'gbdt', 'blend']),
  model: z.string(),
  target: z.string(),
  positive: z.string(),
  /** The first member's schema: the column list (types, ignored columns) shown to users. */
  schema: SchemaShape,
  params: ParamsShape.optional(),
  members: z.array(z.object({ weight: z.number(), schema: SchemaShape, params: ParamsShape })).optional(),
  calibration: z.object({ a: z.number(), b: z.number() }),
  /**
   * Scores rows whose combination of period-snapshot values was never seen in training (FeatureSchema.periods):
   * a logistic regression trained without the period columns. Absent when the table has none.
   */
  newPeriod: z
    .object({
      model: z.string(),
      setting: z.string(),
      members: z.array(z.object({ weight: z.number(), schema: SchemaShape, params: ParamsShape })),
      calibration: z.object({ a: z.number(), b: z.number() }),
    })
    .optional(),
  training: z.object({
    rows: z.number(),
    positives: z.number(),
    candidates: z.array(
      z.object({
        algorithm: z.enum(['logreg', 'gbdt', 'blend']),
        validationAuc: z.number().nullable(),
        setting: z.string(),
      }),
    ),
    reason: z.string(),
    /**
     * Calibration of the served probabilities on the out-of-fold margins (version 1: the latest-rows validation
     * slice); absent in models trained before it existed.
     */
    calibration: z
      .object({
        rows: z.number(),
        brier: z.number(),
        ece: z.number(),
        bins: z.array(z.object({ predicted: z.number(), observed: z.number(), n: z.number() })),
      })
      .nullable()
      .optional(),
  }),
});
export type SerializedScoringModel = z.infer<typeof SerializedModel>;

export class ScoringModel {
  private readonly members: Member[];
  private constructor(private readonly m: SerializedScoringModel) {
    this.members = m.members ?? (m.params ? [{ weight: 1, schema: m.schema, params: m.params }] : []);
    if (this.members.length === 0)
      throw new InvalidPayloadError('not a closeloop scoring model: no parameters', { where: 'scoring-model' });
  }

  get algorithm(): Algorithm {
    return this.m.algorithm;
  }
  get modelName(): string {
    return this.m.model;
  }
  get schema(): FeatureSchema {
    return this.m.schema;
  }
  get training(): SerializedScoringModel['training'] {
    return this.m.training;
  }

  /** Plain JSON, safe to store per tenant. */
  toJSON(): SerializedScoringModel {
    return structuredClone(this.m);
  }

  /** Load a stored model; throws InvalidPayloadError when the document is not a scoring model. */
  static fromJSON(json: unknown): ScoringModel {
    const parsed = SerializedModel.safeParse(typeof json === 'string' ? JSON.parse(json) : json);
    if (!parsed.success)
      throw new InvalidPayloadError(`not a closeloop scoring model: ${parsed.error.issues[0]?.message ?? 'invalid'}`, {
        where: 'scoring-model',
      });
    return new ScoringModel(parsed.data);
  }

  /** @internal used by the trainer */
  static create(m: SerializedScoringModel): ScoringModel {
    return new ScoringModel(m);
  }

  /**
   * Calibrated probability, the model that scored it, and (when asked) contributions per source column on the
   * output log-odds scale, for every row. Rows from a period never seen in training go to the new-period model.
   */
  private evaluate(
    table: Table,
    withContributions: boolean,
  ): { p: Float64Array; model: string[]; perColumn: Float64Array[] | null } {
    const n = table.rows.length;
    const nCols = this.m.schema.columns.length;
    const p = new Float64Array(n);
    const model = new Array<string>(n).fill(this.m.model);
    const perColumn = withContributions ? Array.from({ length: n }, () => new Float64Array(nCols)) : null;
    const alt = this.m.newPeriod;
    const isNew = alt ? newPeriodRows(this.m.schema, table.columns, table.rows) : null;
    const parts = [
      { members: this.members, calibration: this.m.calibration, name: this.m.model, take: (i: number) => !isNew?.[i] },
      ...(alt ? [{ ...alt, name: alt.model, take: (i: number) => isNew![i]! }] : []),
    ];
    for (const part of parts) {
      const idx: number[] = [];
      for (let i = 0; i < n; i++) if (part.take(i)) idx.push(i);
      if (idx.length === 0) continue;
      const rows = idx.map((i) => table.rows[i]!);
      const z = new Float64Array(idx.length);
      const { a, b } = part.calibration;
      for (const { schema, params, weight } of part.members) {
        const d = schema.features.length;
        const X = encodeRows(schema, table.columns, rows);
        for (let q = 0; q < idx.length; q++) {
          z[q]! += weight * (params.kind === 'logreg' ? logRegMargin(params, X, q) : gbdtMargin(params, X, d, q));
          if (!perColumn) continue;
          const contrib =
            params.kind === 'logreg' ? logRegContributions(params, X, q) : gbdtContributions(params, X, d, q);
          const row = perColumn[idx[q]!]!;
          // Contributions are on the margin scale; the calibration slope rescales them to the output logit.
          for (let j = 0; j < d; j++)
            if (contrib[j] !== 0) row[schema.features[j]!.column]! += weight * a * contrib[j]!;
        }
      }
      idx.forEach((i, q) => {
        p[i] = sigmoid(a * z[q]! + b);
        model[i] = part.name;
      });
    }
    return { p, model, perColumn };
  }

  /** Calibrated probabilities only (fast path for evaluation). */
  predictTable(table: Table): Float64Array {
    return this.evaluate(table, false).p;
  }

  /** Score every row with its top `topK` factors. Columns are matched by name; absent ones count as missing. */
  scoreTable(table: Table, topK = 5): Score[] {
    const { schema } = this.m;
    const src = schema.columns.map((c) => table.columns.indexOf(c.name));
    const { p, model, perColumn } = this.evaluate(table, true);
    return table.rows.map((row, i) => {
      const factors = [...perColumn![i]!.entries()]
        .filter(([, v]) => Math.abs(v) > 1e-9)
        .sort((x, y) => Math.abs(y[1]) - Math.abs(x[1]))
        .slice(0, topK)
        .map(([c, v]): Factor => ({
          name: describeValue(schema, c, src[c]! >= 0 ? row[src[c]!] : undefined),
          direction: v > 0 ? '+' : '-',
          weight: Math.round(Math.abs(v) * 1e4) / 1e4,
        }));
      return { probability: p[i]!, model: model[i]!, factors };
    });
  }

  /** Score one record given as column → value. */
  score(record: Record<string, string | number | null | undefined>, topK = 5): Score {
    const columns = Object.keys(record);
    const row = columns.map((c) => (record[c] === null || record[c] === undefined ? '' : String(record[c])));
    return this.scoreTable({ columns, rows: [row] }, topK)[0]!;
  }

  /** Mean |contribution| per source column over `table`: the model's global top factors. */
  globalFactors(table: Table, topK = 10): Factor[] {
    const { schema } = this.m;
    const n = table.rows.length;
    const abs = new Float64Array(schema.columns.length);
    const signed = new Float64Array(schema.columns.length);
    for (const row of this.evaluate(table, true).perColumn!)
      for (let c = 0; c < row.length; c++) {
        abs[c]! += Math.abs(row[c]!);
        signed[c]! += row[c]!;
      }
    return (
      [...abs.keys()]
        .filter((c) => abs[c]! > 0)
        .sort((x, y) => abs[y]! - abs[x]!)
        .slice(0, topK)
        // Direction: "+" when the column pushes scores up on average over `table`.
        .map((c) => ({
          name: schema.columns[c]!.name,
          direction: signed[c]! >= 0 ? '+' : '-',
          weight: Math.round((abs[c]! / n) * 1e4) / 1e4,
        }))
    );
  }
}

function classWeights(y: Uint8Array): Float64Array {
  let pos = 0;
  for (const v of y) pos += v;
  const neg = y.length - pos;
  const wPos = pos === 0 ? 1 : y.length / (2 * pos);
  const wNeg = neg === 0 ? 1 : y.length / (2 * neg);
  return Float64Array.from(y, (v) => (v === 1 ? wPos : wNeg));
}

/** Platt scaling: fit sigmoid(a·margin + b) to the held-out outcomes (unweighted: the true base rate). */
export type CalibrationReport = NonNullable<SerializedScoringModel['training']['calibration']>;

/**
 * How far the calibrated probabilities sigmoid(a·margin + b) are from what happened: Brier score, expected
 * calibration error (ECE: the row-weighted gap between mean predicted and observed rate over ten equal-width
 * probability bins) and the bins themselves (a reliability diagram). Measured on out-of-fold margins (each row
 * scored by a fold model that never trained on it); the two Platt parameters were fitted on the same margins.
 */
export function calibrationReport(
  margins: Float64Array,
  y: Uint8Array,
  c: { a: number; b: number },
  nBins = 10,
): CalibrationReport {
  const n = margins.length;
  const sums = Array.from({ length: nBins }, () => ({ p: 0, y: 0, n: 0 }));
  let brier = 0;
  for (let i = 0; i < n; i++) {
    const p = sigmoid(c.a * margins[i]! + c.b);
    brier += (p - y[i]!) ** 2;
    const bin = sums[Math.min(nBins - 1, Math.floor(p * nBins))]!;
    bin.p += p;
    bin.y += y[i]!;
    bin.n++;
  }
  const bins = sums.filter((b) => b.n > 0).map((b) => ({ predicted: b.p / b.n, observed: b.y / b.n, n: b.n }));
  const ece = n === 0 ? 0 : bins.reduce((acc, b) => acc + (b.n / n) * Math.abs(b.predicted - b.observed), 0);
  const r4 = (v: number) => Math.round(v * 10_000) / 10_000;
  return {
    rows: n,
    brier: r4(n === 0 ? 0 : brier / n),
    ece: r4(ece),
    bins: bins.map((b) => ({ predicted: r4(b.predicted), observed: r4(b.observed), n: b.n })),
  };
}

export function fitPlatt(margins: Float64Array, y: Uint8Array): { a: number; b: number } {
  const n = margins.length;
  // Platt's smoothed targets avoid infinite slopes on separable slices.
  let pos = 0;
  for (const v of y) pos += v;
  const tPos = (pos + 1) / (pos + 2);
  const tNeg = 1 / (n - pos + 2);
  const ab = minimizeLbfgs(
    (t, grad) => {
      grad.fill(0);
      let loss = 0;
      for (let i = 0; i < n; i++) {
        const z = t[0]! * margins[i]! + t[1]!;
        const p = sigmoid(z);
        const target = y[i] === 1 ? tPos : tNeg;
        const lse = z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
        loss += lse - target * z;
        grad[0]! += (p - target) * margins[i]!;
        grad[1]! += p - target;
      }
      // Loss and gradient on the same (mean) scale: a summed gradient against a mean loss stalls the line search.
      grad[0]! /= n;
      grad[1]! /= n;
      return loss / n;
    },
    Float64Array.from([1, 0]),
    { maxIterations: 100, memory: 5, tolerance: 1e-9 },
  );
  // A non-positive slope would invert the ranking the model learnt; fall back to prior correction then.
  if (!(ab[0]! > 0)) return { a: 1, b: Math.log(tPos / (1 - tPos)) };
  return { a: ab[0]!, b: ab[1]! };
}

function encodeDataset(schema: FeatureSchema, table: Table, y: Uint8Array): Dataset {
  const X = encodeRows(schema, table.columns, table.rows);
  return { X, d: schema.features.length, n: table.rows.length, y, w: classWeights(y) };
}

/**
 * Pick the L2 strength from the cross-validated path (strongest penalty first): the best mean fold AUC (ties
 * within 1e-4 keep the stronger penalty) when it is informative, else DEFAULT_L2: when every strength is
 * near chance the arg-max is noise.
 */
export function chooseL2<T extends { l2: number; auc: number }>(path: T[], y: Uint8Array): T {
  let pos = 0;
  for (const v of y) pos += v;
  let best = path[0]!;
  for (const p of path) if (p.auc > best.auc + 1e-4) best = p;
  if (sliceIsInformative(best.auc, pos, y.length - pos)) return best;
  return path.find((p) => p.l2 === DEFAULT_L2) ?? best;
}

/**
 * Whether an AUC measured on nPos positives and nNeg negatives says anything at all: more than two standard
 * errors above chance (the Hanley–McNeil SE at AUC 0.5). When no candidate clears it, differences between
 * candidates are noise, so `auto` keeps the simplest model.
 */
export function sliceIsInformative(auc: number, nPos: number, nNeg: number): boolean {
  return auc > 0.5 + 2 * aucStandardError(0.5, nPos, nNeg);
}

/**
 * How far ahead (in cross-validated AUC) a more complex candidate must be to replace a simpler one: half a
 * Hanley–McNeil standard error of the simpler one's AUC on these rows, at least 0.002. The candidates are
 * scored on the same rows, so their difference varies less than either AUC; half an SE is the middle ground
 * between noise-chasing (0) and never moving off logistic regression on small histories (one SE).
 */
export function selectionTolerance(auc: number, nPos: number, nNeg: number): number {
  return Math.max(0.002, 0.5 * aucStandardError(auc, nPos, nNeg));
}

/** Stratified fold assignment (seeded shuffle within each class, then dealt round-robin): deterministic. */
export function stratifiedFolds(y: Uint8Array, k: number, seed = 1): Int32Array {
  const fold = new Int32Array(y.length);
  const next = mulberry32(seed);
  for (const cls of [0, 1]) {
    const idx: number[] = [];
    for (let i = 0; i < y.length; i++) if (y[i] === cls) idx.push(i);
    for (let i = idx.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [idx[i], idx[j]] = [idx[j]!, idx[i]!];
    }
    idx.forEach((i, q) => (fold[i] = q % k));
  }
  return fold;
}

/** Mean over folds of the AUC of `margins` on each fold's rows. */
function meanFoldAuc(margins: Float64Array, y: Uint8Array, fold: Int32Array, k: number): number {
  let sum = 0;
  for (let f = 0; f < k; f++) {
    const m: number[] = [];
    const yy: number[] = [];
    for (let i = 0; i < y.length; i++)
      if (fold[i] === f) {
        m.push(margins[i]!);
        yy.push(y[i]!);
      }
    sum += rocAuc(m, yy);
  }
  return sum / k;
}

function rowsOf(ds: Dataset, pick: (i: number) => boolean): { ds: Dataset; idx: number[] } {
  const idx: number[] = [];
  for (let i = 0; i < ds.n; i++) if (pick(i)) idx.push(i);
  return { ds: subset(ds, idx), idx };
}

function std(x: Float64Array): number {
  let m = 0;
  for (const v of x) m += v;
  m /= x.length || 1;
  let s = 0;
  for (const v of x) s += (v - m) ** 2;
  return Math.sqrt(s / (x.length || 1)) || 1;
}

interface Candidate {
  algorithm: Algorithm;
  /** Mean validation-fold AUC; null when there were too few rows of an outcome to cross-validate. */
  validationAuc: number | null;
  setting: string;
  /** Out-of-fold margins on the scale of the refitted model. */
  oof: Float64Array | null;
  refit: () => Member[];
}

/** Train a scoring model on `table`. Throws InvalidPayloadError for unusable input (missing target, one class). */
export function trainScoringModel(table: Table, opts: TrainOptions): ScoringModel {
  const algorithm = opts.algorithm ?? 'auto';
  const ti = columnIndex(table, opts.target, 'training data');
  const positive = opts.positive.trim();
  for (const c of opts.drop ?? []) columnIndex(table, c, 'training data (--drop)');
  const labelled: Table = { columns: table.columns, rows: table.rows.filter((r) => !isMissing(r[ti])) };
  const y = Uint8Array.from(labelled.rows, (r) => outcomeOf(r[ti], positive));
  const positives = y.reduce((s, v) => s + v, 0);
  const negatives = y.length - positives;
  if (positives === 0) {
    const seen = [...new Set(labelled.rows.map((r) => (r[ti] ?? '').trim()))].slice(0, 10);
    throw new InvalidPayloadError(
      `training data: no row has ${opts.target}="${positive}" (values seen: ${seen.map((v) => `"${v}"`).join(', ')})`,
      { where: 'training data' },
    );
  }
  if (negatives === 0)
    throw new InvalidPayloadError(`training data: every row has ${opts.target}="${positive}"; need both outcomes`, {
      where: 'training data',
    });

  const exclude = [opts.target, ...(opts.drop ?? [])];
  const probe = inferSchema(labelled, exclude, { numericBins: 0, maxLevels: 30 });
  const order = timeOrder(probe, labelled);
  // Period snapshots: judged on the time order (latest 20 % of rows vs the rest); kept as guarded features.
  const period = findPeriodColumns(labelled, probe, order, order.length - Math.floor(order.length * 0.2));
  // Linear model: standardised value + quantile-bin indicators, so it can bend (e.g. "never contacted" sentinels).
  const lrSchema = inferSchema(labelled, exclude, { numericBins: 8, maxLevels: 30 }, period);
  // Trees find their own cut points and split categories natively.
  const gbSchema = inferSchema(labelled, exclude, { numericBins: 0, maxLevels: 30, codes: true }, period);
  const categorical = gbSchema.features.map((f) => f.categories ?? 0);

  const k = Math.max(2, opts.folds ?? FOLDS);
  const canCv = positives >= k && negatives >= k;
  const fold = stratifiedFolds(y, k);
  const wanted = new Set<Algorithm>(algorithm === 'auto' || algorithm === 'blend' ? ['logreg', 'gbdt'] : [algorithm]);
  const candidates: Candidate[] = [];

  const cvLogReg = (all: Dataset): { l2: number; oof: Float64Array | null; auc: number | null } => {
    if (!canCv) return { l2: DEFAULT_L2, oof: null, auc: null };
    const grid = [...L2_GRID].reverse(); // strongest regularisation first; warm starts make the path cheap
    const oofs = grid.map(() => new Float64Array(y.length));
    for (let f = 0; f < k; f++) {
      const fit = rowsOf(all, (i) => fold[i] !== f).ds;
      const valid = rowsOf(all, (i) => fold[i] === f);
      let warm: LogRegParams | undefined;
      grid.forEach((l2, g) => {
        warm = fitLogReg(fit, l2, 300, warm);
        valid.idx.forEach((i, q) => (oofs[g]![i] = logRegMargin(warm!, valid.ds.X, q)));
      });
    }
    return chooseL2(
      grid.map((l2, g) => ({ l2, oof: oofs[g]!, auc: meanFoldAuc(oofs[g]!, y, fold, k) })),
      y,
    );
  };

  let lrBest: { l2: number; oof: Float64Array | null; auc: number | null } | null = null;
  let lrAll: Dataset | null = null;
  if (wanted.has('logreg')) {
    const all = encodeDataset(lrSchema, labelled, y);
    lrAll = all;
    lrBest = cvLogReg(all);
    const l2 = lrBest.l2;
    candidates.push({
      algorithm: 'logreg',
      validationAuc: lrBest.auc,
      setting: `l2=${l2}`,
      oof: lrBest.oof,
      refit: () => [{ weight: 1, schema: lrSchema, params: fitLogReg(all, l2) }],
    });
  }

  let gbBest: { o: Partial<GbdtOptions>; rounds: number; oof: Float64Array | null; auc: number | null } | null = null;
  let gbAll: Dataset | null = null;
  if (wanted.has('gbdt')) {
    // Unweighted: boosting on balanced weights over-fits the up-weighted minority (bank_marketing: −0.002 to
    // −0.003 cross-validated AUC); Platt scaling on the out-of-fold margins sets the base rate either way.
    const all = { ...encodeDataset(gbSchema, labelled, y), w: new Float64Array(y.length).fill(1) };
    gbAll = all;
    gbBest = { o: { categorical }, rounds: 100, oof: null, auc: null };
    if (canCv) {
      const tried: { o: Partial<GbdtOptions>; rounds: number; oof: Float64Array; auc: number }[] = [];
      const tryOne = (o: Partial<GbdtOptions>) => {
        const full = { ...o, categorical, maxRounds: 600, earlyStoppingRounds: 30 };
        const r = cvGbdt(all, fold, k, full);
        tried.push({ o: full, rounds: r.bestRounds, oof: r.oof, auc: r.meanAuc });
      };
      const best = () => tried.reduce((a, b) => (b.auc > a.auc ? b : a));
      for (const shape of GBDT_SHAPES) tryOne({ ...shape, learningRate: GBDT_RATES[0] });
      const bestShape = best();
      for (const lr of GBDT_RATES.slice(1)) tryOne({ ...bestShape.o, learningRate: lr });
      tryOne({ ...best().o, ...GBDT_BAGGING });
      gbBest = best();
    }
    const { o, rounds } = gbBest;
    candidates.push({
      algorithm: 'gbdt',
      validationAuc: gbBest.auc,
      setting:
        `trees=${rounds} rate=${o.learningRate ?? 0.1} depth=${o.maxDepth ?? 3} min_leaf=${o.minLeafRows ?? 20}` +
        ((o.bags ?? 1) > 1 ? ` bags=${o.bags}` : '') +
        ((o.colsample ?? 1) < 1 ? ` colsample=${o.colsample}` : '') +
        ((o.subsample ?? 1) < 1 ? ` subsample=${o.subsample}` : ''),
      oof: gbBest.oof,
      refit: () => [{ weight: 1, schema: gbSchema, params: fitGbdt(all, o, undefined, rounds).params }],
    });
  }

  if (lrBest && gbBest && lrAll && gbAll) {
    // Blend: a weighted average of the two models' margins, each divided by the spread of its out-of-fold margins;
    // the weight is chosen on the out-of-fold margins (ties keep the first weight tried).
    const lr = candidates.find((c) => c.algorithm === 'logreg')!;
    const gb = candidates.find((c) => c.algorithm === 'gbdt')!;
    const sl = lr.oof ? std(lr.oof) : 1;
    const sg = gb.oof ? std(gb.oof) : 1;
    const mix = (wl: number) => lr.oof!.map((v, i) => (wl * v) / sl + ((1 - wl) * gb.oof![i]!) / sg);
    let wl = 0.5;
    let oof: Float64Array | null = null;
    let auc: number | null = null;
    if (lr.oof && gb.oof)
      for (const w of BLEND_WEIGHTS) {
        const m = mix(w);
        const a = meanFoldAuc(m, y, fold, k);
        if (auc === null || a > auc + 1e-5) [wl, oof, auc] = [w, m, a];
      }
    candidates.push({
      algorithm: 'blend',
      validationAuc: auc,
      setting: `${wl} × logreg / ${sl.toFixed(3)} + ${Math.round((1 - wl) * 100) / 100} × gbdt / ${sg.toFixed(3)}`,
      oof,
      refit: () => [
        { ...lr.refit()[0]!, weight: wl / sl },
        { ...gb.refit()[0]!, weight: (1 - wl) / sg },
      ],
    });
  }

  let chosen: Candidate;
  let reason: string;
  if (algorithm !== 'auto') {
    chosen = candidates.find((c) => c.algorithm === algorithm)!;
    reason = `requested ${algorithm}`;
  } else {
    const lr = candidates[0]!;
    const best = candidates.reduce((a, b) => ((b.validationAuc ?? -1) > (a.validationAuc ?? -1) ? b : a));
    const lrAuc = lr.validationAuc;
    if (lrAuc === null) {
      chosen = lr;
      reason = `too few rows of each outcome to cross-validate (${positives} / ${negatives}): logreg with default settings`;
    } else if (!sliceIsInformative(best.validationAuc!, positives, negatives)) {
      chosen = lr;
      reason = `logreg kept: every candidate is near chance in ${k}-fold cross-validation (best ${best.validationAuc!.toFixed(4)}; needs > ${(0.5 + 2 * aucStandardError(0.5, positives, negatives)).toFixed(4)})`;
    } else {
      const tol = selectionTolerance(lrAuc, positives, negatives);
      // Simplest first: a more complex candidate must beat every simpler one kept so far by the tolerance.
      chosen = lr;
      for (const c of candidates.slice(1))
        if (c.validationAuc !== null && c.validationAuc > chosen.validationAuc! + tol) chosen = c;
      const list = candidates.map((c) => `${c.algorithm} ${c.validationAuc!.toFixed(4)}`).join(', ');
      reason =
        chosen === lr
          ? `logreg kept: no candidate beat it by more than ${tol.toFixed(4)} mean AUC over ${k} folds (${list})`
          : `${chosen.algorithm} chosen by ${k}-fold cross-validation (${list}; tolerance ${tol.toFixed(4)})`;
    }
  }

  const members = chosen.refit();
  let calibration: { a: number; b: number };
  let calibrationCheck: CalibrationReport | null = null;
  if (chosen.oof) {
    calibration = fitPlatt(chosen.oof, y);
    calibrationCheck = calibrationReport(chosen.oof, y, calibration);
  } else {
    // Undo the balanced class weights: add back the log prior odds.
    calibration = { a: 1, b: Math.log(positives / negatives) };
  }
  // Rows from a period the model never saw: a logistic regression without the period columns, chosen and
  // calibrated on the same folds (the chosen model's period effects would be guesses there).
  let newPeriod: SerializedScoringModel['newPeriod'];
  if (period.size > 0) {
    const schema = inferSchema(labelled, exclude, { numericBins: 8, maxLevels: 30, withoutPeriods: true }, period);
    const all = encodeDataset(schema, labelled, y);
    const best = cvLogReg(all);
    newPeriod = {
      model: MODEL_NAMES.logreg,
      setting: `l2=${best.l2}, without ${[...period.keys()].join(', ')}`,
      members: [{ weight: 1, schema, params: fitLogReg(all, best.l2) }],
      calibration: best.oof ? fitPlatt(best.oof, y) : { a: 1, b: Math.log(positives / negatives) },
    };
  }
  return ScoringModel.create({
    format: 'closeloop.scoring-model',
    version: 2,
    algorithm: chosen.algorithm,
    model: MODEL_NAMES[chosen.algorithm],
    target: opts.target,
    positive,
    schema: members[0]!.schema,
    members,
    calibration,
    ...(newPeriod ? { newPeriod } : {}),
    training: {
      rows: y.length,
      positives,
      candidates: candidates.map((c) => ({
        algorithm: c.algorithm,
        validationAuc: c.validationAuc,
        setting: c.setting,
      })),
      reason,
      calibration: calibrationCheck,
    },
  });
}
