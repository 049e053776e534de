import { z } from 'zod';
import { InvalidPayloadError } from '../../core/index.js';
import {
  bestF1Threshold,
  buildVectorizer,
  calibrateOutOfFold,
  fitSparse,
  interleavedFolds,
  outOfFoldMargins,
  sigmoid,
  textFeatures,
  vectorize,
  type NamedFeature,
  type SparseRow,
  type Vectorizer,
} from './text-classifier.js';

/**
 * The n-gram text classifier's features (text-classifier.ts: TF-IDF of word 1–2-grams, first words, speech-act cues,
 * lexicon verdicts; L2-normalised) concatenated with a pretrained sentence vector (unit length, e.g. USE Lite's 512
 * dims, computed by the caller) scaled by `alpha`, in one class-balanced L2 logistic regression. `alpha` (the weight
 * of the sentence block against the n-gram block), C and the decision threshold are chosen by the same stratified
 * 5-fold cross-validation inside the training rows as the n-gram classifier, and the margin is Platt-calibrated on
 * the out-of-fold margins, so the cross-validated F1 of the two models can be compared to choose between them.
 * Deterministic given the vectors. Measured on email_intent in docs/benchmarks.md ("eval text").
 */
export const FUSED_TEXT_MODEL = 'signals-tfidf+use-lite-logreg-v1';

export const FUSED_ALPHAS = [0.5, 1] as const;
export const FUSED_C_GRID = [1, 3, 10] as const;
const FOLDS = 5;

export interface FusedTrainReport {
  alpha: number;
  c: number;
  threshold: number;
  /** F1 of the calibrated out-of-fold probabilities at `threshold` (null: too few rows of a class for CV). */
  validationF1: number | null;
  folds: number;
  /** Cross-validated F1 of every (alpha, C) tried, before calibration (at the best threshold). */
  grid: { alpha: number; c: number; f1: number }[];
}

function rowOf(vec: Vectorizer, feats: NamedFeature[], v: ArrayLike<number>, alpha: number): SparseRow {
  const row = vectorize(vec, feats).row;
  const d0 = vec.idf.length;
  for (let j = 0; j < v.length; j++) if (v[j] !== 0) row.push([d0 + j, alpha * v[j]!]);
  return row;
}

function fitOn(
  feats: NamedFeature[][],
  vectors: ArrayLike<number>[],
  y: Uint8Array,
  fit: number[],
  alpha: number,
  c: number,
  minDf?: number,
  rowWeights?: ArrayLike<number>,
) {
  const vec = buildVectorizer(
    fit.map((i) => feats[i]!),
    minDf,
  );
  const dims = vectors[0]?.length ?? 0;
  const { w, bias } = fitSparse(
    fit.map((i) => rowOf(vec, feats[i]!, vectors[i]!, alpha)),
    Uint8Array.from(fit, (i) => y[i]!),
    vec.idf.length + dims,
    c,
    rowWeights && Float64Array.from(fit, (i) => rowWeights[i]!),
  );
  return { vec, w: Float64Array.from(w), bias, alpha };
}

type FusedFit = ReturnType<typeof fitOn>;

function marginOf(m: FusedFit, feats: NamedFeature[], vector: ArrayLike<number>): number {
  let z = m.bias;
  for (const [j, x] of rowOf(m.vec, feats, vector, m.alpha)) z += m.w[j]! * x;
  return z;
}

const round = (x: number, k: number): number => Math.round(x * k) / k;

const SerializedFusedModel = z.object({
  format: z.literal('closeloop.fused-text-classifier'),
  version: z.literal(1),
  model: z.string(),
  /** The sentence encoder whose vectors the model was trained on (SentenceEmbedder.id). */
  encoder: z.string(),
  label: z.string(),
  alpha: z.number(),
  c: z.number(),
  threshold: z.number(),
  bias: z.number(),
  platt: z.object({ a: z.number(), b: z.number() }),
  /** [feature name, idf, weight] of the n-gram block, for every feature with a non-negligible weight. */
  terms: z.array(z.tuple([z.string(), z.number(), z.number()])),
  /** Weights of the sentence-vector block (one per dimension of the encoder). */
  dense: z.array(z.number()),
});
export type SerializedFusedModel = z.infer<typeof SerializedFusedModel>;

export class FusedTextClassifier {
  constructor(
    readonly label: string,
    readonly threshold: number,
    private readonly platt: { a: number; b: number },
    private readonly fit: FusedFit,
    /** The sentence encoder the model expects vectors from (SentenceEmbedder.id; '' when not recorded). */
    readonly encoder = '',
    private readonly c = 0,
  ) {}

  /** Dimensions of the sentence vectors the model takes. */
  get dimensions(): number {
    return this.fit.w.length - this.fit.vec.idf.length;
  }

  /** Whether a vector from encoder `encoderId` is this model's input (its own encoder, its dimensions). */
  reads(encoderId: string, vector: ArrayLike<number> | undefined): vector is ArrayLike<number> {
    return vector !== undefined && encoderId === this.encoder && vector.length === this.dimensions;
  }

  /** Raw log-odds from the text and its sentence vector (the same encoder as in training). */
  margin(text: string, vector: ArrayLike<number>): number {
    return marginOf(this.fit, textFeatures(text), vector);
  }

  /** Calibrated probability that the text carries the label. */
  probability(text: string, vector: ArrayLike<number>): number {
    return this.probabilityOf(textFeatures(text), vector);
  }

  /** Calibrated probability from features already computed with `textFeatures` (several models, one pass). */
  probabilityOf(feats: NamedFeature[], vector: ArrayLike<number>): number {
    return sigmoid(this.calibratedLogitOf(feats, vector));
  }

