import { z } from 'zod';
import { InvalidPayloadError } from '../../core/index.js';
import { minimizeLbfgs } from '../models/lbfgs.js';
import { detectSignalsLexicon } from './lexicon.js';
import type { EvidenceSpan } from './types.js';

/**
 * Trainable sentence classifier: L2 logistic regression (L-BFGS, class-balanced) over TF-IDF of word
 * 1–2-grams (with sentence-start/end markers), the first one and two words, a few speech-act cues
 * (imperative opening, "can you…", conditional opening, question) and the lexicon's verdicts.
 * The regularisation strength and the decision threshold are chosen by 5-fold cross-validation inside the
 * training rows, and the margin is Platt-calibrated on the out-of-fold margins, so `probability()` is a
 * calibrated probability and `threshold` is on that scale. Deterministic: same rows, same model.
 */
export const TEXT_MODEL = 'signals-tfidf-logreg-v2';

/** Verbs that open an imperative sentence ("Send the deck", "Please confirm…"). */
const IMPERATIVE_VERBS = new Set(
  (
    'send share forward schedule book set review sign countersign confirm call email reply respond provide let join check fill ' +
    'complete update approve make remember contact give bring find attend register click read see take get visit come note follow keep tell ask ' +
    'submit return print use try download install enter meet arrange discuss look pick put write add remove change prepare plan order buy pay ' +
    'advise loop introduce resend walk talk ping drop grab hop circle'
  ).split(' '),
);

interface Token {
  text: string;
  start: number;
  end: number;
}
function tokenize(text: string): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(
    /\$LINK|https?:\/\/\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|[\p{L}\p{N}]+(?:['’][\p{L}]+)?|[?!$%]/gu,
  )) {
    const raw = m[0];
    let t = raw.toLowerCase().replace('’', "'");
    if (raw === '$LINK' || /^https?:/.test(t)) t = '<url>';
    else if (t.includes('@') && t.length > 1) t = '<email>';
    else if (/^\d+$/.test(t)) t = '<num>';
    out.push({ text: t, start: m.index, end: m.index + raw.length });
  }
  return out;
}

export interface NamedFeature {
  name: string;
  start: number;
  end: number;
}

/** Feature names of a text, each with the span it came from (for explanations). */
export function textFeatures(text: string): NamedFeature[] {
  const toks = tokenize(text);
  const out: NamedFeature[] = [];
  const whole = { start: 0, end: text.length };
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    out.push({ name: t.text, start: t.start, end: t.end });
    if (i + 1 < toks.length)
      out.push({ name: `${t.text} ${toks[i + 1]!.text}`, start: t.start, end: toks[i + 1]!.end });
  }
  if (toks.length > 0) {
    const first = toks[0]!;
    const last = toks[toks.length - 1]!;
    out.push({ name: `<s> ${first.text}`, start: first.start, end: first.end });
    out.push({ name: `${last.text} </s>`, start: last.start, end: last.end });
    out.push({ name: `first:${first.text}`, start: first.start, end: first.end });
    if (toks.length > 1)
      out.push({ name: `first2:${first.text} ${toks[1]!.text}`, start: first.start, end: toks[1]!.end });
    const lead = /^(?:please|pls|kindly|just)$/.test(first.text) ? toks[1] : first;
    if (lead && IMPERATIVE_VERBS.has(lead.text))
      out.push({ name: 'act:imperative', start: first.start, end: lead.end });
  }
  const modal = /\b(?:can|could|would|will)\s+(?:you|someone|your team|we get)\b/i.exec(text);
  if (modal) out.push({ name: 'act:modal-you', start: modal.index, end: modal.index + modal[0].length });
  if (/^\W*(?:if|when|should|in case|whenever)\b/i.test(text)) out.push({ name: 'act:conditional', ...whole });
  if (/\?\W*$/.test(text)) {
    out.push({ name: 'act:question', ...whole });
    if (/^\W*(?:any|what|when|where|who|how|has|have|did|do|does|is|are)\b/i.test(text))
      out.push({ name: 'act:direct-question', ...whole });
  }
  for (const sig of detectSignalsLexicon(text))
    out.push({ name: `lexicon:${sig.type}`, start: sig.evidence.start, end: sig.evidence.end });
  return out;
}

/** @internal a sparse TF-IDF row: [feature index, value]. */
export type SparseRow = [number, number][];

