import { z } from 'zod';
import { InvalidPayloadError } from '../../core/index.js';
import { detectSignalsLexicon } from './lexicon.js';
import type { EvidenceSpan } from './types.js';

/**
 * Trainable sentence classifier: logistic regression over hashed word 1–2-grams, character 3–5-grams
 * (log-scaled counts, L2-normalised per sentence) and the lexicon
 * detector's verdicts, class-balanced, trained with AdaGrad SGD in a
 * deterministic order. L2 strength and decision threshold are chosen on the LATEST 20 % of the training
 * rows (row order = time order), then the model is refit on all rows.
 */
export const TEXT_MODEL = 'signals-ngram-logreg-v1';
const DIM_BITS = 18;
const DIM = 1 << DIM_BITS;

interface Feature { index: number; value: number; name: string; kind: 'word' | 'char'; start: number; end: number }

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 0x01000193); }
  return h >>> 0;
}

interface Token { text: string; start: number; end: number }
function tokenize(text: string): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(/[\p{L}\p{N}]+(?:['’][\p{L}]+)?|[?!$%]/gu)) out.push({ text: m[0].toLowerCase().replace('’', "'"), start: m.index, end: m.index + m[0].length });
  return out;
}

/** Hashed features of a text, with the name and span of each n-gram kept for explanations. */
export function textFeatures(text: string): Feature[] {
  const toks = tokenize(text);
  const raw: Omit<Feature, 'index' | 'value'>[] = [];
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    raw.push({ name: t.text, kind: 'word', start: t.start, end: t.end });
    if (i + 1 < toks.length) raw.push({ name: `${t.text} ${toks[i + 1]!.text}`, kind: 'word', start: t.start, end: toks[i + 1]!.end });
    const padded = ` ${t.text} `;
    for (let n = 3; n <= 5; n++) for (let k = 0; k + n <= padded.length; k++) raw.push({ name: `c:${padded.slice(k, k + n)}`, kind: 'char', start: t.start, end: t.end });
  }
  const counts = new Map<number, { c: number; f: Omit<Feature, 'index' | 'value'> }>();
  for (const f of raw) {
    const idx = fnv1a(f.name) & (DIM - 1);
    const e = counts.get(idx);
    if (e) e.c++; else counts.set(idx, { c: 1, f });
  }
  let norm = 0;
  for (const e of counts.values()) norm += (1 + Math.log(e.c)) ** 2;
  norm = Math.sqrt(norm) || 1;
  const out: Feature[] = [...counts.entries()].map(([index, e]) => ({ index, value: (1 + Math.log(e.c)) / norm, ...e.f }));
  // The day-one lexicon's verdicts are features too (unnormalised, one per signal type): the classifier
  // learns how far to trust each cue family on the tenant's labels.
  for (const sig of detectSignalsLexicon(text)) {
    const name = `lexicon:${sig.type}`;
    out.push({ index: fnv1a(name) & (DIM - 1), value: 1, name, kind: 'word', start: sig.evidence.start, end: sig.evidence.end });
  }
  return out;
}

const SerializedTextModel = z.object({
  format: z.literal('closeloop.text-classifier'),
  version: z.literal(1),
  model: z.string(),
  label: z.string(),
  l2: z.number(),
  threshold: z.number(),
  bias: z.number(),
  /** Sparse weights: [hashed index, weight] pairs. */
  weights: z.array(z.tuple([z.number().int(), z.number()])),
});
export type SerializedTextModel = z.infer<typeof SerializedTextModel>;

export interface TextPrediction {
  probability: number;
  isPositive: boolean;
  /** Strongest n-grams behind the decision (word n-grams first; char n-grams are named "c:…"). */
  topNgrams: { ngram: string; weight: number }[];
  /** Span of the strongest positive word n-gram, or the whole text when none pushes up. */
  evidence: EvidenceSpan;
  model: string;
}

export class TextClassifier {
  private constructor(private readonly label: string, private readonly l2: number, public readonly threshold: number, private readonly bias: number, private readonly w: Float32Array) {}

  static create(label: string, l2: number, threshold: number, bias: number, w: Float32Array): TextClassifier {
    return new TextClassifier(label, l2, threshold, bias, w);
  }

  probability(text: string): number {
    let z = this.bias;
    for (const f of textFeatures(text)) z += this.w[f.index]! * f.value;
    return 1 / (1 + Math.exp(-z));
  }

  predict(text: string, topK = 5): TextPrediction {
    const feats = textFeatures(text);
    let z = this.bias;
    const contrib = feats.map((f) => { const c = this.w[f.index]! * f.value; z += c; return { f, c }; });
    const p = 1 / (1 + Math.exp(-z));
    const ranked = contrib.filter((x) => x.c !== 0 && x.f.end > x.f.start).sort((a, b) => Math.abs(b.c) - Math.abs(a.c));
    const words = ranked.filter((x) => x.f.kind === 'word');
    const top = [...words.slice(0, topK), ...ranked.filter((x) => x.f.kind === 'char').slice(0, Math.max(0, topK - words.length))]
      .map((x) => ({ ngram: x.f.name, weight: Math.round(x.c * 1e4) / 1e4 }));
    const best = words.find((x) => x.c > 0);
    const evidence = best
      ? { start: best.f.start, end: best.f.end, quote: text.slice(best.f.start, best.f.end) }
      : { start: 0, end: text.length, quote: text };
    return { probability: p, isPositive: p >= this.threshold, topNgrams: top, evidence, model: TEXT_MODEL };
  }

  toJSON(): SerializedTextModel {
    const weights: [number, number][] = [];
    for (let i = 0; i < this.w.length; i++) if (Math.abs(this.w[i]!) > 1e-7) weights.push([i, this.w[i]!]);
    return { format: 'closeloop.text-classifier', version: 1, model: TEXT_MODEL, label: this.label, l2: this.l2, threshold: this.threshold, bias: this.bias, weights };
  }

  static fromJSON(json: unknown): TextClassifier {
    const parsed = SerializedTextModel.safeParse(typeof json === 'string' ? JSON.parse(json) : json);
    if (!parsed.success) throw new InvalidPayloadError(`not a closeloop text classifier: ${parsed.error.issues[0]?.message ?? 'invalid'}`, { where: 'text-classifier' });
    const w = new Float32Array(DIM);
    for (const [i, v] of parsed.data.weights) if (i >= 0 && i < DIM) w[i] = v;
    return new TextClassifier(parsed.data.label, parsed.data.l2, parsed.data.threshold, parsed.data.bias, w);
  }
}

/** Deterministic permutation (LCG-driven Fisher–Yates) so the same data gives the same model. */
function permutation(n: number, seed: number): Int32Array {
  const p = Int32Array.from({ length: n }, (_, i) => i);
  let s = seed >>> 0;
  for (let i = n - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    const t = p[i]!; p[i] = p[j]!; p[j] = t;
  }
  return p;
}

function fitWeights(feats: Feature[][], y: Uint8Array, l2: number, epochs: number): { w: Float32Array; bias: number } {
  const n = y.length;
  let pos = 0;
  for (const v of y) pos += v;
  const wPos = n / (2 * Math.max(1, pos));
  const wNeg = n / (2 * Math.max(1, n - pos));
  const w = new Float32Array(DIM);
  const g2 = new Float32Array(DIM);
  let bias = 0; let gb2 = 0;
  const eta = 0.5;
  for (let ep = 0; ep < epochs; ep++) {
    for (const i of permutation(n, 17 + ep)) {
      const f = feats[i]!;
      let z = bias;
      for (const x of f) z += w[x.index]! * x.value;
      const p = 1 / (1 + Math.exp(-z));
      const r = (y[i] === 1 ? wPos : wNeg) * (p - y[i]!);
      for (const x of f) {
        // Lazy L2: shrink only the touched weights (standard for sparse SGD).
        const g = r * x.value + l2 * w[x.index]!;
        g2[x.index]! += g * g;
        w[x.index]! -= (eta * g) / Math.sqrt(g2[x.index]! + 1e-8);
      }
      gb2 += r * r;
      bias -= (eta * r) / Math.sqrt(gb2 + 1e-8);
    }
  }
  return { w, bias };
}

function bestF1Threshold(p: number[], y: Uint8Array): { threshold: number; f1: number } {
  let best = { threshold: 0.5, f1: -1 };
  for (let t = 0.2; t <= 0.8001; t += 0.025) {
    let tp = 0; let fp = 0; let fn = 0;
    for (let i = 0; i < p.length; i++) {
      const yhat = p[i]! >= t ? 1 : 0;
      if (yhat && y[i]) tp++; else if (yhat) fp++; else if (y[i]) fn++;
    }
    const f1 = tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
    // Ties go to the threshold closest to 0.5 (balanced training makes 0.5 the natural cut).
    if (f1 > best.f1 + 1e-9 || (Math.abs(f1 - best.f1) <= 1e-9 && Math.abs(t - 0.5) < Math.abs(best.threshold - 0.5))) best = { threshold: Math.round(t * 1000) / 1000, f1 };
  }
  return best;
}

export const TEXT_L2_GRID = [1e-6, 1e-5, 1e-4] as const;

export interface TextTrainReport { l2: number; threshold: number; validationF1: number | null; holdout: 'latest 20%' | 'every 5th row' | 'none (too few rows of each class)' }

/** Train on labelled sentences (1 = has the signal). Throws InvalidPayloadError when a class is missing. */
export function trainTextClassifier(texts: string[], labels: ArrayLike<number>, opts: { label?: string; epochs?: number } = {}): { model: TextClassifier; report: TextTrainReport } {
  if (texts.length !== labels.length) throw new RangeError('texts and labels differ in length');
  const y = Uint8Array.from({ length: labels.length }, (_, i) => (labels[i] === 1 ? 1 : 0));
  const pos = y.reduce((s, v) => s + v, 0);
  if (pos === 0 || pos === y.length) throw new InvalidPayloadError('text classifier: training labels need both classes', { where: 'text-classifier' });
  const epochs = opts.epochs ?? 8;
  const feats = texts.map(textFeatures);
  // Hold out the latest 20 % (row order = time order). If that slice lacks a class (exports sorted by
  // label do this), fall back to every fifth row so the choice is still made on unseen rows.
  const n = texts.length;
  const hasBoth = (idx: number[]): boolean => idx.some((i) => y[i] === 1) && idx.some((i) => y[i] === 0);
  const all = Array.from({ length: n }, (_, i) => i);
  let validIdx = all.slice(n - Math.floor(n * 0.2));
  let fitIdx = all.slice(0, n - validIdx.length);
  let holdout: TextTrainReport['holdout'] = 'latest 20%';
  if (!hasBoth(validIdx) || !hasBoth(fitIdx)) {
    validIdx = all.filter((i) => i % 5 === 4);
    fitIdx = all.filter((i) => i % 5 !== 4);
    holdout = 'every 5th row';
  }
  let l2: number = 1e-5; let threshold = 0.5; let validationF1: number | null = null;
  if (validIdx.length >= 20 && hasBoth(validIdx) && hasBoth(fitIdx)) {
    const yFit = Uint8Array.from(fitIdx, (i) => y[i]!);
    const yValid = Uint8Array.from(validIdx, (i) => y[i]!);
    for (const candidate of TEXT_L2_GRID) {
      const { w, bias } = fitWeights(fitIdx.map((i) => feats[i]!), yFit, candidate, epochs);
      const clf = TextClassifier.create('', candidate, 0.5, bias, w);
      const p = validIdx.map((i) => clf.probability(texts[i]!));
      const r = bestF1Threshold(p, yValid);
      if (validationF1 === null || r.f1 > validationF1 + 1e-9) { validationF1 = r.f1; l2 = candidate; threshold = r.threshold; }
    }
  } else {
    holdout = 'none (too few rows of each class)';
  }
  const { w, bias } = fitWeights(feats, y, l2, epochs);
  return { model: TextClassifier.create(opts.label ?? 'positive', l2, threshold, bias, w), report: { l2, threshold, validationF1, holdout } };
}
