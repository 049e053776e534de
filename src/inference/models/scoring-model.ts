import { z } from 'zod';
import { InvalidPayloadError } from '../../core/index.js';
import {
  describeValue,
  encodeRows,
  findPeriodColumns,
  inferSchema,
  isMissing,
  timeOrder,
  type FeatureSchema,
} from './features.js';
import { fitGbdt, gbdtContributions, gbdtMargin, type GbdtParams } from './gbdt.js';
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

/**
 * Tabular scoring model for leads, deals and churn: one code path for every tenant.
 *
 * Training (all choices made on the tenant's own training rows, never per data set):
 *  1. type and encode columns automatically (features.ts);
 *  2. order rows by time (a date column if one is found, else row order) and hold out the LATEST 20 %;
 *  3. weight classes so each carries half the total weight ("balanced");
 *  4. fit candidates on the earlier 80 %: logistic regression for each L2 strength in a small grid (the
 *     default when the slice is near chance for every strength: chooseL2), and GBDT with
 *     early stopping on the held-out slice; measure ROC-AUC on that slice;
 *  5. `auto` keeps logistic regression unless GBDT beats it on that slice by more than one standard error
 *     of the AUC (Hanley–McNeil) and at least GBDT_MARGIN: a smaller gap is noise; and keeps it outright when
 *     no candidate is above chance on that slice (sliceIsInformative). Measured in
 *     docs/benchmarks.md ("Scoring, churn and signals"): logreg ≥ gbdt on bank_marketing (0.720 vs 0.684 AUC without
 * duration) and ties on telco_churn
 *     (0.845 vs 0.847), is stronger on small histories, scores faster and explains exactly;
 *  6. refit the chosen candidate on all training rows with the chosen settings, and calibrate its margin
 *     with Platt scaling fitted on the held-out slice (undoing the class weighting and adapting to the
 *     latest base rate).
 */

export type Algorithm = 'logreg' | 'gbdt';
export type AlgorithmChoice = Algorithm | 'auto';

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

/** Minimum AUC gain on the held-out slice for `auto` to pick GBDT (the bar is also at least one standard error). */
export const GBDT_MARGIN = 0.005;
export const L2_GRID = [1e-4, 1e-3, 1e-2, 1e-1] as const;
/** L2 used when the latest slice is near chance for every strength, or when there is no usable slice. */
export const DEFAULT_L2 = 1e-2;
export const MODEL_NAMES: Record<Algorithm, string> = { logreg: 'logreg-v1', gbdt: 'gbdt-v1' };

export interface TrainOptions {
  target: string;
  /** Target value that counts as the positive class (compared after trimming). */
  positive: string;
  drop?: string[];
  algorithm?: AlgorithmChoice;
  /** Share of the latest training rows held out for model choice, early stopping and calibration. */
  validationFraction?: number;
}

export interface CandidateReport {
  algorithm: Algorithm;
  validationAuc: number | null;
  setting: string;
}

