import { z } from 'zod';
import { InvalidPayloadError } from '../../core/index.js';
import { minimizeLbfgs } from '../models/lbfgs.js';
import {
  buildVectorizer,
  interleavedFolds,
  outOfFoldMargins,
  sigmoid,
  textFeatures,
  vectorize,
  type NamedFeature,
  type SparseRow,
  type TextClassifier,
  type Vectorizer,
} from './text-classifier.js';
import { SIGNAL_TYPES, type SignalType } from './types.js';

/**
 * Per-tenant fine-tuning of the shipped signal models from the tenant's own labels (src/feedback/retrain.ts).
 *
 * The tenant model is the shipped model plus a small correction learnt on the tenant's labelled sentences:
 * logit p_tenant(x) = logit p_shipped(x) + Δw · tfidf_tenant(x), where tfidf_tenant is the same sentence features
 * (`textFeatures`) vectorised over the tenant's own labelled sentences (so the tenant's words, e.g. a competitor's
 * name, can carry weight even when the shipped model never saw them). Δ is an L2-penalised logistic regression with
 * the shipped calibrated logit as offset: with few labels it stays close to the shipped model, it needs none of the
 * shipped training data, and the stored correction is small. The strength is chosen by stratified cross-validation
 * on the tenant's labels, and the correction is kept only when its out-of-fold log-loss beats the shipped model's on
 * the same labels by more than one standard error of the paired difference; otherwise the shipped model keeps serving that tenant. The decision threshold is the shipped one.
 */
export const TENANT_SIGNAL_MODEL = 'signals-tenant-finetune-v1';
/** A signal type is fine-tuned for a tenant only with at least this many labelled sentences of that type… */
export const TENANT_SIGNAL_MIN_LABELS = 30;
/** …and at least this many of each class (confirmed and rejected). */
export const TENANT_SIGNAL_MIN_PER_CLASS = 8;
const C_GRID = [0.1, 0.3, 1, 3, 10, 30, 100] as const;
const MAX_FOLDS = 5;

/**
 * What extractSignals needs of a sentence model: a calibrated probability and its decision threshold. A model on the
 * fused base reads the sentence's vector too (it is only asked for a sentence that has one).
 */
export interface SentenceModel {
  readonly threshold: number;
  probabilityOf(feats: NamedFeature[], vector?: ArrayLike<number>): number;
}

/** A shipped model a correction is learnt on: the n-gram one, or the fused one (which needs the sentence's vector). */
export interface SignalBaseModel {
  readonly threshold: number;
  calibratedLogitOf(feats: NamedFeature[], vector?: ArrayLike<number>): number;
}

const Correction = z.object({
  c: z.number(),
  bias: z.number(),
  /** [feature name, idf, weight] */
  terms: z.array(z.tuple([z.string(), z.number(), z.number()])),
});
export type Correction = z.infer<typeof Correction>;

export const SerializedTenantSignalModels = z.object({
  format: z.literal('closeloop.tenant-signal-models'),
  version: z.literal(1),
  model: z.string(),
  /** SHIPPED_SIGNAL_MODELS_VERSION the corrections were learnt on: a different shipped version ignores them. */
  base: z.string(),
  models: z.partialRecord(z.enum(SIGNAL_TYPES), Correction),
  /**
   * Corrections learnt on the fused models (SHIPPED_FUSED_SIGNAL_MODELS_VERSION `base`), for sentences read with their
   * vector; present (even empty) when the retrain had the sentence encoder: each type was then judged against the
   * fused model, and a type without a fused correction is served by the shipped fused model. Absent (trained
   * without the encoder): the n-gram corrections serve every sentence.
   */
  fused: z.object({ base: z.string(), models: z.partialRecord(z.enum(SIGNAL_TYPES), Correction) }).optional(),
});
export type SerializedTenantSignalModels = z.infer<typeof SerializedTenantSignalModels>;

/** The shipped model of one type with a tenant's correction on top. */
export class TenantSignalModel implements SentenceModel {
  readonly threshold: number;
  constructor(
    private readonly base: SignalBaseModel,
    private readonly vec: Vectorizer,
    private readonly w: Float64Array,
    private readonly bias: number,
  ) {
    this.threshold = base.threshold;
  }

  probabilityOf(feats: NamedFeature[], vector?: ArrayLike<number>): number {
    let z = this.base.calibratedLogitOf(feats, vector) + this.bias;
    for (const [j, x] of vectorize(this.vec, feats).row) z += this.w[j]! * x;
    return sigmoid(z);
  }

  probability(text: string, vector?: ArrayLike<number>): number {
    return this.probabilityOf(textFeatures(text), vector);
  }
}