/** @internal */
export interface Vectorizer {
  vocab: Map<string, number>;
  idf: Float64Array;
}

/** @internal sublinear TF-IDF, L2-normalised. */
export function vectorize(v: Vectorizer, feats: NamedFeature[]): { row: SparseRow; spans: Map<number, NamedFeature> } {
  const counts = new Map<number, number>();
  const spans = new Map<number, NamedFeature>();
  for (const f of feats) {
    const j = v.vocab.get(f.name);
    if (j === undefined) continue;
    counts.set(j, (counts.get(j) ?? 0) + 1);
    if (!spans.has(j)) spans.set(j, f);
  }
  const row: SparseRow = [];
  let norm = 0;
  for (const [j, c] of counts) {
    const x = (1 + Math.log(c)) * v.idf[j]!;
    row.push([j, x]);
    norm += x * x;
  }
  norm = Math.sqrt(norm) || 1;
  for (const e of row) e[1] /= norm;
  return { row, spans };
}

export const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

const SerializedTextModel = z.object({
  format: z.literal('closeloop.text-classifier'),
  version: z.literal(2),
  model: z.string(),
  label: z.string(),
  c: z.number(),
  threshold: z.number(),
  bias: z.number(),
  platt: z.object({ a: z.number(), b: z.number() }),
  /** [feature name, idf, weight] for every feature with a non-negligible weight. */
  terms: z.array(z.tuple([z.string(), z.number(), z.number()])),
});
export type SerializedTextModel = z.infer<typeof SerializedTextModel>;

export interface TextPrediction {
  /** Calibrated probability that the text carries the label. */
  probability: number;
  isPositive: boolean;
  /** Strongest features behind the decision, signed contribution to the log-odds. */
  topNgrams: { ngram: string; weight: number }[];
  /** Span of the strongest word feature pushing towards the label, or the whole text when none does. */
  evidence: EvidenceSpan;
  model: string;
}

export class TextClassifier {
  private constructor(
    readonly label: string,
    private readonly c: number,
    readonly threshold: number,
    private readonly bias: number,
    private readonly platt: { a: number; b: number },
    private readonly vec: Vectorizer,
    private readonly w: Float64Array,
  ) {}

  /** Raw (uncalibrated) log-odds. */
  margin(text: string): number {
    return this.marginOf(textFeatures(text));
  }

  private marginOf(feats: NamedFeature[]): number {
    let z = this.bias;
    for (const [j, x] of vectorize(this.vec, feats).row) z += this.w[j]! * x;
    return z;
  }

  probability(text: string): number {
    return this.probabilityOf(textFeatures(text));
  }

  /** Calibrated log-odds (the logit of `probabilityOf`): the offset a tenant's fine-tuned model adds to. */
  calibratedLogitOf(feats: NamedFeature[]): number {
    return this.platt.a * this.marginOf(feats) + this.platt.b;
  }

  /** Calibrated probability from features already computed with `textFeatures` (several models, one pass). */
  probabilityOf(feats: NamedFeature[]): number {
    return sigmoid(this.calibratedLogitOf(feats));
  }

  predict(text: string, topK = 5): TextPrediction {
    const { row, spans } = vectorize(this.vec, textFeatures(text));
    let z = this.bias;
    const contrib = row.map(([j, x]) => {
      const c = this.w[j]! * x * this.platt.a;
      z += this.w[j]! * x;
      return { f: spans.get(j)!, c };
    });
    const p = sigmoid(this.platt.a * z + this.platt.b);
    const ranked = contrib.filter((x) => x.c !== 0).sort((a, b) => Math.abs(b.c) - Math.abs(a.c));
    const top = ranked.slice(0, topK).map((x) => ({ ngram: x.f.name, weight: Math.round(x.c * 1e4) / 1e4 }));
    const best = ranked.find((x) => x.c > 0 && x.f.end - x.f.start < text.length);
    const evidence = best
      ? { start: best.f.start, end: best.f.end, quote: text.slice(best.f.start, best.f.end) }
      : { start: 0, end: text.length, quote: text };
    return { probability: p, isPositive: p >= this.threshold, topNgrams: top, evidence, model: TEXT_MODEL };
  }

  toJSON(): SerializedTextModel {
    const terms: [string, number, number][] = [];
    for (const [name, j] of this.vec.vocab) terms.push([name, round4(this.vec.idf[j]!), round4(this.w[j]!)]);
    return {
      format: 'closeloop.text-classifier',
      version: 2,
      model: TEXT_MODEL,
      label: this.label,
      c: this.c,
      threshold: this.threshold,
      bias: this.bias,
      platt: this.platt,
      terms,
    };
  }