const SerializedModel = z.object({
  format: z.literal('closeloop.scoring-model'),
  version: z.literal(1),
  algorithm: z.enum(['logreg', 'gbdt']),
  model: z.string(),
  target: z.string(),
  positive: z.string(),
  schema: z.custom<FeatureSchema>(
    (v) => typeof v === 'object' && v !== null && Array.isArray((v as FeatureSchema).columns),
  ),
  params: z.custom<LogRegParams | GbdtParams>(
    (v) => typeof v === 'object' && v !== null && ['logreg', 'gbdt'].includes((v as { kind: string }).kind),
  ),
  calibration: z.object({ a: z.number(), b: z.number() }),
  training: z.object({
    rows: z.number(),
    positives: z.number(),
    candidates: z.array(
      z.object({ algorithm: z.enum(['logreg', 'gbdt']), validationAuc: z.number().nullable(), setting: z.string() }),
    ),
    reason: z.string(),
    /** Calibration of the served probabilities on the validation slice; absent in models trained before it existed. */
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
  private constructor(private readonly m: SerializedScoringModel) {}

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

  private margins(X: Float64Array, n: number): Float64Array {
    const d = this.m.schema.features.length;
    const out = new Float64Array(n);
    const p = this.m.params;
    for (let i = 0; i < n; i++) out[i] = p.kind === 'logreg' ? logRegMargin(p, X, i) : gbdtMargin(p, X, d, i);
    return out;
  }

  /** Calibrated probabilities only (fast path for evaluation). */
  predictTable(table: Table): Float64Array {
    const X = encodeRows(this.m.schema, table.columns, table.rows);
    const z = this.margins(X, table.rows.length);
    const { a, b } = this.m.calibration;
    return z.map((v) => sigmoid(a * v + b));
  }

  /** Score every row with its top `topK` factors. Columns are matched by name; absent ones count as missing. */
  scoreTable(table: Table, topK = 5): Score[] {
    const { schema, params, calibration } = this.m;
    const d = schema.features.length;
    const X = encodeRows(schema, table.columns, table.rows);
    const src = schema.columns.map((c) => table.columns.indexOf(c.name));
    const out: Score[] = [];
    for (let i = 0; i < table.rows.length; i++) {
      const margin = params.kind === 'logreg' ? logRegMargin(params, X, i) : gbdtMargin(params, X, d, i);
      const contrib = params.kind === 'logreg' ? logRegContributions(params, X, i) : gbdtContributions(params, X, d, i);
      // Sum encoded contributions per source column; the calibration slope rescales them to the output logit.
      const perColumn = new Map<number, number>();
      for (let j = 0; j < d; j++) {
        if (contrib[j] === 0) continue;
        const c = schema.features[j]!.column;
        perColumn.set(c, (perColumn.get(c) ?? 0) + contrib[j]! * calibration.a);
      }
      const factors = [...perColumn.entries()]
        .filter(([, v]) => Math.abs(v) > 1e-9)
        .sort((x, y) => Math.abs(y[1]) - Math.abs(x[1]))
        .slice(0, topK)
        .map(([c, v]): Factor => ({
          name: describeValue(schema, c, src[c]! >= 0 ? table.rows[i]![src[c]!] : undefined),
          direction: v > 0 ? '+' : '-',
          weight: Math.round(Math.abs(v) * 1e4) / 1e4,
        }));
      out.push({ probability: sigmoid(calibration.a * margin + calibration.b), model: this.m.model, factors });
    }
    return out;
  }

  /** Score one record given as column → value. */
  score(record: Record<string, string | number | null | undefined>, topK = 5): Score {
    const columns = Object.keys(record);
    const row = columns.map((c) => (record[c] === null || record[c] === undefined ? '' : String(record[c])));
    return this.scoreTable({ columns, rows: [row] }, topK)[0]!;
  }

  /** Mean |contribution| per source column over `table`: the model's global top factors. */
  globalFactors(table: Table, topK = 10): Factor[] {
    const { schema, params, calibration } = this.m;
    const d = schema.features.length;
    const X = encodeRows(schema, table.columns, table.rows);
    const n = table.rows.length;
    const abs = new Float64Array(schema.columns.length);
    const signed = new Float64Array(schema.columns.length);
    for (let i = 0; i < n; i++) {
      const contrib = params.kind === 'logreg' ? logRegContributions(params, X, i) : gbdtContributions(params, X, d, i);
      const perColumn = new Float64Array(schema.columns.length);
      for (let j = 0; j < d; j++) perColumn[schema.features[j]!.column]! += contrib[j]! * calibration.a;
      for (let c = 0; c < perColumn.length; c++) {
        abs[c]! += Math.abs(perColumn[c]!);
        signed[c]! += perColumn[c]!;
      }
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
 * probability bins) and the bins themselves (a reliability diagram). Measured on the validation slice, which
 * the model never trained on; the two Platt parameters were fitted on the same slice.
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
      return loss / n;
    },
    Float64Array.from([1, 0]),
    { maxIterations: 100, memory: 5, tolerance: 1e-9 },
  );
  // A non-positive slope would invert the ranking the model learnt; fall back to prior correction then.
  if (!(ab[0]! > 0)) return { a: 1, b: Math.log(tPos / (1 - tPos)) };
  return { a: ab[0]!, b: ab[1]! };
}

function encodeDataset(schema: FeatureSchema, table: Table, order: number[], y: Uint8Array): Dataset {
  const rows = order.map((i) => table.rows[i]!);
  const X = encodeRows(schema, table.columns, rows);
  const yo = Uint8Array.from(order, (i) => y[i]!);
  return { X, d: schema.features.length, n: rows.length, y: yo, w: classWeights(yo) };
}

function margins(ds: Dataset, p: LogRegParams | GbdtParams): Float64Array {
  const out = new Float64Array(ds.n);
  for (let i = 0; i < ds.n; i++) out[i] = p.kind === 'logreg' ? logRegMargin(p, ds.X, i) : gbdtMargin(p, ds.X, ds.d, i);
  return out;
}

/**
 * Pick the L2 strength from the validation path (strongest penalty first): the best AUC (ties within 1e-4
 * keep the stronger penalty) when the latest slice is informative, else DEFAULT_L2. Under drift the slice
 * can be near chance for every strength (bank_marketing: 0.495–0.520, needs > 0.532), and the arg-max of
 * noise picked 1e-4; see docs/benchmarks.md ("Scoring, churn and signals", note (c)).
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
 * Whether a held-out AUC says anything at all: more than two standard errors above chance (the
 * Hanley–McNeil SE at AUC 0.5). Under strong drift the latest slice can be near chance for every
 * candidate; differences between candidates are then noise (GBDT's AUC is also picked by early stopping
 * on that same slice), so `auto` keeps the simpler model instead of comparing them.
 */
export function sliceIsInformative(auc: number, nPos: number, nNeg: number): boolean {
  return auc > 0.5 + 2 * aucStandardError(0.5, nPos, nNeg);
}

interface Candidate {
  algorithm: Algorithm;
  schema: FeatureSchema;
  validationAuc: number | null;
  setting: string;
  validMargins: Float64Array | null;
  refit: (all: Dataset) => LogRegParams | GbdtParams;
  all: Dataset;
  valid: Dataset | null;
}

/** Train a scoring model on `table`. Throws InvalidPayloadError for unusable input (missing target, one class). */
export function trainScoringModel(table: Table, opts: TrainOptions): ScoringModel {
  const algorithm = opts.algorithm ?? 'auto';
  const ti = columnIndex(table, opts.target, 'training data');
  const positive = opts.positive.trim();
  for (const c of opts.drop ?? []) columnIndex(table, c, 'training data (--drop)');
  const labelled: Table = { columns: table.columns, rows: table.rows.filter((r) => !isMissing(r[ti])) };
  const yAll = Uint8Array.from(labelled.rows, (r) => ((r[ti] ?? '').trim() === positive ? 1 : 0));
  const positives = yAll.reduce((s, v) => s + v, 0);
  if (positives === 0)
    throw new InvalidPayloadError(`training data: no row has ${opts.target}="${positive}"`, { where: 'training data' });
  if (positives === yAll.length)
    throw new InvalidPayloadError(`training data: every row has ${opts.target}="${positive}"; need both outcomes`, {
      where: 'training data',
    });

  const exclude = [opts.target, ...(opts.drop ?? [])];
  const frac = opts.validationFraction ?? 0.2;
  const probe = inferSchema(labelled, exclude, { numericBins: 0, maxLevels: 30 });
  const order = timeOrder(probe, labelled);
  const nValid = Math.floor(order.length * frac);
  const fitOrder = order.slice(0, order.length - nValid);
  const validOrder = order.slice(order.length - nValid);
  const period = findPeriodColumns(labelled, probe, order, fitOrder.length);
  const schemas: Record<Algorithm, FeatureSchema> = {
    // Linear model: standardised value + quantile-bin indicators, so it can bend (e.g. "never contacted" sentinels).
    logreg: inferSchema(labelled, exclude, { numericBins: 8, maxLevels: 30 }, period),
    // Trees find their own cut points; bins would only add redundant columns.
    gbdt: inferSchema(labelled, exclude, { numericBins: 0, maxLevels: 30 }, period),
  };
  const validY = Uint8Array.from(validOrder, (i) => yAll[i]!);
  const validUsable =
    validY.some((v) => v === 1) &&
    validY.some((v) => v === 0) &&
    fitOrder.some((i) => yAll[i] === 1) &&
    fitOrder.some((i) => yAll[i] === 0);

  const candidates: Candidate[] = [];
  const wanted: Algorithm[] = algorithm === 'auto' ? ['logreg', 'gbdt'] : [algorithm];
  for (const alg of wanted) {
    const schema = schemas[alg];
    const all = encodeDataset(schema, labelled, order, yAll);
    const fitIdx = Int32Array.from({ length: fitOrder.length }, (_, k) => k);
    const validIdx = Int32Array.from({ length: validOrder.length }, (_, k) => fitOrder.length + k);
    const fit = validUsable ? subset(all, fitIdx) : null;
    const valid = validUsable ? subset(all, validIdx) : null;
    if (fit && valid) valid.w = classWeights(valid.y);
    if (alg === 'logreg') {
      let best: { l2: number; auc: number; m: Float64Array } | null = null;
      if (fit && valid) {
        const path: { l2: number; auc: number; m: Float64Array }[] = [];
        let warm: LogRegParams | undefined;
        // Strongest regularisation first; warm starts make the path cheap.
        for (const l2 of [...L2_GRID].reverse()) {
          warm = fitLogReg(fit, l2, 300, warm);
          const m = margins(valid, warm);
          path.push({ l2, auc: rocAuc(m, valid.y), m });
        }
        best = chooseL2(path, valid.y);
      }
      const l2 = best?.l2 ?? DEFAULT_L2;
      candidates.push({
        algorithm: alg,
        schema,
        validationAuc: best?.auc ?? null,
        setting: `l2=${l2}`,
        validMargins: best?.m ?? null,
        refit: (ds) => fitLogReg(ds, l2),
        all,
        valid,
      });
    } else {
      let rounds = 100;
      let auc: number | null = null;
      let m: Float64Array | null = null;
      if (fit && valid) {
        const r = fitGbdt(fit, {}, valid);
        rounds = r.bestRounds;
        m = margins(valid, r.params);
        auc = rocAuc(m, valid.y);
      }
      candidates.push({
        algorithm: alg,
        schema,
        validationAuc: auc,
        setting: `trees=${rounds}`,
        validMargins: m,
        refit: (ds) => fitGbdt(ds, {}, undefined, rounds).params,
        all,
        valid,
      });
    }
  }

  let chosen = candidates[0]!;
  let reason = `requested ${chosen.algorithm}`;
  if (algorithm === 'auto') {
    const lr = candidates.find((c) => c.algorithm === 'logreg')!;
    const gb = candidates.find((c) => c.algorithm === 'gbdt')!;
    const validPos = validY.reduce((acc, v) => acc + v, 0);
    const margin =
      lr.validationAuc === null
        ? Infinity
        : Math.max(GBDT_MARGIN, aucStandardError(lr.validationAuc, validPos, validY.length - validPos));
    const informative =
      gb.validationAuc !== null &&
      sliceIsInformative(Math.max(gb.validationAuc, lr.validationAuc ?? 0), validPos, validY.length - validPos);
    if (lr.validationAuc !== null && gb.validationAuc !== null && !informative) {
      chosen = lr;
      reason = `logreg kept: the latest ${nValid} training rows are near chance for every candidate (gbdt ${gb.validationAuc.toFixed(4)}, logreg ${lr.validationAuc.toFixed(4)}; needs > ${(0.5 + 2 * aucStandardError(0.5, validPos, validY.length - validPos)).toFixed(4)}), so they cannot tell the models apart`;
    } else if (lr.validationAuc !== null && gb.validationAuc !== null && gb.validationAuc > lr.validationAuc + margin) {
      chosen = gb;
      reason = `gbdt beat logreg on the latest ${nValid} training rows (AUC ${gb.validationAuc.toFixed(4)} vs ${lr.validationAuc.toFixed(4)}, margin needed ${margin.toFixed(4)})`;
    } else {
      chosen = lr;
      reason =
        lr.validationAuc === null
          ? 'too few rows of each outcome in the latest slice to compare: logreg (the simpler model)'
          : `logreg kept: gbdt did not beat it by more than ${margin.toFixed(4)} AUC (one standard error, min ${GBDT_MARGIN}) on the latest ${nValid} training rows (${gb.validationAuc?.toFixed(4)} vs ${lr.validationAuc.toFixed(4)})`;
    }
  }

  const params = chosen.refit(chosen.all);
  let calibration: { a: number; b: number };
  let calibrationCheck: CalibrationReport | null = null;
  if (chosen.validMargins && chosen.valid) {
    calibration = fitPlatt(chosen.validMargins, chosen.valid.y);
    calibrationCheck = calibrationReport(chosen.validMargins, chosen.valid.y, calibration);
  } else {
    // Undo the balanced class weights: add back the log prior odds.
    calibration = { a: 1, b: Math.log(positives / (yAll.length - positives)) };
  }
  return ScoringModel.create({
    format: 'closeloop.scoring-model',
    version: 1,
    algorithm: chosen.algorithm,
    model: MODEL_NAMES[chosen.algorithm],
    target: opts.target,
    positive,
    schema: chosen.schema,
    params,
    calibration,
    training: {
      rows: yAll.length,
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