/**
 * The tenant's models from their stored form, on top of `shipped` (SHIPPED_SIGNAL_MODELS_VERSION `shippedVersion`).
 * Empty (every type falls back to the shipped model) when the corrections were learnt on another shipped version.
 */
export function tenantSignalModelsFromJSON(
  json: unknown,
  shipped: Partial<Record<SignalType, TextClassifier>>,
  shippedVersion: string,
): Partial<Record<SignalType, TenantSignalModel>> {
  const parsed = SerializedTenantSignalModels.safeParse(json);
  if (!parsed.success)
    throw new InvalidPayloadError(
      `not a closeloop tenant signal model: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
      { where: 'tenant-signal-model' },
    );
  if (parsed.data.base !== shippedVersion) return {};
  return onBases(parsed.data.models, shipped);
}

/**
 * The tenant's corrections learnt on the fused models, on top of `fused` (SHIPPED_FUSED_SIGNAL_MODELS_VERSION
 * `fusedVersion`): null when the retrain had no sentence encoder or used other fused weights (the n-gram corrections
 * then serve every sentence), else the types with an accepted fused correction (possibly none).
 */
export function tenantFusedSignalModelsFromJSON(
  json: unknown,
  fused: Partial<Record<SignalType, SignalBaseModel>>,
  fusedVersion: string,
): Partial<Record<SignalType, TenantSignalModel>> | null {
  const parsed = SerializedTenantSignalModels.safeParse(json);
  if (!parsed.success || !parsed.data.fused || parsed.data.fused.base !== fusedVersion) return null;
  return onBases(parsed.data.fused.models, fused);
}

function onBases(
  corrections: Partial<Record<SignalType, Correction>>,
  bases: Partial<Record<SignalType, SignalBaseModel>>,
): Partial<Record<SignalType, TenantSignalModel>> {
  const out: Partial<Record<SignalType, TenantSignalModel>> = {};
  for (const [type, corr] of Object.entries(corrections) as [SignalType, Correction][]) {
    const base = bases[type];
    if (base) out[type] = fromCorrection(base, corr);
  }
  return out;
}

function fromCorrection(base: SignalBaseModel, corr: Correction): TenantSignalModel {
  const vocab = new Map<string, number>();
  const idf = new Float64Array(corr.terms.length);
  const w = new Float64Array(corr.terms.length);
  corr.terms.forEach(([name, i, wt], j) => {
    vocab.set(name, j);
    idf[j] = i;
    w[j] = wt;
  });
  return new TenantSignalModel(base, { vocab, idf }, w, corr.bias);
}

/**
 * L2 logistic regression with a fixed per-row offset and no intercept: minimise ½‖w‖² + C · Σ logloss(offset + w·x).
 * No intercept because the labelled sentences are the ones the detector quoted to a rep, not a sample of all
 * sentences: their share of positives says nothing about the base rate, and an intercept learnt there would move
 * every sentence's probability.
 */
function fitOffset(X: SparseRow[], offset: Float64Array, y: Uint8Array, d: number, c: number) {
  const n = y.length;
  const f = (w: Float64Array, g: Float64Array): number => {
    g.fill(0);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      let z = offset[i]!;
      for (const [j, v] of X[i]!) z += w[j]! * v;
      loss += y[i] ? Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
      const r = sigmoid(z) - y[i]!;
      for (const [j, v] of X[i]!) g[j]! += r * v;
    }
    let reg = 0;
    for (let j = 0; j < d; j++) {
      reg += w[j]! * w[j]!;
      g[j] = c * g[j]! + w[j]!;
    }
    return c * loss + 0.5 * reg;
  };
  const w = minimizeLbfgs(f, new Float64Array(d), { maxIterations: 200, memory: 10, tolerance: 1e-6 });
  return { w, bias: 0 };
}

const logLoss = (z: number, y: number): number => (y ? Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)));
const round4 = (x: number): number => Math.round(x * 1e4) / 1e4;

function f1At(z: ArrayLike<number>, y: Uint8Array, threshold: number): number {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < y.length; i++) {
    const h = sigmoid(z[i]!) >= threshold;
    if (h && y[i]) tp++;
    else if (h) fp++;
    else if (y[i]) fn++;
  }
  return tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
}

export interface FineTuneReport {
  rows: number;
  positives: number;
  /** True when the correction is kept (it beat the shipped model out of fold). */
  accepted: boolean;
  reason: string;
  c: number | null;
  folds: number;
  /** Mean out-of-fold log-loss of the shipped model and of the fine-tuned one on the tenant's labels. */
  shippedLogLoss: number;
  tunedLogLoss: number | null;
  /** Out-of-fold F1 at the shipped threshold, same comparison. */
  shippedF1: number;
  tunedF1: number | null;
  terms: number;
}

/**
 * Fine-tune one shipped model on a tenant's labelled sentences (1 = has the signal). Returns the stored correction
 * (null when the labels are too few or the correction does not beat the shipped model out of fold) and a report.
 */
export function fineTuneSignalModel(
  base: SignalBaseModel,
  texts: string[],
  labels: ArrayLike<number>,
  /** The texts' sentence vectors, for a fused base. */
  vectors?: ArrayLike<number>[],
): { correction: Correction | null; model: TenantSignalModel | null; report: FineTuneReport } {
  if (texts.length !== labels.length || (vectors && vectors.length !== texts.length))
    throw new RangeError('texts, labels and vectors differ in length');
  const n = texts.length;
  const y = Uint8Array.from({ length: n }, (_, i) => (labels[i] === 1 ? 1 : 0));
  const pos = y.reduce((s, v) => s + v, 0);
  const feats = texts.map(textFeatures);
  const offset = Float64Array.from(feats, (f, i) => base.calibratedLogitOf(f, vectors?.[i]));
  let shippedLoss = 0;
  for (let i = 0; i < n; i++) shippedLoss += logLoss(offset[i]!, y[i]!);
  const report: FineTuneReport = {
    rows: n,
    positives: pos,
    accepted: false,
    reason: '',
    c: null,
    folds: 0,
    shippedLogLoss: n ? round4(shippedLoss / n) : 0,
    tunedLogLoss: null,
    shippedF1: round4(f1At(offset, y, base.threshold)),
    tunedF1: null,
    terms: 0,
  };
  if (n < TENANT_SIGNAL_MIN_LABELS || Math.min(pos, n - pos) < TENANT_SIGNAL_MIN_PER_CLASS) {
    report.reason = `${n} labelled sentences (${pos} confirmed, ${n - pos} rejected): fine-tuning needs ≥ ${TENANT_SIGNAL_MIN_LABELS} with ≥ ${TENANT_SIGNAL_MIN_PER_CLASS} of each`;
    return { correction: null, model: null, report };
  }
  // Stratified interleaved folds, as in trainTextClassifier.
  const folds = Math.min(MAX_FOLDS, pos, n - pos);
  const fold = interleavedFolds(y, folds);
  let best: { c: number; loss: number; oof: Float64Array } | null = null;
  for (const c of C_GRID) {
    const oof = outOfFoldMargins(fold, folds, (fit) => {
      const vec = buildVectorizer(fit.map((i) => feats[i]!));
      const m = fitOffset(
        fit.map((i) => vectorize(vec, feats[i]!).row),
        Float64Array.from(fit, (i) => offset[i]!),
        Uint8Array.from(fit, (i) => y[i]!),
        vec.idf.length,
        c,
      );
      return (i) => {
        let z = offset[i]! + m.bias;
        for (const [j, x] of vectorize(vec, feats[i]!).row) z += m.w[j]! * x;
        return z;
      };
    });
    let loss = 0;
    for (let i = 0; i < n; i++) loss += logLoss(oof[i]!, y[i]!);
    loss /= n;
    if (!best || loss < best.loss - 1e-9) best = { c, loss, oof };
  }
  // Paired per-sentence gain over the shipped model; the correction must win by more than one standard error (the
  // same bar as `auto` choosing GBDT over logistic regression for the deal model).
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < n; i++) {
    const d = logLoss(offset[i]!, y[i]!) - logLoss(best!.oof[i]!, y[i]!);
    sum += d;
    sumSq += d * d;
  }
  const gain = sum / n;
  const se = Math.sqrt(Math.max(0, sumSq / n - gain * gain) / Math.max(1, n - 1));
  report.folds = folds;
  report.c = best!.c;
  report.tunedLogLoss = round4(best!.loss);
  report.tunedF1 = round4(f1At(best!.oof, y, base.threshold));
  if (!(gain > 0 && gain > se)) {
    report.reason = `out-of-fold log-loss ${report.tunedLogLoss} is not below the shipped model's ${report.shippedLogLoss} by more than one standard error (${round4(se)}): the shipped model keeps serving`;
    return { correction: null, model: null, report };
  }
  const vec = buildVectorizer(feats);
  const { w, bias } = fitOffset(
    feats.map((f) => vectorize(vec, f).row),
    offset,
    y,
    vec.idf.length,
    best!.c,
  );
  const terms: [string, number, number][] = [];
  for (const [name, j] of vec.vocab)
    if (Math.abs(w[j]!) >= 1e-3) terms.push([name, round4(vec.idf[j]!), round4(w[j]!)]);
  const correction: Correction = { c: best!.c, bias: round4(bias), terms };
  report.accepted = true;
  report.terms = terms.length;
  report.reason = `out-of-fold log-loss ${report.tunedLogLoss} < shipped ${report.shippedLogLoss} − one standard error (${round4(se)}); F1 at the shipped threshold ${report.tunedF1} vs ${report.shippedF1}`;
  return { correction, model: fromCorrection(base, correction), report };
}