  static fromJSON(json: unknown): TextClassifier {
    const parsed = SerializedTextModel.safeParse(typeof json === 'string' ? JSON.parse(json) : json);
    if (!parsed.success)
      throw new InvalidPayloadError(
        `not a closeloop text classifier (v2): ${parsed.error.issues[0]?.message ?? 'invalid'}`,
        { where: 'text-classifier' },
      );
    const d = parsed.data;
    const vocab = new Map<string, number>();
    const idf = new Float64Array(d.terms.length);
    const w = new Float64Array(d.terms.length);
    d.terms.forEach(([name, i, wt], j) => {
      vocab.set(name, j);
      idf[j] = i;
      w[j] = wt;
    });
    return new TextClassifier(d.label, d.c, d.threshold, d.bias, d.platt, { vocab, idf }, w);
  }

  /** @internal used by training. */
  static create(
    label: string,
    c: number,
    threshold: number,
    bias: number,
    platt: { a: number; b: number },
    vec: Vectorizer,
    w: Float64Array,
  ): TextClassifier {
    return new TextClassifier(label, c, threshold, bias, platt, vec, w);
  }
}

const round4 = (x: number): number => Math.round(x * 1e4) / 1e4;

/** @internal */
export function buildVectorizer(feats: NamedFeature[][], minDf = 1): Vectorizer {
  const df = new Map<string, number>();
  for (const f of feats) for (const name of new Set(f.map((x) => x.name))) df.set(name, (df.get(name) ?? 0) + 1);
  const vocab = new Map<string, number>();
  const idf: number[] = [];
  const n = feats.length;
  for (const [name, k] of [...df.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (k < minDf) continue;
    vocab.set(name, vocab.size);
    idf.push(Math.log((1 + n) / (1 + k)) + 1);
  }
  return { vocab, idf: Float64Array.from(idf) };
}

/**
 * Row weights that class-balance the in-domain rows among themselves. The class weights of `fitSparse` balance the
 * positives against all negatives; when most negatives are background text from another domain, each in-domain
 * negative weighs a small fraction of a positive (about 1/20 for a type with 4 % positives), so a word seen in a few
 * positives outweighs many neutral in-domain uses of it ("the contract" in churn notices against "we signed the
 * contract"). The result multiplies the class weight of every in-domain negative so that, together, they weigh as
 * much as the in-domain positives (never by less than 1); other rows keep 1.
 */
export function inDomainBalanceWeights(
  labels: ArrayLike<number>,
  inDomain: (i: number) => boolean,
): { weights: Float64Array; factor: number } {
  const n = labels.length;
  let pos = 0;
  let ownPos = 0;
  let ownNeg = 0;
  for (let i = 0; i < n; i++) {
    if (labels[i] === 1) pos++;
    if (inDomain(i)) {
      if (labels[i] === 1) ownPos++;
      else ownNeg++;
    }
  }
  const wPos = n / (2 * Math.max(1, pos));
  const wNeg = n / (2 * Math.max(1, n - pos));
  const factor = ownNeg === 0 ? 1 : Math.max(1, (ownPos * wPos) / (ownNeg * wNeg));
  return {
    weights: Float64Array.from({ length: n }, (_, i) => (inDomain(i) && labels[i] !== 1 ? factor : 1)),
    factor,
  };
}

/**
 * Class-balanced L2 logistic regression: minimise ½‖w‖² + C · Σ weight·logloss (bias unpenalised). `rowWeights`
 * (default 1 each) multiplies a row's class weight: the training of the shipped models uses it to give the in-domain
 * negatives the weight of the in-domain positives (train-signal-models.ts).
 */
/** @internal */
export function fitSparse(
  X: SparseRow[],
  y: Uint8Array,
  d: number,
  c: number,
  rowWeights?: ArrayLike<number>,
): { w: Float64Array; bias: number } {
  const n = y.length;
  let pos = 0;
  for (const v of y) pos += v;
  const wPos = n / (2 * Math.max(1, pos));
  const wNeg = n / (2 * Math.max(1, n - pos));
  const f = (x: Float64Array, g: Float64Array): number => {
    g.fill(0);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      let z = x[d]!;
      for (const [j, v] of X[i]!) z += x[j]! * v;
      const sw = (y[i] ? wPos : wNeg) * (rowWeights ? rowWeights[i]! : 1);
      loss += sw * (y[i] ? Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)));
      const r = sw * (sigmoid(z) - y[i]!);
      for (const [j, v] of X[i]!) g[j]! += r * v;
      g[d]! += r;
    }
    let reg = 0;
    for (let j = 0; j < d; j++) {
      reg += x[j]! * x[j]!;
      g[j] = c * g[j]! + x[j]!;
    }
    g[d] = c * g[d]!;
    return c * loss + 0.5 * reg;
  };
  const x = minimizeLbfgs(f, new Float64Array(d + 1), { maxIterations: 300, memory: 10, tolerance: 1e-6 });
  return { w: x.subarray(0, d), bias: x[d]! };
}