  /** Calibrated log-odds (the logit of `probabilityOf`): the offset a tenant's fine-tuned model adds to. */
  calibratedLogitOf(feats: NamedFeature[], vector?: ArrayLike<number>): number {
    if (vector?.length !== this.dimensions)
      throw new RangeError(`fused text classifier: a ${vector?.length ?? 0}-dim vector, expected ${this.dimensions}`);
    return this.platt.a * marginOf(this.fit, feats, vector) + this.platt.b;
  }

  /** The model with the n-gram weights below `prune` dropped (the shipped weights stay small). */
  toJSON(prune = 0): SerializedFusedModel {
    const { vec, w, bias, alpha } = this.fit;
    const d0 = vec.idf.length;
    const terms: [string, number, number][] = [];
    for (const [name, j] of vec.vocab)
      if (Math.abs(w[j]!) >= prune && round(w[j]!, 1e4) !== 0)
        terms.push([name, round(vec.idf[j]!, 1e4), round(w[j]!, 1e4)]);
    return {
      format: 'closeloop.fused-text-classifier',
      version: 1,
      model: FUSED_TEXT_MODEL,
      encoder: this.encoder,
      label: this.label,
      alpha,
      c: this.c,
      threshold: this.threshold,
      bias,
      platt: this.platt,
      terms,
      dense: Array.from(w.subarray(d0), (x) => round(x, 1e5)),
    };
  }

  static fromJSON(json: unknown): FusedTextClassifier {
    const parsed = SerializedFusedModel.safeParse(typeof json === 'string' ? JSON.parse(json) : json);
    if (!parsed.success)
      throw new InvalidPayloadError(
        `not a closeloop fused text classifier (v1): ${parsed.error.issues[0]?.message ?? 'invalid'}`,
        { where: 'text-classifier' },
      );
    const d = parsed.data;
    const vocab = new Map<string, number>();
    const idf = new Float64Array(d.terms.length);
    const w = new Float64Array(d.terms.length + d.dense.length);
    d.terms.forEach(([name, i, wt], j) => {
      vocab.set(name, j);
      idf[j] = i;
      w[j] = wt;
    });
    w.set(d.dense, d.terms.length);
    return new FusedTextClassifier(
      d.label,
      d.threshold,
      d.platt,
      { vec: { vocab, idf }, w, bias: d.bias, alpha: d.alpha },
      d.encoder,
      d.c,
    );
  }
}

/**
 * Train on labelled texts and their sentence vectors (1 = has the label). Throws InvalidPayloadError when a class
 * is missing or the vectors do not match the texts.
 */
export function trainFusedTextClassifier(
  texts: string[],
  labels: ArrayLike<number>,
  vectors: ArrayLike<number>[],
  opts: {
    label?: string;
    alphas?: readonly number[];
    grid?: readonly number[];
    /** Drops n-gram features seen in fewer training rows. */
    minDf?: number;
    /** Recorded in the model: the encoder the vectors came from (SentenceEmbedder.id). */
    encoder?: string;
    /** Multiplies each row's class weight in the fits (not in the calibration or the threshold). */
    rowWeights?: ArrayLike<number>;
  } = {},
): { model: FusedTextClassifier; report: FusedTrainReport } {
  if (texts.length !== labels.length || texts.length !== vectors.length)
    throw new RangeError('texts, labels and vectors differ in length');
  if (opts.rowWeights && opts.rowWeights.length !== texts.length)
    throw new RangeError('texts and row weights differ in length');
  const dims = vectors[0]?.length ?? 0;
  if (vectors.some((v) => v.length !== dims))
    throw new InvalidPayloadError('fused text classifier: sentence vectors differ in length', {
      where: 'text-classifier',
    });
  const y = Uint8Array.from({ length: labels.length }, (_, i) => (labels[i] === 1 ? 1 : 0));
  const n = y.length;
  const pos = y.reduce((s, v) => s + v, 0);
  if (pos === 0 || pos === n)
    throw new InvalidPayloadError('text classifier: training labels need both classes', { where: 'text-classifier' });
  const feats = texts.map(textFeatures);
  // The n-gram classifier's folds.
  const fold = interleavedFolds(y, FOLDS);
  const canCv = Math.min(pos, n - pos) >= FOLDS;
  const alphas = opts.alphas ?? FUSED_ALPHAS;
  const cs = opts.grid ?? FUSED_C_GRID;
  let best = { alpha: alphas[Math.min(1, alphas.length - 1)]!, c: 3, f1: -1, oof: null as Float64Array | null };
  const grid: FusedTrainReport['grid'] = [];
  if (canCv) {
    for (const alpha of alphas)
      for (const c of cs) {
        const oof = outOfFoldMargins(fold, FOLDS, (fit) => {
          const m = fitOn(feats, vectors, y, fit, alpha, c, opts.minDf, opts.rowWeights);
          return (i) => marginOf(m, feats[i]!, vectors[i]!);
        });
        const f1 = bestF1Threshold(Array.from(oof, sigmoid), y).f1;
        grid.push({ alpha, c, f1: Math.round(f1 * 1e4) / 1e4 });
        if (f1 > best.f1 + 1e-9) best = { alpha, c, f1, oof };
      }
  }
  let platt = { a: 1, b: 0 };
  let threshold = 0.5;
  let validationF1: number | null = null;
  if (best.oof) ({ platt, threshold, validationF1 } = calibrateOutOfFold(best.oof, y));
  const fit = fitOn(feats, vectors, y, [...Array(n).keys()], best.alpha, best.c, opts.minDf, opts.rowWeights);
  return {
    model: new FusedTextClassifier(opts.label ?? 'positive', threshold, platt, fit, opts.encoder ?? '', best.c),
    report: { alpha: best.alpha, c: best.c, threshold, validationF1, folds: canCv ? FOLDS : 0, grid },
  };
}