/**
 * Which signal a suggestion type stands on, for reading its outcomes as labels of the quoted sentences: a budget-risk
 * task exists because a sentence was read as a budget constraint; a churn-risk one because a customer sentence was
 * read as a complaint or a plan to leave. Types with no signal behind them (stale deal, no next step) give no labels.
 */
export const SIGNAL_OF_SUGGESTION: Readonly<Record<string, SignalType>> = {
  budget_risk: 'budget_constraint',
  churn_risk: 'negative_sentiment',
  unanswered_ask: 'explicit_ask',
  competitor_mention: 'competitor',
};

/** One quoted sentence of a suggestion the rep judged: confirmed (acted on, said useful) or rejected. */
export interface SignalLabel {
  suggestionType: string;
  quote: string;
  confirmed: boolean;
}

/**
 * The tenant's labelled sentences per signal type: one label per distinct sentence (the majority of its judgements;
 * ties are dropped), from the suggestions whose type maps to a signal (SIGNAL_OF_SUGGESTION).
 */
export function labelledSentences(
  labels: SignalLabel[],
): Partial<Record<SignalType, { texts: string[]; y: number[] }>> {
  const votes = new Map<string, { type: SignalType; text: string; score: number }>();
  for (const l of labels) {
    const type = SIGNAL_OF_SUGGESTION[l.suggestionType];
    const text = l.quote.trim();
    if (!type || text === '' || text.startsWith('[quote withheld')) continue;
    const key = `${type}\u0000${text}`;
    const v = votes.get(key) ?? { type, text, score: 0 };
    v.score += l.confirmed ? 1 : -1;
    votes.set(key, v);
  }
  const out: Partial<Record<SignalType, { texts: string[]; y: number[] }>> = {};
  for (const v of votes.values()) {
    if (v.score === 0) continue;
    const t = (out[v.type] ??= { texts: [], y: [] });
    t.texts.push(v.text);
    t.y.push(v.score > 0 ? 1 : 0);
  }
  return out;
}