/** Platt scaling: fit p = σ(a·m + b) to labels by Newton steps on the log-loss (targets smoothed as Platt 1999). */
export function fitPlatt(margins: ArrayLike<number>, y: ArrayLike<number>): { a: number; b: number } {
  let pos = 0;
  for (let i = 0; i < y.length; i++) pos += y[i]!;
  const neg = y.length - pos;
  const tPos = (pos + 1) / (pos + 2);
  const tNeg = 1 / (neg + 2);
  let a = 1;
  let b = 0;
  for (let it = 0; it < 50; it++) {
    let gA = 0;
    let gB = 0;
    let hAA = 1e-9;
    let hAB = 0;
    let hBB = 1e-9;
    for (let i = 0; i < margins.length; i++) {
      const m = margins[i]!;
      const p = sigmoid(a * m + b);
      const t = y[i] ? tPos : tNeg;
      const r = p - t;
      const s = p * (1 - p);
      gA += r * m;
      gB += r;
      hAA += s * m * m;
      hAB += s * m;
      hBB += s;
    }
    const det = hAA * hBB - hAB * hAB;
    if (!(Math.abs(det) > 1e-12)) break;
    const dA = (hBB * gA - hAB * gB) / det;
    const dB = (hAA * gB - hAB * gA) / det;
    a -= dA;
    b -= dB;
    if (Math.abs(dA) + Math.abs(dB) < 1e-9) break;
  }
  return { a, b };
}

/** @internal */
export function bestF1Threshold(p: ArrayLike<number>, y: ArrayLike<number>): { threshold: number; f1: number } {
  let best = { threshold: 0.5, f1: -1 };
  for (let t = 0.1; t <= 0.9001; t += 0.01) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < p.length; i++) {
      const yhat = p[i]! >= t ? 1 : 0;
      if (yhat && y[i]) tp++;
      else if (yhat) fp++;
      else if (y[i]) fn++;
    }
    const f1 = tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
    if (f1 > best.f1 + 1e-9 || (Math.abs(f1 - best.f1) <= 1e-9 && Math.abs(t - 0.5) < Math.abs(best.threshold - 0.5)))
      best = { threshold: Math.round(t * 100) / 100, f1 };
  }
  return best;
}

export const TEXT_C_GRID = [1, 3, 10] as const;
const FOLDS = 5;
/** Weights smaller than this are dropped from the model (keeps shipped weights small; AUC-neutral). */
const PRUNE = 1e-3;

export interface TextTrainReport {
  c: number;
  threshold: number;
  validationF1: number | null;
  folds: number;
  terms: number;
}

/** Stratified interleaved folds: the k-th positive and the k-th negative go to fold k mod `folds`. */
export function interleavedFolds(y: ArrayLike<number>, folds: number): Int32Array {
  const fold = new Int32Array(y.length);
  let kp = 0;
  let kn = 0;
  for (let i = 0; i < y.length; i++) fold[i] = y[i] ? kp++ % folds : kn++ % folds;
  return fold;
}

/**
 * Out-of-fold margins: for each fold, `fitRows` fits on the rows outside it and returns the margin of a row; the
 * rows of that fold get theirs.
 */
export function outOfFoldMargins(
  fold: Int32Array,
  folds: number,
  fitRows: (rows: number[]) => (i: number) => number,
): Float64Array {
  const n = fold.length;
  const oof = new Float64Array(n);
  for (let k = 0; k < folds; k++) {
    const margin = fitRows([...Array(n).keys()].filter((i) => fold[i] !== k));
    for (let i = 0; i < n; i++) if (fold[i] === k) oof[i] = margin(i);
  }
  return oof;
}