/**
 * Fine-tune every shipped type the tenant has labels for. `model` is what tenant_models stores (null when no type
 * was accepted: the shipped models keep serving), `reports` says per type what happened and why. With `fused` (the
 * shipped fused models and the labelled sentences' vectors), each type is also fine-tuned on its fused model, on
 * the sentences that have a vector, and judged against it (`fusedReports`).
 */
export function trainTenantSignalModels(
  labels: SignalLabel[],
  shipped: Partial<Record<SignalType, TextClassifier>>,
  shippedVersion: string,
  fused?: {
    models: Partial<Record<SignalType, SignalBaseModel>>;
    version: string;
    vectorOf: (sentence: string) => ArrayLike<number> | undefined;
  },
): {
  model: SerializedTenantSignalModels | null;
  reports: Partial<Record<SignalType, FineTuneReport>>;
  fusedReports: Partial<Record<SignalType, FineTuneReport>> | null;
} {
  const models: Partial<Record<SignalType, Correction>> = {};
  const fusedModels: Partial<Record<SignalType, Correction>> = {};
  const reports: Partial<Record<SignalType, FineTuneReport>> = {};
  const fusedReports: Partial<Record<SignalType, FineTuneReport>> = {};
  for (const [type, d] of Object.entries(labelledSentences(labels)) as [
    SignalType,
    { texts: string[]; y: number[] },
  ][]) {
    const base = shipped[type];
    if (!base) continue;
    const r = fineTuneSignalModel(base, d.texts, d.y);
    reports[type] = r.report;
    if (r.correction) models[type] = r.correction;
    const fusedBase = fused?.models[type];
    if (!fused || !fusedBase) continue;
    const keep = d.texts.flatMap((t, i) => {
      const v = fused.vectorOf(t);
      return v ? [{ t, y: d.y[i]!, v }] : [];
    });
    const f = fineTuneSignalModel(
      fusedBase,
      keep.map((k) => k.t),
      keep.map((k) => k.y),
      keep.map((k) => k.v),
    );
    fusedReports[type] = f.report;
    if (f.correction) fusedModels[type] = f.correction;
  }
  const model =
    Object.keys(models).length > 0 || Object.keys(fusedModels).length > 0
      ? {
          format: 'closeloop.tenant-signal-models' as const,
          version: 1 as const,
          model: TENANT_SIGNAL_MODEL,
          base: shippedVersion,
          models,
          ...(fused ? { fused: { base: fused.version, models: fusedModels } } : {}),
        }
      : null;
  return { model, reports, fusedReports: fused ? fusedReports : null };
}