/** Platt scaling fitted on the chosen out-of-fold margins, and the F1-best threshold of the calibrated probabilities. */
export function calibrateOutOfFold(
  oof: Float64Array,
  y: Uint8Array,
): { platt: { a: number; b: number }; threshold: number; validationF1: number } {
  const platt = fitPlatt(oof, y);
  const r = bestF1Threshold(
    Array.from(oof, (m) => sigmoid(platt.a * m + platt.b)),
    y,
  );
  return { platt, threshold: r.threshold, validationF1: r.f1 };
}

/**
 * Train on labelled sentences (1 = has the signal). Throws InvalidPayloadError when a class is missing.
 * `c` fixes the strength (skips the search); `minDf` drops features seen in fewer training rows; `prune` drops
 * smaller weights after the fit (both keep shipped models small); `rowWeights` multiplies each row's class weight in
 * the fits (not in the calibration or the threshold).
 */
export function trainTextClassifier(
  texts: string[],
  labels: ArrayLike<number>,
  opts: { label?: string; c?: number; minDf?: number; prune?: number; rowWeights?: ArrayLike<number> } = {},
): { model: TextClassifier; report: TextTrainReport } {
  if (opts.rowWeights && opts.rowWeights.length !== texts.length)
    throw new RangeError('texts and row weights differ in length');
  const rw = opts.rowWeights;
  if (texts.length !== labels.length) throw new RangeError('texts and labels differ in length');
  const y = Uint8Array.from({ length: labels.length }, (_, i) => (labels[i] === 1 ? 1 : 0));
  const pos = y.reduce((s, v) => s + v, 0);
  if (pos === 0 || pos === y.length)
    throw new InvalidPayloadError('text classifier: training labels need both classes', { where: 'text-classifier' });
  const feats = texts.map(textFeatures);
  const n = texts.length;
  const fold = interleavedFolds(y, FOLDS);
  const canCv = Math.min(pos, n - pos) >= FOLDS;
  const grid = opts.c !== undefined ? [opts.c] : canCv ? [...TEXT_C_GRID] : [3];
  let c = grid[0]!;
  let threshold = 0.5;
  let validationF1: number | null = null;
  let platt = { a: 1, b: 0 };
  if (canCv) {
    let bestOof: Float64Array | null = null;
    for (const cand of grid) {
      const oof = outOfFoldMargins(fold, FOLDS, (fit) => {
        const vec = buildVectorizer(
          fit.map((i) => feats[i]!),
          opts.minDf,
        );
        const { w, bias } = fitSparse(
          fit.map((i) => vectorize(vec, feats[i]!).row),
          Uint8Array.from(fit, (i) => y[i]!),
          vec.idf.length,
          cand,
          rw && Float64Array.from(fit, (i) => rw[i]!),
        );
        return (i) => {
          let zz = bias;
          for (const [j, x] of vectorize(vec, feats[i]!).row) zz += w[j]! * x;
          return zz;
        };
      });
      const r = bestF1Threshold(Array.from(oof, sigmoid), y);
      if (validationF1 === null || r.f1 > validationF1 + 1e-9) {
        validationF1 = r.f1;
        c = cand;
        bestOof = oof;
      }
    }
    ({ platt, threshold, validationF1 } = calibrateOutOfFold(bestOof!, y));
  }
  const vec = buildVectorizer(feats, opts.minDf);
  const { w, bias } = fitSparse(
    feats.map((f) => vectorize(vec, f).row),
    y,
    vec.idf.length,
    c,
    rw,
  );
  // Prune negligible weights, keeping the vocabulary (and idf) of the features that remain.
  const vocab = new Map<string, number>();
  const idf: number[] = [];
  const kept: number[] = [];
  for (const [name, j] of vec.vocab)
    if (Math.abs(w[j]!) >= (opts.prune ?? PRUNE)) {
      vocab.set(name, vocab.size);
      idf.push(round4(vec.idf[j]!));
      kept.push(round4(w[j]!));
    }
  const model = TextClassifier.create(
    opts.label ?? 'positive',
    c,
    threshold,
    bias,
    platt,
    { vocab, idf: Float64Array.from(idf) },
    Float64Array.from(kept),
  );
  return { model, report: { c, threshold, validationF1, folds: canCv ? FOLDS : 0, terms: vocab.size } };
}
